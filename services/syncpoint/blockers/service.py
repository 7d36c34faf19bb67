"""The shared core of blockers: raising and resolving (by people or by the system).

Raising a blocker on an item marks the item BLOCKED; resolving its last open blocker restores the
status the item had before. Every change is appended to `blocker_events` (and the item's history)
through `record_event`, which also queues a live-update message published after the commit.
Actor-facing operations with permissions and escalation live in `blockers.actions`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.model import ItemStatus
from syncpoint.blockers.models import (
    Blocker,
    BlockerCategory,
    BlockerEvent,
    BlockerSeverity,
    BlockerStatus,
)
from syncpoint.core.errors import DomainError, ErrorCode, NotFoundError
from syncpoint.core.models import utcnow
from syncpoint.events import BlockerEventMessage, collect
from syncpoint.work.history import record_change
from syncpoint.work.models import BacklogItem


async def raise_blocker(
    session: AsyncSession,
    *,
    category: BlockerCategory,
    severity: BlockerSeverity,
    title: str,
    description: str = "",
    item_id: int | None = None,
    team_id: int | None = None,
    actor_id: int | None = None,
    owner_id: int | None = None,
    source_key: str | None = None,
    raised_at: datetime | None = None,
) -> Blocker:
    """Raise a blocker on an item or a team (permission checks are the caller's).

    `raised_at` backdates it (imports, the demo); default now."""
    if not title.strip():
        raise DomainError("A blocker needs a title.", field="title", code=ErrorCode.REQUIRED)
    item = None
    if item_id is not None:
        item = await session.get(BacklogItem, item_id)
        if item is None:
            raise NotFoundError(f"Item {item_id} does not exist.", field="itemId")
        team_id = item.team_id
    if team_id is None:
        raise DomainError(
            "Raise a blocker on an item or a team.", field="itemId", code=ErrorCode.REQUIRED
        )
    blocker = Blocker(
        title=title.strip(),
        description=description,
        category=category,
        severity=severity,
        item_id=item_id,
        team_id=team_id,
        raised_by_id=actor_id,
        owner_id=owner_id,
        source_key=source_key,
        raised_at=raised_at or utcnow(),
    )
    session.add(blocker)
    await session.flush()
    await record_event(
        session,
        blocker,
        "RAISED",
        actor_id=actor_id,
        note=f"{category.value} / {severity.value}: {blocker.title}",
        at=blocker.raised_at,
    )
    if item is not None:
        await _block_item(session, blocker, item, actor_id)
    await session.flush()
    return blocker


async def _block_item(
    session: AsyncSession, blocker: Blocker, item: BacklogItem, actor_id: int | None
) -> None:
    """Mark the item BLOCKED, remembering the status to restore (kept in its history)."""
    if item.status in (ItemStatus.DONE, ItemStatus.DROPPED):
        return
    if item.status is ItemStatus.BLOCKED:
        blocker.item_status_before = await _status_before_block(session, item.id)
        return
    blocker.item_status_before = item.status
    await record_change(
        session,
        item,
        "status",
        item.status,
        ItemStatus.BLOCKED,
        actor_id=actor_id,
        note=f"blocked: {blocker.title}",
    )
    item.status = ItemStatus.BLOCKED


async def record_event(
    session: AsyncSession,
    blocker: Blocker,
    kind: str,
    *,
    actor_id: int | None,
    field: str | None = None,
    old: str | None = None,
    new: str | None = None,
    note: str = "",
    at: datetime | None = None,
) -> BlockerEvent:
    """Append a history row and queue its live-update message (sent only if this commits)."""
    row = BlockerEvent(
        blocker_id=blocker.id,
        kind=kind,
        field=field,
        old_value=old,
        new_value=new,
        note=note,
        actor_id=actor_id,
        at=at or utcnow(),
    )
    session.add(row)
    await session.flush()
    collect(
        session,
        BlockerEventMessage(
            event_id=row.id,
            blocker_id=blocker.id,
            team_id=blocker.team_id,
            forum_id=blocker.forum_id,
            kind=kind,
        ),
    )
    return row


async def _status_before_block(session: AsyncSession, item_id: int) -> ItemStatus | None:
    """The pre-block status recorded by the item's earliest open blocker."""
    return await session.scalar(
        select(Blocker.item_status_before)
        .where(
            Blocker.item_id == item_id,
            Blocker.status == BlockerStatus.OPEN,
            Blocker.item_status_before.is_not(None),
        )
        .order_by(Blocker.id)
        .limit(1)
    )


async def resolve_blocker(
    session: AsyncSession,
    blocker: Blocker,
    *,
    actor_id: int | None,
    note: str = "",
    at: datetime | None = None,
) -> Blocker:
    """Resolve an open blocker; its item gets its previous status back once nothing blocks it."""
    if blocker.status is BlockerStatus.RESOLVED:
        raise DomainError(
            "This blocker is resolved already.", field="id", code=ErrorCode.INVALID_STATE
        )
    blocker.status = BlockerStatus.RESOLVED
    blocker.resolved_at = at or utcnow()
    await record_event(
        session,
        blocker,
        "RESOLVED",
        field="status",
        old="OPEN",
        new="RESOLVED",
        note=note,
        actor_id=actor_id,
        at=blocker.resolved_at,
    )
    if blocker.item_id is not None:
        await _restore_item(session, blocker, actor_id)
    return blocker


async def _restore_item(session: AsyncSession, blocker: Blocker, actor_id: int | None) -> None:
    still_open = await session.scalar(
        select(func.count()).where(
            Blocker.item_id == blocker.item_id, Blocker.status == BlockerStatus.OPEN
        )
    )
    item = await session.get(BacklogItem, blocker.item_id)
    if still_open or item is None or item.status is not ItemStatus.BLOCKED:
        return
    previous = blocker.item_status_before or ItemStatus.READY
    await record_change(
        session,
        item,
        "status",
        item.status,
        previous,
        actor_id=actor_id,
        note=f"unblocked: {blocker.title}",
    )
    item.status = previous
    await session.flush()


async def open_blocker_by_source(session: AsyncSession, source_key: str) -> Blocker | None:
    """The open system blocker raised for `source_key`, if any."""
    return await session.scalar(
        select(Blocker).where(
            Blocker.source_key == source_key, Blocker.status == BlockerStatus.OPEN
        )
    )


async def resolve_by_source_prefix(
    session: AsyncSession, prefix: str, *, keep: set[str], note: str
) -> list[Blocker]:
    """Resolve open system blockers whose key starts with `prefix`, except those in `keep`."""
    rows = await session.scalars(
        select(Blocker).where(
            Blocker.source_key.like(f"{prefix}%"), Blocker.status == BlockerStatus.OPEN
        )
    )
    resolved = []
    for blocker in rows:
        if blocker.source_key not in keep:
            resolved.append(await resolve_blocker(session, blocker, actor_id=None, note=note))
    return resolved
