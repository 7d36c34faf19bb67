"""The sprint review: what was done, carried over and dropped, each experiment's outcome, the
trend of the metrics the team's acceptance criteria name across its last sprints, and the
dependencies delivered to and by other teams. Reads only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from syncpoint.analysis.model import RESEARCH_KINDS
from syncpoint.cadence import calendar
from syncpoint.cadence.calendar import SprintView
from syncpoint.cadence.models import CarryOver, SprintOutcome, SprintOutcomeKind
from syncpoint.core.errors import DomainError, ErrorCode, NotFoundError
from syncpoint.dependencies.models import Dependency
from syncpoint.work import repository as work_repo
from syncpoint.work.criteria import check_criterion, describe
from syncpoint.work.gate_models import ExperimentDesign
from syncpoint.work.models import (
    AcceptanceCriterion,
    BacklogItem,
    ItemStatus,
    MetricObservation,
)

MAX_SPRINTS = 12


@dataclass(frozen=True, slots=True)
class ReviewedItem:
    item: BacklogItem
    outcome: str
    """DONE, CARRIED_OVER, RETURNED, DROPPED, or OPEN while the sprint runs."""
    note: str = ""
    """The status note it was carried over with."""


@dataclass(frozen=True, slots=True)
class CriterionVerdict:
    text: str
    met: bool | None
    value: float | None


@dataclass(frozen=True, slots=True)
class ExperimentOutcome:
    item: BacklogItem
    outcome: str
    note: str
    latest: dict[str, float]
    criteria: list[CriterionVerdict]
    design: ExperimentDesign | None = None
    """Its design and, once it ended, its recorded result (`recordResearchResult`)."""


@dataclass(frozen=True, slots=True)
class TrendPoint:
    sprint: SprintView
    value: float | None
    """The sprint's latest observed value (None: not observed in it)."""
    delta: float | None
    """Change from the previous sprint that observed it."""


@dataclass(frozen=True, slots=True)
class MetricTrend:
    metric: str
    points: list[TrendPoint]


@dataclass(slots=True)
class SprintReview:
    sprint: SprintView
    items: list[ReviewedItem] = field(default_factory=list)
    experiments: list[ExperimentOutcome] = field(default_factory=list)
    trends: list[MetricTrend] = field(default_factory=list)
    delivered_to: list[Dependency] = field(default_factory=list)
    delivered_by: list[Dependency] = field(default_factory=list)

    def with_outcome(self, outcome: str) -> list[ReviewedItem]:
        return [i for i in self.items if i.outcome == outcome]


def _window(view: SprintView) -> tuple[datetime, datetime]:
    start = datetime.combine(view.start, time.min, UTC)
    return start, datetime.combine(view.end + timedelta(days=1), time.min, UTC)


async def _reviewed_items(session: AsyncSession, view: SprintView) -> list[ReviewedItem]:
    if view.stored_id is None:
        return []
    notes = {
        c.item_id: c.note
        for c in (
            await session.scalars(
                select(CarryOver).where(CarryOver.from_sprint_id == view.stored_id)
            )
        ).all()
    }
    outcomes = (
        await session.execute(
            select(BacklogItem, SprintOutcome.outcome)
            .join(SprintOutcome, SprintOutcome.item_id == BacklogItem.id)
            .where(SprintOutcome.sprint_id == view.stored_id)
            .order_by(BacklogItem.id)
        )
    ).all()
    if outcomes:
        return [
            ReviewedItem(item, outcome.value, notes.get(item.id, "")) for item, outcome in outcomes
        ]
    # Still running: what its items are now.
    items = (await work_repo.items_by_sprint(session, [view.stored_id]))[0]
    status_outcome = {
        ItemStatus.DONE: SprintOutcomeKind.DONE.value,
        ItemStatus.DROPPED: SprintOutcomeKind.DROPPED.value,
    }
    return [ReviewedItem(i, status_outcome.get(i.status, "OPEN")) for i in items]


