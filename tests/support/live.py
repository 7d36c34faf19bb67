"""A committed database of its own per backend, for tests of concurrent requests and faults
(the usual rolled-back test transaction cannot show two transactions meeting)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from syncpoint import migrate
from syncpoint.api import create_app
from syncpoint.auth.service import create_token
from syncpoint.core.auth import Role
from syncpoint.core.db import make_engine
from syncpoint.core.settings import Settings
from tests.conftest import migrated_url


def _create_postgres_database(base_url: str, name: str) -> str:
    async def create() -> None:
        engine = make_engine(base_url, pool=False)
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await engine.dispose()

    asyncio.run(create())
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def live_url(backend: str, database_urls: dict[str, Any]) -> str:
    """A migrated database that only these tests write to (and commit in)."""
    key = f"live-{backend}"
    if key not in database_urls:
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{Path(database_urls['_tmp']) / 'live.db'}"
        else:
            base = migrated_url(database_urls, "postgresql")
            url = _create_postgres_database(base, f"{make_url(base).database}_live")
        migrate.upgrade(Settings(), "head", url=url)
        database_urls[key] = url
    return str(database_urls[key])


@asynccontextmanager
async def live_app(
    url: str, *, busy_timeout_s: float = 30.0, **settings: Any
) -> AsyncIterator[tuple[FastAPI, AsyncEngine]]:
    """The real app on its own engine and pool, as `syncpoint serve` builds it."""
    engine = make_engine(url, busy_timeout_s=busy_timeout_s)
    app = create_app(Settings(environment="development", **settings), engine=engine)
    app.state.migration_heads = migrate.migration_heads(app.state.settings)
    try:
        yield app, engine
    finally:
        await engine.dispose()


async def issue_token(app: FastAPI, role: Role, person_id: int | None = None) -> str:
    async with app.state.sessionmaker() as session:
        issued = await create_token(session, role=role, person_id=person_id, days=1)
        await session.commit()
        return issued.secret


def client(app: FastAPI, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    )
