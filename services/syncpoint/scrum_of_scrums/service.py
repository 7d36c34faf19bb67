"""Rules of forums: members with representatives, facilitator, cadence, nesting without cycles.
Functions take (session, actor, ...), check the declared policy and scope, never commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.blockers.models import Blocker, BlockerStatus
from syncpoint.core.auth import Access, Actor, Role, policy
from syncpoint.core.clock import today
from syncpoint.core.errors import (
    DomainError,
    DuplicateError,
    ErrorCode,
    PermissionDenied,
    Problems,
    check_version,
    require_found,
)
from syncpoint.core.models import utcnow
from syncpoint.core.validation_inputs import time_zone
from syncpoint.forums import repository as forums_repo
from syncpoint.forums.access import require_facilitation
from syncpoint.forums.models import Forum, ForumMember, Weekday
from syncpoint.teams import repository as teams_repo
from syncpoint.teams.models import Person, Team

_FORUM_ROLES = {"admin": Access.ANY, "director": Access.ANY, "facilitator": Access.OWN}
CREATE_FORUM = policy("createForum", **_FORUM_ROLES)
UPDATE_FORUM = policy("updateForum", **_FORUM_ROLES)
ARCHIVE_FORUM = policy("archiveForum", **_FORUM_ROLES)
ADD_FORUM_MEMBER = policy("addForumMember", **_FORUM_ROLES)
CHANGE_REPRESENTATIVE = policy("changeRepresentative", **_FORUM_ROLES)
REMOVE_FORUM_MEMBER = policy("removeForumMember", **_FORUM_ROLES)

MIN_MINUTES, MAX_MINUTES = 5, 240


@dataclass(frozen=True, slots=True)
class MemberSpec:
    team_id: int
    representative_id: int


def _name(value: str) -> str:
    value = value.strip()
    if not value:
        raise DomainError("Name must not be empty.", field="name", code=ErrorCode.REQUIRED)
    if len(value) > 200:
        raise DomainError("Name must be at most 200 characters.", field="name")
    return value


def _time_zone(value: str) -> str:
    return time_zone(value)


def _weekdays(days: Sequence[Weekday]) -> list[str]:
    if not days:
        raise DomainError(
            "A forum meets on at least one weekday.", field="weekdays", code=ErrorCode.REQUIRED
        )
    return [d.value for d in sorted(set(days), key=lambda d: d.position)]


def _duration(minutes: int) -> int:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise DomainError(
            f"A meeting lasts {MIN_MINUTES} to {MAX_MINUTES} minutes.", field="durationMinutes"
        )
    return minutes


async def live_person(session: AsyncSession, person_id: int, field: str) -> Person:
    person = await session.get(Person, person_id)
    require_found(person, "Person", person_id, field)
    assert person is not None
    if person.archived_at is not None:
        raise DomainError(f"Person {person_id} is archived.", field=field, code=ErrorCode.ARCHIVED)
    return person


async def live_forum(session: AsyncSession, forum_id: int, field: str = "id") -> Forum:
    forum = await session.get(Forum, forum_id)
    require_found(forum, "Forum", forum_id, field)
    assert forum is not None
    if forum.archived_at is not None:
        raise DomainError(f"Forum {forum_id} is archived.", field=field, code=ErrorCode.ARCHIVED)
    return forum


async def _check_member(session: AsyncSession, spec: MemberSpec, field: str) -> None:
    team = await session.get(Team, spec.team_id)
    require_found(team, "Team", spec.team_id, f"{field}.teamId")
    assert team is not None
    if team.archived_at is not None:
        raise DomainError(
            f"Team {team.name} is archived.", field=f"{field}.teamId", code=ErrorCode.ARCHIVED
        )
    await live_person(session, spec.representative_id, f"{field}.representativeId")
    if await teams_repo.active_membership(session, spec.representative_id, spec.team_id) is None:
        raise DomainError(
            f"The representative of {team.name} must be a member of {team.name}.",
            field=f"{field}.representativeId",
        )


async def _check_members(
    session: AsyncSession, members: Sequence[MemberSpec], problems: Problems
) -> None:
    teams = [m.team_id for m in members]
    if len(set(teams)) != len(teams):
        problems.add("members", "A team can be a member only once.", ErrorCode.DUPLICATE)
    for i, spec in enumerate(members):
        with problems.catch():
            await _check_member(session, spec, f"members[{i}]")


async def _check_parent(session: AsyncSession, forum_id: int | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    await live_forum(session, parent_id, "parentId")
    if forum_id is None:
        return
    if parent_id == forum_id:
        raise DomainError(
            "A forum cannot be its own parent.", field="parentId", code=ErrorCode.SELF_REFERENCE
        )
    forest = await forums_repo.load_forest(session)
    if any(f.id == forum_id for f in forest.chain(parent_id)):
        raise DomainError(
            "A forum cannot move under a forum below it (the parent chain would loop).",
            field="parentId",
            code=ErrorCode.CYCLE,
        )


def _apply_cadence(forum: Forum, values: Mapping[str, Any], problems: Problems) -> None:
    if "weekdays" in values:
        with problems.catch():
            forum.meeting_weekdays = _weekdays(values["weekdays"])
    if "meeting_time" in values:
        forum.meeting_time = values["meeting_time"]
    if "time_zone" in values:
        with problems.catch():
            forum.time_zone = _time_zone(values["time_zone"])
    if "duration_minutes" in values:
        with problems.catch():
            forum.duration_minutes = _duration(values["duration_minutes"])


async def create_forum(
    session: AsyncSession,
    actor: Actor,
    *,
    name: str,
    facilitator_id: int,
    weekdays: Sequence[Weekday],
    meeting_time: time,
    time_zone: str = "UTC",
    duration_minutes: int = 15,
    description: str = "",
    parent_id: int | None = None,
    members: Sequence[MemberSpec] = (),
) -> Forum:
    """Create a forum with its members, facilitator and meeting cadence, optionally nested;
    every problem of the request is reported at once."""
    if actor.require_access(CREATE_FORUM) is Access.OWN and actor.person_id != facilitator_id:
        raise PermissionDenied(
            "A facilitator may create only forums they facilitate.", reason="SCOPE"
        )
    problems = Problems()
    forum = Forum(
        description=description,
        facilitator_id=facilitator_id,
        parent_id=parent_id,
        meeting_time=meeting_time,
    )
    with problems.catch():
        forum.name = _name(name)
    with problems.catch():
        await live_person(session, facilitator_id, "facilitatorId")
    with problems.catch():
        await _check_parent(session, None, parent_id)
    await _check_members(session, members, problems)
    _apply_cadence(
        forum,
        {"weekdays": weekdays, "time_zone": time_zone, "duration_minutes": duration_minutes},
        problems,
    )
    problems.raise_if_any()
    session.add(forum)
    await session.flush()
    for spec in members:
        session.add(
            ForumMember(
                forum_id=forum.id,
                team_id=spec.team_id,
                representative_id=spec.representative_id,
                added_on=today(),
            )
        )
    await session.flush()
    return forum


async def update_forum(
    session: AsyncSession, actor: Actor, forum_id: int, version: int, changes: Mapping[str, Any]
) -> Forum:
    """Rename, re-describe, change facilitator, cadence or parent (no cycles); every problem
    of the change is reported at once."""
    actor.require_access(UPDATE_FORUM)
    forum = await live_forum(session, forum_id)
    require_facilitation(actor, UPDATE_FORUM, forum)
    check_version(forum.version, version, "Forum")
    problems = Problems()
    if "parent_id" in changes:
        with problems.catch():
            await _check_parent(session, forum.id, changes["parent_id"])
            forum.parent_id = changes["parent_id"]
    if "facilitator_id" in changes:
        with problems.catch():
            await live_person(session, changes["facilitator_id"], "facilitatorId")
            forum.facilitator_id = changes["facilitator_id"]
    if "name" in changes:
        with problems.catch():
            forum.name = _name(changes["name"])
    if "description" in changes:
        forum.description = changes["description"]
    _apply_cadence(forum, changes, problems)
    problems.raise_if_any()
    await session.flush()
    return forum


async def archive_forum(session: AsyncSession, actor: Actor, forum_id: int, version: int) -> Forum:
    """Archive a forum that holds no open blocker and has no live forum below it."""
    actor.require_access(ARCHIVE_FORUM)
    forum = await live_forum(session, forum_id)
    require_facilitation(actor, ARCHIVE_FORUM, forum)
    check_version(forum.version, version, "Forum")
    children = await session.scalar(
        select(func.count()).where(Forum.parent_id == forum.id, Forum.archived_at.is_(None))
    )
    held = await session.scalar(
        select(func.count()).where(
            Blocker.forum_id == forum.id, Blocker.status == BlockerStatus.OPEN
        )
    )
    if children or held:
        raise DomainError(
            f"Move or archive its {children} sub-forum(s) and deal with the {held} open "
            "blocker(s) held here first.",
            field="id",
            code=ErrorCode.INVALID_STATE,
        )
    forum.archived_at = utcnow()
    await session.flush()
    return forum


async def add_member(
    session: AsyncSession, actor: Actor, forum_id: int, spec: MemberSpec
) -> ForumMember:
    """Add a team with its representative (a member of that team)."""
    actor.require_access(ADD_FORUM_MEMBER)
    forum = await live_forum(session, forum_id, "forumId")
    require_facilitation(actor, ADD_FORUM_MEMBER, forum)
    await _check_member(session, spec, "input")
    if await forums_repo.active_member(session, forum.id, spec.team_id) is not None:
        raise DuplicateError("The team is a member of this forum already.", field="teamId")
    member = ForumMember(
        forum_id=forum.id,
        team_id=spec.team_id,
        representative_id=spec.representative_id,
        added_on=today(),
    )
    session.add(member)
    await session.flush()
    return member


async def _member(
    session: AsyncSession, actor: Actor, operation: str, member_id: int, version: int
) -> ForumMember:
    actor.require_access(operation)
    member = await session.get(ForumMember, member_id)
    require_found(member, "Forum member", member_id)
    assert member is not None
    forum = await live_forum(session, member.forum_id, "id")
    require_facilitation(actor, operation, forum)
    check_version(member.version, version, "Forum member")
    if member.removed_on is not None:
        raise DomainError(
            "This team left the forum already.", field="id", code=ErrorCode.INVALID_STATE
        )
    return member


async def change_representative(
    session: AsyncSession, actor: Actor, member_id: int, version: int, representative_id: int
) -> ForumMember:
    """Give a member team a new representative (a member of that team)."""
    member = await _member(session, actor, CHANGE_REPRESENTATIVE, member_id, version)
    await _check_member(session, MemberSpec(member.team_id, representative_id), "input")
    member.representative_id = representative_id
    await session.flush()
    return member


async def remove_member(
    session: AsyncSession, actor: Actor, member_id: int, version: int, on: date | None = None
) -> ForumMember:
    """The team leaves the forum; the membership row is kept with its end date."""
    member = await _member(session, actor, REMOVE_FORUM_MEMBER, member_id, version)
    day = on or today()
    if not member.added_on <= day <= today():
        raise DomainError(
            "A team leaves between the day it joined and today.",
            field="removedOn",
            code=ErrorCode.INVALID_DATE_RANGE,
        )
    member.removed_on = day
    await session.flush()
    return member


def is_facilitator_of(actor: Actor, forum: Forum) -> bool:
    """True when the actor runs this forum as its facilitator."""
    return actor.role is Role.FACILITATOR and actor.person_id == forum.facilitator_id
