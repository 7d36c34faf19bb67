"""Test fixtures: the suite runs against SQLite and PostgreSQL, schema built by the migrations.

PostgreSQL comes from SYNCPOINT_TEST_POSTGRES_URL, else from testcontainers when a Docker engine
answers; otherwise its tests are skipped with the reason, except under CI=true where that fails.
Each test runs inside a transaction that is rolled back at the end.

Under pytest-xdist (`-n auto --dist loadgroup`, the default addopts) every worker has its own
databases (tests/support/databases.py). The demo organisation is loaded once per backend into a
database of its own and shared by the tests that use `demo_session` (dated DEMO_DAY) or `demo_api`
(dated today): the tests of one demo and backend are grouped on one worker. Each of them still runs
in a transaction rolled back at the end.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from syncpoint import migrate
from syncpoint.api import create_app
from syncpoint.core.clock import today
from syncpoint.core.db import SerialSession, make_engine, make_sessionmaker
from syncpoint.core.settings import Settings
from syncpoint.demo import database_is_empty, load_demo
from tests.support.api import ApiClient
from tests.support.databases import WORKER, PostgresDatabases

pytest_plugins = ["tests.support.xdist_groups"]

BACKENDS = ["sqlite", "postgresql"]
# The day the shared demo (`demo_session`) is dated around, as the demo tests expect.
DEMO_DAY = date(2027, 1, 20)
DEMO_FIXTURES = frozenset({"demo_session", "demo_api"})
# The module testcontainers' deprecation warning names (testcontainers.postgres is deprecated).
POSTGRES_CONTAINER_MODULE = "testcontainers.community.postgres"

# Deadlines measure the machine, not the code: one property failed on a deadline under load.
hypothesis_settings.register_profile("ci", deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The tests on one shared demo (fixture and backend) run on one worker, which loads it once;
    # the other demos load on other workers meanwhile.
    for item in items:
        demos = sorted(DEMO_FIXTURES & set(getattr(item, "fixturenames", ())))
        if demos:
            params = getattr(item, "callspec", None)
            backend = params.params.get("backend", "") if params else ""
            item.add_marker(pytest.mark.xdist_group(f"{'+'.join(demos)}-{backend}"))


def _postgres_url(stack: ExitStack) -> str:
    url = os.environ.get("SYNCPOINT_TEST_POSTGRES_URL")
    if url:
        return url
    reason = "PostgreSQL unavailable: set SYNCPOINT_TEST_POSTGRES_URL or run a Docker engine"
    try:
        PostgresContainer = importlib.import_module(POSTGRES_CONTAINER_MODULE).PostgresContainer

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
    """Lazily created databases, migrated to head once per test session (and worker)."""
    prefix = f"syncpoint-{WORKER or 'main'}-"
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        cache: dict[str, Any] = {"_stack": stack, "_tmp": tmp}
        try:
            yield cache
        finally:
            if "_pg" in cache:
                cache["_pg"].drop_created()


def postgres_databases(cache: dict[str, Any]) -> PostgresDatabases:
    """The PostgreSQL server of this session; skips (or fails under CI) when there is none."""
    if "_pg" not in cache:
        cache["_pg"] = PostgresDatabases(_postgres_url(cache["_stack"]))
    databases: PostgresDatabases = cache["_pg"]
    return databases


def migrated_url(cache: dict[str, Any], backend: str) -> str:
    if backend in cache:
        return str(cache[backend])
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{Path(cache['_tmp']) / 'test.db'}"
    else:
        url = postgres_databases(cache).worker_url
        _reset_postgres(url)
    migrate.upgrade(Settings(), "head", url=url)
    cache[backend] = url
    return url


def fresh_url(cache: dict[str, Any], backend: str, suffix: str) -> str:
    """An empty database of this worker's, named after its test database plus `suffix`; on
    PostgreSQL it is dropped at the end of the session."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{Path(cache['_tmp']) / f'test{suffix}.db'}"
    databases = postgres_databases(cache)
    return databases.fresh(f"{make_url(databases.worker_url).database}{suffix}")


class DemoDatabases:
    """The demo organisation, loaded on first use per (backend, day) into a database of its own."""

    def __init__(self, cache: dict[str, Any]) -> None:
        self.cache = cache
        self.engines: dict[tuple[str, date], AsyncEngine] = {}

    async def engine(self, backend: str, as_of: date) -> AsyncEngine:
        key = (backend, as_of)
        if key not in self.engines:
            url = await asyncio.to_thread(fresh_url, self.cache, backend, f"_demo_{as_of:%Y%m%d}")
            await asyncio.to_thread(migrate.upgrade, Settings(), "head", url=url)
            engine = make_engine(url)
            async with make_sessionmaker(engine)() as session:
                assert await database_is_empty(session)
                await load_demo(session, as_of=as_of)
                await session.commit()
            self.engines[key] = engine
        return self.engines[key]

    async def dispose(self) -> None:
        for engine in self.engines.values():
            await engine.dispose()


@pytest.fixture(scope="session")
async def demo_databases(database_urls: dict[str, Any]) -> AsyncIterator[DemoDatabases]:
    demos = DemoDatabases(database_urls)
    yield demos
    await demos.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
async def engine(backend: str, database_urls: dict[str, Any]) -> AsyncIterator[AsyncEngine]:
    url = await asyncio.to_thread(migrated_url, database_urls, backend)
    eng = make_engine(url)
    yield eng
    await eng.dispose()


@asynccontextmanager
async def rolled_back(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside an outer transaction, rolled back at the end."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        yield conn
        await outer.rollback()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside an outer transaction, rolled back after the test."""
    async with rolled_back(engine) as conn:
        yield conn


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


@cache
def _migration_heads() -> frozenset[str]:
    return frozenset(migrate.migration_heads(Settings()))


@asynccontextmanager
async def api_client(
    sessionmaker: Any, settings: Settings, session: SerialSession
) -> AsyncIterator[ApiClient]:
    app = create_app(settings, sessionmaker=sessionmaker)
    app.state.migration_heads = set(_migration_heads())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield ApiClient(client, session, app)


@pytest.fixture
async def api(
    sessionmaker: Any, settings: Settings, session: SerialSession
) -> AsyncIterator[ApiClient]:
    """A client posting real GraphQL through the real ASGI app."""
    async with api_client(sessionmaker, settings, session) as client:
        yield client


@pytest.fixture
async def demo_session(backend: str, demo_databases: DemoDatabases) -> AsyncIterator[SerialSession]:
    """A session on the demo organisation dated around DEMO_DAY, loaded once per backend; what the
    test writes is rolled back."""
    engine = await demo_databases.engine(backend, DEMO_DAY)
    async with rolled_back(engine) as conn:
        maker = make_sessionmaker(conn, join_transaction_mode="create_savepoint")
        async with maker() as session:
            yield session


@pytest.fixture
async def demo_api(
    backend: str, demo_databases: DemoDatabases, settings: Settings
) -> AsyncIterator[ApiClient]:
    """The API over the demo organisation as of today (what `make run` serves), loaded once per
    backend; what the test writes is rolled back."""
    engine = await demo_databases.engine(backend, today())
    async with rolled_back(engine) as conn:
        maker = make_sessionmaker(conn, join_transaction_mode="create_savepoint")
        async with maker() as session, api_client(maker, settings, session) as client:
            yield client


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
