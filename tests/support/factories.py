"""Small typed factories that create data through the services (so it obeys the rules)."""

from __future__ import annotations

import itertools
from datetime import date

from syncpoint.core.auth import Actor, Role
from syncpoint.core.db import SerialSession
from syncpoint.teams import service as teams
from syncpoint.teams.models import (
    Framework,
    Group,
    GroupKind,
    MembershipRole,
    Person,
    Team,
    Topology,
)

ADMIN = Actor(role=Role.ADMIN)
_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_seq)}"


async def make_group(
    session: SerialSession,
    *,
    parent: Group | None = None,
    name: str | None = None,
    kind: GroupKind = GroupKind.VALUE_STREAM,
) -> Group:
    slug = unique("group")
    return await teams.create_group(
        session,
        ADMIN,
        slug=slug,
        name=name or slug,
        kind=kind,
        parent_id=parent.id if parent else None,
    )


async def make_team(
    session: SerialSession,
    *,
    group: Group | None = None,
    name: str | None = None,
    topology: Topology = Topology.STREAM_ALIGNED,
    framework: Framework = Framework.SCRUM,
) -> Team:
    group = group or await make_group(session)
    slug = unique("team")
    return await teams.create_team(
        session,
        ADMIN,
        slug=slug,
        name=name or slug.title(),
        group_id=group.id,
        values={"topology": topology, "framework": framework},
    )


async def make_person(
    session: SerialSession, *, name: str | None = None, email: str | None = None
) -> Person:
    handle = unique("person")
    return await teams.create_person(
        session, ADMIN, name=name or handle.title(), email=email or f"{handle}@example.com"
    )


async def make_member(
    session: SerialSession,
    team: Team,
    role: MembershipRole = MembershipRole.ML_ENGINEER,
    started_on: date | None = None,
) -> Person:
    person = await make_person(session)
    await teams.add_membership(
        session,
        ADMIN,
        person_id=person.id,
        team_id=team.id,
        role=role,
        started_on=started_on or date(2026, 1, 1),
    )
    return person
