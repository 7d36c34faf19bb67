"""Rules of cadences, service-level expectations and sprints (planning, starting, closing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.model import CLOSED_STATUSES, RESEARCH_KINDS, Framework
from syncpoint.cadence import calendar
from syncpoint.cadence import repository as repo
from syncpoint.cadence.calendar import SprintView, sprint_label
from syncpoint.cadence.models import (
    Cadence,
    CarryOver,
    ServiceLevelExpectation,
    Sprint,
    SprintOutcome,
    SprintOutcomeKind,
    SprintState,
)
from syncpoint.core.auth import Actor, policy
from syncpoint.core.clock import today
from syncpoint.core.errors import (
    DomainError,
    DuplicateError,
    ErrorCode,
    NotFoundError,
    Problems,
    check_version,
)
from syncpoint.core.models import utcnow
from syncpoint.teams.models import Team
from syncpoint.work import repository as work_repo
from syncpoint.work.history import record_change
from syncpoint.work.models import BacklogItem, ItemStatus
from syncpoint.work.service import TEAM_WORK, get_item, get_team

SET_CADENCE = policy("setCadence", **TEAM_WORK)
SET_SLE = policy("setServiceLevelExpectation", **TEAM_WORK)
CREATE_SPRINT = policy("createSprint", **TEAM_WORK)
UPDATE_SPRINT = policy("updateSprint", **TEAM_WORK)
PLAN_ITEM = policy("planItem", **TEAM_WORK)
START_SPRINT = policy("startSprint", **TEAM_WORK)
CLOSE_SPRINT = policy("closeSprint", **TEAM_WORK)

MAX_SPRINT_DAYS = 90


def _plans_in_sprints(team: Team, field: str = "teamId") -> None:
    if team.framework is Framework.KANBAN:
        raise DomainError(
            f"{team.name} works Kanban: it has no sprints (publish a service-level expectation).",
            field=field,
            code=ErrorCode.INVALID_STATE,
        )


async def set_cadence(
    session: AsyncSession,
    actor: Actor,
    *,
    team_id: int,
    length_days: int,
    anchor: date,
    effective_from: date | None = None,
) -> Cadence:
    """Give a Scrum/hybrid team a sprint rhythm from `effective_from` on (default: the anchor).

    Append-only: earlier cadences and every stored sprint keep their dates.
    """
    team = await get_team(session, team_id)
    actor.require_team(SET_CADENCE, team.id)
    _plans_in_sprints(team)
    if not 1 <= length_days <= MAX_SPRINT_DAYS:
        raise DomainError(f"A sprint lasts 1 to {MAX_SPRINT_DAYS} days.", field="lengthDays")
    start = effective_from or anchor
    history = (await repo.cadences_by_team(session, [team.id]))[0]
    if history and start < history[-1].effective_from:
        raise DomainError(
            f"The current cadence applies from {history[-1].effective_from}; a change must "
            "apply from that day or later.",
            field="effectiveFrom",
            code=ErrorCode.INVALID_DATE_RANGE,
        )
    if history and start == history[-1].effective_from:
        raise DuplicateError(
            f"A cadence already applies from {start}; choose a later day.", field="effectiveFrom"
        )
    cadence = Cadence(
        team_id=team.id,
        length_days=length_days,
        anchor=anchor,
        effective_from=start,
        created_by_id=actor.person_id,
    )
    session.add(cadence)
    await session.flush()
    return cadence


async def set_sle(
    session: AsyncSession,
    actor: Actor,
    *,
    team_id: int,
    percentile: int,
    days: int,
    effective_from: date | None = None,
) -> ServiceLevelExpectation:
    """Publish a team's service-level expectation ("85% of items within 10 days"), append-only."""
    team = await get_team(session, team_id)
    actor.require_team(SET_SLE, team.id)
    problems = Problems()
    if not 1 <= percentile <= 100:
        problems.add("percentile", "percentile must be between 1 and 100.")
    if not 1 <= days <= 365:
        problems.add("days", "days must be between 1 and 365.")
    problems.raise_if_any()
    start = effective_from or today()
    history = (await repo.sles_by_team(session, [team.id]))[0]
    if any(s.effective_from == start for s in history):
        raise DuplicateError(f"An expectation already applies from {start}.", field="effectiveFrom")
    if history and start < history[-1].effective_from:
        raise DomainError(
            f"The current expectation applies from {history[-1].effective_from}.",
            field="effectiveFrom",
            code=ErrorCode.INVALID_DATE_RANGE,
        )
    sle = ServiceLevelExpectation(
        team_id=team.id, percentile=percentile, days=days, effective_from=start
    )
    session.add(sle)
    await session.flush()
    return sle


