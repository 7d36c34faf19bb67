"""Cadences and sprints through GraphQL: generation, cadence changes, overlaps, closing."""

from __future__ import annotations

from datetime import date

from syncpoint.core.auth import Role
from syncpoint.teams.models import Framework
from syncpoint.work import service as work_svc
from syncpoint.work.models import ItemKind, ItemStatus
from tests.support.factories import ADMIN, make_team
from tests.support.work_factories import gid, make_cadence, make_item, plan, sprint_gid

SPRINTS = """
query($team: ID!, $from: Date!, $to: Date) {
  sprints(teamId: $team, from: $from, to: $to) { startDate endDate explicit stored name }
}"""

SET_CADENCE = """
mutation($input: SetCadenceInput!) {
  setCadence(input: $input) { cadence { lengthDays anchor effectiveFrom } errors { field code } }
}"""

CREATE_SPRINT = """
mutation($input: CreateSprintInput!) {
  createSprint(input: $input) {
    sprint { id startDate endDate explicit stored name version } errors { field code message }
  }
}"""

START = """
mutation($input: SprintVersionInput!) {
  startSprint(input: $input) { sprint { state version } errors { field code message } }
}"""

CLOSE = """
mutation($input: CloseSprintInput!) {
  closeSprint(input: $input) {
    sprint { state version committedCount doneCount carriedOverCount }
    errors { field code message }
  }
}"""

SPRINT = """
query($id: ID!) {
  node(id: $id) { ... on Sprint { state version stored items(first: 20) { edges { node {
    key status carryOverCount } } } } }
}"""

ITEM = """
query($key: String!) {
  backlogItem(key: $key) {
    carryOverCount status sprint { startDate }
    carryOvers { note fromSprint { startDate } toSprint { startDate } }
    history(first: 20) { edges { node { field oldValue newValue note } } }
  }
}"""

STATS = """
query($team: ID!, $n: Int!) {
  teamSprintStats(teamId: $team, lastN: $n) {
    committed done carriedOver carryOverRate
    sprints { sprint { startDate } committed done carriedOver returned dropped }
  }
}"""

PLANNING = """
query($slug: String!, $on: Date) {
  team(slug: $slug) { planning {
    cadence(on: $on) { lengthDays anchor }
    cadenceHistory { lengthDays effectiveFrom }
    activeSprint(on: $on) { startDate endDate }
  } }
}"""

SPRINT_ITEMS = """
query($id: ID!, $first: Int!) {
  node(id: $id) { ... on Sprint { items(first: $first) {
    totalCount edges { node { key status team { name } sprint { startDate } } }
  } } }
}"""


def spans(sprints: list[dict]) -> list[tuple[str, str]]:
    return [(s["startDate"], s["endDate"]) for s in sprints]


