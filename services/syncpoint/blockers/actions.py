"""What people do with blockers: raise, update, escalate, resolve. Take (session, actor, ...),
check the declared policy and its scope, never commit. Every change leaves a history row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.blockers import service as core
from syncpoint.blockers.escalation import escalate
from syncpoint.blockers.models import (
    Blocker,
    BlockerCategory,
    BlockerSeverity,
    BlockerStatus,
    RoamState,
)
from syncpoint.core.auth import Access, Actor, policy
from syncpoint.core.errors import DomainError, ErrorCode, Problems, check_version, require_found
from syncpoint.forums.access import require_blocker_reach
from syncpoint.teams.models import Person, Team
from syncpoint.work.models import BacklogItem

# Who may do what; OWN: their team's blockers, or (facilitators) those of their forums' teams.
_BLOCKER_ROLES = {
    "admin": Access.ANY,
    "director": Access.ANY,
    "team_member": Access.OWN,
    "platform_owner": Access.OWN,
    "facilitator": Access.OWN,
}
RAISE_BLOCKER = policy("raiseBlocker", **_BLOCKER_ROLES)
UPDATE_BLOCKER = policy("updateBlocker", **_BLOCKER_ROLES)
ESCALATE_BLOCKER = policy("escalateBlocker", **_BLOCKER_ROLES)
RESOLVE_BLOCKER = policy("resolveBlocker", **_BLOCKER_ROLES)

MAX_TITLE = 300
MAX_TEXT = 10_000


def _text(value: str, field: str, limit: int) -> str:
    if len(value) > limit:
        raise DomainError(f"{field} must be at most {limit} characters.", field=field)
    return value


def _title(value: str) -> str:
    value = value.strip()
    if not value:
        raise DomainError("A blocker needs a title.", field="title", code=ErrorCode.REQUIRED)
    return _text(value, "title", MAX_TITLE)


async def _owner(session: AsyncSession, owner_id: int | None) -> int | None:
    if owner_id is None:
        return None
    person = await session.get(Person, owner_id)
    require_found(person, "Person", owner_id, "ownerId")
    assert person is not None
    if person.archived_at is not None:
        raise DomainError(
            f"Person {owner_id} is archived.", field="ownerId", code=ErrorCode.ARCHIVED
        )
    return owner_id


async def _target_team(session: AsyncSession, item_id: int | None, team_id: int | None) -> int:
    if item_id is not None:
        item = await session.get(BacklogItem, item_id)
        require_found(item, "Item", item_id, "itemId")
        assert item is not None
        return item.team_id
    if team_id is None:
        raise DomainError(
            "Raise a blocker on an item or a team.", field="itemId", code=ErrorCode.REQUIRED
        )
    team = await session.get(Team, team_id)
    require_found(team, "Team", team_id, "teamId")
    assert team is not None
    if team.archived_at is not None:
        raise DomainError(f"Team {team_id} is archived.", field="teamId", code=ErrorCode.ARCHIVED)
    return team.id


async def raise_blocker(
    session: AsyncSession,
    actor: Actor,
    *,
    category: BlockerCategory,
    severity: BlockerSeverity,
    title: str,
    description: str = "",
    item_id: int | None = None,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> Blocker:
    """Raise a blocker on an item (marks it BLOCKED) or on a whole team; every problem of the
    request is reported at once."""
    actor.require_access(RAISE_BLOCKER)
    problems = Problems()
    target_team: int | None = None
    with problems.catch():
        target_team = await _target_team(session, item_id, team_id)
    if target_team is not None:
        await require_blocker_reach(session, actor, RAISE_BLOCKER, team_id=target_team)
    with problems.catch():
        title = _title(title)
    with problems.catch():
        description = _text(description, "description", MAX_TEXT)
    with problems.catch():
        owner_id = await _owner(session, owner_id)
    problems.raise_if_any()
    return await core.raise_blocker(
        session,
        category=category,
        severity=severity,
        title=title,
        description=description,
        item_id=item_id,
        team_id=None if item_id is not None else target_team,
        actor_id=actor.person_id,
        owner_id=owner_id,
    )


async def open_blocker(
    session: AsyncSession, actor: Actor, operation: str, blocker_id: int, version: int
) -> Blocker:
    """An open blocker the actor may act on, at the version they read."""
    actor.require_access(operation)
    blocker = await session.get(Blocker, blocker_id)
    require_found(blocker, "Blocker", blocker_id)
    assert blocker is not None
    await require_blocker_reach(
        session, actor, operation, team_id=blocker.team_id, forum_id=blocker.forum_id
    )
    check_version(blocker.version, version, "Blocker")
    if blocker.status is BlockerStatus.RESOLVED:
        raise DomainError(
            "This blocker is resolved already.", field="id", code=ErrorCode.INVALID_STATE
        )
    return blocker


def _value(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


async def update_blocker(
    session: AsyncSession,
    actor: Actor,
    blocker_id: int,
    version: int,
    changes: Mapping[str, Any],
) -> Blocker:
    """Change title, description, category, severity, owner or ROAM state; one history row per
    changed field."""
    blocker = await open_blocker(session, actor, UPDATE_BLOCKER, blocker_id, version)
    problems = Problems()
    if changes.get("roam") is RoamState.RESOLVED:
        problems.add(
            "roam",
            "Resolve the blocker with resolveBlocker (it also gives the item its status back).",
        )
    values = dict(changes)
    if "title" in values:
        with problems.catch():
            values["title"] = _title(str(values["title"]))
    if "description" in values:
        with problems.catch():
            values["description"] = _text(values["description"], "description", MAX_TEXT)
    if "owner_id" in values:
        with problems.catch():
            values["owner_id"] = await _owner(session, values["owner_id"])
    problems.raise_if_any()
    for key in ("title", "description", "category", "severity", "owner_id", "roam"):
        if key not in values or values[key] == getattr(blocker, key):
            continue
        old = getattr(blocker, key)
        setattr(blocker, key, values[key])
        await core.record_event(
            session,
            blocker,
            "UPDATED",
            field=key,
            old=_value(old),
            new=_value(values[key]),
            actor_id=actor.person_id,
        )
    await session.flush()
    return blocker


async def escalate_blocker(
    session: AsyncSession,
    actor: Actor,
    blocker_id: int,
    version: int,
    *,
    reason: str,
    forum_id: int | None = None,
) -> Blocker:
    """One step up: TEAM -> the team's forum -> its parent forums -> EXECUTIVE."""
    blocker = await open_blocker(session, actor, ESCALATE_BLOCKER, blocker_id, version)
    await escalate(
        session,
        blocker,
        actor_id=actor.person_id,
        reason=_text(reason.strip(), "reason", MAX_TEXT),
        forum_id=forum_id,
    )
    return blocker


async def resolve_blocker(
    session: AsyncSession, actor: Actor, blocker_id: int, version: int, *, note: str = ""
) -> Blocker:
    """Resolve an open blocker; its item gets its previous status back once nothing blocks it."""
    blocker = await open_blocker(session, actor, RESOLVE_BLOCKER, blocker_id, version)
    return await core.resolve_blocker(
        session, blocker, actor_id=actor.person_id, note=_text(note, "note", MAX_TEXT)
    )