def _sprint_text(value: str, field: str, limit: int | None = None) -> str:
    value = value.strip()
    if limit is not None and len(value) > limit:
        raise DomainError(f"{field} must be at most {limit} characters.", field=field)
    return value


async def create_sprint(
    session: AsyncSession,
    actor: Actor,
    *,
    team_id: int,
    start: date,
    end: date,
    name: str = "",
    goal: str = "",
) -> Sprint:
    """An explicit sprint (holidays, one-off changes); it wins over generated ones it overlaps."""
    team = await get_team(session, team_id)
    actor.require_team(CREATE_SPRINT, team.id)
    _plans_in_sprints(team)
    problems = Problems()
    if end < start:
        problems.add(
            "endDate",
            f"The sprint ends ({end}) before it starts ({start}).",
            ErrorCode.INVALID_DATE_RANGE,
        )
    elif (end - start).days + 1 > MAX_SPRINT_DAYS:
        problems.add("endDate", f"A sprint lasts at most {MAX_SPRINT_DAYS} days.")
    for value, field, limit in ((name, "name", 200), (goal, "goal", None)):
        if limit is not None and len(value.strip()) > limit:
            problems.add(field, f"{field} must be at most {limit} characters.")
    problems.raise_if_any()
    clash = await repo.overlapping(session, team.id, start, end)
    if clash:
        other = clash[0]
        raise DomainError(
            f"{team.name} already has a sprint {sprint_label(other.start_date, other.end_date)}; "
            "sprints of one team never overlap.",
            field="startDate",
            code=ErrorCode.OVERLAP,
        )
    sprint = Sprint(
        team_id=team.id,
        start_date=start,
        end_date=end,
        explicit=True,
        name=_sprint_text(name, "name", 200),
        goal=_sprint_text(goal, "goal"),
        state=SprintState.PLANNED,
    )
    session.add(sprint)
    await session.flush()
    return sprint


async def _sprint(session: AsyncSession, node_id: str, field: str = "id") -> SprintView:
    view = await calendar.sprint_by_node_id(session, node_id)
    if view is None:
        raise NotFoundError(f"Sprint {node_id} does not exist.", field=field)
    return view


async def update_sprint(
    session: AsyncSession, actor: Actor, node_id: str, version: int, changes: Mapping[str, Any]
) -> Sprint:
    """Name a sprint or set its goal (a generated sprint is stored on its first change)."""
    view = await _sprint(session, node_id)
    actor.require_team(UPDATE_SPRINT, view.team_id)
    check_version(view.version, version, "Sprint")
    name = _sprint_text(changes.get("name") or "", "name", 200)
    goal = _sprint_text(changes.get("goal") or "", "goal")
    if view.stored is None:
        return await calendar.materialise(session, view, name=name, goal=goal)
    sprint = view.stored
    if "name" in changes:
        sprint.name = name
    if "goal" in changes:
        sprint.goal = goal
    await session.flush()
    return sprint


async def plan_item(
    session: AsyncSession,
    actor: Actor,
    item_id: int,
    version: int,
    sprint_node_id: str | None,
    *,
    note: str = "",
) -> BacklogItem:
    """Plan an item into one of its team's sprints (generated or stored), or unplan it (None)."""
    item = await get_item(session, item_id, "itemId")
    actor.require_team(PLAN_ITEM, item.team_id)
    check_version(item.version, version, "Backlog item")
    current = await session.get(Sprint, item.sprint_id) if item.sprint_id is not None else None
    if current is not None and current.state is SprintState.CLOSED:
        raise DomainError(
            f"{item.key} belongs to a closed sprint; its record stays.",
            field="itemId",
            code=ErrorCode.INVALID_STATE,
        )
    target: Sprint | None = None
    if sprint_node_id is not None:
        if item.status in CLOSED_STATUSES:
            raise DomainError(
                f"{item.key} is {item.status.value}; only open work is planned.",
                field="itemId",
                code=ErrorCode.INVALID_STATE,
            )
        view = await _sprint(session, sprint_node_id, "sprintId")
        if view.team_id != item.team_id:
            raise DomainError(
                "That sprint belongs to another team.", field="sprintId", code=ErrorCode.INVALID
            )
        if view.state is SprintState.CLOSED:
            raise DomainError(
                "That sprint is closed.", field="sprintId", code=ErrorCode.INVALID_STATE
            )
        target = await calendar.materialise(session, view)
    await _move(session, item, current, target, actor, note)
    await session.flush()
    return item


def _label(sprint: Sprint | None) -> str | None:
    return sprint_label(sprint.start_date, sprint.end_date) if sprint is not None else None


async def _move(
    session: AsyncSession,
    item: BacklogItem,
    old: Sprint | None,
    new: Sprint | None,
    actor: Actor,
    note: str,
) -> None:
    await record_change(
        session, item, "sprint", _label(old), _label(new), actor_id=actor.person_id, note=note
    )
    item.sprint_id = new.id if new is not None else None


