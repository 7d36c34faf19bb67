"""Rules of the organisation context. Functions take (session, actor, ...) and never commit."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Access, Actor, policy
from syncpoint.core.clock import today
from syncpoint.core.errors import (
    DomainError,
    DuplicateError,
    ErrorCode,
    check_version,
    require_found,
)
from syncpoint.core.models import utcnow
from syncpoint.teams import repository as repo
from syncpoint.teams.models import (
    Group,
    GroupKind,
    Interaction,
    InteractionMode,
    Membership,
    MembershipRole,
    Person,
    Team,
)

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Who may do what (operation names double as GraphQL mutation names; see core/auth.py).
_ORG = {"admin": Access.ANY, "director": Access.ANY}
_TEAM_SCOPED = {**_ORG, "team_member": Access.OWN, "platform_owner": Access.OWN}
CREATE_GROUP = policy("createGroup", **_ORG)
UPDATE_GROUP = policy("updateGroup", **_ORG)
ARCHIVE_GROUP = policy("archiveGroup", **_ORG)
CREATE_TEAM = policy("createTeam", **_ORG)
UPDATE_TEAM = policy("updateTeam", **_TEAM_SCOPED)
ARCHIVE_TEAM = policy("archiveTeam", **_ORG)
CREATE_PERSON = policy("createPerson", **_ORG)
UPDATE_PERSON = policy("updatePerson", **_ORG)
ARCHIVE_PERSON = policy("archivePerson", **_ORG)
ADD_MEMBERSHIP = policy("addMembership", **_TEAM_SCOPED)
CHANGE_MEMBERSHIP = policy("changeMembership", **_TEAM_SCOPED)
REMOVE_MEMBERSHIP = policy("removeMembership", **_TEAM_SCOPED)
START_INTERACTION = policy("startInteraction", **_TEAM_SCOPED)
UPDATE_INTERACTION = policy("updateInteraction", **_TEAM_SCOPED)
END_INTERACTION = policy("endInteraction", **_TEAM_SCOPED)


def _name(value: str, field: str = "name") -> str:
    value = value.strip()
    if not value:
        raise DomainError("Name must not be empty.", field=field, code=ErrorCode.REQUIRED)
    if len(value) > 200:
        raise DomainError("Name must be at most 200 characters.", field=field)
    return value


def _slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise DomainError(
            f"Slug {value!r} must be 1-64 lower-case letters, digits or inner hyphens.",
            field="slug",
        )
    return value


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DomainError(
            f"Unknown time zone {value!r} (use an IANA name such as Europe/Berlin).",
            field="timeZone",
        ) from exc
    if value not in available_timezones() and value != "UTC":
        raise DomainError(f"Unknown time zone {value!r}.", field="timeZone")
    return value


def _channels(value: list[str]) -> list[str]:
    cleaned = [c.strip() for c in value if c.strip()]
    if len(cleaned) > 20 or any(len(c) > 200 for c in cleaned):
        raise DomainError("At most 20 channels of at most 200 characters.", field="channels")
    return cleaned


async def _get(session: AsyncSession, model: type[Any], ident: int, kind: str, field: str) -> Any:
    obj = await session.get(model, ident)
    require_found(obj, kind, ident, field)
    return obj


async def _live(session: AsyncSession, model: type[Any], ident: int, kind: str, field: str) -> Any:
    obj = await _get(session, model, ident, kind, field)
    if obj.archived_at is not None:
        raise DomainError(f"{kind} {ident} is archived.", field=field, code=ErrorCode.ARCHIVED)
    return obj


# ---- groups ---------------------------------------------------------------------------------


async def _check_parent(session: AsyncSession, group_id: int | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    await _live(session, Group, parent_id, "Group", "parentId")
    if group_id is None:
        return
    if parent_id == group_id:
        raise DomainError(
            "A group cannot be its own parent.", field="parentId", code=ErrorCode.SELF_REFERENCE
        )
    if parent_id in await repo.descendants_of(session, group_id):
        raise DomainError(
            "A group cannot move under one of its own subgroups.",
            field="parentId",
            code=ErrorCode.CYCLE,
        )


async def create_group(
    session: AsyncSession,
    actor: Actor,
    *,
    slug: str,
    name: str,
    kind: GroupKind,
    description: str = "",
    parent_id: int | None = None,
) -> Group:
    """Create a group (organisation, value stream, tribe...) optionally under a parent."""
    actor.require_access(CREATE_GROUP)
    if await repo.slug_taken(session, Group, _slug(slug)):
        raise DuplicateError(f"A group with slug {slug!r} exists already.", field="slug")
    await _check_parent(session, None, parent_id)
    group = Group(
        slug=slug, name=_name(name), kind=kind, description=description, parent_id=parent_id
    )
    session.add(group)
    await session.flush()
    return group


async def update_group(
    session: AsyncSession, actor: Actor, group_id: int, version: int, changes: Mapping[str, Any]
) -> Group:
    """Rename, re-describe or move a group; refuses moves that would create a cycle."""
    actor.require_access(UPDATE_GROUP)
    group: Group = await _live(session, Group, group_id, "Group", "id")
    check_version(group.version, version, "Group")
    if "parent_id" in changes:
        await _check_parent(session, group.id, changes["parent_id"])
        group.parent_id = changes["parent_id"]
    if "name" in changes:
        group.name = _name(changes["name"])
    if "description" in changes:
        group.description = changes["description"]
    if "kind" in changes:
        group.kind = changes["kind"]
    await session.flush()
    return group


async def archive_group(session: AsyncSession, actor: Actor, group_id: int, version: int) -> Group:
    """Archive an empty group (its teams and subgroups must be archived or moved first)."""
    actor.require_access(ARCHIVE_GROUP)
    group: Group = await _live(session, Group, group_id, "Group", "id")
    check_version(group.version, version, "Group")
    if await repo.active_children_count(session, group.id):
        raise DomainError(
            "Move or archive the group's teams and subgroups first.",
            field="id",
            code=ErrorCode.INVALID_STATE,
        )
    group.archived_at = utcnow()
    await session.flush()
    return group


# ---- teams ----------------------------------------------------------------------------------

_TEAM_FIELDS = ("focus", "ways_of_working", "daily_sync_time", "topology", "framework")


async def create_team(
    session: AsyncSession,
    actor: Actor,
    *,
    slug: str,
    name: str,
    group_id: int,
    values: Mapping[str, Any],
) -> Team:
    """Create a team in a group with its topology, framework and Team API."""
    actor.require_access(CREATE_TEAM)
    if await repo.slug_taken(session, Team, _slug(slug)):
        raise DuplicateError(f"A team with slug {slug!r} exists already.", field="slug")
    await _live(session, Group, group_id, "Group", "groupId")
    team = Team(slug=slug, name=_name(name), group_id=group_id, channels=[], time_zone="UTC")
    _apply_team_values(team, values)
    session.add(team)
    await session.flush()
    return team


def _apply_team_values(team: Team, values: Mapping[str, Any]) -> None:
    for key in _TEAM_FIELDS:
        if key in values:
            setattr(team, key, values[key])
    if "channels" in values:
        team.channels = _channels(values["channels"])
    if "time_zone" in values:
        team.time_zone = _time_zone(values["time_zone"])
    if "name" in values:
        team.name = _name(values["name"])


async def update_team(
    session: AsyncSession, actor: Actor, team_id: int, version: int, changes: Mapping[str, Any]
) -> Team:
    """Change a team's Team API, topology or framework; moving it to another group is a
    director's call."""
    team: Team = await _live(session, Team, team_id, "Team", "id")
    actor.require_team(UPDATE_TEAM, team.id)
    check_version(team.version, version, "Team")
    if "group_id" in changes and changes["group_id"] != team.group_id:
        actor.require_access(ARCHIVE_TEAM)  # re-parenting needs the org-structure role
        await _live(session, Group, changes["group_id"], "Group", "groupId")
        team.group_id = changes["group_id"]
    _apply_team_values(team, changes)
    await session.flush()
    return team


