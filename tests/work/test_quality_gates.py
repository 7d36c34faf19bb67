"""Quality gates: an enforced Definition of Ready / Done refuses, an advisory one warns, a lead
overrides with a reason kept in the history and reported (qualityReport, the forum's agenda)."""

from __future__ import annotations

from datetime import date

from syncpoint.core.auth import Role
from syncpoint.teams.models import MembershipRole
from syncpoint.work import checklists
from syncpoint.work.models import ChecklistKind, ItemKind
from tests.support.factories import ADMIN, make_member, make_team
from tests.support.sos_factories import make_forum
from tests.support.work_factories import gid, make_cadence, make_dependency, make_item, sprint_gid

ANCHOR = date(2027, 1, 4)

SET_GATE = """
mutation($input: SetQualityGateInput!) {
  setQualityGate(input: $input) { gate { kind enforced requireDesignReview } errors { code } }
}"""

PLAN = """
mutation($input: PlanItemInput!) {
  planItem(input: $input) {
    item { version sprint { startDate } } warnings { code message } errors { field code message }
  }
}"""

STATUS = """
mutation($input: ChangeItemStatusInput!) {
  changeItemStatus(input: $input) { item { status version } errors { field code message } }
}"""

OVERRIDE = """
mutation($input: OverrideQualityGateInput!) {
  overrideQualityGate(input: $input) {
    item { status version sprint { startDate } } errors { field code }
  }
}"""

REPORT = """
query($team: ID!, $sprint: ID!) {
  qualityReport(teamId: $team, sprintId: $sprint) {
    readyEnforced doneEnforced
    plannedWithoutReadiness { item { key } unmet overridden }
    doneWithoutChecks { item { key } unmet overridden }
    overrides { action reason unmet item { key } overriddenBy { name } }
  }
}"""

HISTORY = """
query($key: String!) {
  backlogItem(key: $key) { history(first: 20) { edges { node { field newValue note } } } }
}"""

CRITERIA = """
mutation($input: SetAcceptanceCriteriaInput!) {
  setAcceptanceCriteria(input: $input) { item { version } errors { code } }
}"""

OBSERVE = """
mutation($input: RecordMetricObservationInput!) {
  recordMetricObservation(input: $input) { errors { code } }
}"""


async def _team_with_checks(session):
    team = await make_team(session)
    await make_cadence(session, team, 14, ANCHOR)
    ready = await checklists.create_check(
        session, ADMIN, team_id=team.id, kind=ChecklistKind.READY, text="Data access granted"
    )
    done = await checklists.create_check(
        session, ADMIN, team_id=team.id, kind=ChecklistKind.DONE, text="Monitoring in place"
    )
    return team, ready, done


async def _gate(api, team, kind: str, enforced: bool = True) -> dict:
    data = await api.gql(
        SET_GATE, {"input": {"teamId": gid("Team", team.id), "kind": kind, "enforced": enforced}}
    )
    return data["setQualityGate"]


async def test_advisory_ready_warns_and_enforced_ready_refuses(api, session):
    team, ready, _ = await _team_with_checks(session)
    advised = await make_item(session, team, key="QG-1")
    refused = await make_item(session, team, key="QG-2")
    await api.login(Role.ADMIN)
    sprint = sprint_gid(team, ANCHOR)

    planned = await api.gql(
        PLAN,
        {"input": {"itemId": gid("BacklogItem", advised.id), "version": 1, "sprintId": sprint}},
    )
    assert planned["planItem"]["errors"] == []
    assert planned["planItem"]["item"]["sprint"] == {"startDate": "2027-01-04"}
    assert planned["planItem"]["warnings"] == [
        {
            "code": "GATE_NOT_MET",
            "message": "QG-1: Definition of Ready check not met: Data access granted.",
        }
    ]

    gate = await _gate(api, team, "READY")
    assert gate == {
        "gate": {"kind": "READY", "enforced": True, "requireDesignReview": False},
        "errors": [],
    }
    item_id = gid("BacklogItem", refused.id)
    answer = await api.gql(PLAN, {"input": {"itemId": item_id, "version": 1, "sprintId": sprint}})
    assert answer["planItem"]["item"] is None
    assert [(e["field"], e["code"]) for e in answer["planItem"]["errors"]] == [
        ("sprintId", "GATE_NOT_MET")
    ]
    status = await api.gql(STATUS, {"input": {"id": item_id, "version": 1, "status": "READY"}})
    assert [e["code"] for e in status["changeItemStatus"]["errors"]] == ["GATE_NOT_MET"]

    await checklists.mark_check(session, ADMIN, refused.id, ready.id)
    status = await api.gql(STATUS, {"input": {"id": item_id, "version": 1, "status": "READY"}})
    assert status["changeItemStatus"]["errors"] == []
    answer = await api.gql(PLAN, {"input": {"itemId": item_id, "version": 2, "sprintId": sprint}})
    assert answer["planItem"]["errors"] == []
    assert answer["planItem"]["warnings"] == []


