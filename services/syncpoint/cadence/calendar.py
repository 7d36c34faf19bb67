"""A team's sprints as users see them: generated from its cadences, merged with stored sprints.

Stored sprints (explicit ones, and generated ones materialised when work was planned in them or
they were started or closed) win over generated ones (the analysis engine's `TeamCalendar` rule),
so a stored sprint keeps its dates whatever cadence change comes later. Every sprint is named by
"<team_id>:<start ISO date>", stable before and after it is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis import calendar as cal
from syncpoint.cadence import repository as repo
from syncpoint.cadence.models import Cadence, Sprint, SprintState
from syncpoint.core.errors import DomainError, ErrorCode

# Longest range of sprints one request may list (about two years).
MAX_RANGE_DAYS = 2 * 366


@dataclass(frozen=True, slots=True)
class SprintView:
    """One sprint of a team, generated or stored (`stored` is its row when it has one)."""

    team_id: int
    start: date
    end: date
    stored: Sprint | None = None

    @property
    def node_id(self) -> str:
        return sprint_node_id(self.team_id, self.start)

    @property
    def explicit(self) -> bool:
        return self.stored is not None and self.stored.explicit

    @property
    def state(self) -> SprintState:
        return self.stored.state if self.stored is not None else SprintState.PLANNED

    @property
    def version(self) -> int:
        """The stored row's version; 0 for a generated sprint never stored."""
        return self.stored.version if self.stored is not None else 0

    @property
    def span(self) -> cal.SprintSpan:
        return cal.SprintSpan(self.start, self.end, self.explicit, self.stored_id)

    @property
    def stored_id(self) -> int | None:
        return self.stored.id if self.stored is not None else None

    @property
    def label(self) -> str:
        return sprint_label(self.start, self.end)


def sprint_label(start: date, end: date) -> str:
    """How history rows name a sprint: '2027-02-01..2027-02-14'."""
    return f"{start.isoformat()}..{end.isoformat()}"


def sprint_node_id(team_id: int, start: date) -> str:
    return f"{team_id}:{start.isoformat()}"


def parse_node_id(node_id: str) -> tuple[int, date] | None:
    """(team id, start date) of "<team_id>:<start ISO date>", or None when malformed."""
    team, _, day = node_id.partition(":")
    if not team.isdigit():
        return None
    try:
        return int(team), date.fromisoformat(day)
    except ValueError:
        return None


def to_cadence(row: Cadence) -> cal.Cadence:
    return cal.Cadence(row.length_days, row.anchor, row.effective_from)


def to_span(row: Sprint) -> cal.SprintSpan:
    return cal.SprintSpan(row.start_date, row.end_date, explicit=True, ref=row.id)


def calendar_for(cadences: Sequence[Cadence], stored: Sequence[Sprint]) -> cal.TeamCalendar:
    """The engine's calendar of a team: its cadence history plus every stored sprint."""
    return cal.TeamCalendar([to_cadence(c) for c in cadences], [to_span(s) for s in stored])


def merged(
    team_id: int,
    calendar: cal.TeamCalendar,
    stored: Sequence[Sprint],
    start: date,
    end: date,
) -> list[SprintView]:
    """The team's sprints intersecting [start, end], stored rows attached where they exist."""
    rows = {s.id: s for s in stored}
    return [
        SprintView(team_id, span.start, span.end, rows.get(span.ref) if span.ref else None)
        for span in calendar.sprints(start, end)
    ]


def starting_on(
    team_id: int, calendar: cal.TeamCalendar, stored: Sequence[Sprint], start: date
) -> SprintView | None:
    """The team's sprint that starts on `start`, if there is one."""
    for view in merged(team_id, calendar, stored, start, start):
        if view.start == start:
            return view
    return None


def check_range(start: date, end: date) -> None:
    """Refuse reversed ranges and ranges longer than MAX_RANGE_DAYS."""
    if end < start:
        raise DomainError(
            f"The range ends ({end}) before it starts ({start}).",
            field="to",
            code=ErrorCode.INVALID_DATE_RANGE,
        )
    if (end - start).days > MAX_RANGE_DAYS:
        raise DomainError(
            f"Ask for at most {MAX_RANGE_DAYS} days of sprints at once.",
            field="to",
            code=ErrorCode.INVALID_DATE_RANGE,
        )


async def _load(session: AsyncSession, team_id: int) -> tuple[cal.TeamCalendar, list[Sprint]]:
    cadences = (await repo.cadences_by_team(session, [team_id]))[0]
    stored = (await repo.stored_sprints_by_team(session, [team_id]))[0]
    return calendar_for(cadences, stored), stored


async def team_sprints(
    session: AsyncSession, team_id: int, start: date, end: date
) -> list[SprintView]:
    """A team's sprints (generated and stored) intersecting [start, end], sorted by start."""
    check_range(start, end)
    calendar, stored = await _load(session, team_id)
    return merged(team_id, calendar, stored, start, end)


async def sprint_on(session: AsyncSession, team_id: int, day: date) -> SprintView | None:
    """The team's sprint that contains `day`, if any."""
    calendar, stored = await _load(session, team_id)
    views = merged(team_id, calendar, stored, day, day)
    return views[0] if views else None


async def sprint_by_node_id(session: AsyncSession, node_id: str) -> SprintView | None:
    """Resolve "<team_id>:<start ISO date>" to the sprint starting that day, if any."""
    parsed = parse_node_id(node_id)
    if parsed is None:
        return None
    team_id, start = parsed
    calendar, stored = await _load(session, team_id)
    return starting_on(team_id, calendar, stored, start)


async def next_sprint(session: AsyncSession, view: SprintView) -> SprintView | None:
    """The team's first sprint starting after `view` ends."""
    calendar, stored = await _load(session, view.team_id)
    start = calendar.next_start_on_or_after(view.end + timedelta(days=1))
    return starting_on(view.team_id, calendar, stored, start) if start is not None else None


async def views_by_node_ids(
    session: AsyncSession, node_ids: Sequence[str]
) -> list[SprintView | None]:
    """Batch: sprints by "<team_id>:<start>" ids (None where no sprint starts that day)."""
    parsed = [parse_node_id(node_id) for node_id in node_ids]
    team_ids = sorted({p[0] for p in parsed if p is not None})
    if not team_ids:
        return [None for _ in node_ids]
    cadences = await repo.cadences_by_team(session, team_ids)
    stored = await repo.stored_sprints_by_team(session, team_ids)
    calendars = {
        team_id: (calendar_for(c, s), s)
        for team_id, c, s in zip(team_ids, cadences, stored, strict=True)
    }
    views: list[SprintView | None] = []
    for p in parsed:
        if p is None:
            views.append(None)
            continue
        calendar, rows = calendars[p[0]]
        views.append(starting_on(p[0], calendar, rows, p[1]))
    return views


async def materialise(
    session: AsyncSession, view: SprintView, *, name: str = "", goal: str = ""
) -> Sprint:
    """The stored row of a sprint, storing a generated sprint first (with `name`, `goal`)."""
    if view.stored is not None:
        return view.stored
    sprint = Sprint(
        team_id=view.team_id,
        start_date=view.start,
        end_date=view.end,
        explicit=False,
        name=name,
        goal=goal,
        state=SprintState.PLANNED,
    )
    session.add(sprint)
    await session.flush()
    return sprint