async def test_sprints_are_generated_across_a_cadence_change(api, session):
    team = await make_team(session)
    await make_cadence(session, team, 14, date(2027, 1, 4))
    item = await make_item(session, team)
    await plan(session, item, date(2027, 2, 15))  # stores that sprint before the change
    await api.login(Role.ADMIN)
    change = {
        "teamId": gid("Team", team.id),
        "lengthDays": 10,
        "anchor": "2027-03-01",
        "effectiveFrom": "2027-02-22",
    }
    payload = (await api.gql(SET_CADENCE, {"input": change}))["setCadence"]
    assert payload == {
        "cadence": {"lengthDays": 10, "anchor": "2027-03-01", "effectiveFrom": "2027-02-22"},
        "errors": [],
    }

    listed = await api.gql(
        SPRINTS, {"team": gid("Team", team.id), "from": "2027-01-04", "to": "2027-03-31"}
    )
    assert spans(listed["sprints"]) == [
        ("2027-01-04", "2027-01-17"),
        ("2027-01-18", "2027-01-31"),
        ("2027-02-01", "2027-02-14"),
        ("2027-02-15", "2027-02-28"),  # stored: keeps its dates
        ("2027-03-01", "2027-03-10"),
        ("2027-03-11", "2027-03-20"),
        ("2027-03-21", "2027-03-30"),
        ("2027-03-31", "2027-04-09"),
    ]
    assert [s["stored"] for s in listed["sprints"]][3] is True

    planning = (await api.gql(PLANNING, {"slug": team.slug, "on": "2027-03-12"}))["team"]
    assert planning["planning"]["cadence"] == {"lengthDays": 10, "anchor": "2027-03-01"}
    assert planning["planning"]["cadenceHistory"] == [
        {"lengthDays": 14, "effectiveFrom": "2027-01-04"},
        {"lengthDays": 10, "effectiveFrom": "2027-02-22"},
    ]
    assert planning["planning"]["activeSprint"] == {
        "startDate": "2027-03-11",
        "endDate": "2027-03-20",
    }

    earlier = {**change, "effectiveFrom": "2027-01-10"}
    result = (await api.gql(SET_CADENCE, {"input": earlier}))["setCadence"]
    assert result["errors"] == [{"field": "effectiveFrom", "code": "INVALID_DATE_RANGE"}]
    again = (await api.gql(SET_CADENCE, {"input": change}))["setCadence"]
    assert again["errors"] == [{"field": "effectiveFrom", "code": "DUPLICATE"}]


async def test_kanban_teams_have_no_cadence_and_ranges_are_bounded(api, session):
    kanban = await make_team(session, framework=Framework.KANBAN)
    scrum = await make_team(session)
    await api.login(Role.ADMIN)
    result = await api.gql(
        SET_CADENCE,
        {"input": {"teamId": gid("Team", kanban.id), "lengthDays": 14, "anchor": "2027-01-04"}},
    )
    assert result["setCadence"]["errors"] == [{"field": "teamId", "code": "INVALID_STATE"}]
    bad = {"team": gid("Team", scrum.id), "from": "2027-01-04"}
    errors = await api.errors(SPRINTS, {**bad, "to": "2026-12-01"})
    assert errors[0]["extensions"]["code"] == "INVALID_DATE_RANGE"
    errors = await api.errors(SPRINTS, {**bad, "to": "2031-01-04"})
    assert errors[0]["extensions"]["code"] == "INVALID_DATE_RANGE"


async def test_explicit_sprints_win_and_overlaps_are_refused(api, session):
    team = await make_team(session)
    await make_cadence(session, team, 14, date(2027, 1, 4))
    await api.login(Role.ADMIN)
    holiday = {
        "teamId": gid("Team", team.id),
        "startDate": "2027-01-04",
        "endDate": "2027-01-08",
        "name": "Short week",
    }
    created = (await api.gql(CREATE_SPRINT, {"input": holiday}))["createSprint"]
    assert created["errors"] == []
    assert created["sprint"]["explicit"] is True
    assert created["sprint"]["version"] == 1
    listed = await api.gql(
        SPRINTS, {"team": gid("Team", team.id), "from": "2027-01-04", "to": "2027-01-31"}
    )
    assert spans(listed["sprints"]) == [("2027-01-04", "2027-01-08"), ("2027-01-18", "2027-01-31")]
    assert listed["sprints"][0]["name"] == "Short week"

    overlapping = {**holiday, "startDate": "2027-01-06", "endDate": "2027-01-10"}
    refused = (await api.gql(CREATE_SPRINT, {"input": overlapping}))["createSprint"]
    assert refused["sprint"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("startDate", "OVERLAP")]
    assert "2027-01-04..2027-01-08" in refused["errors"][0]["message"]
    backwards = {**holiday, "startDate": "2027-02-10", "endDate": "2027-02-01"}
    refused = (await api.gql(CREATE_SPRINT, {"input": backwards}))["createSprint"]
    assert refused["errors"][0]["code"] == "INVALID_DATE_RANGE"

    # A generated sprint stored by planning is a stored sprint too: overlapping it is refused.
    await plan(session, await make_item(session, team), date(2027, 1, 18))
    clash = {**holiday, "startDate": "2027-01-20", "endDate": "2027-01-25"}
    refused = (await api.gql(CREATE_SPRINT, {"input": clash}))["createSprint"]
    assert refused["errors"][0]["code"] == "OVERLAP"


