"""Retrospective figures over a team's last closed sprints, each with the items behind it:
estimation accuracy by kind (estimate vs the days from IN_PROGRESS to DONE in the item's
history), research carry-over rate, overruns of research time caps, blockers by category with
their blocked days, time waiting on other teams, cycle time against the team's published
service-level expectation (the share of items that finished within it), and for each status with
a WIP limit the days it held more items than the limit (from the items' status history). Reads
only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from syncpoint.analysis.model import RESEARCH_KINDS
from syncpoint.analysis.wip import over_limit
from syncpoint.blockers.models import Blocker, BlockerCategory
from syncpoint.cadence import repository as repo
from syncpoint.cadence.models import ServiceLevelExpectation, Sprint, SprintOutcome
from syncpoint.cadence.models import SprintOutcomeKind as Outcome
from syncpoint.core.clock import today
from syncpoint.core.errors import DomainError
from syncpoint.dependencies.models import Dependency
from syncpoint.quality import wip
from syncpoint.work.models import BacklogItem, ItemChange, ItemKind, ItemStatus

MAX_LAST_N = 26
KANBAN_WEEKS_PER_N = 2
"""A team without closed sprints (Kanban) is looked at over the last 2 x lastN weeks."""


@dataclass(frozen=True, slots=True)
class ItemDays:
    item: BacklogItem
    days: float | None
    """The figure's days for this item (actual, blocked, waited: see the figure)."""
    estimate: float | None = None


@dataclass(frozen=True, slots=True)
class KindAccuracy:
    kind: ItemKind
    items: list[ItemDays]

    @property
    def estimated(self) -> float:
        return sum(i.estimate or 0 for i in self.items)

    @property
    def actual(self) -> float:
        return sum(i.days or 0 for i in self.items)

    @property
    def ratio(self) -> float | None:
        """Actual days per estimated day (1.0: spot on; 1.5: half as long again)."""
        return self.actual / self.estimated if self.estimated else None


@dataclass(frozen=True, slots=True)
class BlockerFigure:
    category: BlockerCategory
    blocked_days: float
    blockers: list[Blocker]


@dataclass(frozen=True, slots=True)
class CycleTimeFigure:
    sle_days: int
    percentile: int
    items: list[ItemDays]

    @property
    def within(self) -> list[ItemDays]:
        return [i for i in self.items if i.days is not None and i.days <= self.sle_days]

    @property
    def share_within(self) -> float | None:
        return len(self.within) / len(self.items) if self.items else None


@dataclass(frozen=True, slots=True)
class WipFigure:
    """A status with a WIP limit over the period: the days it held more items than the limit,
    the items in it on those days (days: how many of them), and the limits a lead passed."""

    status: ItemStatus
    limit: int
    enforced: bool
    period_days: int
    days_over: list[date]
    peak: int
    items: list[ItemDays]
    overrides: list[ItemChange]
    item_of: dict[int, BacklogItem]
    """The items the overrides name."""

    @property
    def share_of_days_over(self) -> float | None:
        return len(self.days_over) / self.period_days if self.period_days else None


@dataclass(slots=True)
class Retrospective:
    team_id: int
    start: date
    end: date
    sprints: list[Sprint]
    accuracy: list[KindAccuracy] = field(default_factory=list)
    research: list[BacklogItem] = field(default_factory=list)
    carried_research: list[BacklogItem] = field(default_factory=list)
    overruns: list[ItemDays] = field(default_factory=list)
    blockers: list[BlockerFigure] = field(default_factory=list)
    waiting: list[ItemDays] = field(default_factory=list)
    cycle_time: CycleTimeFigure | None = None
    wip_limits: list[WipFigure] = field(default_factory=list)

    @property
    def research_carry_over_rate(self) -> float | None:
        return len(self.carried_research) / len(self.research) if self.research else None