async def _experiments(
    session: AsyncSession, reviewed: Sequence[ReviewedItem]
) -> list[ExperimentOutcome]:
    research = [r for r in reviewed if r.item.kind in RESEARCH_KINDS]
    ids = [r.item.id for r in research]
    if not ids:
        return []
    # One statement each for every research item's criteria, observations and design.
    criteria = await work_repo.criteria_by_item(session, ids)
    observations = await work_repo.observations_by_item(session, ids)
    designs = {
        d.item_id: d
        for d in await session.scalars(
            select(ExperimentDesign).where(ExperimentDesign.item_id.in_(ids))
        )
    }
    outcomes = []
    for r, item_criteria, newest_first in zip(research, criteria, observations, strict=True):
        latest: dict[str, float] = {}
        for observation in reversed(newest_first):
            latest.update({k: float(v) for k, v in (observation.values or {}).items()})
        verdicts = []
        for criterion in item_criteria:
            check = check_criterion(criterion, newest_first)
            verdicts.append(CriterionVerdict(describe(criterion), check.met, check.value))
        outcomes.append(
            ExperimentOutcome(r.item, r.outcome, r.note, latest, verdicts, designs.get(r.item.id))
        )
    return outcomes


async def _trends(
    session: AsyncSession, team_id: int, view: SprintView, last: int
) -> list[MetricTrend]:
    metrics = sorted(
        set(
            (
                await session.scalars(
                    select(AcceptanceCriterion.metric)
                    .join(BacklogItem, BacklogItem.id == AcceptanceCriterion.item_id)
                    .where(BacklogItem.team_id == team_id)
                )
            ).all()
        )
    )
    earliest = view.end - timedelta(days=calendar.MAX_RANGE_DAYS)
    sprints = [
        s
        for s in await calendar.team_sprints(session, team_id, earliest, view.end)
        if s.start <= view.start
    ][-last:]
    if not metrics or not sprints:
        return []
    since, until = _window(sprints[0])[0], _window(view)[1]
    observations = (
        await session.scalars(
            select(MetricObservation)
            .join(BacklogItem, BacklogItem.id == MetricObservation.item_id)
            .where(
                BacklogItem.team_id == team_id,
                MetricObservation.observed_at >= since,
                MetricObservation.observed_at < until,
            )
            .order_by(MetricObservation.observed_at, MetricObservation.id)
        )
    ).all()
    # sprint start -> metric -> the latest value observed in the sprint
    values: dict[date, dict[str, float]] = defaultdict(dict)
    for observation in observations:
        for sprint in sprints:
            lo, hi = _window(sprint)
            if lo <= observation.observed_at < hi:
                for metric, value in (observation.values or {}).items():
                    if metric in metrics:
                        values[sprint.start][metric] = float(value)
    trends = []
    for metric in metrics:
        points: list[TrendPoint] = []
        previous: float | None = None
        for sprint in sprints:
            value = values[sprint.start].get(metric)
            delta: float | None = None if value is None or previous is None else value - previous
            points.append(TrendPoint(sprint, value, delta))
            previous = value if value is not None else previous
        trends.append(MetricTrend(metric, points))
    return trends


async def _delivered(
    session: AsyncSession, team_id: int, view: SprintView
) -> tuple[list[Dependency], list[Dependency]]:
    consumer, provider = aliased(BacklogItem), aliased(BacklogItem)
    stmt = (
        select(Dependency, consumer.team_id, provider.team_id)
        .join(consumer, consumer.id == Dependency.consumer_item_id)
        .join(provider, provider.id == Dependency.provider_item_id)
        .where(
            consumer.team_id != provider.team_id,
            (consumer.team_id == team_id) | (provider.team_id == team_id),
            provider.status == ItemStatus.DONE,
            provider.finished_on >= view.start,
            provider.finished_on <= view.end,
        )
        .order_by(Dependency.id)
    )
    to_team: list[Dependency] = []
    by_team: list[Dependency] = []
    for dependency, consumer_team, _ in (await session.execute(stmt)).all():
        (to_team if consumer_team == team_id else by_team).append(dependency)
    return to_team, by_team


async def sprint_review(
    session: AsyncSession, team_id: int, node_id: str, *, last_sprints: int = 3
) -> SprintReview:
    """The review of a team's sprint; metric trends over its `last_sprints` sprints."""
    view = await calendar.sprint_by_node_id(session, node_id)
    if view is None:
        raise NotFoundError("That sprint does not exist.", field="sprintId")
    if view.team_id != team_id:
        raise DomainError(
            "That sprint belongs to another team.", field="sprintId", code=ErrorCode.INVALID
        )
    if not 1 <= last_sprints <= MAX_SPRINTS:
        raise DomainError(f"lastSprints must be 1 to {MAX_SPRINTS}.", field="lastSprints")
    review = SprintReview(view, await _reviewed_items(session, view))
    review.experiments = await _experiments(session, review.items)
    review.trends = await _trends(session, team_id, view, last_sprints)
    review.delivered_to, review.delivered_by = await _delivered(session, team_id, view)
    return review