async def test_closing_a_sprint_carries_research_over_with_a_note(api, session):
    team = await make_team(session)
    await make_cadence(session, team, 14, date(2027, 1, 4))
    experiment = await make_item(session, team, kind=ItemKind.EXPERIMENT, key="EXP-1")
    unfinished = await make_item(session, team, key="ENG-1")
    chosen = await make_item(session, team, key="ENG-2")
    done = await make_item(session, team, kind=ItemKind.SPIKE, key="SPK-1")
    for item in (experiment, unfinished, chosen, done):
        await plan(session, item, date(2027, 1, 4))
    await work_svc.change_status(session, ADMIN, done.id, done.version, ItemStatus.DONE)
    first, second = sprint_gid(team, date(2027, 1, 4)), sprint_gid(team, date(2027, 1, 18))
    await api.login(Role.ADMIN)
    assert (await api.gql(START, {"input": {"id": first, "version": 1}}))["startSprint"][
        "sprint"
    ] == {"state": "ACTIVE", "version": 2}
    refused = await api.gql(START, {"input": {"id": second, "version": 0}})
    assert refused["startSprint"]["errors"][0]["code"] == "INVALID_STATE"

    missing_note = await api.gql(
        CLOSE,
        {
            "input": {
                "id": first,
                "version": 2,
                "carryOver": [{"itemId": gid("BacklogItem", chosen.id)}],
            }
        },
    )
    (error,) = missing_note["closeSprint"]["errors"]
    assert (error["field"], error["code"]) == ("carryOver", "REQUIRED")
    assert "EXP-1" in error["message"]
    assert (await api.gql(SPRINT, {"id": first}))["node"]["state"] == "ACTIVE"  # unchanged

    stale = await api.gql(CLOSE, {"input": {"id": first, "version": 1}})
    assert stale["closeSprint"]["errors"][0]["code"] == "CONFLICT"
    carry = [
        {"itemId": gid("BacklogItem", experiment.id), "note": "training still running"},
        {"itemId": gid("BacklogItem", chosen.id)},
    ]
    closed = await api.gql(CLOSE, {"input": {"id": first, "version": 2, "carryOver": carry}})
    assert closed["closeSprint"] == {
        "sprint": {
            "state": "CLOSED",
            "version": 3,
            "committedCount": 4,
            "doneCount": 1,
            "carriedOverCount": 2,
        },
        "errors": [],
    }

    exp = (await api.gql(ITEM, {"key": "EXP-1"}))["backlogItem"]
    assert exp["carryOverCount"] == 1
    assert exp["sprint"] == {"startDate": "2027-01-18"}
    assert exp["carryOvers"] == [
        {
            "note": "training still running",
            "fromSprint": {"startDate": "2027-01-04"},
            "toSprint": {"startDate": "2027-01-18"},
        }
    ]
    sprint_changes = [e["node"] for e in exp["history"]["edges"] if e["node"]["field"] == "sprint"]
    assert sprint_changes[-1] == {
        "field": "sprint",
        "oldValue": "2027-01-04..2027-01-17",
        "newValue": "2027-01-18..2027-01-31",
        "note": "carried over: training still running",
    }
    returned = (await api.gql(ITEM, {"key": "ENG-1"}))["backlogItem"]
    assert returned["sprint"] is None
    assert returned["carryOverCount"] == 0
    assert (await api.gql(ITEM, {"key": "ENG-2"}))["backlogItem"]["sprint"] == {
        "startDate": "2027-01-18"
    }

    # The experiment carries over a second time: the count grows, the history stays.
    await api.gql(START, {"input": {"id": second, "version": 1}})
    again = await api.gql(
        CLOSE,
        {
            "input": {
                "id": second,
                "version": 2,
                "carryOver": [
                    {"itemId": gid("BacklogItem", experiment.id), "note": "needs a second run"}
                ],
            }
        },
    )
    assert again["closeSprint"]["errors"] == []
    exp = (await api.gql(ITEM, {"key": "EXP-1"}))["backlogItem"]
    assert exp["carryOverCount"] == 2
    assert [c["note"] for c in exp["carryOvers"]] == [
        "training still running",
        "needs a second run",
    ]

    stats = (await api.gql(STATS, {"team": gid("Team", team.id), "n": 5}))["teamSprintStats"]
    assert stats["sprints"] == [
        {
            "sprint": {"startDate": "2027-01-18"},
            "committed": 2,
            "done": 0,
            "carriedOver": 1,
            "returned": 1,
            "dropped": 0,
        },
        {
            "sprint": {"startDate": "2027-01-04"},
            "committed": 4,
            "done": 1,
            "carriedOver": 2,
            "returned": 1,
            "dropped": 0,
        },
    ]
    assert (stats["committed"], stats["done"], stats["carriedOver"]) == (6, 1, 3)
    assert stats["carryOverRate"] == 0.5