async def archive_team(session: AsyncSession, actor: Actor, team_id: int, version: int) -> Team:
    """Archive a team: it disappears from lists; its history and references stay."""
    actor.require_access(ARCHIVE_TEAM)
    team: Team = await _live(session, Team, team_id, "Team", "id")
    check_version(team.version, version, "Team")
    team.archived_at = utcnow()
    await session.flush()
    return team


# ---- people ---------------------------------------------------------------------------------


def _email(value: str) -> str:
    value = value.strip()
    if not EMAIL_RE.match(value) or len(value) > 254:
        raise DomainError(f"{value!r} is not an e-mail address.", field="email")
    return value


async def create_person(
    session: AsyncSession, actor: Actor, *, name: str, email: str, title: str = ""
) -> Person:
    """Register a person (e-mail addresses are unique, case-insensitively)."""
    actor.require_access(CREATE_PERSON)
    if await repo.email_taken(session, _email(email)):
        raise DuplicateError(f"Someone with e-mail {email!r} exists already.", field="email")
    person = Person(name=_name(name), email=email.strip(), title=title)
    session.add(person)
    await session.flush()
    return person


async def update_person(
    session: AsyncSession, actor: Actor, person_id: int, version: int, changes: Mapping[str, Any]
) -> Person:
    """Change a person's name, e-mail or title."""
    actor.require_access(UPDATE_PERSON)
    person: Person = await _live(session, Person, person_id, "Person", "id")
    check_version(person.version, version, "Person")
    if "email" in changes:
        email = _email(changes["email"])
        if await repo.email_taken(session, email, exclude_id=person.id):
            raise DuplicateError(f"Someone with e-mail {email!r} exists already.", field="email")
        person.email = email
    if "name" in changes:
        person.name = _name(changes["name"])
    if "title" in changes:
        person.title = changes["title"]
    await session.flush()
    return person


