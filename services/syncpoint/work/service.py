"""Rules of backlog items, acceptance criteria and DoR/DoD checks. Never commits."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.model import RESEARCH_KINDS
from syncpoint.core.auth import Access, Actor, policy
from syncpoint.core.clock import today
from syncpoint.core.errors import (
    DomainError,
    DuplicateError,
    ErrorCode,
    Problems,
    check_version,
    require_found,
)
from syncpoint.core.models import utcnow
from syncpoint.core.validation_inputs import check_texts
from syncpoint.teams.models import Team
from syncpoint.work import keys
from syncpoint.work import repository as repo
from syncpoint.work.criteria import describe
from syncpoint.work.history import record_change
from syncpoint.work.models import (
    AcceptanceCriterion,
    BacklogItem,
    Comparator,
    ItemKind,
    ItemStatus,
    MetricObservation,
)

# Who may do what: a team's own members plan and change its work; admins anything.
TEAM_WORK = {"admin": Access.ANY, "team_member": Access.OWN, "platform_owner": Access.OWN}
CREATE_ITEM = policy("createBacklogItem", **TEAM_WORK)
UPDATE_ITEM = policy("updateBacklogItem", **TEAM_WORK)
CHANGE_STATUS = policy("changeItemStatus", **TEAM_WORK)
SET_CRITERIA = policy("setAcceptanceCriteria", **TEAM_WORK)
RECORD_OBSERVATION = policy("recordMetricObservation", **TEAM_WORK)

KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
URL_RE = re.compile(r"^https?://\S+$")
MAX_NUMBER = 1_000_000
MAX_TIME_CAP_DAYS = 365
T = TypeVar("T")
# Fields whose every change is kept in the item's history.
TRACKED = {"estimate": "estimate", "time_cap_days": "timeCapDays"}


async def get_team(session: AsyncSession, team_id: int, field: str = "teamId") -> Team:
    team = await session.get(Team, team_id)
    require_found(team, "Team", team_id, field)
    assert team is not None
    if team.archived_at is not None:
        raise DomainError(f"Team {team.name} is archived.", field=field, code=ErrorCode.ARCHIVED)
    return team


async def get_item(session: AsyncSession, item_id: int, field: str = "id") -> BacklogItem:
    item = await session.get(BacklogItem, item_id)
    require_found(item, "Backlog item", item_id, field)
    assert item is not None
    return item


def required_text(value: str, field: str, *, limit: int = 300, label: str = "Title") -> str:
    value = value.strip()
    if not value:
        raise DomainError(f"{label} must not be empty.", field=field, code=ErrorCode.REQUIRED)
    if len(value) > limit:
        raise DomainError(f"{label} must be at most {limit} characters.", field=field)
    return value


def _int(value: int | None, field: str, minimum: int, maximum: int = MAX_NUMBER) -> int | None:
    if value is not None and not minimum <= value <= maximum:
        raise DomainError(f"{field} must be between {minimum} and {maximum}.", field=field)
    return value


def _estimate(value: float | None) -> float | None:
    if value is not None and (not math.isfinite(value) or value < 0):
        raise DomainError("estimate must be a non-negative number.", field="estimate")
    return value


def _noted(problems: Problems, check: Callable[[], T], fallback: T) -> T:
    """The checked value, or `fallback` with the refusal noted (so every problem is found)."""
    try:
        return check()
    except DomainError as exc:
        problems.errors.extend(exc.to_user_errors())
        return fallback


def _apply_values(item: BacklogItem, values: Mapping[str, Any], problems: Problems) -> None:
    check_texts(values)
    if "title" in values:
        item.title = _noted(problems, lambda: required_text(values["title"], "title"), item.title)
    if "description" in values:
        item.description = values["description"] or ""
    if "value" in values:
        item.value = _noted(problems, lambda: _int(values["value"], "value", 0), None)
    if "effort" in values:
        item.effort = _noted(problems, lambda: _int(values["effort"], "effort", 1), None)
    if "estimate" in values:
        item.estimate = _noted(problems, lambda: _estimate(values["estimate"]), None)
    if "hypothesis" in values:
        item.hypothesis = (values["hypothesis"] or "").strip() or None
    if "evaluation_method" in values:
        item.evaluation_method = (values["evaluation_method"] or "").strip() or None
    if "time_cap_days" in values:
        item.time_cap_days = _noted(
            problems,
            lambda: _int(values["time_cap_days"], "timeCapDays", 1, MAX_TIME_CAP_DAYS),
            None,
        )


def check_research_fields(item: BacklogItem, problems: Problems | None = None) -> None:
    """Experiments carry hypothesis, evaluation method and time cap; spikes a time cap.

    Every missing one is reported at once (a field already refused is not reported twice)."""
    found = problems if problems is not None else Problems()
    refused = {e.field for e in found.errors}
    missing: list[tuple[str, str]] = []
    if item.kind is ItemKind.EXPERIMENT:
        for value, field, label in (
            (item.hypothesis, "hypothesis", "a hypothesis"),
            (item.evaluation_method, "evaluationMethod", "an evaluation method"),
        ):
            if not value:
                missing.append((field, f"An experiment must carry {label}."))
    if item.kind in RESEARCH_KINDS and item.time_cap_days is None:
        missing.append(
            (
                "timeCapDays",
                f"A{'n' if item.kind is ItemKind.EXPERIMENT else ''} "
                f"{item.kind.value.lower()} must carry a time cap (timeCapDays).",
            )
        )
    for field, message in missing:
        if field not in refused:
            found.add(field, message, ErrorCode.REQUIRED)
    if problems is None:
        found.raise_if_any()


def key_prefix(slug: str) -> str:
    """'feature-store' -> 'FS', 'ranking' -> 'RANK': short, readable item keys per team."""
    parts = [p for p in slug.split("-") if p]
    return ("".join(p[0] for p in parts) if len(parts) > 1 else slug[:4]).upper()


def _key_format(key: str) -> str:
    key = key.strip()
    if not KEY_RE.match(key):
        raise DomainError(f"Key {key!r} must be 1-40 letters, digits, '-' or '_'.", field="key")
    return key


async def _key(session: AsyncSession, team: Team, key: str | None) -> str:
    if key is None:
        return await keys.next_key(session, key_prefix(team.slug))
    key = _key_format(key)
    if await repo.key_taken(session, key):
        raise DuplicateError(f"An item with key {key!r} exists already.", field="key")
    await keys.note_explicit_key(session, key)
    return key


async def create_item(
    session: AsyncSession,
    actor: Actor,
    *,
    team_id: int,
    title: str,
    kind: ItemKind,
    values: Mapping[str, Any],
    key: str | None = None,
) -> BacklogItem:
    """Add an item to a team's backlog; research kinds must say how they are time-boxed.

    Every problem of the input is reported at once."""
    team = await get_team(session, team_id)
    item = build_item(actor, team_id=team.id, title=title, kind=kind, values=values, key=key)
    item.key = await _key(session, team, key)
    session.add(item)
    await session.flush()
    return item


def build_item(
    actor: Actor,
    *,
    team_id: int,
    title: str,
    kind: ItemKind,
    values: Mapping[str, Any],
    key: str | None = None,
) -> BacklogItem:
    """A new item checked by the rules that need no lookup (every problem at once), not added
    to a session. With a `key`, the item has it; the bulk import, which gives every key, checks
    which are taken and moves the key counters past them in one statement each
    (`keys.note_explicit_keys`)."""
    actor.require_team(CREATE_ITEM, team_id)
    problems = Problems()
    item = BacklogItem(
        team_id=team_id,
        title=_noted(problems, lambda: required_text(title, "title"), title),
        kind=kind,
        status=ItemStatus.BACKLOG,
        description="",
        carry_over_count=0,
    )
    _apply_values(item, values, problems)
    check_research_fields(item, problems)
    if key is not None:
        item.key = _noted(problems, lambda: _key_format(key), key)
    problems.raise_if_any()
    return item


async def update_item(
    session: AsyncSession, actor: Actor, item_id: int, version: int, changes: Mapping[str, Any]
) -> BacklogItem:
    """Change an item's text, value, effort, estimate or research fields (estimate: history)."""
    item = await get_item(session, item_id)
    actor.require_team(UPDATE_ITEM, item.team_id)
    check_version(item.version, version, "Backlog item")
    before = {attr: getattr(item, attr) for attr in TRACKED}
    problems = Problems()
    _apply_values(item, changes, problems)
    check_research_fields(item, problems)
    problems.raise_if_any()
    for attr, field in TRACKED.items():
        await record_change(
            session, item, field, before[attr], getattr(item, attr), actor_id=actor.person_id
        )
    await session.flush()
    return item


