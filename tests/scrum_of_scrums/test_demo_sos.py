"""The demo's Scrum of Scrums: nested forums, blockers of every category at every level, one
chain escalated to the executive, a past meeting with action items, and an agenda for the demo
day with every section."""

from __future__ import annotations

from sqlalchemy import select

from syncpoint.analysis.agenda import Section
from syncpoint.blockers.models import Blocker, BlockerCategory, BlockerEscalation, EscalationLevel
from syncpoint.forums.models import Forum
from syncpoint.scrum_of_scrums.agenda_service import generate_agenda
from syncpoint.scrum_of_scrums.models import ActionItem, Meeting
from tests.conftest import DEMO_DAY

AS_OF = DEMO_DAY  # the day the shared demo is dated around


async def test_demo_scrum_of_scrums(demo_session):
    session = demo_session

    forums = {f.name: f for f in await session.scalars(select(Forum))}
    org = forums["Acme ML Scrum of Scrums"]
    discovery = forums["Discovery Scrum of Scrums"]
    assert {f.parent_id for name, f in forums.items() if name != org.name} == {org.id}
    blockers = list(await session.scalars(select(Blocker)))
    assert {b.category for b in blockers} == set(BlockerCategory)
    assert {b.escalation_level for b in blockers} == set(EscalationLevel)
    (executive,) = [b for b in blockers if b.escalation_level is EscalationLevel.EXECUTIVE]
    path = list(
        await session.scalars(
            select(BlockerEscalation.to_level)
            .where(BlockerEscalation.blocker_id == executive.id)
            .order_by(BlockerEscalation.id)
        )
    )
    assert path == [
        EscalationLevel.SCRUM_OF_SCRUMS,
        EscalationLevel.SCRUM_OF_SCRUMS,
        EscalationLevel.EXECUTIVE,
    ]
    (meeting,) = await session.scalars(select(Meeting))
    assert meeting.forum_id == discovery.id
    assert meeting.date < AS_OF
    items = list(await session.scalars(select(ActionItem)))
    assert len(items) == 3

    agenda = (await generate_agenda(session, discovery.id, AS_OF)).agenda

    assert {e.candidate.section for e in agenda.entries} == set(Section)
    assert agenda.used_minutes <= discovery.duration_minutes
    assert agenda.left_out
