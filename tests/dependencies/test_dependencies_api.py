"""Dependencies and integration points through GraphQL: rules, permissions, filters."""

from __future__ import annotations

from datetime import date

from syncpoint.cadence import service as cadence_svc
from syncpoint.core.auth import Role
from syncpoint.dependencies.models import DependencyType
from syncpoint.teams.models import Framework
from tests.support.factories import ADMIN, make_member, make_team
from tests.support.work_factories import gid, make_cadence, make_dependency, make_item, plan

CREATE = """
mutation($input: CreateDependencyInput!) {
  createDependency(input: $input) { dependency { id status } errors { field code } }
}"""

RESOLVE = """
mutation($input: DependencyVersionInput!) {
  resolveDependency(input: $input) { dependency { status version } errors { field code } }
}"""

CANCEL = """
mutation($input: DependencyVersionInput!) {
  cancelDependency(input: $input) { dependency { status } errors { field code } }
}"""

UPDATE = """
mutation($input: UpdateDependencyInput!) {
  updateDependency(input: $input) { dependency { type description } errors { field code } }
}"""

DEPENDENCIES = """
query($filter: DependencyFilter) {
  dependencies(filter: $filter, first: 20) {
    totalCount edges { node { consumer { key } provider { key } type status } }
  }
}"""

ITEM_LINKS = """
query($key: String!) {
  backlogItem(key: $key) {
    upstream { provider { key } } downstream { consumer { key } }
    integrationPoints { name }
  }
}"""

TEAM_LINKS = """
query($slug: String!) {
  team(slug: $slug) { planning {
    incomingDependencies(first: 10) { totalCount edges { node { consumer { key } } } }
    outgoingDependencies(first: 10) { totalCount edges { node { provider { key } } } }
  } }
}"""

CREATE_POINT = """
mutation($input: CreateIntegrationPointInput!) {
  createIntegrationPoint(input: $input) {
    integrationPoint { id name date version items { key } teams { name } }
    errors { field code }
  }
}"""

ADD_ITEMS = """
mutation($input: IntegrationPointItemsInput!) {
  addItemsToIntegrationPoint(input: $input) {
    integrationPoint { version items { key } } errors { field code }
  }
}"""

REMOVE_ITEMS = """
mutation($input: IntegrationPointItemsInput!) {
  removeItemsFromIntegrationPoint(input: $input) {
    integrationPoint { version items { key } } errors { field code }
  }
}"""

POINTS = """
query($from: Date, $to: Date, $team: ID) {
  integrationPoints(from: $from, to: $to, teamId: $team, first: 10) {
    totalCount edges { node { name date } }
  }
}"""


def dep_input(consumer: int, provider: int, **extra: object) -> dict:
    return {
        "input": {
            "consumerItemId": gid("BacklogItem", consumer),
            "providerItemId": gid("BacklogItem", provider),
            "type": "BLOCKING",
            **extra,
        }
    }


async def test_dependency_rules_refuse_with_codes_but_allow_cycles(api, session):
    a, b = await make_team(session), await make_team(session)
    x, y = await make_item(session, a, key="X-1"), await make_item(session, b, key="Y-1")
    await api.login(Role.ADMIN)
    self_ref = (await api.gql(CREATE, dep_input(x.id, x.id)))["createDependency"]
    assert self_ref["errors"] == [{"field": "providerItemId", "code": "SELF_REFERENCE"}]
    unknown = (await api.gql(CREATE, dep_input(x.id, 999999)))["createDependency"]
    assert unknown["errors"] == [{"field": "providerItemId", "code": "NOT_FOUND"}]
    unknown = (await api.gql(CREATE, dep_input(999999, x.id)))["createDependency"]
    assert unknown["errors"] == [{"field": "consumerItemId", "code": "NOT_FOUND"}]
    wrong_type = {"input": {**dep_input(x.id, y.id)["input"], "providerItemId": gid("Team", 1)}}
    refused = (await api.gql(CREATE, wrong_type))["createDependency"]
    assert refused["errors"] == [{"field": "providerItemId", "code": "NOT_FOUND"}]

    first = (await api.gql(CREATE, dep_input(x.id, y.id)))["createDependency"]
    assert first["errors"] == []
    assert first["dependency"]["status"] == "OPEN"
    dup = (await api.gql(CREATE, dep_input(x.id, y.id, type="OK")))["createDependency"]
    assert dup["errors"] == [{"field": "providerItemId", "code": "DUPLICATE"}]
    cycle = (await api.gql(CREATE, dep_input(y.id, x.id)))["createDependency"]
    assert cycle["errors"] == []  # allowed: the analysis flags cycles

    dep_id = first["dependency"]["id"]
    resolved = await api.gql(RESOLVE, {"input": {"id": dep_id, "version": 1}})
    assert resolved["resolveDependency"]["dependency"] == {"status": "SATISFIED", "version": 2}
    closed = await api.gql(CANCEL, {"input": {"id": dep_id, "version": 2}})
    assert closed["cancelDependency"]["errors"] == [{"field": "id", "code": "INVALID_STATE"}]
    again = (await api.gql(CREATE, dep_input(x.id, y.id)))["createDependency"]
    assert again["errors"] == []  # the earlier one is closed: a new open one is fine


