"""`syncpoint db backup` / `db restore`: a round trip gives back every table, row for row."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from syncpoint.backup import BackupError, BackupKind, kind_of_file, restore
from syncpoint.cli import app
from syncpoint.core.db import make_engine
from syncpoint.core.settings import get_settings
from syncpoint.models_registry import Base

runner = CliRunner()


def _postgres_database(name: str) -> Iterator[str]:
    base = os.environ.get("SYNCPOINT_TEST_POSTGRES_URL")
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail("SYNCPOINT_TEST_POSTGRES_URL is unset; CI must run the PostgreSQL tests")
        pytest.skip("PostgreSQL unavailable: set SYNCPOINT_TEST_POSTGRES_URL")
    admin = make_url(base).set(database="postgres")
    url = make_url(base).set(database=name).render_as_string(hide_password=False)

    async def run(statement: str) -> None:
        engine = make_engine(admin.render_as_string(hide_password=False), pool=False)
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield url
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"])
    else:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        urls = _postgres_database(f"syncpoint_backup_test_{worker}")
    url = next(urls)
    monkeypatch.setenv("SYNCPOINT_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        yield url
    finally:
        get_settings.cache_clear()
        for _ in urls:  # runs the PostgreSQL database's clean-up
            pass


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def every_table(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the models declare, plus Alembic's revision, in a stable order."""

    async def read() -> dict[str, list[tuple[Any, ...]]]:
        engine = make_engine(url, pool=False)
        tables: dict[str, list[tuple[Any, ...]]] = {}
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            assert set(Base.metadata.tables) <= set(names)
            for table in Base.metadata.sorted_tables:
                rows = (await conn.execute(select(table))).all()
                tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
            version = await conn.execute(text("SELECT version_num FROM alembic_version"))
            tables["alembic_version"] = [tuple(row) for row in version]
        await engine.dispose()
        return tables

    return asyncio.run(read())


def damage(url: str) -> None:
    async def run() -> None:
        engine = make_engine(url, pool=False)
        async with engine.begin() as conn:
            # The last table in dependency order: no other table refers to its rows.
            await conn.execute(Base.metadata.sorted_tables[-1].delete())
            await conn.execute(text("UPDATE teams SET name = name || ' (renamed)'"))
        await engine.dispose()

    asyncio.run(run())


def test_round_trip_gives_back_every_table(database: str, tmp_path: Path) -> None:
    invoke("db", "upgrade")
    invoke("demo")
    before = every_table(database)
    assert sum(len(rows) for rows in before.values()) > 500
    path = tmp_path / "backups" / "syncpoint.backup"

    out = invoke("db", "backup", str(path))
    assert "backup written" in out
    assert kind_of_file(path) is (
        BackupKind.SQLITE if database.startswith("sqlite") else BackupKind.POSTGRESQL
    )
    damage(database)
    damaged = every_table(database)
    assert damaged != before  # the comparison below can fail

    invoke("db", "restore", str(path), "--yes")
    assert every_table(database) == before


def test_restore_refuses_a_file_that_is_not_a_backup(database: str, tmp_path: Path) -> None:
    invoke("db", "upgrade")
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    result = runner.invoke(app, ["db", "restore", str(bogus), "--yes"])
    assert result.exit_code == 1
    assert "not a Syncpoint backup" in result.output
    missing = runner.invoke(app, ["db", "restore", str(tmp_path / "absent"), "--yes"])
    assert missing.exit_code == 1
    assert "No backup at" in missing.output


def test_restore_refuses_a_backup_of_the_other_database(tmp_path: Path) -> None:
    sqlite_backup = tmp_path / "sqlite.backup"
    sqlite_backup.write_bytes(b"SQLite format 3\x00" + bytes(100))
    with pytest.raises(BackupError, match="is a sqlite backup; the configured database is post"):
        restore("postgresql+asyncpg://postgres@127.0.0.1/none", sqlite_backup)
    pg_backup = tmp_path / "pg.backup"
    pg_backup.write_bytes(b"PGDMP" + bytes(100))
    with pytest.raises(BackupError, match="is a postgresql backup"):
        restore(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", pg_backup)


def test_restore_asks_before_replacing(database: str, tmp_path: Path) -> None:
    invoke("db", "upgrade")
    path = tmp_path / "b.backup"
    invoke("db", "backup", str(path))
    declined = runner.invoke(app, ["db", "restore", str(path)], input="n\n")
    assert declined.exit_code == 1
    assert "Aborted" in declined.output
