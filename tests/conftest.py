"""Test fixtures: the suite runs against SQLite and PostgreSQL, schema built by the migrations.

PostgreSQL comes from SYNCPOINT_TEST_POSTGRES_URL, else from testcontainers when a Docker engine
answers; otherwise its tests are skipped with the reason, except under CI=true where that fails.
Each test runs inside a transaction that is rolled back at the end.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from syncpoint import migrate
from syncpoint.api import create_app
from syncpoint.core.db import SerialSession, make_engine, make_sessionmaker
from syncpoint.core.settings import Settings
from tests.support.api import ApiClient

BACKENDS = ["sqlite", "postgresql"]


def _postgres_url(stack: ExitStack) -> str:
    url = os.environ.get("SYNCPOINT_TEST_POSTGRES_URL")
    if url:
        return url
    reason = "PostgreSQL unavailable: set SYNCPOINT_TEST_POSTGRES_URL or run a Docker engine"
    try:
        from testcontainers.postgres import PostgresContainer

        container = stack.enter_context(PostgresContainer("postgres:16-alpine", driver="asyncpg"))
        return str(container.get_connection_url())
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} ({exc}); CI must run the PostgreSQL tests", pytrace=False)
        pytest.skip(f"{reason} ({type(exc).__name__})")
    raise AssertionError("unreachable")


def _reset_postgres(url: str) -> None:
    async def reset() -> None:
        engine = make_engine(url, pool=False)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(reset())


@pytest.fixture(scope="session")
def database_urls() -> Iterator[dict[str, Any]]:
    """Lazily created databases, migrated to head once per test session."""
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        cache: dict[str, Any] = {"_stack": stack, "_tmp": tmp}
        yield cache


def migrated_url(cache: dict[str, Any], backend: str) -> str:
    if backend in cache:
        return str(cache[backend])
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{Path(cache['_tmp']) / 'test.db'}"
    else:
        url = _postgres_url(cache["_stack"])
        _reset_postgres(url)
    migrate.upgrade(Settings(), "head", url=url)
    cache[backend] = url
    return url


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
async def engine(backend: str, database_urls: dict[str, Any]) -> AsyncIterator[AsyncEngine]:
    url = await asyncio.to_thread(migrated_url, database_urls, backend)
    eng = make_engine(url)
    yield eng
    await eng.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside an outer transaction, rolled back after the test."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        yield conn
        await outer.rollback()


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> Any:
    # Commits inside the app only release SAVEPOINTs of the test's outer transaction.
    return make_sessionmaker(connection, join_transaction_mode="create_savepoint")


@pytest.fixture
async def session(sessionmaker: Any) -> AsyncIterator[SerialSession]:
    async with sessionmaker() as s:
        yield s


@pytest.fixture
def settings() -> Settings:
    return Settings(environment="development", allow_anonymous_read=False)


@pytest.fixture
async def api(
    sessionmaker: Any, settings: Settings, session: SerialSession
) -> AsyncIterator[ApiClient]:
    """A client posting real GraphQL through the real ASGI app."""
    app = create_app(settings, sessionmaker=sessionmaker)
    app.state.migration_heads = migrate.migration_heads(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield ApiClient(client, session)


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any) -> None:
        self.count += 1


@pytest.fixture
def count_statements(connection: AsyncConnection) -> Iterator[StatementCounter]:
    """Counts SQL statements sent on the test's connection."""
    counter = StatementCounter()
    sync_engine = connection.sync_engine
    event.listen(sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(sync_engine, "before_cursor_execute", counter)