async def test_the_consumer_declares_either_side_maintains(api, session):
    consumer_team, provider_team, bystander = (
        await make_team(session),
        await make_team(session),
        await make_team(session),
    )
    consumer = await make_item(session, consumer_team)
    provider = await make_item(session, provider_team)
    provider_member = await make_member(session, provider_team)
    consumer_member = await make_member(session, consumer_team)
    outsider = await make_member(session, bystander)

    await api.login(Role.TEAM_MEMBER, provider_member.id)
    errors = await api.errors(CREATE, dep_input(consumer.id, provider.id))
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    await api.login(Role.TEAM_MEMBER, consumer_member.id)
    created = (await api.gql(CREATE, dep_input(consumer.id, provider.id)))["createDependency"]
    dep_id = created["dependency"]["id"]

    await api.login(Role.TEAM_MEMBER, outsider.id)
    errors = await api.errors(UPDATE, {"input": {"id": dep_id, "version": 1, "type": "OK"}})
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    await api.login(Role.TEAM_MEMBER, provider_member.id)
    updated = await api.gql(
        UPDATE,
        {
            "input": {
                "id": dep_id,
                "version": 1,
                "type": "SLOWING",
                "description": "partial data is enough",
            }
        },
    )
    assert updated["updateDependency"]["dependency"] == {
        "type": "SLOWING",
        "description": "partial data is enough",
    }
    await api.login(Role.FACILITATOR, outsider.id)
    errors = await api.errors(RESOLVE, {"input": {"id": dep_id, "version": 2}})
    assert errors[0]["extensions"] == {"code": "FORBIDDEN", "reason": "ROLE"}


async def test_dependency_filters_and_both_directions(api, session):
    ranking, features, data = (
        await make_team(session),
        await make_team(session),
        await make_team(session),
    )
    r1, r2 = (
        await make_item(session, ranking, key="R-1"),
        await make_item(session, ranking, key="R-2"),
    )
    f1 = await make_item(session, features, key="F-1")
    d1 = await make_item(session, data, key="D-1")
    await make_dependency(session, r1, f1)
    await make_dependency(session, r2, f1, type=DependencyType.SLOWING)
    await make_dependency(session, f1, d1, type=DependencyType.OK)
    await api.login(Role.VIEWER)

    async def keys(flt: dict) -> list[tuple[str, str]]:
        page = (await api.gql(DEPENDENCIES, {"filter": flt}))["dependencies"]
        return [(e["node"]["consumer"]["key"], e["node"]["provider"]["key"]) for e in page["edges"]]

    assert await keys({"consumerTeamIds": [gid("Team", ranking.id)]}) == [
        ("R-1", "F-1"),
        ("R-2", "F-1"),
    ]
    assert await keys({"providerTeamIds": [gid("Team", data.id)]}) == [("F-1", "D-1")]
    assert await keys({"types": ["SLOWING", "OK"]}) == [("R-2", "F-1"), ("F-1", "D-1")]
    assert await keys({"statuses": ["SATISFIED"]}) == []

    links = (await api.gql(ITEM_LINKS, {"key": "F-1"}))["backlogItem"]
    assert links["upstream"] == [{"provider": {"key": "D-1"}}]
    assert links["downstream"] == [{"consumer": {"key": "R-1"}}, {"consumer": {"key": "R-2"}}]
    planning = (await api.gql(TEAM_LINKS, {"slug": features.slug}))["team"]["planning"]
    assert planning["incomingDependencies"]["totalCount"] == 1
    assert planning["outgoingDependencies"]["totalCount"] == 2