async def test_enforced_done_needs_checks_and_every_criterion_met_by_a_metric(api, session):
    team, _, done = await _team_with_checks(session)
    item = await make_item(session, team, kind=ItemKind.EXPERIMENT, key="QG-3")
    item_id = gid("BacklogItem", item.id)
    await api.login(Role.ADMIN)
    await _gate(api, team, "DONE")
    criteria = [
        {"metric": "precision", "comparator": "GTE", "threshold": 0.9},
        {"metric": "p99_ms", "comparator": "LTE", "threshold": 50},
    ]
    await api.gql(CRITERIA, {"input": {"itemId": item_id, "version": 1, "criteria": criteria}})
    observed = [{"metric": "precision", "value": 0.85}]
    await api.gql(OBSERVE, {"input": {"itemId": item_id, "values": observed}})

    answer = await api.gql(STATUS, {"input": {"id": item_id, "version": 2, "status": "DONE"}})
    errors = answer["changeItemStatus"]["errors"]
    assert [e["message"] for e in errors] == [
        "QG-3: Definition of Done check not met: Monitoring in place.",
        "QG-3: acceptance criterion precision >= 0.9 not met (observed 0.85).",
        "QG-3: acceptance criterion p99_ms <= 50 not met (no observation reports it).",
    ]
    assert {(e["field"], e["code"]) for e in errors} == {("status", "GATE_NOT_MET")}

    await checklists.mark_check(session, ADMIN, item.id, done.id)
    observed = [{"metric": "precision", "value": 0.93}, {"metric": "p99_ms", "value": 40}]
    await api.gql(OBSERVE, {"input": {"itemId": item_id, "values": observed}})
    answer = await api.gql(STATUS, {"input": {"id": item_id, "version": 2, "status": "DONE"}})
    assert answer["changeItemStatus"] == {"item": {"status": "DONE", "version": 3}, "errors": []}


