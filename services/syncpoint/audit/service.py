"""Reading and pruning the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.audit.models import AuditEntry, AuditKind, AuditObject


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor_person_id: int | None = None
    operation: str | None = None
    object_type: str | None = None
    object_id: int | None = None
    kind: AuditKind | None = None
    start: datetime | None = None
    end: datetime | None = None


def entries_query(f: AuditFilter) -> Select[Any]:
    """Entries matching `f` (`start` inclusive, `end` exclusive); the caller orders them."""
    stmt = select(AuditEntry)
    if f.actor_person_id is not None:
        stmt = stmt.where(AuditEntry.actor_person_id == f.actor_person_id)
    if f.operation is not None:
        stmt = stmt.where(AuditEntry.operation == f.operation)
    if f.kind is not None:
        stmt = stmt.where(AuditEntry.kind == f.kind)
    if f.start is not None:
        stmt = stmt.where(AuditEntry.at >= f.start)
    if f.end is not None:
        stmt = stmt.where(AuditEntry.at < f.end)
    if f.object_type is not None and f.object_id is not None:
        touched = select(AuditObject.entry_id).where(
            AuditObject.object_type == f.object_type, AuditObject.object_id == f.object_id
        )
        stmt = stmt.where(AuditEntry.id.in_(touched))
    return stmt


async def prune(session: AsyncSession, before: datetime, batch: int = 5000) -> int:
    """Delete entries older than `before`, in batches (their objects go with them)."""
    removed = 0
    while True:
        ids = list(
            await session.scalars(
                select(AuditEntry.id)
                .where(AuditEntry.at < before)
                .order_by(AuditEntry.id)
                .limit(batch)
            )
        )
        if not ids:
            return removed
        await session.execute(delete(AuditObject).where(AuditObject.entry_id.in_(ids)))
        await session.execute(delete(AuditEntry).where(AuditEntry.id.in_(ids)))
        removed += len(ids)
