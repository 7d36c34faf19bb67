"""`syncpoint import ...` and `syncpoint export backstage` on a fresh SQLite file, with the
example files the README shows."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

import syncpoint.models_registry  # noqa: F401
from syncpoint.audit.models import AuditEntry
from syncpoint.cli import app
from syncpoint.core.db import make_engine, make_sessionmaker
from syncpoint.core.settings import get_settings
from syncpoint.teams.models import Team
from tests.imports.catalogs import INVALID

EXAMPLES = Path(__file__).parents[2] / "examples"
runner = CliRunner()


@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SYNCPOINT_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    yield url
    get_settings.cache_clear()


def _count(url: str, model: type) -> int:
    async def count() -> int:
        engine = make_engine(url, pool=False)
        async with make_sessionmaker(engine)() as session:
            found = int(await session.scalar(select(func.count()).select_from(model)) or 0)
        await engine.dispose()
        return found

    return asyncio.run(count())


def test_a_dry_run_prints_the_plan_and_apply_writes_it_once(fresh_db: str) -> None:
    catalog = str(EXAMPLES / "backstage" / "catalog-info.yaml")

    dry = runner.invoke(app, ["import", "backstage", catalog])
    teams_after_dry_run = _count(fresh_db, Team)
    applied = runner.invoke(app, ["import", "backstage", catalog, "--apply"])
    again = runner.invoke(app, ["import", "backstage", catalog, "--apply"])

    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing written" in dry.output
    assert "feature-platform" in dry.output
    assert teams_after_dry_run == 0
    assert applied.exit_code == 0, applied.output
    assert "13 created" in applied.output
    assert _count(fresh_db, Team) == 2
    assert "0 created, 0 updated, 13 unchanged" in again.output
    assert _count(fresh_db, AuditEntry) == 2


def test_every_example_imports_and_the_organisation_exports(fresh_db: str, tmp_path: Path) -> None:
    runs = [
        ["import", "backstage", str(EXAMPLES / "backstage"), "--apply"],
        ["import", "team-api", str(EXAMPLES / "team-api"), "--apply"],
        ["import", "dependencies", str(EXAMPLES / "dependencies.csv"), "--apply", "--strict"],
        [
            "import",
            "jira",
            str(EXAMPLES / "jira" / "issues.csv"),
            "--mapping",
            str(EXAMPLES / "jira" / "mapping.yaml"),
            "--apply",
        ],
        ["export", "backstage", str(tmp_path / "out")],
    ]

    results = [runner.invoke(app, args) for args in runs]

    for args, result in zip(runs, results, strict=True):
        assert result.exit_code == 0, (args, result.output)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "catalog-info.yaml",
        "groups.yaml",
        "people.yaml",
        "products.yaml",
        "work.yaml",
    ]
    assert "ranking-work" in (tmp_path / "out" / "work.yaml").read_text()


def test_strict_exits_non_zero_and_writes_nothing(fresh_db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(INVALID)

    result = runner.invoke(
        app, ["import", "backstage", str(EXAMPLES / "backstage"), str(bad), "--apply", "--strict"]
    )

    assert result.exit_code == 1
    assert "Nothing written" in result.output
    assert "spec.owner" in result.output
    assert _count(fresh_db, Team) == 0
