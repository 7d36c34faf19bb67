"""Every query of cadences, service-level expectations, sprints and their outcomes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.cadence.models import (
    Cadence,
    CarryOver,
    ServiceLevelExpectation,
    Sprint,
    SprintOutcome,
    SprintState,
)
from syncpoint.core.loaders import group_by_key, rows_by_ids


async def cadences_by_team(session: AsyncSession, team_ids: Sequence[int]) -> list[list[Cadence]]:
    """Each team's cadence history, oldest first."""
    rows = await session.scalars(
        select(Cadence)
        .where(Cadence.team_id.in_(team_ids))
        .order_by(Cadence.effective_from, Cadence.id)
    )
    return group_by_key(list(rows), team_ids, "team_id")


async def sles_by_team(
    session: AsyncSession, team_ids: Sequence[int]
) -> list[list[ServiceLevelExpectation]]:
    """Each team's service-level expectations, oldest first."""
    rows = await session.scalars(
        select(ServiceLevelExpectation)
        .where(ServiceLevelExpectation.team_id.in_(team_ids))
        .order_by(ServiceLevelExpectation.effective_from, ServiceLevelExpectation.id)
    )
    return group_by_key(list(rows), team_ids, "team_id")


async def stored_sprints_by_team(
    session: AsyncSession, team_ids: Sequence[int]
) -> list[list[Sprint]]:
    """Every stored sprint (explicit or materialised) of each team, by start date."""
    rows = await session.scalars(
        select(Sprint).where(Sprint.team_id.in_(team_ids)).order_by(Sprint.start_date)
    )
    return group_by_key(list(rows), team_ids, "team_id")


sprints_by_ids = rows_by_ids(Sprint)


async def overlapping(session: AsyncSession, team_id: int, start: date, end: date) -> list[Sprint]:
    """Stored sprints of a team sharing a day with [start, end]."""
    rows = await session.scalars(
        select(Sprint)
        .where(Sprint.team_id == team_id, Sprint.start_date <= end, Sprint.end_date >= start)
        .order_by(Sprint.start_date)
    )
    return list(rows)


async def active_sprint(session: AsyncSession, team_id: int) -> Sprint | None:
    return await session.scalar(
        select(Sprint).where(Sprint.team_id == team_id, Sprint.state == SprintState.ACTIVE)
    )


async def last_closed_sprints(session: AsyncSession, team_id: int, count: int) -> list[Sprint]:
    """The team's `count` most recent closed sprints, newest first."""
    rows = await session.scalars(
        select(Sprint)
        .where(Sprint.team_id == team_id, Sprint.state == SprintState.CLOSED)
        .order_by(Sprint.start_date.desc())
        .limit(count)
    )
    return list(rows)


async def outcome_counts_by_sprint(
    session: AsyncSession, sprint_ids: Sequence[int]
) -> list[Counter[str]]:
    """Per sprint: how many planned items ended DONE, CARRIED_OVER, RETURNED, DROPPED."""
    rows = await session.execute(
        select(SprintOutcome.sprint_id, SprintOutcome.outcome, func.count())
        .where(SprintOutcome.sprint_id.in_(sprint_ids))
        .group_by(SprintOutcome.sprint_id, SprintOutcome.outcome)
    )
    counts: dict[int, Counter[str]] = {sprint_id: Counter() for sprint_id in sprint_ids}
    for sprint_id, outcome, n in rows.all():
        counts[sprint_id][str(outcome.value if hasattr(outcome, "value") else outcome)] = int(n)
    return [counts[sprint_id] for sprint_id in sprint_ids]


async def carry_overs_by_item(
    session: AsyncSession, item_ids: Sequence[int]
) -> list[list[CarryOver]]:
    rows = await session.scalars(
        select(CarryOver)
        .where(CarryOver.item_id.in_(item_ids))
        .order_by(CarryOver.at, CarryOver.id)
    )
    return group_by_key(list(rows), item_ids, "item_id")