async def test_a_lead_overrides_with_a_reason_kept_in_history_and_reported(api, session):
    team, _, _ = await _team_with_checks(session)
    engineer = await make_member(session, team, MembershipRole.ML_ENGINEER)
    owner = await make_member(session, team, MembershipRole.PRODUCT_OWNER)
    item = await make_item(session, team, key="QG-4")
    item_id = gid("BacklogItem", item.id)
    sprint = sprint_gid(team, ANCHOR)
    await api.login(Role.ADMIN)
    await _gate(api, team, "READY")
    await _gate(api, team, "DONE")

    override = {
        "itemId": item_id,
        "version": 1,
        "action": "PLAN",
        "sprintId": sprint,
        "reason": "Launch week: access is promised for Monday",
    }
    await api.login(Role.TEAM_MEMBER, engineer.id)
    errors = await api.errors(OVERRIDE, {"input": override})
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"

    await api.login(Role.TEAM_MEMBER, owner.id)
    blank = await api.gql(OVERRIDE, {"input": {**override, "reason": " ", "sprintId": None}})
    assert {(e["field"], e["code"]) for e in blank["overrideQualityGate"]["errors"]} == {
        ("reason", "REQUIRED"),
        ("sprintId", "REQUIRED"),
    }
    answer = await api.gql(OVERRIDE, {"input": override})
    assert answer["overrideQualityGate"] == {
        "item": {"status": "BACKLOG", "version": 2, "sprint": {"startDate": "2027-01-04"}},
        "errors": [],
    }
    done = {**override, "version": 2, "action": "DONE", "reason": "Monitoring ships next sprint"}
    answer = await api.gql(OVERRIDE, {"input": {**done, "sprintId": None}})
    assert answer["overrideQualityGate"]["item"]["status"] == "DONE"

    await api.login(Role.ADMIN)
    advisory = await _gate(api, team, "DONE", enforced=False)
    assert advisory["errors"] == []
    again = await api.gql(OVERRIDE, {"input": {**done, "version": 3, "action": "DONE"}})
    assert again["overrideQualityGate"]["errors"] == [{"field": "action", "code": "INVALID_STATE"}]

    report = await api.gql(REPORT, {"team": gid("Team", team.id), "sprint": sprint})
    report = report["qualityReport"]
    assert report["readyEnforced"] is True
    assert report["doneEnforced"] is False
    assert report["plannedWithoutReadiness"] == [
        {
            "item": {"key": "QG-4"},
            "unmet": ["QG-4: Definition of Ready check not met: Data access granted."],
            "overridden": True,
        }
    ]
    assert report["doneWithoutChecks"] == [
        {
            "item": {"key": "QG-4"},
            "unmet": ["QG-4: Definition of Done check not met: Monitoring in place."],
            "overridden": True,
        }
    ]
    assert [(o["action"], o["reason"], o["overriddenBy"]["name"]) for o in report["overrides"]] == [
        ("PLAN", "Launch week: access is promised for Monday", owner.name),
        ("DONE", "Monitoring ships next sprint", owner.name),
    ]
    history = await api.gql(HISTORY, {"key": "QG-4"})
    rows = [e["node"] for e in history["backlogItem"]["history"]["edges"]]
    overrides = [r for r in rows if r["field"] == "qualityGateOverride"]
    assert [r["note"] for r in overrides] == [
        "Launch week: access is promised for Monday",
        "Monitoring ships next sprint",
    ]
    assert overrides[0]["newValue"] == (
        "PLAN: QG-4: Definition of Ready check not met: Data access granted."
    )


AGENDA = """
query($forumId: ID!) {
  agenda(forumId: $forumId) { entries { key section reason links { kind id } } }
}"""


async def test_the_forum_agenda_shows_overrides_on_items_other_teams_depend_on(api, session):
    provider, _, _ = await _team_with_checks(session)
    consumer = await make_team(session)
    forum = await make_forum(session, [provider, consumer])
    needed = await make_item(session, provider, kind=ItemKind.DATA, key="QG-5")
    alone = await make_item(session, provider, key="QG-6")
    await make_dependency(session, await make_item(session, consumer), needed)
    await api.login(Role.ADMIN)
    await _gate(api, provider, "DONE")
    for item in (needed, alone):
        override = {
            "itemId": gid("BacklogItem", item.id),
            "version": item.version,
            "action": "DONE",
            "reason": "Labels are good enough for the pilot",
        }
        answer = await api.gql(OVERRIDE, {"input": override})
        assert answer["overrideQualityGate"]["errors"] == []

    agenda = await api.gql(AGENDA, {"forumId": gid("Forum", forum.id)})
    entries = [e for e in agenda["agenda"]["entries"] if e["section"] == "QUALITY_OVERRIDES"]
    assert len(entries) == 1
    assert entries[0]["links"] == [{"kind": "BacklogItem", "id": gid("BacklogItem", needed.id)}]
    assert "Overridden because: Labels are good enough for the pilot." in entries[0]["reason"]
    assert "Definition of Done check not met: Monitoring in place" in entries[0]["reason"]
    assert f"1 item(s) of {consumer.name} depend on it." in entries[0]["reason"]
