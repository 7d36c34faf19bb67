"""The suite itself: parallel workers clean up after themselves, properties have no deadline,
and a PostgreSQL container comes from the module testcontainers names (no deprecation)."""

from __future__ import annotations

import importlib
import os
import sys
import warnings

from hypothesis import settings
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_CONTAINER_MODULE


def test_properties_have_no_deadline_under_load():
    assert settings.get_profile("ci").deadline is None
    if "HYPOTHESIS_PROFILE" not in os.environ:  # the ci profile is the default one
        assert settings().deadline is None


def test_the_postgres_container_module_is_not_deprecated():
    sys.modules.pop(POSTGRES_CONTAINER_MODULE, None)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        module = importlib.import_module(POSTGRES_CONTAINER_MODULE)
    assert hasattr(module, "PostgresContainer")


def test_the_suite_drops_only_the_databases_it_created(database_urls):
    from tests.conftest import postgres_databases
    from tests.support.databases import PostgresDatabases

    server = postgres_databases(database_urls)
    name = f"{make_url(server.worker_url).database}_kept"
    outside = PostgresDatabases(server.url("postgres"))
    outside.fresh(name)  # a database someone else made
    try:
        run = PostgresDatabases(server.url("postgres"))
        run.ensure(name)
        run.ensure(f"{name}_made")
        run.fresh(f"{name}_fresh")
        assert run.created == [f"{name}_made", f"{name}_fresh"]
        run.drop_created()
        assert run.exists(name)
        assert not run.exists(f"{name}_made")
        assert not run.exists(f"{name}_fresh")
    finally:
        outside.drop_created()
    assert not outside.exists(name)
