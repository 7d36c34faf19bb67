"""A team's daily digest: what its experiments showed since the last working day, which pipeline
and data blockers stand in its way, and which flags appeared on its dependencies. Reads only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.flag_types import Flag, SubjectKind
from syncpoint.analysis.model import RESEARCH_KINDS
from syncpoint.blockers.models import Blocker, BlockerCategory, BlockerStatus
from syncpoint.work.models import BacklogItem, ItemChange, ItemStatus, MetricObservation

# The blockers a standup names: an ML team's data and pipeline trouble.
DATA_AND_PIPELINE = (
    BlockerCategory.PIPELINE_FAILURE,
    BlockerCategory.DATA_QUALITY,
    BlockerCategory.WAITING_FOR_DATA,
)
ENDED = (ItemStatus.DONE.value, ItemStatus.DROPPED.value)


def last_working_day(day: date) -> date:
    """The weekday before `day` (Friday for a Monday)."""
    previous = day - timedelta(days=1)
    while previous.weekday() >= 5:
        previous -= timedelta(days=1)
    return previous


@dataclass(frozen=True, slots=True)
class ExperimentResult:
    """A research item that ended since the last working day."""

    item: BacklogItem
    status: ItemStatus
    note: str
    at: datetime


@dataclass(slots=True)
class Standup:
    team_id: int
    day: date
    since: date
    results: list[ExperimentResult] = field(default_factory=list)
    observations: list[tuple[BacklogItem, MetricObservation]] = field(default_factory=list)
    blockers: list[Blocker] = field(default_factory=list)
    new_flags: list[Flag] = field(default_factory=list)

    def text(self) -> str:
        """The digest in a few lines, for a chat message."""
        lines = [f"Standup {self.day.isoformat()} (since {self.since.isoformat()}):"]
        for r in self.results:
            note = f": {r.note}" if r.note else ""
            lines.append(f"- {r.item.key} {r.status.value.lower()}{note}")
        for item, observation in self.observations:
            values = ", ".join(f"{k} {v:g}" for k, v in sorted(observation.values.items()))
            lines.append(f"- {item.key} observed {values}")
        for blocker in self.blockers:
            category = blocker.category.value.lower().replace("_", " ")
            lines.append(f"- blocked ({category}): {blocker.title}")
        for flag in self.new_flags:
            lines.append(f"- new flag {flag.code.value}: {flag.message}")
        if len(lines) == 1:
            lines.append("- nothing new")
        return "\n".join(lines)


def new_dependency_flags(team_id: int, now: Sequence[Flag], before: Sequence[Flag]) -> list[Flag]:
    """Flags on the team's dependencies today that were not raised the last working day."""

    def mine(flags: Sequence[Flag]) -> list[Flag]:
        return [
            f for f in flags if f.subject_kind is SubjectKind.DEPENDENCY and team_id in f.team_ids
        ]

    seen = {(f.code, f.subject_id) for f in mine(before)}
    return [f for f in mine(now) if (f.code, f.subject_id) not in seen]


async def standup(
    session: AsyncSession,
    team_id: int,
    day: date,
    *,
    flags_now: Sequence[Flag] = (),
    flags_before: Sequence[Flag] = (),
) -> Standup:
    """The team's digest for `day`: from the start of the last working day to the end of `day`."""
    since = last_working_day(day)
    lo = datetime.combine(since, time.min, UTC)
    hi = datetime.combine(day + timedelta(days=1), time.min, UTC)
    digest = Standup(team_id, day, since)
    ended = await session.execute(
        select(BacklogItem, ItemChange)
        .join(ItemChange, ItemChange.item_id == BacklogItem.id)
        .where(
            BacklogItem.team_id == team_id,
            BacklogItem.kind.in_(sorted(RESEARCH_KINDS)),
            ItemChange.field == "status",
            ItemChange.new_value.in_(ENDED),
            ItemChange.at >= lo,
            ItemChange.at < hi,
        )
        .order_by(ItemChange.at, ItemChange.id)
    )
    digest.results = [
        ExperimentResult(item, ItemStatus(str(change.new_value)), change.note, change.at)
        for item, change in ended.all()
    ]
    observed = await session.execute(
        select(BacklogItem, MetricObservation)
        .join(MetricObservation, MetricObservation.item_id == BacklogItem.id)
        .where(
            BacklogItem.team_id == team_id,
            MetricObservation.observed_at >= lo,
            MetricObservation.observed_at < hi,
        )
        .order_by(MetricObservation.observed_at, MetricObservation.id)
    )
    digest.observations = [(item, obs) for item, obs in observed.all()]
    blockers = await session.scalars(
        select(Blocker)
        .where(
            Blocker.team_id == team_id,
            Blocker.category.in_(DATA_AND_PIPELINE),
            Blocker.raised_at < hi,
            or_(Blocker.status == BlockerStatus.OPEN, Blocker.resolved_at >= lo),
        )
        .order_by(Blocker.raised_at, Blocker.id)
    )
    digest.blockers = list(blockers.all())
    digest.new_flags = new_dependency_flags(team_id, flags_now, flags_before)
    return digest
