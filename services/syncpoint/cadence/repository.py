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
from syncpoint.core.loaders import rows_by_ids, rows_by_parent

# Each team's cadence history, oldest first.
cadences_by_team = rows_by_parent(Cadence, "team_id", Cadence.effective_from, Cadence.id)


# Each team's service-level expectations, oldest first.
sles_by_team = rows_by_parent(
    ServiceLevelExpectation,
    "team_id",
    ServiceLevelExpectation.effective_from,
    ServiceLevelExpectation.id,
)


# Every stored sprint (explicit or materialised) of each team, by start date.
stored_sprints_by_team = rows_by_parent(Sprint, "team_id", Sprint.start_date)


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


carry_overs_by_item = rows_by_parent(CarryOver, "item_id", CarryOver.at, CarryOver.id)