async def test_sprint_items_statement_count_does_not_grow_with_page_size(
    api, session, count_statements
):
    team = await make_team(session)
    await make_cadence(session, team, 14, date(2027, 1, 4))
    for _ in range(12):
        await plan(session, await make_item(session, team), date(2027, 1, 18))
    await api.login(Role.VIEWER)
    sprint = sprint_gid(team, date(2027, 1, 18))

    async def statements(first: int) -> int:
        count_statements.count = 0
        data = await api.gql(SPRINT_ITEMS, {"id": sprint, "first": first})
        page = data["node"]["items"]
        assert page["totalCount"] == 12
        assert len(page["edges"]) == first
        assert {e["node"]["sprint"]["startDate"] for e in page["edges"]} == {"2027-01-18"}
        return count_statements.count

    small, large = await statements(2), await statements(12)
    assert small == large, (small, large)


UPDATE_SPRINT = """
mutation($input: UpdateSprintInput!) {
  updateSprint(input: $input) { sprint { id name goal stored version } errors { field code } }
}"""

ACTIVE = """
query($team: ID!, $on: Date) {
  activeSprint(teamId: $team, on: $on) { id name goal startDate state }
}"""


async def test_a_generated_sprint_is_stored_on_its_first_change_and_keeps_its_id(api, session):
    team = await make_team(session)
    await make_cadence(session, team, 14, date(2027, 1, 4))
    await api.login(Role.ADMIN)
    active = await api.gql(ACTIVE, {"team": gid("Team", team.id), "on": "2027-01-20"})
    sprint = active["activeSprint"]
    assert sprint == {
        "id": sprint_gid(team, date(2027, 1, 18)),
        "name": "Sprint 2027-01-18",
        "goal": "",
        "startDate": "2027-01-18",
        "state": "PLANNED",
    }
    changed = await api.gql(
        UPDATE_SPRINT, {"input": {"id": sprint["id"], "version": 0, "goal": "Ship the ranker"}}
    )
    assert changed["updateSprint"]["sprint"] == {
        "id": sprint["id"],
        "name": "Sprint 2027-01-18",
        "goal": "Ship the ranker",
        "stored": True,
        "version": 1,
    }
    stale = await api.gql(
        UPDATE_SPRINT, {"input": {"id": sprint["id"], "version": 0, "name": "Sprint 7"}}
    )
    assert stale["updateSprint"]["errors"] == [{"field": "version", "code": "CONFLICT"}]
    missing = await api.gql(
        UPDATE_SPRINT,
        {"input": {"id": sprint_gid(team, date(2027, 1, 19)), "version": 0, "name": "x"}},
    )
    assert missing["updateSprint"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    assert (await api.gql(ACTIVE, {"team": gid("Team", team.id), "on": "2026-12-01"}))[
        "activeSprint"
    ] is None