async def change_status(
    session: AsyncSession,
    actor: Actor,
    item_id: int,
    version: int,
    status: ItemStatus,
    *,
    note: str = "",
    on: date | None = None,
) -> BacklogItem:
    """Move an item to a status with a note; DONE dates its finish, the first start its start.

    BLOCKED is entered and left through blockers (raise / resolve), never set directly.
    """
    item = await get_item(session, item_id)
    actor.require_team(CHANGE_STATUS, item.team_id)
    check_version(item.version, version, "Backlog item")
    if status is ItemStatus.BLOCKED or item.status is ItemStatus.BLOCKED:
        raise DomainError(
            "BLOCKED is managed by blockers: raise a blocker, or resolve the item's blockers.",
            field="status",
            code=ErrorCode.INVALID_STATE,
        )
    day = on or today()
    old = item.status
    if status is ItemStatus.IN_PROGRESS and item.started_on is None:
        item.started_on = day
    if status is ItemStatus.DONE:
        item.finished_on = day
    elif old is ItemStatus.DONE:
        item.finished_on = None
    await record_change(session, item, "status", old, status, actor_id=actor.person_id, note=note)
    item.status = status
    await session.flush()
    return item


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    metric: str
    comparator: Comparator
    threshold: float
    description: str = ""
    condition_metric: str | None = None
    condition_comparator: Comparator | None = None
    condition_threshold: float | None = None


