"""Backlog items through GraphQL: rules, history, concurrency, permissions, ordering."""

from __future__ import annotations

from datetime import date

from syncpoint.core.auth import Role
from syncpoint.core.clock import today
from syncpoint.work.models import ItemKind
from tests.support.factories import make_member, make_team
from tests.support.work_factories import gid, make_cadence, make_item, sprint_gid

CREATE = """
mutation($input: CreateBacklogItemInput!) {
  createBacklogItem(input: $input) { item { key kind status version } errors { field code } }
}"""

UPDATE = """
mutation($input: UpdateBacklogItemInput!) {
  updateBacklogItem(input: $input) {
    item { title estimate timeCapDays version } errors { field code }
  }
}"""

STATUS = """
mutation($input: ChangeItemStatusInput!) {
  changeItemStatus(input: $input) {
    item { status startedOn finishedOn version } errors { field code }
  }
}"""

PLAN = """
mutation($input: PlanItemInput!) {
  planItem(input: $input) { item { version sprint { startDate } } errors { field code } }
}"""

HISTORY = """
query($key: String!) {
  backlogItem(key: $key) {
    title history(first: 50) { totalCount edges { node { field oldValue newValue note } } }
  }
}"""

ITEMS = """
query($filter: BacklogItemFilter, $order: BacklogItemOrder!, $first: Int, $after: String) {
  backlogItems(filter: $filter, orderBy: $order, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { key valueEffortRatio } }
  }
}"""


def create_input(team_id: int, kind: str, **extra: object) -> dict:
    return {"input": {"teamId": gid("Team", team_id), "title": "Try it", "kind": kind, **extra}}


async def test_research_items_must_say_how_they_are_time_boxed(api, session):
    team = await make_team(session)
    await api.login(Role.ADMIN)
    full = {"hypothesis": "h", "evaluationMethod": "offline replay", "timeCapDays": 10}
    cases = [
        ("EXPERIMENT", {**full, "hypothesis": None}, "hypothesis", "REQUIRED"),
        ("EXPERIMENT", {**full, "evaluationMethod": "  "}, "evaluationMethod", "REQUIRED"),
        ("EXPERIMENT", {**full, "timeCapDays": None}, "timeCapDays", "REQUIRED"),
        ("SPIKE", {}, "timeCapDays", "REQUIRED"),
        ("SPIKE", {"timeCapDays": 0}, "timeCapDays", "INVALID"),
        ("DATA", {"effort": 0}, "effort", "INVALID"),
        ("DATA", {"title": " "}, "title", "REQUIRED"),
        ("DATA", {"key": "no spaces allowed"}, "key", "INVALID"),
    ]
    for kind, extra, field, code in cases:
        payload = (await api.gql(CREATE, create_input(team.id, kind, **extra)))["createBacklogItem"]
        assert payload["item"] is None
        assert payload["errors"] == [{"field": field, "code": code}], (kind, extra)
    ok = await api.gql(CREATE, create_input(team.id, "EXPERIMENT", key="EXP-1", **full))
    assert ok["createBacklogItem"]["item"] == {
        "key": "EXP-1",
        "kind": "EXPERIMENT",
        "status": "BACKLOG",
        "version": 1,
    }
    dup = (await api.gql(CREATE, create_input(team.id, "DATA", key="EXP-1")))["createBacklogItem"]
    assert dup["errors"] == [{"field": "key", "code": "DUPLICATE"}]
    unknown = await api.gql(
        CREATE, {"input": {**create_input(team.id, "DATA")["input"], "teamId": gid("Team", 999999)}}
    )
    assert unknown["createBacklogItem"]["errors"] == [{"field": "teamId", "code": "NOT_FOUND"}]

    spike = await make_item(session, team, kind=ItemKind.SPIKE)
    removed = await api.gql(
        UPDATE,
        {
            "input": {
                "id": gid("BacklogItem", spike.id),
                "version": spike.version,
                "timeCapDays": None,
            }
        },
    )
    assert removed["updateBacklogItem"]["errors"] == [{"field": "timeCapDays", "code": "REQUIRED"}]


async def test_generated_keys_use_the_team_prefix(api, session):
    team = await make_team(session, name="Feature Store")
    await api.login(Role.ADMIN)
    keys = []
    for _ in range(2):
        payload = (await api.gql(CREATE, create_input(team.id, "DATA")))["createBacklogItem"]
        keys.append(payload["item"]["key"])
    prefix = keys[0].rsplit("-", 1)[0]
    assert keys == [f"{prefix}-1", f"{prefix}-2"]


