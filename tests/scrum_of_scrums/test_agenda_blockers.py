"""The agenda loads only the open blockers that can become one of its topics: every forum's
agenda equals the one generated from every open blocker of its scope and subtree, on the demo
and on a generated organisation, while far fewer rows are read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from sqlalchemy import or_, select

from syncpoint.blockers.models import Blocker, BlockerCategory, BlockerStatus
from syncpoint.demo.large import Scale, generate, load_large
from syncpoint.forums.models import Forum
from syncpoint.insights.analyses import Analyses
from syncpoint.scrum_of_scrums import repository as repo
from syncpoint.scrum_of_scrums.agenda_service import generate_agenda
from tests.conftest import DEMO_DAY

ORG_DAY = date(2027, 3, 1)


async def _every_open_blocker(
    session,
    forum_id: int,
    team_ids: Sequence[int],
    forum_ids: Sequence[int],
    direct_team_ids: Sequence[int],
    since: date,
    system_categories: Sequence[BlockerCategory],
) -> list[Blocker]:
    """What the agenda read before: every open blocker of the teams or forums."""
    return list(
        await session.scalars(
            select(Blocker)
            .where(
                Blocker.status == BlockerStatus.OPEN,
                or_(Blocker.team_id.in_(team_ids), Blocker.forum_id.in_(forum_ids)),
            )
            .order_by(Blocker.id)
        )
    )


async def _agendas(session, days: Sequence[date]) -> tuple[list, int]:
    """Every forum's agenda snapshot on each day, and how many blockers were loaded."""
    loaded = 0
    forum_ids = list(await session.scalars(select(Forum.id).order_by(Forum.id)))
    assert forum_ids
    analyses = Analyses(session)
    out = []
    for day in days:
        for forum_id in forum_ids:
            generated = await generate_agenda(session, forum_id, day, analyses=analyses)
            loaded += len(generated.data.blockers)
            out.append(generated.snapshot())
    return out, loaded


async def _compare(session, monkeypatch: pytest.MonkeyPatch, days: Sequence[date]) -> None:
    narrowed, narrowed_rows = await _agendas(session, days)
    with monkeypatch.context() as patch:
        patch.setattr(repo, "agenda_blockers", _every_open_blocker)
        every, every_rows = await _agendas(session, days)
    assert narrowed == every
    assert any(a["entries"] for a in every)
    assert narrowed_rows < every_rows


async def test_the_demo_agendas_equal_those_from_every_open_blocker(demo_session, monkeypatch):
    days = [DEMO_DAY - timedelta(days=7), DEMO_DAY, DEMO_DAY + timedelta(days=3)]
    await _compare(demo_session, monkeypatch, days)


async def test_a_generated_organisation_s_agendas_equal_those_from_every_open_blocker(
    session, monkeypatch
):
    await load_large(session, generate(Scale.for_teams(40), 5, ORG_DAY))
    await _compare(session, monkeypatch, [ORG_DAY, ORG_DAY + timedelta(days=5)])
