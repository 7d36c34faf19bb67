# Syncpoint: `make run` serves the demo, `make test` runs lint and the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
MLFLOW_STAMP := .mlflow-server/.installed

.PHONY: run test lint format schema bench clean mlflow-server web

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/syncpoint db upgrade
	$(BIN)/syncpoint demo --if-empty
	$(BIN)/syncpoint demo-tokens
	$(BIN)/syncpoint serve

lint: $(DEV_STAMP)
	$(BIN)/ruff check services tests migrations benchmarks
	$(BIN)/ruff format --check services tests migrations benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint $(MLFLOW_STAMP)
	$(BIN)/pytest

# The MLflow tracking server the tests start, in its own environment (its graphene pins a
# graphql-core strawberry cannot use).
$(MLFLOW_STAMP):
	$(PYTHON) -m venv .mlflow-server
	.mlflow-server/bin/pip install --quiet 'mlflow>=2.10'
	@touch $@

mlflow-server: $(MLFLOW_STAMP)

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix services tests migrations benchmarks
	$(BIN)/ruff format services tests migrations benchmarks

# The director's view: rebuild the committed bundles in services/syncpoint/web/static from web/
# (npm ci installs exactly web/package-lock.json; tsc checks the JSDoc types).
web:
	cd web && npm ci --no-audit --no-fund && npm run typecheck && npm run build

schema: $(STAMP)
	$(BIN)/syncpoint export-schema > schema/schema.graphql

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@touch $@ $(DEV_STAMP) $(STAMP)

# `make bench` stays quick (demo size); `make bench LARGE=1` drives the 500-team organisation.
bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.run $(if $(LARGE),--large)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
