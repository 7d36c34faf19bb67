"""The data version: one database row that every committed change bumps.

Whatever is computed from the whole database (the analysis) is cached under the version it was
computed at. The version lives in the database, not in a process, so that several API processes
on one PostgreSQL share the truth: a change committed through any of them is seen by the next
request on every one.

A session counts its writes (ORM flushes and INSERT/UPDATE/DELETE statements) and, just before
it commits, runs ``UPDATE data_version SET version = version + 1`` in the same transaction, so the
bump is committed exactly when the change is. A read-only transaction bumps nothing.

The same transaction writes the change log (`data_changes`): the tables and row ids the version
touched (an ORM object's table and primary key; a bulk statement's table with no row; a write
nobody could see, no table at all). `changes_since` reads it back, so an analysis of an older
version can re-read only the rows that moved instead of the whole organisation. Every version
logs at least one row, which is how a reader knows the log is complete between two versions;
the log keeps the last `LOG_VERSIONS` versions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Table,
    delete,
    event,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from syncpoint.core.models import Base

ROW_ID = 1
# Tables whose writes change nothing a cached result is computed from (audit entries, tokens):
# registered by their contexts (core imports none of them), so writing them never bumps.
_UNVERSIONED: set[str] = set()
_WRITES = "syncpoint.data_version.writes"
_COMMITS = "syncpoint.data_version.commits"
_TOUCHED = "syncpoint.data_version.touched"
# Above this many rows of one table in one version, the log names the table only.
MAX_LOGGED_ROWS = 500
# How many versions the change log keeps (pruned every `_PRUNE_EVERY` versions).
LOG_VERSIONS = 5000
_PRUNE_EVERY = 500

data_version = Table(
    "data_version",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger, nullable=False, server_default="0"),
)

data_changes = Table(
    "data_changes",
    Base.metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("table_name", String(64), nullable=True),  # None: a write nobody could see
    Column("row_id", BigInteger, nullable=True),  # None: the whole table
    Index("ix_data_changes_version", "version"),
)
_UNVERSIONED.update({"data_version", "data_changes"})


@dataclass(frozen=True, slots=True)
class Changed:
    """What the versions after one version touched: row ids per table (None: the whole table).
    ``unknown``: some write named no table (or the log is incomplete): assume everything moved."""

    upto: int
    unknown: bool
    tables: dict[str, frozenset[int] | None]

    def rows(self, table: str) -> frozenset[int] | None:
        """The touched rows of a table (empty: untouched; None: all of it)."""
        if table not in self.tables:
            return frozenset()
        return self.tables[table]


async def changes_since(session: AsyncSession, version: int) -> Changed | None:
    """What every committed version after ``version`` touched, or None when the log cannot tell
    (pruned, or written by a process that kept none): then re-read everything."""
    rows = (
        await session.execute(
            select(data_changes.c.version, data_changes.c.table_name, data_changes.c.row_id).where(
                data_changes.c.version > version
            )
        )
    ).all()
    versions = {row.version for row in rows}
    upto = max(versions, default=version)
    if len(versions) != upto - version:
        return None  # a version in between logged nothing we can read
    unknown = False
    found: defaultdict[str, set[int] | None] = defaultdict(set)
    for row in rows:
        if row.table_name is None:
            unknown = True
            continue
        ids = found[row.table_name]
        if ids is None:
            continue
        if row.row_id is None or len(ids) >= MAX_LOGGED_ROWS:
            found[row.table_name] = None
        else:
            ids.add(int(row.row_id))
    tables = {t: (frozenset(ids) if ids is not None else None) for t, ids in found.items()}
    return Changed(upto=upto, unknown=unknown, tables=tables)


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


def mark_written(session: Session | AsyncSession) -> None:
    """Record a write the session cannot see (COPY on the raw driver connection, ...)."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    _count(sync)
    _touch(sync, None, None)


def _count(session: Session) -> None:
    session.info[_WRITES] = int(session.info.get(_WRITES, 0)) + 1


def _touch(session: Session, table: str | None, row_id: int | None) -> None:
    touched: set[tuple[str | None, int | None]] = session.info.setdefault(_TOUCHED, set())
    touched.add((table, row_id))


def _object_rows(obj: Any) -> list[tuple[str | None, int | None]]:
    try:
        mapper = inspect(obj).mapper
        # The key as flushed (a new object's identity is only set after the flush ends).
        key = mapper.primary_key_from_instance(obj)
        row_id = key[0] if len(key) == 1 and isinstance(key[0], int) else None
        return [(getattr(t, "name", None), row_id) for t in mapper.tables]
    except Exception:
        return [(None, None)]


def _log_rows(touched: Iterable[tuple[str | None, int | None]]) -> list[dict[str, Any]]:
    """The change-log rows of one version: per table its rows, or the table alone when a bulk
    statement touched it or it has too many rows."""
    by_table: defaultdict[str | None, set[int] | None] = defaultdict(set)
    for table, row_id in touched:
        if table in _UNVERSIONED:
            continue
        ids = by_table[table]
        if ids is None:
            continue
        if table is None or row_id is None or len(ids) >= MAX_LOGGED_ROWS:
            by_table[table] = None
        else:
            ids.add(row_id)
    rows: list[dict[str, Any]] = []
    for table, ids in by_table.items():
        if not ids:
            rows.append({"table_name": table, "row_id": None})
        else:
            rows.extend({"table_name": table, "row_id": i} for i in sorted(ids))
    return rows or [{"table_name": None, "row_id": None}]


class VersionedSession(Session):
    """The sync session under every `SerialSession`: counts writes, bumps the version on commit."""


@event.listens_for(VersionedSession, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    # The new/dirty/deleted collections still hold what this flush wrote.
    touched = [*session.new, *session.dirty, *session.deleted]
    if not touched:
        _count(session)
        _touch(session, None, None)
        return
    rows = [row for obj in touched for row in _object_rows(obj)]
    if _versioned(table for table, _ in rows):
        _count(session)
        for table, row_id in rows:
            _touch(session, table, row_id)


@event.listens_for(VersionedSession, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if _versioned([name]):
            _count(state.session)
            _touch(state.session, name, None)


@event.listens_for(VersionedSession, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the outer commit publishes (and bumps) once
    session.flush()  # objects added but never flushed are writes too
    if not session.info.get(_WRITES):
        session.info.pop(_TOUCHED, None)
        return
    # Within the committing transaction: readers see the new version together with the change,
    # and the change log with both.
    version = session.execute(
        update(data_version)
        .where(data_version.c.id == ROW_ID)
        .values(version=data_version.c.version + 1)
        .returning(data_version.c.version)
    ).scalar()
    touched = session.info.pop(_TOUCHED, set())
    if version is not None:
        session.execute(
            insert(data_changes), [{"version": version, **row} for row in _log_rows(touched)]
        )
        if version % _PRUNE_EVERY == 0:
            session.execute(
                delete(data_changes).where(data_changes.c.version <= version - LOG_VERSIONS)
            )
    session.info[_WRITES] = 0


@event.listens_for(VersionedSession, "after_rollback")
def _after_rollback(session: Session) -> None:
    if not session.in_transaction():
        session.info[_WRITES] = 0
        session.info.pop(_TOUCHED, None)


@event.listens_for(VersionedSession, "after_commit")
def _after_commit(session: Session) -> None:
    session.info[_COMMITS] = int(session.info.get(_COMMITS, 0)) + 1