def _criterion(spec: CriterionSpec, position: int, item_id: int) -> AcceptanceCriterion:
    field = f"criteria.{position}"
    metric = required_text(spec.metric, f"{field}.metric", limit=100, label="Metric")
    if not math.isfinite(spec.threshold):
        raise DomainError("The threshold must be a finite number.", field=f"{field}.threshold")
    condition = (spec.condition_metric, spec.condition_comparator, spec.condition_threshold)
    if any(part is not None for part in condition) and not all(
        part is not None for part in condition
    ):
        raise DomainError(
            "A condition needs a metric, a comparator and a threshold.",
            field=f"{field}.condition",
            code=ErrorCode.REQUIRED,
        )
    condition_metric = None
    if spec.condition_metric is not None:
        condition_metric = required_text(
            spec.condition_metric, f"{field}.condition.metric", limit=100, label="Metric"
        )
        if not math.isfinite(spec.condition_threshold or 0.0):
            raise DomainError("The threshold must be finite.", field=f"{field}.condition")
    return AcceptanceCriterion(
        item_id=item_id,
        position=position,
        description=spec.description,
        metric=metric,
        comparator=spec.comparator,
        threshold=spec.threshold,
        condition_metric=condition_metric,
        condition_comparator=spec.condition_comparator,
        condition_threshold=spec.condition_threshold,
    )


async def set_criteria(
    session: AsyncSession,
    actor: Actor,
    item_id: int,
    version: int,
    criteria: Sequence[CriterionSpec],
) -> BacklogItem:
    """Replace an item's acceptance criteria (the old list is kept in its history)."""
    item = await get_item(session, item_id)
    actor.require_team(SET_CRITERIA, item.team_id)
    check_version(item.version, version, "Backlog item")
    problems = Problems()
    new: list[AcceptanceCriterion] = []
    for position, spec in enumerate(criteria):
        try:
            new.append(_criterion(spec, position, item.id))
        except DomainError as exc:  # every refused criterion is reported at once
            problems.errors.extend(exc.to_user_errors())
    problems.raise_if_any()
    old = await repo.criteria_of(session, item.id)
    before = "; ".join(describe(c) for c in old) or None
    after = "; ".join(describe(c) for c in new) or None
    for row in old:
        await session.delete(row)
    session.add_all(new)
    await record_change(
        session, item, "acceptanceCriteria", before, after, actor_id=actor.person_id
    )
    item.updated_at = utcnow()  # bumps the version: criteria are part of the item
    await session.flush()
    return item


async def record_observation(
    session: AsyncSession,
    actor: Actor,
    item_id: int,
    values: Sequence[tuple[str, float]],
    run_url: str | None = None,
) -> MetricObservation:
    """Record metric values observed together (one evaluation run), e.g. from an experiment."""
    item = await get_item(session, item_id, "itemId")
    actor.require_team(RECORD_OBSERVATION, item.team_id)
    if not values:
        raise DomainError(
            "Give at least one metric value.", field="values", code=ErrorCode.REQUIRED
        )
    observed: dict[str, float] = {}
    for metric, value in values:
        name = required_text(metric, "values", limit=100, label="Metric")
        if name in observed:
            raise DomainError(f"{name} is given twice.", field="values")
        if not math.isfinite(value):
            raise DomainError(f"{name} must be a finite number.", field="values")
        observed[name] = value
    if run_url is not None and (not URL_RE.match(run_url) or len(run_url) > 500):
        raise DomainError(
            "runUrl must be an http(s) URL of at most 500 characters.", field="runUrl"
        )
    observation = MetricObservation(
        item_id=item.id,
        values=observed,
        run_url=run_url,
        observed_at=utcnow(),
        recorded_by_id=actor.person_id,
    )
    session.add(observation)
    await session.flush()
    return observation
