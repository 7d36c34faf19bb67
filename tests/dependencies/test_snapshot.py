"""Loading the analysis input: a fixed number of queries, sprints resolved, scope closed."""

from __future__ import annotations

from datetime import date

from syncpoint.analysis.calendar import SprintSpan
from syncpoint.analysis.model import Framework
from syncpoint.cadence import service as cadence_svc
from syncpoint.dependencies import service as dep_svc
from syncpoint.insights.snapshot import load_analysis_input
from syncpoint.teams import service as teams_svc
from syncpoint.teams.models import InteractionMode
from tests.support.factories import ADMIN, make_team
from tests.support.work_factories import make_cadence, make_dependency, make_item, plan

TODAY = date(2027, 1, 20)


async def _organisation(session, items_per_team: int) -> dict:
    ranking, features = await make_team(session), await make_team(session)
    kanban = await make_team(session, framework=Framework.KANBAN)
    await make_cadence(session, ranking, 14, date(2027, 1, 4))
    await make_cadence(session, features, 14, date(2027, 1, 11))
    await cadence_svc.set_sle(
        session, ADMIN, team_id=kanban.id, percentile=85, days=10, effective_from=date(2027, 1, 1)
    )
    ranked = [
        await plan(session, await make_item(session, ranking), date(2027, 2, 1))
        for _ in range(items_per_team)
    ]
    featured = [
        await plan(session, await make_item(session, features), date(2027, 1, 25))
        for _ in range(items_per_team)
    ]
    flow = [await make_item(session, kanban) for _ in range(items_per_team)]
    for consumer, provider, other in zip(ranked, featured, flow, strict=True):
        await make_dependency(session, consumer, provider)
        await make_dependency(session, provider, other, needed_by=date(2027, 1, 28))
    await dep_svc.create_integration_point(
        session,
        ADMIN,
        name="Launch",
        day=date(2027, 2, 15),
        item_ids=[ranked[0].id, featured[0].id],
    )
    await teams_svc.start_interaction(
        session,
        ADMIN,
        team_id=features.id,
        partner_id=ranking.id,
        mode=InteractionMode.X_AS_A_SERVICE,
        purpose="features",
        starts_on=date(2026, 12, 1),
        expected_end=None,
    )
    return {"ranking": ranking, "features": features, "kanban": kanban, "ranked": ranked}


async def test_load_uses_a_fixed_number_of_queries(session, count_statements):
    await _organisation(session, 2)
    count_statements.count = 0
    small = await load_analysis_input(session, today=TODAY)
    small_count = count_statements.count
    await _organisation(session, 8)
    count_statements.count = 0
    large = await load_analysis_input(session, today=TODAY)
    assert count_statements.count == small_count
    assert (len(small.items), len(large.items)) == (6, 30)
    assert (len(small.dependencies), len(large.dependencies)) == (4, 20)


async def test_input_resolves_sprints_cadences_and_expectations(session):
    org = await _organisation(session, 1)
    inp = await load_analysis_input(session, today=TODAY)
    index = inp.index
    (consumer,) = org["ranked"]
    item = index.items[consumer.id]
    assert item.sprint is not None
    assert (item.sprint.start, item.sprint.end) == (date(2027, 2, 1), date(2027, 2, 14))
    assert item.title == f"{consumer.key} {consumer.title}"
    ranking = index.teams[org["ranking"].id]
    assert [(c.length_days, c.anchor) for c in ranking.cadences] == [(14, date(2027, 1, 4))]
    assert SprintSpan(date(2027, 2, 1), date(2027, 2, 14), True, consumer.sprint_id) in (
        ranking.sprints
    )
    assert index.teams[org["kanban"].id].sle is not None
    assert [d.explicit_needed_by for d in inp.dependencies] == [None, date(2027, 1, 28)]
    (point,) = inp.integration_points
    assert len(point.item_ids) == 2
    assert len(inp.interactions) == 1


async def test_scope_adds_the_teams_at_the_other_end(session):
    org = await _organisation(session, 1)
    unrelated = await make_team(session)
    await make_item(session, unrelated)
    inp = await load_analysis_input(session, today=TODAY, team_ids={org["ranking"].id})
    assert {t.id for t in inp.teams} == {org["ranking"].id, org["features"].id}
    assert len(inp.dependencies) == 1  # ranking's; the features -> kanban one is not asked for
