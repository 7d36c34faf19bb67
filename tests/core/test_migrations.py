"""Migrations upgrade from empty to head and back down to empty, on both databases."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from sqlalchemy import inspect

from syncpoint import migrate
from syncpoint.core.db import make_engine
from syncpoint.core.models import Base
from syncpoint.core.settings import Settings
from syncpoint.models_registry import Base as RegisteredBase


async def _tables(url: str) -> set[str]:
    engine = make_engine(url, pool=False)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


def _fresh_url(backend: str, tmp_path: Path, database_urls: dict) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'updown.db'}"
    from tests.conftest import fresh_url

    return fresh_url(database_urls, "postgresql", "_updown")  # dropped at the session's end


@pytest.mark.parametrize("backend_name", ["sqlite", "postgresql"])
def test_upgrade_to_head_and_down_to_empty(backend_name, tmp_path, database_urls):
    if backend_name == "postgresql" and not os.environ.get("SYNCPOINT_TEST_POSTGRES_URL"):
        from tests.conftest import migrated_url

        migrated_url(database_urls, "postgresql")  # skips (or fails under CI) with the reason
    url = _fresh_url(backend_name, tmp_path, database_urls)
    settings = Settings()
    migrate.upgrade(settings, "head", url=url)
    assert asyncio.run(_tables(url)) == set(RegisteredBase.metadata.tables)
    migrate.downgrade(settings, "base", url=url)
    assert asyncio.run(_tables(url)) == set()
    migrate.upgrade(settings, "head", url=url)
    assert asyncio.run(_tables(url)) == set(Base.metadata.tables)