async def archive_person(
    session: AsyncSession, actor: Actor, person_id: int, version: int
) -> Person:
    """Archive a person and end their active memberships (kept as history)."""
    actor.require_access(ARCHIVE_PERSON)
    person: Person = await _live(session, Person, person_id, "Person", "id")
    check_version(person.version, version, "Person")
    for memberships in await repo.memberships_by_person(session, [person.id]):
        for membership in memberships:
            if membership.ended_on is None:
                membership.ended_on = max(today(), membership.started_on)
    person.archived_at = utcnow()
    await session.flush()
    return person


# ---- memberships ----------------------------------------------------------------------------


async def add_membership(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int,
    team_id: int,
    role: MembershipRole,
    started_on: date | None = None,
) -> Membership:
    """Put a person in a team with a role (once per team at a time)."""
    actor.require_team(ADD_MEMBERSHIP, team_id)
    await _live(session, Person, person_id, "Person", "personId")
    await _live(session, Team, team_id, "Team", "teamId")
    if await repo.active_membership(session, person_id, team_id):
        raise DuplicateError(
            "This person is a member of that team already; change the role instead.",
            field="personId",
        )
    membership = Membership(
        person_id=person_id, team_id=team_id, role=role, started_on=started_on or today()
    )
    session.add(membership)
    await session.flush()
    return membership


async def _active_membership(session: AsyncSession, membership_id: int) -> Membership:
    membership: Membership = await _get(session, Membership, membership_id, "Membership", "id")
    if membership.ended_on is not None:
        raise DomainError("This membership has ended.", field="id", code=ErrorCode.INVALID_STATE)
    return membership


async def change_membership(
    session: AsyncSession, actor: Actor, membership_id: int, version: int, role: MembershipRole
) -> Membership:
    """Change the role of an active membership."""
    membership = await _active_membership(session, membership_id)
    actor.require_team(CHANGE_MEMBERSHIP, membership.team_id)
    check_version(membership.version, version, "Membership")
    membership.role = role
    await session.flush()
    return membership


