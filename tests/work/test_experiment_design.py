"""Experiment design: what makes a result conclusive, a design review an enforced DoR can
require, and the result recorded when research ends (an experiment's outcome with the numbers,
a spike's decision and report)."""

from __future__ import annotations

from datetime import date

import pytest

from syncpoint.core.auth import Role
from syncpoint.teams.models import MembershipRole
from syncpoint.work.models import ItemKind
from tests.support.factories import make_member, make_team
from tests.support.work_factories import gid, make_cadence, make_item, sprint_gid

ANCHOR = date(2027, 1, 4)

DESIGN_FIELDS = """
design {
  metric baselineValue minimumEffect reviewedAt reviewComments reviewedBy { name }
  outcome observedValue effect decision reportUrl resultNotes endedAt
}
errors { field code message }
"""

SET_DESIGN = (
    "mutation($input: SetExperimentDesignInput!) { setExperimentDesign(input: $input) {"
    + DESIGN_FIELDS
    + "} }"
)
REVIEW = (
    "mutation($input: ReviewExperimentDesignInput!) { reviewExperimentDesign(input: $input) {"
    + DESIGN_FIELDS
    + "} }"
)
RESULT = (
    "mutation($input: RecordResearchResultInput!) { recordResearchResult(input: $input) {"
    + DESIGN_FIELDS
    + "} }"
)

GATE = """
mutation($input: SetQualityGateInput!) {
  setQualityGate(input: $input) { gate { requireDesignReview } errors { field code } }
}"""

PLAN = """
mutation($input: PlanItemInput!) {
  planItem(input: $input) { item { version } errors { field code message } }
}"""

OBSERVE = """
mutation($input: RecordMetricObservationInput!) {
  recordMetricObservation(input: $input) { errors { code } }
}"""

DESIGN = """
query($item: ID!) { experimentDesign(itemId: $item) { metric reviewedAt outcome effect } }
"""

HISTORY = """
query($key: String!) {
  backlogItem(key: $key) { history(first: 20) { edges { node { field newValue note } } } }
}"""

CONCLUSIVE = {"metric": "precision", "baselineValue": 0.80, "minimumEffect": 0.05}


async def _design(api, item, **fields) -> dict:
    data = await api.gql(SET_DESIGN, {"input": {"itemId": gid("BacklogItem", item.id), **fields}})
    return data["setExperimentDesign"]


async def test_an_enforced_ready_gate_can_require_a_reviewed_design(api, session):
    team = await make_team(session)
    await make_cadence(session, team, 14, ANCHOR)
    reviewer = await make_member(session, team, MembershipRole.DATA_SCIENTIST)
    item = await make_item(session, team, kind=ItemKind.EXPERIMENT, key="XD-1")
    item_id = gid("BacklogItem", item.id)
    team_id = gid("Team", team.id)
    await api.login(Role.ADMIN)
    done_gate = await api.gql(
        GATE,
        {
            "input": {
                "teamId": team_id,
                "kind": "DONE",
                "enforced": True,
                "requireDesignReview": True,
            }
        },
    )
    assert done_gate["setQualityGate"]["errors"] == [
        {"field": "requireDesignReview", "code": "INVALID"}
    ]
    gate = {"teamId": team_id, "kind": "READY", "enforced": True, "requireDesignReview": True}
    assert (await api.gql(GATE, {"input": gate}))["setQualityGate"] == {
        "gate": {"requireDesignReview": True},
        "errors": [],
    }
    plan = {"input": {"itemId": item_id, "version": 1, "sprintId": sprint_gid(team, ANCHOR)}}

    refused = (await api.gql(PLAN, plan))["planItem"]["errors"]
    assert [e["message"] for e in refused] == [
        "XD-1: the design does not say what makes the result conclusive (metric, baseline "
        "value, minimum effect).",
        "XD-1: the design is not reviewed.",
    ]
    designed = await _design(api, item, **CONCLUSIVE)
    assert designed["errors"] == []
    assert designed["design"]["metric"] == "precision"
    refused = (await api.gql(PLAN, plan))["planItem"]["errors"]
    assert [e["message"] for e in refused] == ["XD-1: the design is not reviewed."]

    await api.login(Role.TEAM_MEMBER, reviewer.id)
    reviewed = await api.gql(
        REVIEW, {"input": {"itemId": item_id, "comments": "Holdout week is representative"}}
    )
    design = reviewed["reviewExperimentDesign"]["design"]
    assert design["reviewedBy"] == {"name": reviewer.name}
    assert design["reviewComments"] == "Holdout week is representative"
    assert design["reviewedAt"] is not None
    assert (await api.gql(PLAN, plan))["planItem"]["errors"] == []

    # A changed design is not the one reviewed.
    changed = await _design(api, item, minimumEffect=0.02)
    assert changed["design"]["reviewedAt"] is None
    assert changed["design"]["minimumEffect"] == 0.02


