"""The demo organisation loads through the services and shows what the issues ask for."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from syncpoint.demo import database_is_empty
from syncpoint.teams.models import Framework, Interaction, Membership, Person, Team, Topology


async def test_demo_organisation(session, demo_session):
    # The demo fixture loads into an empty database (and asserts it), as `session`'s is.
    assert await database_is_empty(session)
    teams = list(await demo_session.scalars(select(Team)))
    assert len(teams) >= 12
    assert {t.topology for t in teams} == set(Topology)
    assert {t.framework for t in teams} == set(Framework)
    assert await demo_session.scalar(select(func.count()).select_from(Person)) >= 40
    roles = set(await demo_session.scalars(select(Membership.role)))
    assert len(roles) >= 5
    interactions = list(await demo_session.scalars(select(Interaction)))
    assert any(i.is_overrun(date(2027, 1, 20)) for i in interactions)
    assert not await database_is_empty(demo_session)