async def test_late_only_counts_open_late_dependencies_with_a_kanban_provider(api, session):
    ranking = await make_team(session)
    platform = await make_team(session, framework=Framework.KANBAN)
    await make_cadence(session, ranking, 14, date(2027, 1, 4))
    await cadence_svc.set_sle(
        session, ADMIN, team_id=platform.id, percentile=85, days=10, effective_from=date(2026, 1, 1)
    )
    soon = await plan(session, await make_item(session, ranking, key="R-10"), date(2027, 1, 4))
    later = await plan(session, await make_item(session, ranking, key="R-11"), date(2027, 2, 1))
    pipeline = await make_item(session, platform, key="P-1")
    await make_dependency(session, soon, pipeline)
    await make_dependency(session, later, pipeline)
    await api.login(Role.VIEWER)
    # As of 2027-01-01: available 2027-01-11 (today + SLE 10 days): late for the sprint of
    # 2027-01-04 only.
    page = await api.gql(DEPENDENCIES, {"filter": {"lateOnly": True, "asOf": "2027-01-01"}})
    assert [e["node"]["consumer"]["key"] for e in page["dependencies"]["edges"]] == ["R-10"]
    page = await api.gql(DEPENDENCIES, {"filter": {"lateOnly": True, "asOf": "2027-01-25"}})
    assert [e["node"]["consumer"]["key"] for e in page["dependencies"]["edges"]] == ["R-10", "R-11"]


async def test_integration_points_by_date_and_team(api, session):
    a, b, c = await make_team(session), await make_team(session), await make_team(session)
    xa, xb = await make_item(session, a, key="A-1"), await make_item(session, b, key="B-1")
    xc = await make_item(session, c, key="C-1")
    member = await make_member(session, c)
    await api.login(Role.DIRECTOR)
    payload = await api.gql(
        CREATE_POINT,
        {
            "input": {
                "name": "Recommendations launch",
                "date": "2027-03-01",
                "itemIds": [gid("BacklogItem", xa.id), gid("BacklogItem", xb.id)],
            }
        },
    )
    point = payload["createIntegrationPoint"]["integrationPoint"]
    assert [i["key"] for i in point["items"]] == ["A-1", "B-1"]
    assert len(point["teams"]) == 2
    await api.gql(
        CREATE_POINT,
        {
            "input": {
                "name": "E2E test",
                "date": "2027-05-01",
                "itemIds": [gid("BacklogItem", xc.id)],
            }
        },
    )

    async def names(**args: object) -> list[str]:
        page = (await api.gql(POINTS, args))["integrationPoints"]
        return [e["node"]["name"] for e in page["edges"]]

    assert await names() == ["Recommendations launch", "E2E test"]
    assert await names(**{"from": "2027-04-01"}) == ["E2E test"]
    assert await names(to="2027-04-01", team=gid("Team", b.id)) == ["Recommendations launch"]
    errors = await api.errors(POINTS, {"from": "2027-04-01", "to": "2027-03-01"})
    assert errors[0]["extensions"]["code"] == "INVALID_DATE_RANGE"

    await api.login(Role.TEAM_MEMBER, member.id)
    errors = await api.errors(
        ADD_ITEMS, {"input": {"id": point["id"], "version": 1, "itemIds": []}}
    )
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    added = await api.gql(
        ADD_ITEMS,
        {"input": {"id": point["id"], "version": 1, "itemIds": [gid("BacklogItem", xc.id)]}},
    )
    assert added["addItemsToIntegrationPoint"]["integrationPoint"] == {
        "version": 2,
        "items": [{"key": "A-1"}, {"key": "B-1"}, {"key": "C-1"}],
    }
    links = (await api.gql(ITEM_LINKS, {"key": "C-1"}))["backlogItem"]["integrationPoints"]
    assert links == [{"name": "Recommendations launch"}, {"name": "E2E test"}]
    stale = await api.gql(
        REMOVE_ITEMS,
        {"input": {"id": point["id"], "version": 1, "itemIds": [gid("BacklogItem", xa.id)]}},
    )
    assert stale["removeItemsFromIntegrationPoint"]["errors"][0]["code"] == "CONFLICT"
    removed = await api.gql(
        REMOVE_ITEMS,
        {"input": {"id": point["id"], "version": 2, "itemIds": [gid("BacklogItem", xa.id)]}},
    )
    assert removed["removeItemsFromIntegrationPoint"]["integrationPoint"]["items"] == [
        {"key": "B-1"},
        {"key": "C-1"},
    ]
