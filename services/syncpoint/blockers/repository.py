"""Every query of the blockers context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from syncpoint.blockers.models import (
    Blocker,
    BlockerCategory,
    BlockerEscalation,
    BlockerEvent,
    BlockerSeverity,
    BlockerStatus,
    EscalationLevel,
)
from syncpoint.core.loaders import rows_by_ids, rows_by_parent
from syncpoint.work.models import BacklogItem

SEVERITY_RANK = {
    BlockerSeverity.CRITICAL: 4,
    BlockerSeverity.HIGH: 3,
    BlockerSeverity.MEDIUM: 2,
    BlockerSeverity.LOW: 1,
}

# System blockers raised for a product (products.slo / products.compute) carry these key prefixes.
PRODUCT_SOURCE_PREFIXES = ("sla:{product_id}:", "contention:{product_id}:")


def severity_rank_column() -> ColumnElement[Any]:
    """CRITICAL 4 .. LOW 1, for ordering in SQL."""
    return case(*((Blocker.severity == sev, rank) for sev, rank in SEVERITY_RANK.items()), else_=0)


blockers_by_ids = rows_by_ids(Blocker)


events_by_ids = rows_by_ids(BlockerEvent)


def events_query() -> Select[Any]:
    """Every blocker event, for the pages of history under blockers."""
    return select(BlockerEvent)


escalations_by_blocker = rows_by_parent(
    BlockerEscalation, "blocker_id", BlockerEscalation.at, BlockerEscalation.id
)


open_blockers_by_item = rows_by_parent(
    Blocker, "item_id", Blocker.id, where=lambda: [Blocker.status == BlockerStatus.OPEN]
)


open_blockers_by_team = rows_by_parent(
    Blocker, "team_id", Blocker.id, where=lambda: [Blocker.status == BlockerStatus.OPEN]
)


@dataclass(frozen=True, slots=True)
class BlockerFilter:
    """Resolved filter: `forum_team_ids`/`forum_ids` come from the forum tree (None: no forum)."""

    team_ids: Sequence[int] | None = None
    forum_team_ids: Sequence[int] | None = None
    forum_ids: Sequence[int] | None = None
    categories: Sequence[BlockerCategory] | None = None
    severities: Sequence[BlockerSeverity] | None = None
    escalation_levels: Sequence[EscalationLevel] | None = None
    status: BlockerStatus | None = None
    raised_before: datetime | None = None
    product_id: int | None = None


def blockers_query(flt: BlockerFilter) -> Select[Any]:
    stmt = select(Blocker)
    if flt.team_ids is not None:
        stmt = stmt.where(Blocker.team_id.in_(flt.team_ids))
    if flt.forum_team_ids is not None or flt.forum_ids is not None:
        stmt = stmt.where(
            or_(
                Blocker.team_id.in_(flt.forum_team_ids or []),
                Blocker.forum_id.in_(flt.forum_ids or []),
            )
        )
    if flt.categories:
        stmt = stmt.where(Blocker.category.in_(list(flt.categories)))
    if flt.severities:
        stmt = stmt.where(Blocker.severity.in_(list(flt.severities)))
    if flt.escalation_levels:
        stmt = stmt.where(Blocker.escalation_level.in_(list(flt.escalation_levels)))
    if flt.status is not None:
        stmt = stmt.where(Blocker.status == flt.status)
    if flt.raised_before is not None:
        stmt = stmt.where(Blocker.raised_at <= flt.raised_before)
    if flt.product_id is not None:
        in_backlog = select(BacklogItem.id).where(BacklogItem.product_id == flt.product_id)
        raised_for = [
            Blocker.source_key.startswith(p.format(product_id=flt.product_id))
            for p in PRODUCT_SOURCE_PREFIXES
        ]
        stmt = stmt.where(or_(Blocker.item_id.in_(in_backlog), *raised_for))
    return stmt


async def list_blockers(session: AsyncSession, stmt: Select[Any]) -> list[Blocker]:
    return list(await session.scalars(stmt.order_by(Blocker.id)))