async def start_sprint(session: AsyncSession, actor: Actor, node_id: str, version: int) -> Sprint:
    """Start a planned sprint (one active sprint per team at a time)."""
    view = await _sprint(session, node_id)
    actor.require_team(START_SPRINT, view.team_id)
    check_version(view.version, version, "Sprint")
    if view.state is not SprintState.PLANNED:
        raise DomainError(
            f"The sprint is {view.state.value}, not PLANNED.",
            field="id",
            code=ErrorCode.INVALID_STATE,
        )
    active = await repo.active_sprint(session, view.team_id)
    if active is not None:
        raise DomainError(
            f"Sprint {sprint_label(active.start_date, active.end_date)} is still active; "
            "close it first.",
            field="id",
            code=ErrorCode.INVALID_STATE,
        )
    sprint = await calendar.materialise(session, view)
    sprint.state = SprintState.ACTIVE
    await session.flush()
    return sprint


@dataclass(frozen=True, slots=True)
class CarrySpec:
    """An unfinished item to carry over, with its status note (required for research items)."""

    item_id: int
    note: str = ""


async def close_sprint(
    session: AsyncSession,
    actor: Actor,
    node_id: str,
    version: int,
    carry: Sequence[CarrySpec] = (),
) -> Sprint:
    """Close a sprint: record committed vs done, carry research items (and chosen others) over
    to the next sprint with their notes, and return the rest of the unfinished work to the
    backlog."""
    view = await _sprint(session, node_id)
    actor.require_team(CLOSE_SPRINT, view.team_id)
    check_version(view.version, version, "Sprint")
    if view.state is SprintState.CLOSED:
        raise DomainError("The sprint is closed already.", field="id", code=ErrorCode.INVALID_STATE)
    sprint = await calendar.materialise(session, view)
    items = (await work_repo.items_by_sprint(session, [sprint.id]))[0]
    notes = _carry_notes(items, carry)
    target = await _next_stored(session, view) if notes else None
    for item in items:
        outcome = _outcome(item, notes)
        session.add(SprintOutcome(sprint_id=sprint.id, item_id=item.id, outcome=outcome))
        if outcome is SprintOutcomeKind.CARRIED_OVER:
            assert target is not None
            note = notes[item.id]
            session.add(
                CarryOver(
                    item_id=item.id,
                    from_sprint_id=sprint.id,
                    to_sprint_id=target.id,
                    note=note,
                    actor_id=actor.person_id,
                )
            )
            item.carry_over_count += 1
            await _move(session, item, sprint, target, actor, f"carried over: {note}".strip())
        elif outcome is SprintOutcomeKind.RETURNED:
            await _move(session, item, sprint, None, actor, "returned to the backlog at close")
    sprint.state = SprintState.CLOSED
    sprint.closed_at = utcnow()
    await session.flush()
    return sprint


def _carry_notes(items: Sequence[BacklogItem], carry: Sequence[CarrySpec]) -> dict[int, str]:
    """Item id -> note for every item carried over; refuses missing research notes."""
    unfinished = {i.id: i for i in items if i.status not in CLOSED_STATUSES}
    notes: dict[int, str] = {}
    problems = Problems()  # every stray item and every missing note at once
    for spec in carry:
        if spec.item_id not in unfinished:
            problems.add(
                "carryOver", f"Item {spec.item_id} is not an unfinished item of this sprint."
            )
            continue
        notes[spec.item_id] = spec.note.strip()
    for item in unfinished.values():
        if item.kind in RESEARCH_KINDS and not notes.get(item.id):
            problems.add(
                "carryOver",
                f"{item.key} ({item.kind.value.lower()}) is unfinished: carry it over with a "
                "status note.",
                ErrorCode.REQUIRED,
            )
    problems.raise_if_any()
    return notes


def _outcome(item: BacklogItem, notes: Mapping[int, str]) -> SprintOutcomeKind:
    if item.status is ItemStatus.DONE:
        return SprintOutcomeKind.DONE
    if item.status is ItemStatus.DROPPED:
        return SprintOutcomeKind.DROPPED
    return SprintOutcomeKind.CARRIED_OVER if item.id in notes else SprintOutcomeKind.RETURNED


async def _next_stored(session: AsyncSession, view: SprintView) -> Sprint:
    following = await calendar.next_sprint(session, view)
    if following is None:
        raise DomainError(
            "The team has no sprint after this one to carry work into; create one first.",
            field="carryOver",
            code=ErrorCode.INVALID_STATE,
        )
    if following.state is SprintState.CLOSED:
        raise DomainError(
            "The next sprint is closed already.", field="carryOver", code=ErrorCode.INVALID_STATE
        )
    return await calendar.materialise(session, following)
