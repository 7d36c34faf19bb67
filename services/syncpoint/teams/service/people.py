"""People and their memberships in teams (ended memberships are kept)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor
from syncpoint.core.clock import today
from syncpoint.core.errors import (
    DomainError,
    DuplicateError,
    ErrorCode,
    check_version,
)
from syncpoint.core.models import utcnow
from syncpoint.teams import repository as repo
from syncpoint.teams.models import (
    Membership,
    MembershipRole,
    Person,
    Team,
)
from syncpoint.teams.service.common import (
    ADD_MEMBERSHIP,
    ARCHIVE_PERSON,
    CHANGE_MEMBERSHIP,
    CREATE_PERSON,
    EMAIL_RE,
    REMOVE_MEMBERSHIP,
    UPDATE_PERSON,
    clean_name,
    get_live,
    get_row,
)

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
    person = build_person(actor, name=name, email=email, title=title)
    session.add(person)
    await session.flush()
    return person


def build_person(actor: Actor, *, name: str, email: str, title: str = "") -> Person:
    """A new person checked by the rules that need no lookup, not added to a session (the bulk
    import checks e-mails for every person at once)."""
    actor.require_access(CREATE_PERSON)
    return Person(name=clean_name(name), email=_email(email), title=title)


async def update_person(
    session: AsyncSession, actor: Actor, person_id: int, version: int, changes: Mapping[str, Any]
) -> Person:
    """Change a person's name, e-mail or title."""
    actor.require_access(UPDATE_PERSON)
    person: Person = await get_live(session, Person, person_id, "Person", "id")
    check_version(person.version, version, "Person")
    if "email" in changes:
        email = _email(changes["email"])
        if await repo.email_taken(session, email, exclude_id=person.id):
            raise DuplicateError(f"Someone with e-mail {email!r} exists already.", field="email")
        person.email = email
    if "name" in changes:
        person.name = clean_name(changes["name"])
    if "title" in changes:
        person.title = changes["title"]
    await session.flush()
    return person


async def archive_person(
    session: AsyncSession, actor: Actor, person_id: int, version: int
) -> Person:
    """Archive a person and end their active memberships (kept as history)."""
    actor.require_access(ARCHIVE_PERSON)
    person: Person = await get_live(session, Person, person_id, "Person", "id")
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
    await get_live(session, Person, person_id, "Person", "personId")
    await get_live(session, Team, team_id, "Team", "teamId")
    if await repo.active_membership(session, person_id, team_id):
        raise DuplicateError(
            "This person is a member of that team already; change the role instead.",
            field="personId",
        )
    membership = build_membership(
        actor, person_id=person_id, team_id=team_id, role=role, started_on=started_on
    )
    session.add(membership)
    await session.flush()
    return membership


def build_membership(
    actor: Actor,
    *,
    person_id: int,
    team_id: int,
    role: MembershipRole,
    started_on: date | None = None,
) -> Membership:
    """A new membership, not added to a session: the bulk import, which knows the person and
    the team are live and have no active membership, skips those lookups."""
    actor.require_team(ADD_MEMBERSHIP, team_id)
    return Membership(
        person_id=person_id, team_id=team_id, role=role, started_on=started_on or today()
    )


async def _active_membership(session: AsyncSession, membership_id: int) -> Membership:
    membership: Membership = await get_row(session, Membership, membership_id, "Membership", "id")
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
