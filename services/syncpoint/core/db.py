"""Database engine and sessions.

GraphQL resolves sibling fields concurrently, but one AsyncSession cannot run two statements at
once; `SerialSession` serialises its I/O per request with a task-reentrant lock so DataLoaders and
resolvers can share the request's single session (one transaction per request).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
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
    """AsyncSession whose statements never overlap, even when resolvers run concurrently."""

    sync_session_class = VersionedSession  # every commit with writes bumps the data version

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._io_lock = _ReentrantLock()

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        async with self._io_lock.hold():
            return await super().execute(*args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        async with self._io_lock.hold():
            return await super().scalar(*args, **kwargs)

    async def scalars(self, *args: Any, **kwargs: Any) -> Any:
        async with self._io_lock.hold():
            return await super().scalars(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        async with self._io_lock.hold():
            return await super().get(*args, **kwargs)

    async def flush(self, objects: Any = None) -> None:
        async with self._io_lock.hold():
            await super().flush(objects)

    async def refresh(self, *args: Any, **kwargs: Any) -> None:
        async with self._io_lock.hold():
            await super().refresh(*args, **kwargs)

    async def commit(self) -> None:
        async with self._io_lock.hold():
            await super().commit()

    async def rollback(self) -> None:
        async with self._io_lock.hold():
            await super().rollback()

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


def _sqlite_setup(engine: AsyncEngine) -> None:
    # pysqlite's legacy transaction handling breaks SAVEPOINT; take over BEGIN ourselves
    # (the recipe from SQLAlchemy's SQLite dialect documentation).
    sync_engine: Engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str, *, echo: bool = False, pool: bool = True) -> AsyncEngine:
    """Create the async engine for `url` with the dialect-specific setup Syncpoint relies on."""
    kwargs: dict[str, Any] = {"echo": echo}
    if not pool:
        kwargs["poolclass"] = NullPool
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        _sqlite_setup(engine)
    return engine


def make_sessionmaker(bind: Any, **kwargs: Any) -> async_sessionmaker[SerialSession]:
    """Session factory producing `SerialSession`s that keep objects usable after commit."""
    return async_sessionmaker(bind=bind, class_=SerialSession, expire_on_commit=False, **kwargs)
