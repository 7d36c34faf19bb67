"""Database engine and sessions.

GraphQL resolves sibling fields concurrently, but one AsyncSession cannot run two statements at
once; `SerialSession` serialises its I/O per request with a task-reentrant lock so DataLoaders and
resolvers can share the request's single session (one transaction per request).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from syncpoint.core.data_version import VersionedSession


class _ReentrantLock:
    """An asyncio lock that the task holding it may take again."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._depth = 0

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if self._owner is task and task is not None:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        async with self._lock:
            self._owner, self._depth = task, 1
            try:
                yield
            finally:
                self._owner, self._depth = None, 0


class SerialSession(AsyncSession):
    """AsyncSession whose statements never overlap, even when resolvers run concurrently.

    Every async method of AsyncSession is guarded (found by introspection below, so a method
    added by a new SQLAlchemy release is guarded too).
    """

    sync_session_class = VersionedSession  # every commit with writes bumps the data version

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._io_lock = _ReentrantLock()

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Run a block in a SAVEPOINT: on error only that block's changes are undone.

        The lock is taken per statement, not for the whole block: work the block waits for may
        run in another task (a DataLoader batch) and must still reach the session.
        """
        async with self._io_lock.hold():
            nested = await self.begin_nested()
        try:
            yield
        except BaseException:
            async with self._io_lock.hold():
                await nested.rollback()
            raise
        else:
            async with self._io_lock.hold():
                await nested.commit()


def _guard(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(method)
    async def guarded(self: SerialSession, *args: Any, **kwargs: Any) -> Any:
        async with self._io_lock.hold():
            return await method(self, *args, **kwargs)

    guarded.__serialised__ = True  # type: ignore[attr-defined]
    return guarded


def async_instance_methods(cls: type) -> dict[str, Callable[..., Awaitable[Any]]]:
    """The coroutine methods of `cls` called on an instance (class and static methods left out,
    and the async context dunders, which hand `close()` to another task)."""
    methods = {}
    for name in dir(cls):
        if name.startswith("__"):
            continue
        static = inspect.getattr_static(cls, name)
        if isinstance(static, classmethod | staticmethod):
            continue
        if inspect.iscoroutinefunction(static):
            methods[name] = static
    return methods


for _name, _method in async_instance_methods(AsyncSession).items():
    setattr(SerialSession, _name, _guard(_method))


# The execution option a session's connection carries to make SQLite's BEGIN take the write
# lock up front (see `begin_write`).
BEGIN_MODE = "syncpoint_sqlite_begin"


async def begin_write(session: AsyncSession) -> None:
    """Make the rest of the session's work one write transaction.

    On SQLite a deferred transaction that reads and then writes fails at once with "database is
    locked" when another writer got in between; BEGIN IMMEDIATE takes the write lock first, and
    waits its turn (busy timeout) instead. The read-only work done so far (authentication) is
    committed first. PostgreSQL locks rows, so nothing changes there.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    await session.commit()
    await session.connection(execution_options={BEGIN_MODE: "IMMEDIATE"})


def _sqlite_setup(engine: AsyncEngine, busy_timeout_s: float) -> None:
    # pysqlite's legacy transaction handling breaks SAVEPOINT; take over BEGIN ourselves
    # (the recipe from SQLAlchemy's SQLite dialect documentation).
    sync_engine: Engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        # WAL: readers never block the writer nor the writer readers (a no-op in memory).
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(BEGIN_MODE, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(
    url: str,
    *,
    echo: bool = False,
    pool: bool = True,
    busy_timeout_s: float = 30.0,
    pool_size: int | None = None,
    pool_timeout_s: float | None = None,
) -> AsyncEngine:
    """Create the async engine for `url` with the dialect-specific setup Syncpoint relies on.

    `busy_timeout_s`: how long a SQLite writer waits for the write lock before giving up.
    `pool_size`/`pool_timeout_s` (PostgreSQL): pooled connections, and how long a checkout
    waits before raising sqlalchemy's pool TimeoutError (answered 503 by `core.faults`).
    """
    kwargs: dict[str, Any] = {"echo": echo}
    if pool and not url.startswith("sqlite"):
        if pool_size is not None:
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = pool_size
        if pool_timeout_s is not None:
            kwargs["pool_timeout"] = pool_timeout_s
    if not pool:
        kwargs["poolclass"] = NullPool
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": busy_timeout_s}
    else:
        # A connection killed since its last use is replaced before a request gets it.
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        _sqlite_setup(engine, busy_timeout_s)
    return engine


def make_sessionmaker(bind: Any, **kwargs: Any) -> async_sessionmaker[SerialSession]:
    """Session factory producing `SerialSession`s that keep objects usable after commit."""
    return async_sessionmaker(bind=bind, class_=SerialSession, expire_on_commit=False, **kwargs)
