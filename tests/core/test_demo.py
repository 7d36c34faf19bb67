"""The demo organisation loads through the services and shows what the issues ask for."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from syncpoint.demo import database_is_empty, load_demo
from syncpoint.teams.models import Framework, Interaction, Membership, Person, Team, Topology


async def test_demo_organisation(session):
    assert await database_is_empty(session)
    await load_demo(session, as_of=date(2027, 1, 20))
    teams = list(await session.scalars(select(Team)))
    assert len(teams) >= 12
    assert {t.topology for t in teams} == set(Topology)
    assert {t.framework for t in teams} == set(Framework)
    assert await session.scalar(select(func.count()).select_from(Person)) >= 40
    roles = set(await session.scalars(select(Membership.role)))
    assert len(roles) >= 5
    interactions = list(await session.scalars(select(Interaction)))
    assert any(i.is_overrun(date(2027, 1, 20)) for i in interactions)
    assert not await database_is_empty(session)
