"""Acceptance criteria judged on observed metrics, and Definition of Ready / Done checks."""

from __future__ import annotations

from syncpoint.core.auth import Role
from syncpoint.work.models import ItemKind
from tests.support.factories import make_team
from tests.support.work_factories import gid, make_item

SET_CRITERIA = """
mutation($input: SetAcceptanceCriteriaInput!) {
  setAcceptanceCriteria(input: $input) {
    item { version acceptanceCriteria { text met } } errors { field code }
  }
}"""

OBSERVE = """
mutation($input: RecordMetricObservationInput!) {
  recordMetricObservation(input: $input) {
    observation { runUrl values { metric value } }
    criteria { text met observedValue observedConditionValue }
    errors { field code }
  }
}"""

CRITERIA = """
query($key: String!) {
  backlogItem(key: $key) {
    acceptanceCriteria { text met observedValue }
    observations(first: 10) { totalCount }
    history(first: 10) { edges { node { field oldValue newValue } } }
  }
}"""

CREATE_CHECK = """
mutation($input: CreateChecklistItemInput!) {
  createChecklistItem(input: $input) { check { id kind text position } errors { field code } }
}"""

MARK = """
mutation($input: ItemCheckInput!) {
  markItemCheck(input: $input) {
    item { readyChecks { check { text } met } doneChecks { check { text } met } }
    errors { field code }
  }
}"""

UNMARK = """
mutation($input: ItemCheckInput!) {
  unmarkItemCheck(input: $input) { item { readyChecks { met } } errors { field code } }
}"""

ARCHIVE_CHECK = """
mutation($input: ArchiveChecklistItemInput!) {
  archiveChecklistItem(input: $input) { check { archivedAt } errors { field code } }
}"""

PRECISION = {
    "metric": "precision",
    "comparator": "GTE",
    "threshold": 0.92,
    "condition": {"metric": "recall", "comparator": "GTE", "threshold": 0.85},
}
LATENCY = {"metric": "p99_latency_ms", "comparator": "LTE", "threshold": 50}


async def observe(api, item_id: str, **values: float) -> dict:
    data = await api.gql(
        OBSERVE,
        {
            "input": {
                "itemId": item_id,
                "runUrl": "https://runs/1",
                "values": [{"metric": k, "value": v} for k, v in values.items()],
            }
        },
    )
    return data["recordMetricObservation"]


async def test_criteria_are_judged_on_the_latest_run_reporting_their_metrics(api, session):
    team = await make_team(session)
    item = await make_item(session, team, kind=ItemKind.EXPERIMENT, key="EXP-3")
    item_id = gid("BacklogItem", item.id)
    await api.login(Role.ADMIN)
    payload = await api.gql(
        SET_CRITERIA, {"input": {"itemId": item_id, "version": 1, "criteria": [PRECISION, LATENCY]}}
    )
    payload = payload["setAcceptanceCriteria"]
    assert payload["item"]["acceptanceCriteria"] == [
        {"text": "precision >= 0.92 at recall >= 0.85", "met": None},
        {"text": "p99_latency_ms <= 50", "met": None},
    ]
    assert payload["item"]["version"] == 2

    run = await observe(api, item_id, precision=0.93, recall=0.80)
    assert run["criteria"][0] == {
        "text": "precision >= 0.92 at recall >= 0.85",
        "met": False,
        "observedValue": 0.93,
        "observedConditionValue": 0.80,
    }
    assert run["criteria"][1]["met"] is None
    run = await observe(api, item_id, p99_latency_ms=41)
    assert [c["met"] for c in run["criteria"]] == [False, True]  # precision: still the 1st run
    run = await observe(api, item_id, precision=0.94, recall=0.86)
    assert [c["met"] for c in run["criteria"]] == [True, True]
    assert run["observation"]["values"] == [
        {"metric": "precision", "value": 0.94},
        {"metric": "recall", "value": 0.86},
    ]

    bad = await observe(api, item_id)
    assert bad["errors"] == [{"field": "values", "code": "REQUIRED"}]
    unnamed = {**LATENCY, "metric": " "}
    refused = await api.gql(
        SET_CRITERIA, {"input": {"itemId": item_id, "version": 2, "criteria": [LATENCY, unnamed]}}
    )
    assert refused["setAcceptanceCriteria"]["errors"] == [
        {"field": "criteria.1.metric", "code": "REQUIRED"}
    ]

    replaced = await api.gql(
        SET_CRITERIA, {"input": {"itemId": item_id, "version": 2, "criteria": [LATENCY]}}
    )
    assert replaced["setAcceptanceCriteria"]["errors"] == []
    data = (await api.gql(CRITERIA, {"key": "EXP-3"}))["backlogItem"]
    assert data["acceptanceCriteria"] == [
        {"text": "p99_latency_ms <= 50", "met": True, "observedValue": 41.0}
    ]
    assert data["observations"]["totalCount"] == 3
    history = [e["node"] for e in data["history"]["edges"]]
    assert history[-1] == {
        "field": "acceptanceCriteria",
        "oldValue": "precision >= 0.92 at recall >= 0.85; p99_latency_ms <= 50",
        "newValue": "p99_latency_ms <= 50",
    }


async def test_definition_of_ready_and_done(api, session):
    team, other = await make_team(session), await make_team(session)
    item = await make_item(session, team)
    item_id = gid("BacklogItem", item.id)
    await api.login(Role.ADMIN)
    checks = []
    for kind, text in (
        ("READY", "Data readiness confirmed"),
        ("READY", "Criteria agreed"),
        ("DONE", "Monitoring in place"),
    ):
        payload = await api.gql(
            CREATE_CHECK, {"input": {"teamId": gid("Team", team.id), "kind": kind, "text": text}}
        )
        checks.append(payload["createChecklistItem"]["check"])
    assert [c["position"] for c in checks] == [0, 1, 0]
    foreign = await api.gql(
        CREATE_CHECK, {"input": {"teamId": gid("Team", other.id), "kind": "READY", "text": "Other"}}
    )
    foreign_id = foreign["createChecklistItem"]["check"]["id"]

    marked = await api.gql(MARK, {"input": {"itemId": item_id, "checkId": checks[0]["id"]}})
    assert marked["markItemCheck"]["item"] == {
        "readyChecks": [
            {"check": {"text": "Data readiness confirmed"}, "met": True},
            {"check": {"text": "Criteria agreed"}, "met": False},
        ],
        "doneChecks": [{"check": {"text": "Monitoring in place"}, "met": False}],
    }
    again = await api.gql(MARK, {"input": {"itemId": item_id, "checkId": checks[0]["id"]}})
    assert again["markItemCheck"]["errors"] == [{"field": "checkId", "code": "DUPLICATE"}]
    wrong_team = await api.gql(MARK, {"input": {"itemId": item_id, "checkId": foreign_id}})
    assert wrong_team["markItemCheck"]["errors"] == [{"field": "checkId", "code": "INVALID"}]

    unmarked = await api.gql(UNMARK, {"input": {"itemId": item_id, "checkId": checks[0]["id"]}})
    assert unmarked["unmarkItemCheck"]["item"]["readyChecks"] == [{"met": False}, {"met": False}]
    archived = await api.gql(ARCHIVE_CHECK, {"input": {"id": checks[1]["id"]}})
    assert archived["archiveChecklistItem"]["check"]["archivedAt"] is not None
    marked = await api.gql(MARK, {"input": {"itemId": item_id, "checkId": checks[1]["id"]}})
    assert marked["markItemCheck"]["errors"] == [{"field": "checkId", "code": "ARCHIVED"}]
