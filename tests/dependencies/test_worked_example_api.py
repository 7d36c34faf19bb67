"""The domain guide's worked example (Ranking / Features) end to end through GraphQL."""

from __future__ import annotations

from syncpoint.core.auth import Role
from tests.support.factories import make_team
from tests.support.work_factories import gid

SET_CADENCE = """
mutation($input: SetCadenceInput!) {
  setCadence(input: $input) { cadence { lengthDays anchor effectiveFrom } errors { field code } }
}"""

CREATE_ITEM = """
mutation($input: CreateBacklogItemInput!) {
  createBacklogItem(input: $input) { item { id key version } errors { field code message } }
}"""

SPRINTS = """
query($team: ID!, $from: Date!, $to: Date) {
  sprints(teamId: $team, from: $from, to: $to) { id startDate endDate lengthDays stored state }
}"""

PLAN = """
mutation($input: PlanItemInput!) {
  planItem(input: $input) {
    item { id key version sprint { id startDate endDate stored } }
    errors { field code message }
  }
}"""

CREATE_DEPENDENCY = """
mutation($input: CreateDependencyInput!) {
  createDependency(input: $input) { dependency { id version } errors { field code message } }
}"""

UPDATE_DEPENDENCY = """
mutation($input: UpdateDependencyInput!) {
  updateDependency(input: $input) {
    dependency { explicitNeededBy version } errors { field code }
  }
}"""

DEPENDENCY_DATES = """
query($id: ID!, $asOf: Date) {
  node(id: $id) {
    ... on Dependency {
      type status explicitNeededBy
      consumer { key } provider { key } consumerTeam { name } providerTeam { name }
      neededBy(asOf: $asOf) availableFrom(asOf: $asOf) lateByDays(asOf: $asOf)
      handoffLagDays(asOf: $asOf) availabilityRule(asOf: $asOf) isLate(asOf: $asOf)
    }
  }
}"""

LATE_ONLY = """
query($asOf: Date) {
  dependencies(filter: {lateOnly: true, asOf: $asOf}, first: 10) {
    totalCount edges { node { consumer { key } lateByDays(asOf: $asOf) } }
  }
}"""

AS_OF = "2027-01-20"


async def _team_with_cadence(api, session, name: str, anchor: str) -> str:
    team = await make_team(session, name=name)
    team_id = gid("Team", team.id)
    payload = (
        await api.gql(
            SET_CADENCE, {"input": {"teamId": team_id, "lengthDays": 14, "anchor": anchor}}
        )
    )["setCadence"]
    assert payload["errors"] == []
    return team_id


async def _item(api, team_id: str, key: str, kind: str) -> dict:
    payload = (
        await api.gql(
            CREATE_ITEM, {"input": {"teamId": team_id, "title": key, "kind": kind, "key": key}}
        )
    )["createBacklogItem"]
    assert payload["errors"] == []
    return payload["item"]


async def _plan(api, item: dict, sprint_id: str) -> dict:
    payload = (
        await api.gql(
            PLAN,
            {"input": {"itemId": item["id"], "version": item["version"], "sprintId": sprint_id}},
        )
    )["planItem"]
    assert payload["errors"] == []
    return payload["item"]


async def _sprint(api, team_id: str, start: str) -> dict:
    sprints = (await api.gql(SPRINTS, {"team": team_id, "from": start}))["sprints"]
    (sprint,) = [s for s in sprints if s["startDate"] == start]
    return sprint


async def test_worked_example_dates_through_graphql(api, session):
    await api.login(Role.ADMIN)
    ranking = await _team_with_cadence(api, session, "Ranking", "2027-01-04")
    features = await _team_with_cadence(api, session, "Features", "2027-01-11")

    listed = await api.gql(SPRINTS, {"team": ranking, "from": "2027-01-04", "to": "2027-02-28"})
    assert [(s["startDate"], s["endDate"]) for s in listed["sprints"]] == [
        ("2027-01-04", "2027-01-17"),
        ("2027-01-18", "2027-01-31"),
        ("2027-02-01", "2027-02-14"),
        ("2027-02-15", "2027-02-28"),
    ]
    listed = await api.gql(SPRINTS, {"team": features, "from": "2027-01-11", "to": "2027-02-21"})
    assert [(s["startDate"], s["endDate"]) for s in listed["sprints"]] == [
        ("2027-01-11", "2027-01-24"),
        ("2027-01-25", "2027-02-07"),
        ("2027-02-08", "2027-02-21"),
    ]

    r7 = await _item(api, ranking, "R-7", "ENGINEERING")
    fs12 = await _item(api, features, "FS-12", "DATA")
    ranking_sprint = await _sprint(api, ranking, "2027-02-01")
    assert ranking_sprint["stored"] is False
    planned = await _plan(api, r7, ranking_sprint["id"])
    assert planned["sprint"] == {
        "id": ranking_sprint["id"],
        "startDate": "2027-02-01",
        "endDate": "2027-02-14",
        "stored": True,
    }
    await _plan(api, fs12, (await _sprint(api, features, "2027-01-25"))["id"])

    created = await api.gql(
        CREATE_DEPENDENCY,
        {"input": {"consumerItemId": r7["id"], "providerItemId": fs12["id"], "type": "BLOCKING"}},
    )
    payload = created["createDependency"]
    assert payload["errors"] == []
    dep_id = payload["dependency"]["id"]

    dates = (await api.gql(DEPENDENCY_DATES, {"id": dep_id, "asOf": AS_OF}))["node"]
    assert dates == {
        "type": "BLOCKING",
        "status": "OPEN",
        "explicitNeededBy": None,
        "consumer": {"key": "R-7"},
        "provider": {"key": "FS-12"},
        "consumerTeam": {"name": "Ranking"},
        "providerTeam": {"name": "Features"},
        "neededBy": "2027-02-01",
        "availableFrom": "2027-02-08",
        "lateByDays": 7,
        "handoffLagDays": 7,
        "availabilityRule": "SCRUM_SPRINT",
        "isLate": True,
    }
    late = (await api.gql(LATE_ONLY, {"asOf": AS_OF}))["dependencies"]
    assert late["totalCount"] == 1
    assert late["edges"][0]["node"] == {"consumer": {"key": "R-7"}, "lateByDays": 7}

    # With an explicit needed-by of 2027-02-10 it is not late (02-08 <= 02-10).
    updated = await api.gql(
        UPDATE_DEPENDENCY,
        {
            "input": {
                "id": dep_id,
                "version": payload["dependency"]["version"],
                "neededBy": "2027-02-10",
            }
        },
    )
    assert updated["updateDependency"]["errors"] == []
    dates = (await api.gql(DEPENDENCY_DATES, {"id": dep_id, "asOf": AS_OF}))["node"]
    assert (dates["explicitNeededBy"], dates["neededBy"]) == ("2027-02-10", "2027-02-10")
    assert (dates["availableFrom"], dates["lateByDays"], dates["isLate"]) == (
        "2027-02-08",
        0,
        False,
    )
    assert (await api.gql(LATE_ONLY, {"asOf": AS_OF}))["dependencies"]["totalCount"] == 0