async def remove_membership(
    session: AsyncSession,
    actor: Actor,
    membership_id: int,
    version: int,
    ended_on: date | None = None,
) -> Membership:
    """End a membership on a date (default today); the row stays as history."""
    membership = await _active_membership(session, membership_id)
    actor.require_team(REMOVE_MEMBERSHIP, membership.team_id)
    check_version(membership.version, version, "Membership")
    end = ended_on or today()
    if end < membership.started_on:
        raise DomainError(
            "A membership cannot end before it started.",
            field="endedOn",
            code=ErrorCode.INVALID_DATE_RANGE,
        )
    membership.ended_on = end
    await session.flush()
    return membership


# ---- interactions ---------------------------------------------------------------------------


def _check_dates(start: date, end: date | None, field: str) -> None:
    if end is not None and end < start:
        raise DomainError(
            f"{field} ({end}) is before the start ({start}).",
            field=field,
            code=ErrorCode.INVALID_DATE_RANGE,
        )


async def start_interaction(
    session: AsyncSession,
    actor: Actor,
    *,
    team_id: int,
    partner_id: int,
    mode: InteractionMode,
    purpose: str,
    starts_on: date | None,
    expected_end: date | None,
) -> Interaction:
    """Start an interaction between two different teams (one of them the actor's)."""
    actor.require_any_team(START_INTERACTION, {team_id, partner_id})
    if team_id == partner_id:
        raise DomainError(
            "A team cannot interact with itself.", field="partnerId", code=ErrorCode.SELF_REFERENCE
        )
    await _live(session, Team, team_id, "Team", "teamId")
    await _live(session, Team, partner_id, "Team", "partnerId")
    start = starts_on or today()
    _check_dates(start, expected_end, "expectedEnd")
    if await repo.open_interaction(session, team_id, partner_id, mode):
        raise DuplicateError(
            f"These teams already have an open {mode.value} interaction.", field="partnerId"
        )
    interaction = Interaction(
        team_id=team_id,
        partner_id=partner_id,
        mode=mode,
        purpose=purpose,
        starts_on=start,
        expected_end=expected_end,
    )
    session.add(interaction)
    await session.flush()
    return interaction


async def _open_interaction(session: AsyncSession, interaction_id: int) -> Interaction:
    interaction: Interaction = await _get(session, Interaction, interaction_id, "Interaction", "id")
    if interaction.ended_on is not None:
        raise DomainError("This interaction has ended.", field="id", code=ErrorCode.INVALID_STATE)
    return interaction


async def update_interaction(
    session: AsyncSession,
    actor: Actor,
    interaction_id: int,
    version: int,
    changes: Mapping[str, Any],
) -> Interaction:
    """Change the purpose, mode or expected end of an open interaction."""
    interaction = await _open_interaction(session, interaction_id)
    actor.require_any_team(UPDATE_INTERACTION, {interaction.team_id, interaction.partner_id})
    check_version(interaction.version, version, "Interaction")
    if "expected_end" in changes:
        _check_dates(interaction.starts_on, changes["expected_end"], "expectedEnd")
        interaction.expected_end = changes["expected_end"]
    if "purpose" in changes:
        interaction.purpose = changes["purpose"]
    if "mode" in changes:
        interaction.mode = changes["mode"]
    await session.flush()
    return interaction


async def end_interaction(
    session: AsyncSession,
    actor: Actor,
    interaction_id: int,
    version: int,
    ended_on: date | None = None,
) -> Interaction:
    """End an interaction on a date (default today); it stays in the history."""
    interaction = await _open_interaction(session, interaction_id)
    actor.require_any_team(END_INTERACTION, {interaction.team_id, interaction.partner_id})
    check_version(interaction.version, version, "Interaction")
    end = ended_on or today()
    _check_dates(interaction.starts_on, end, "endedOn")
    interaction.ended_on = end
    await session.flush()
    return interaction