async def test_a_design_refuses_every_problem_at_once(api, session):
    team = await make_team(session)
    spike = await make_item(session, team, kind=ItemKind.SPIKE)
    experiment = await make_item(session, team, kind=ItemKind.EXPERIMENT)
    await api.login(Role.ADMIN)
    answer = await _design(api, spike, metric=" ", minimumEffect=-0.1)
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [
        ("itemId", "INVALID_STATE"),
        ("metric", "REQUIRED"),
        ("minimumEffect", "INVALID"),
    ]
    nulls = await _design(api, experiment, metric=None)
    assert [(e["field"], e["code"]) for e in nulls["errors"]] == [("metric", "REQUIRED")]
    unreviewable = await api.gql(REVIEW, {"input": {"itemId": gid("BacklogItem", experiment.id)}})
    assert unreviewable["reviewExperimentDesign"]["errors"][0]["code"] == "INVALID_STATE"


async def test_an_experiment_ends_with_its_outcome_and_numbers(api, session):
    team = await make_team(session)
    item = await make_item(session, team, kind=ItemKind.EXPERIMENT, key="XD-2")
    item_id = gid("BacklogItem", item.id)
    await api.login(Role.ADMIN)
    early = await api.gql(RESULT, {"input": {"itemId": item_id, "outcome": "CONFIRMED"}})
    assert [(e["field"], e["code"]) for e in early["recordResearchResult"]["errors"]] == [
        ("itemId", "INVALID_STATE"),
        ("observedValue", "REQUIRED"),
    ]
    await _design(api, item, **CONCLUSIVE)

    small = await api.gql(
        RESULT, {"input": {"itemId": item_id, "outcome": "CONFIRMED", "observedValue": 0.82}}
    )
    assert [e["field"] for e in small["recordResearchResult"]["errors"]] == ["outcome"]
    assert "below the minimum effect 0.05" in small["recordResearchResult"]["errors"][0]["message"]

    run = [{"metric": "precision", "value": 0.87}, {"metric": "recall", "value": 0.7}]
    await api.gql(OBSERVE, {"input": {"itemId": item_id, "values": run}})
    ended = await api.gql(
        RESULT, {"input": {"itemId": item_id, "outcome": "CONFIRMED", "notes": "Ship it"}}
    )
    design = ended["recordResearchResult"]["design"]
    assert design["outcome"] == "CONFIRMED"
    assert design["observedValue"] == 0.87  # the latest observation of the design metric
    assert design["effect"] == pytest.approx(0.07)
    assert design["endedAt"] is not None
    again = await api.gql(RESULT, {"input": {"itemId": item_id, "outcome": "REFUTED"}})
    assert again["recordResearchResult"]["errors"] == [
        {
            "field": "itemId",
            "code": "INVALID_STATE",
            "message": "The result of XD-2 is recorded already.",
        }
    ]
    stored = (await api.gql(DESIGN, {"item": item_id}))["experimentDesign"]
    assert stored["outcome"] == "CONFIRMED"
    history = await api.gql(HISTORY, {"key": "XD-2"})
    rows = [e["node"] for e in history["backlogItem"]["history"]["edges"]]
    assert {
        "field": "researchResult",
        "newValue": "CONFIRMED: precision 0.87 vs baseline 0.8 (effect +0.07, minimum 0.05)",
        "note": "Ship it",
    } in rows


async def test_a_spike_ends_with_its_decision_and_report(api, session):
    team = await make_team(session)
    spike = await make_item(session, team, kind=ItemKind.SPIKE)
    item_id = gid("BacklogItem", spike.id)
    await api.login(Role.ADMIN)
    missing = await api.gql(RESULT, {"input": {"itemId": item_id, "outcome": "CONFIRMED"}})
    assert [(e["field"], e["code"]) for e in missing["recordResearchResult"]["errors"]] == [
        ("outcome", "INVALID"),
        ("decision", "REQUIRED"),
        ("reportUrl", "REQUIRED"),
    ]
    decided = await api.gql(
        RESULT,
        {
            "input": {
                "itemId": item_id,
                "decision": "Use the managed vector index",
                "reportUrl": "https://wiki.example.com/spikes/vector-index",
            }
        },
    )
    design = decided["recordResearchResult"]["design"]
    assert decided["recordResearchResult"]["errors"] == []
    assert design["outcome"] == "DECIDED"
    assert design["decision"] == "Use the managed vector index"
    assert design["reportUrl"] == "https://wiki.example.com/spikes/vector-index"
    assert design["effect"] is None