async def test_status_sprint_and_estimate_changes_are_kept_as_history(api, session):
    team = await make_team(session)
    await make_cadence(session, team, 14, date(2027, 1, 4))
    item = await make_item(session, team, key="ENG-7", estimate=3.0)
    item_id = gid("BacklogItem", item.id)
    await api.login(Role.ADMIN)
    v = (await api.gql(UPDATE, {"input": {"id": item_id, "version": 1, "estimate": 5.0}}))[
        "updateBacklogItem"
    ]["item"]["version"]
    planned = await api.gql(
        PLAN,
        {
            "input": {
                "itemId": item_id,
                "version": v,
                "sprintId": sprint_gid(team, date(2027, 1, 18)),
            }
        },
    )
    v = planned["planItem"]["item"]["version"]
    started = await api.gql(
        STATUS,
        {"input": {"id": item_id, "version": v, "status": "IN_PROGRESS", "note": "picked up"}},
    )
    item_state = started["changeItemStatus"]["item"]
    assert item_state["startedOn"] == today().isoformat()
    assert item_state["finishedOn"] is None
    done = (
        await api.gql(
            STATUS, {"input": {"id": item_id, "version": item_state["version"], "status": "DONE"}}
        )
    )["changeItemStatus"]["item"]
    assert done["finishedOn"] == today().isoformat()
    blocked = await api.gql(
        STATUS, {"input": {"id": item_id, "version": done["version"], "status": "BLOCKED"}}
    )
    assert blocked["changeItemStatus"]["errors"] == [{"field": "status", "code": "INVALID_STATE"}]

    history = (await api.gql(HISTORY, {"key": "ENG-7"}))["backlogItem"]["history"]
    rows = [
        (e["node"]["field"], e["node"]["oldValue"], e["node"]["newValue"], e["node"]["note"])
        for e in history["edges"]
    ]
    assert rows == [
        ("estimate", "3.0", "5.0", ""),
        ("sprint", None, "2027-01-18..2027-01-31", ""),
        ("status", "BACKLOG", "IN_PROGRESS", "picked up"),
        ("status", "IN_PROGRESS", "DONE", ""),
    ]


async def test_concurrent_edits_of_one_item_conflict(api, session):
    team = await make_team(session)
    item = await make_item(session, team, key="ENG-9", title="Original")
    await api.login(Role.ADMIN)
    first = await api.gql(
        UPDATE,
        {"input": {"id": gid("BacklogItem", item.id), "version": 1, "title": "First writer"}},
    )
    assert first["updateBacklogItem"]["item"]["version"] == 2
    for query, extra in ((UPDATE, {"title": "Second writer"}), (STATUS, {"status": "READY"})):
        stale = await api.gql(
            query, {"input": {"id": gid("BacklogItem", item.id), "version": 1, **extra}}
        )
        (payload,) = stale.values()
        assert payload["item"] is None
        assert payload["errors"] == [{"field": "version", "code": "CONFLICT"}]
    history = (await api.gql(HISTORY, {"key": "ENG-9"}))["backlogItem"]
    assert history["title"] == "First writer"
    assert history["history"]["totalCount"] == 0


async def test_team_members_edit_only_their_own_teams_items(api, session):
    mine, other = await make_team(session), await make_team(session)
    member = await make_member(session, mine)
    own = await make_item(session, mine)
    foreign = await make_item(session, other)
    await api.login(Role.TEAM_MEMBER, member.id)
    ok = await api.gql(
        UPDATE, {"input": {"id": gid("BacklogItem", own.id), "version": 1, "title": "Mine"}}
    )
    assert ok["updateBacklogItem"]["errors"] == []
    errors = await api.errors(
        UPDATE, {"input": {"id": gid("BacklogItem", foreign.id), "version": 1, "title": "Not mine"}}
    )
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert errors[0]["extensions"]["reason"] == "SCOPE"
    errors = await api.errors(CREATE, create_input(other.id, "DATA"))
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    await api.login(Role.DIRECTOR)
    errors = await api.errors(CREATE, create_input(mine.id, "DATA"))
    assert errors[0]["extensions"] == {"code": "FORBIDDEN", "reason": "ROLE"}


async def test_value_effort_order_pages_with_unrated_items_last(api, session):
    team = await make_team(session)
    rated = [("A-1", 8, 2), ("A-2", 3, 3), ("A-3", 9, 1), ("A-4", 2, 8), ("A-5", 6, 2)]
    for key, value, effort in rated:
        await make_item(session, team, key=key, value=value, effort=effort)
    await make_item(session, team, key="A-6")  # no value/effort
    await make_item(session, team, key="B-1", kind=ItemKind.SPIKE, value=1, effort=1)
    await api.login(Role.VIEWER)
    seen, after = [], None
    while True:
        page = await api.gql(
            ITEMS,
            {
                "order": "VALUE_EFFORT",
                "first": 2,
                "after": after,
                "filter": {"teamIds": [gid("Team", team.id)]},
            },
        )
        page = page["backlogItems"]
        seen += [e["node"]["key"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["A-3", "A-1", "A-5", "A-2", "B-1", "A-4", "A-6"]
    spikes = await api.gql(
        ITEMS, {"order": "KEY", "filter": {"kinds": ["SPIKE"], "teamIds": [gid("Team", team.id)]}}
    )
    assert [e["node"]["key"] for e in spikes["backlogItems"]["edges"]] == ["B-1"]
    found = await api.gql(ITEMS, {"order": "KEY", "filter": {"search": "a-", "unplanned": True}})
    assert found["backlogItems"]["totalCount"] == 6
