"""What blockers do when other contexts announce something (see core/events.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.blockers.models import Blocker, BlockerCategory, BlockerSeverity, BlockerStatus
from syncpoint.blockers.service import raise_blocker, resolve_by_source_prefix
from syncpoint.core.events import handles
from syncpoint.products.events import BlockerOutcome, Concern, SystemBlockersCalledFor

KIND = {
    Concern.SLA_BREACH: (BlockerCategory.SLA_BREACH, BlockerSeverity.HIGH),
    Concern.COMPUTE_CONTENTION: (BlockerCategory.COMPUTE_CONTENTION, BlockerSeverity.MEDIUM),
}


async def open_source_keys(session: AsyncSession, prefix: str) -> set[str]:
    """Source keys of the open system blockers starting with `prefix`."""
    rows = await session.scalars(
        select(Blocker.source_key).where(
            Blocker.source_key.like(f"{prefix}%"), Blocker.status == BlockerStatus.OPEN
        )
    )
    return {key for key in rows if key is not None}


@handles(SystemBlockersCalledFor)
async def reconcile_system_blockers(
    session: AsyncSession, event: SystemBlockersCalledFor
) -> BlockerOutcome:
    """Raise what the product's state calls for and is not open; resolve what it no longer
    calls for. Keys make it idempotent: publishing the same event twice raises nothing more."""
    category, severity = KIND[event.concern]
    open_keys = await open_source_keys(session, event.prefix)
    keep: set[str] = set()
    raised: list[int] = []
    for call in event.called_for:
        if call.source_key in open_keys:
            keep.add(call.source_key)
        elif call.raise_new:
            keep.add(call.source_key)
            blocker = await raise_blocker(
                session,
                category=category,
                severity=severity,
                title=call.title,
                description=call.description,
                item_id=call.item_id,
                source_key=call.source_key,
            )
            raised.append(blocker.id)
    resolved = await resolve_by_source_prefix(session, event.prefix, keep=keep, note=event.note)
    return BlockerOutcome(raised=raised, resolved=[b.id for b in resolved])