def _at(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def _days(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds() / 86400, 2)


async def _work_spans(
    session: AsyncSession, item_ids: Sequence[int]
) -> dict[int, tuple[datetime, datetime]]:
    """Item id -> (first IN_PROGRESS, last DONE) from its history."""
    rows = await session.scalars(
        select(ItemChange)
        .where(
            ItemChange.item_id.in_(list(item_ids)),
            ItemChange.field == "status",
            ItemChange.new_value.in_([ItemStatus.IN_PROGRESS.value, ItemStatus.DONE.value]),
        )
        .order_by(ItemChange.at, ItemChange.id)
    )
    started: dict[int, datetime] = {}
    done: dict[int, datetime] = {}
    for change in rows.all():
        if change.new_value == ItemStatus.IN_PROGRESS.value:
            started.setdefault(change.item_id, change.at)
        else:
            done[change.item_id] = change.at
    return {i: (started[i], done[i]) for i in done if i in started and started[i] <= done[i]}


async def _period(
    session: AsyncSession, team_id: int, last_n: int
) -> tuple[list[Sprint], date, date]:
    sprints = list(reversed(await repo.last_closed_sprints(session, team_id, last_n)))
    if sprints:
        return sprints, sprints[0].start_date, sprints[-1].end_date
    end = today()
    return [], end - timedelta(weeks=KANBAN_WEEKS_PER_N * last_n), end


async def _items(
    session: AsyncSession, team_id: int, sprints: Sequence[Sprint], start: date, end: date
) -> tuple[list[BacklogItem], dict[int, list[Outcome]]]:
    """The items the period is about, with their sprint outcomes (Kanban: those finished in
    the period, no outcomes)."""
    if sprints:
        rows = (
            await session.execute(
                select(BacklogItem, SprintOutcome.outcome)
                .join(SprintOutcome, SprintOutcome.item_id == BacklogItem.id)
                .where(SprintOutcome.sprint_id.in_([s.id for s in sprints]))
                .order_by(BacklogItem.id)
            )
        ).all()
        outcomes: dict[int, list[Outcome]] = defaultdict(list)
        items: dict[int, BacklogItem] = {}
        for item, outcome in rows:
            items[item.id] = item
            outcomes[item.id].append(outcome)
        return list(items.values()), outcomes
    found = await session.scalars(
        select(BacklogItem)
        .where(
            BacklogItem.team_id == team_id,
            BacklogItem.finished_on >= start,
            BacklogItem.finished_on <= end,
        )
        .order_by(BacklogItem.id)
    )
    return list(found.all()), {}


async def _blockers(
    session: AsyncSession, team_id: int, start: date, end: date
) -> list[BlockerFigure]:
    lo, hi = _at(start), _at(end + timedelta(days=1))
    rows = await session.scalars(
        select(Blocker)
        .where(
            Blocker.team_id == team_id,
            Blocker.raised_at < hi,
            (Blocker.resolved_at.is_(None)) | (Blocker.resolved_at >= lo),
        )
        .order_by(Blocker.raised_at, Blocker.id)
    )
    by_category: dict[BlockerCategory, list[Blocker]] = defaultdict(list)
    days: dict[BlockerCategory, float] = defaultdict(float)
    for blocker in rows.all():
        until = min(blocker.resolved_at or hi, hi)
        by_category[blocker.category].append(blocker)
        days[blocker.category] += max(0.0, _days(max(blocker.raised_at, lo), until))
    figures = [BlockerFigure(c, round(days[c], 2), by_category[c]) for c in by_category]
    return sorted(figures, key=lambda f: (-f.blocked_days, f.category.value))


async def _waiting(
    session: AsyncSession, items: Sequence[BacklogItem], end: date
) -> list[ItemDays]:
    """Days the team's started items waited on another team's provider item: from the
    consumer's start to the provider's finish (or the period's end)."""
    started = {i.id: i for i in items if i.started_on is not None}
    if not started:
        return []
    consumer, provider = aliased(BacklogItem), aliased(BacklogItem)
    rows = (
        await session.execute(
            select(consumer.id, provider.finished_on)
            .select_from(Dependency)
            .join(consumer, consumer.id == Dependency.consumer_item_id)
            .join(provider, provider.id == Dependency.provider_item_id)
            .where(consumer.id.in_(list(started)), consumer.team_id != provider.team_id)
        )
    ).all()
    waited: dict[int, int] = defaultdict(int)
    for consumer_id, finished in rows:
        begin = started[consumer_id].started_on
        assert begin is not None
        delivered = finished or end
        waited[consumer_id] = max(waited[consumer_id], (delivered - begin).days)
    return [ItemDays(started[i], float(d)) for i, d in sorted(waited.items()) if d > 0]


async def _cycle_time(
    session: AsyncSession,
    team_id: int,
    items: Sequence[BacklogItem],
    spans: dict[int, tuple[datetime, datetime]],
    end: date,
) -> CycleTimeFigure | None:
    sle = await session.scalar(
        select(ServiceLevelExpectation)
        .where(
            ServiceLevelExpectation.team_id == team_id,
            ServiceLevelExpectation.effective_from <= end,
        )
        .order_by(ServiceLevelExpectation.effective_from.desc())
        .limit(1)
    )
    if sle is None:
        return None
    finished = [ItemDays(i, _days(*spans[i.id])) for i in items if i.id in spans]
    return CycleTimeFigure(sle.days, sle.percentile, finished)


async def _wip_limits(
    session: AsyncSession, team_id: int, start: date, end: date
) -> list[WipFigure]:
    """Per limited status, the days of [start, end] over its limit: three statements (the
    limits, the items, their status history) whatever the number of items."""
    limits = await wip.limits_of(session, team_id)
    if not limits:
        return []
    history = await wip.status_history(session, team_id, [row.status for row in limits])
    lo, hi = _at(start), _at(end + timedelta(days=1))
    figures = []
    for row in limits:
        found = over_limit(history.stays[row.status], row.max_items, start, end)
        prefix = f"{row.status.value}:"
        figures.append(
            WipFigure(
                status=row.status,
                limit=row.max_items,
                enforced=row.enforced,
                period_days=(end - start).days + 1,
                days_over=found.days,
                peak=found.peak,
                items=[
                    ItemDays(history.items[i], float(d)) for i, d in sorted(found.item_days.items())
                ],
                overrides=[
                    o
                    for o in history.overrides
                    if lo <= o.at < hi and (o.new_value or "").startswith(prefix)
                ],
                item_of=history.items,
            )
        )
    return figures


async def retrospective(session: AsyncSession, team_id: int, last_n: int) -> Retrospective:
    """The figures over the team's `last_n` closed sprints (Kanban: last 2 x `last_n` weeks)."""
    if not 1 <= last_n <= MAX_LAST_N:
        raise DomainError(f"lastN must be between 1 and {MAX_LAST_N}.", field="lastN")
    sprints, start, end = await _period(session, team_id, last_n)
    retro = Retrospective(team_id, start, end, sprints)
    items, outcomes = await _items(session, team_id, sprints, start, end)
    spans = await _work_spans(session, [i.id for i in items])
    by_kind: dict[ItemKind, list[ItemDays]] = defaultdict(list)
    for item in items:
        span = spans.get(item.id)
        if span is not None and item.estimate is not None:
            by_kind[item.kind].append(ItemDays(item, _days(*span), item.estimate))
        if item.kind in RESEARCH_KINDS:
            retro.research.append(item)
            if Outcome.CARRIED_OVER in outcomes.get(item.id, []):
                retro.carried_research.append(item)
            if span is not None and item.time_cap_days and _days(*span) > item.time_cap_days:
                retro.overruns.append(ItemDays(item, _days(*span), float(item.time_cap_days)))
    retro.accuracy = [KindAccuracy(kind, by_kind[kind]) for kind in sorted(by_kind)]
    retro.blockers = await _blockers(session, team_id, start, end)
    retro.waiting = await _waiting(session, items, end)
    retro.cycle_time = await _cycle_time(session, team_id, items, spans, end)
    retro.wip_limits = await _wip_limits(session, team_id, start, end)
    return retro
