"""Every query of the Scrum-of-Scrums context: meetings, action items and what agendas read
(the forum structure is queried in `syncpoint.forums.repository`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.model import CLOSED_STATUSES, RESEARCH_KINDS
from syncpoint.blockers.models import Blocker, BlockerCategory, BlockerStatus, EscalationLevel
from syncpoint.core.loaders import rows_by_ids, rows_by_parent
from syncpoint.products.models import Product, ProductSubscription
from syncpoint.scrum_of_scrums.models import (
    ActionItem,
    ActionItemStatus,
    Decision,
    Meeting,
    MeetingNote,
)
from syncpoint.work.models import BacklogItem

meetings_by_ids = rows_by_ids(Meeting)


action_items_by_ids = rows_by_ids(ActionItem)


def meetings_query() -> Select[Any]:
    """Every meeting, for the pages under forums."""
    return select(Meeting)


notes_by_meeting = rows_by_parent(MeetingNote, "meeting_id", MeetingNote.at, MeetingNote.id)


decisions_by_meeting = rows_by_parent(Decision, "meeting_id", Decision.id)


action_items_by_meeting = rows_by_parent(ActionItem, "meeting_id", ActionItem.id)


def action_items_query(
    *,
    forum_ids: Sequence[int] | None,
    owner_id: int | None,
    status: ActionItemStatus | None,
) -> Select[Any]:
    stmt = select(ActionItem)
    if forum_ids is not None:
        stmt = stmt.where(ActionItem.forum_id.in_(forum_ids))
    if owner_id is not None:
        stmt = stmt.where(ActionItem.owner_id == owner_id)
    if status is not None:
        stmt = stmt.where(ActionItem.status == status)
    return stmt


async def open_action_items(session: AsyncSession, forum_id: int) -> list[ActionItem]:
    return list(
        await session.scalars(
            select(ActionItem)
            .where(ActionItem.forum_id == forum_id, ActionItem.status == ActionItemStatus.OPEN)
            .order_by(ActionItem.due_on, ActionItem.id)
        )
    )


async def previous_meeting(session: AsyncSession, forum_id: int, before: date) -> Meeting | None:
    """The latest meeting of the forum held strictly before `before`."""
    return await session.scalar(
        select(Meeting)
        .where(Meeting.forum_id == forum_id, Meeting.date < before)
        .order_by(Meeting.date.desc())
        .limit(1)
    )


async def meeting_on(session: AsyncSession, forum_id: int, day: date) -> Meeting | None:
    return await session.scalar(
        select(Meeting).where(Meeting.forum_id == forum_id, Meeting.date == day)
    )


async def carried_over_research(
    session: AsyncSession, team_ids: Sequence[int], min_carry_overs: int
) -> list[BacklogItem]:
    """Open experiments and spikes of the teams carried over at least `min_carry_overs` times."""
    return list(
        await session.scalars(
            select(BacklogItem)
            .where(
                BacklogItem.team_id.in_(team_ids),
                BacklogItem.kind.in_(sorted(RESEARCH_KINDS)),
                BacklogItem.status.not_in(sorted(CLOSED_STATUSES)),
                BacklogItem.carry_over_count >= min_carry_overs,
            )
            .order_by(BacklogItem.id)
        )
    )


async def agenda_blockers(
    session: AsyncSession,
    forum_id: int,
    team_ids: Sequence[int],
    forum_ids: Sequence[int],
    direct_team_ids: Sequence[int],
    since: date,
    system_categories: Sequence[BlockerCategory],
) -> list[Blocker]:
    """The open blockers of the teams or forums (the forum's scope and subtree) an agenda can
    make a topic of, by id: held at this forum, raised by the system or of one of the agenda's
    system categories (listed whoever raised them and when), or raised at team level by a
    direct member team since `since` (a day early: the agenda compares UTC dates itself).
    Of 3,800 open blockers in the busiest forum's scope at 500 teams, the few hundred that
    can become a topic, not every one as a row."""
    raised_from = datetime.combine(since - timedelta(days=1), time.min, tzinfo=UTC)
    return list(
        await session.scalars(
            select(Blocker)
            .where(
                Blocker.status == BlockerStatus.OPEN,
                or_(Blocker.team_id.in_(team_ids), Blocker.forum_id.in_(forum_ids)),
                or_(
                    Blocker.forum_id == forum_id,
                    Blocker.category.in_(system_categories),
                    Blocker.source_key.is_not(None),
                    (Blocker.team_id.in_(direct_team_ids))
                    & (Blocker.escalation_level == EscalationLevel.TEAM)
                    & (Blocker.raised_at >= raised_from),
                ),
            )
            .order_by(Blocker.id)
        )
    )


async def consumed_products(
    session: AsyncSession, team_ids: Sequence[int]
) -> list[tuple[Product, list[int]]]:
    """Live products the teams subscribe to now, each with its subscribed teams among them."""
    rows = await session.execute(
        select(Product, ProductSubscription.team_id)
        .join(ProductSubscription, ProductSubscription.product_id == Product.id)
        .where(
            ProductSubscription.team_id.in_(team_ids),
            ProductSubscription.until.is_(None),
            Product.archived_at.is_(None),
        )
        .order_by(Product.id, ProductSubscription.team_id)
    )
    grouped: dict[int, tuple[Product, list[int]]] = {}
    for product, team_id in rows.all():
        grouped.setdefault(product.id, (product, []))[1].append(team_id)
    return list(grouped.values())
