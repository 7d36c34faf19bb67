"""The data version: one database row that every committed change bumps.

Whatever is computed from the whole database (the analysis) is cached under the version it was
computed at. The version lives in the database, not in a process, so that several API processes
on one PostgreSQL share the truth: a change committed through any of them is seen by the next
request on every one.

A session counts its writes (ORM flushes and INSERT/UPDATE/DELETE statements) and, just before
it commits, runs ``UPDATE data_version SET version = version + 1`` in the same transaction, so the
bump is committed exactly when the change is. A read-only transaction bumps nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, Table, event, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from syncpoint.core.models import Base

ROW_ID = 1
# Tables whose writes change nothing a cached result is computed from (audit entries, tokens):
# registered by their contexts (core imports none of them), so writing them never bumps.
_UNVERSIONED: set[str] = set()
_WRITES = "syncpoint.data_version.writes"
_COMMITS = "syncpoint.data_version.commits"

data_version = Table(
    "data_version",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger, nullable=False, server_default="0"),
)


def pending_writes(session: Session | AsyncSession) -> int:
    """How many writes this session made that its next commit will publish (0: none)."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    return int(sync.info.get(_WRITES, 0))


def commit_count(session: Session | AsyncSession) -> int:
    """How many times this session committed (a version read before a commit is stale after)."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    return int(sync.info.get(_COMMITS, 0))


async def current_version(session: AsyncSession) -> int | None:
    """The committed data version, in one cheap statement; None when the row is missing (then
    nothing bumps it, so nothing may be cached under it)."""
    value = await session.scalar(select(data_version.c.version).where(data_version.c.id == ROW_ID))
    return int(value) if value is not None else None


def register_unversioned(*table_names: str) -> None:
    """Declare tables whose writes do not move the data version (nothing cached reads them)."""
    _UNVERSIONED.update(table_names)


def _versioned(tables: Iterable[str | None]) -> bool:
    # An unknown table (None) counts: a missed bump would serve stale results.
    return any(name is None or name not in _UNVERSIONED for name in tables)


def _object_tables(obj: Any) -> list[str | None]:
    try:
        return [getattr(t, "name", None) for t in inspect(obj).mapper.tables]
    except Exception:
        return [None]


def mark_written(session: Session | AsyncSession) -> None:
    """Record a write the session cannot see (COPY on the raw driver connection, ...)."""
    _count(session.sync_session if isinstance(session, AsyncSession) else session)


def _count(session: Session) -> None:
    session.info[_WRITES] = int(session.info.get(_WRITES, 0)) + 1


class VersionedSession(Session):
    """The sync session under every `SerialSession`: counts writes, bumps the version on commit."""


@event.listens_for(VersionedSession, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    # The new/dirty/deleted collections still hold what this flush wrote.
    touched = [*session.new, *session.dirty, *session.deleted]
    if not touched or _versioned(t for obj in touched for t in _object_tables(obj)):
        _count(session)


@event.listens_for(VersionedSession, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if _versioned([getattr(table, "name", None)]):
            _count(state.session)


@event.listens_for(VersionedSession, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the outer commit publishes (and bumps) once
    session.flush()  # objects added but never flushed are writes too
    if not session.info.get(_WRITES):
        return
    # Within the committing transaction: readers see the new version together with the change.
    session.execute(
        update(data_version)
        .where(data_version.c.id == ROW_ID)
        .values(version=data_version.c.version + 1)
    )
    session.info[_WRITES] = 0


@event.listens_for(VersionedSession, "after_rollback")
def _after_rollback(session: Session) -> None:
    if not session.in_transaction():
        session.info[_WRITES] = 0


@event.listens_for(VersionedSession, "after_commit")
def _after_commit(session: Session) -> None:
    session.info[_COMMITS] = int(session.info.get(_COMMITS, 0)) + 1
