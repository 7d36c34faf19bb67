"""Work inputs through the pipeline: explicit nulls, every problem at once, constraint codes."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from syncpoint.core.auth import Role
from syncpoint.core.constraints import integrity_user_error
from syncpoint.core.errors import ErrorCode
from syncpoint.work.models import BacklogItem, ChecklistItem, ChecklistKind, ItemCheck, ItemKind
from syncpoint.work.models import ItemStatus as Status
from tests.support.factories import make_team
from tests.support.work_factories import gid, make_item

CREATE = """
mutation($input: CreateBacklogItemInput!) {
  createBacklogItem(input: $input) { item { key } errors { field code message } }
}"""

UPDATE = """
mutation($input: UpdateBacklogItemInput!) {
  updateBacklogItem(input: $input) {
    item { title description effort hypothesis version } errors { field code }
  }
}"""

SET_CRITERIA = """
mutation($input: SetAcceptanceCriteriaInput!) {
  setAcceptanceCriteria(input: $input) { item { version } errors { field code } }
}"""

RECORD = """
mutation($input: RecordMetricObservationInput!) {
  recordMetricObservation(input: $input) {
    observation { values { metric value } } criteria { text met } errors { field code }
  }
}"""


def _fields(payload: dict) -> list[tuple[str, str]]:
    return sorted((e["field"], e["code"]) for e in payload["errors"])


async def test_an_experiment_missing_all_research_fields_gets_three_errors(api, session):
    # Given a team, when an admin creates an experiment without hypothesis, method or time cap
    team = await make_team(session)
    await api.login(Role.ADMIN)
    payload = (
        await api.gql(
            CREATE,
            {"input": {"teamId": gid("Team", team.id), "title": "Try it", "kind": "EXPERIMENT"}},
        )
    )["createBacklogItem"]
    # then all three problems come back at once, each with its field, and nothing is created
    assert payload["item"] is None
    assert _fields(payload) == [
        ("evaluationMethod", "REQUIRED"),
        ("hypothesis", "REQUIRED"),
        ("timeCapDays", "REQUIRED"),
    ]
    assert all(e["message"] for e in payload["errors"])


async def test_every_problem_of_a_create_is_reported_at_once(api, session):
    team = await make_team(session)
    await api.login(Role.ADMIN)
    payload = (
        await api.gql(
            CREATE,
            {
                "input": {
                    "teamId": gid("Team", team.id),
                    "title": "  ",
                    "kind": "SPIKE",
                    "key": "no spaces",
                    "effort": 0,
                    "estimate": -1.0,
                    "timeCapDays": 0,
                }
            },
        )
    )["createBacklogItem"]
    # An invalid time cap is reported once (INVALID), not also as missing.
    assert _fields(payload) == [
        ("effort", "INVALID"),
        ("estimate", "INVALID"),
        ("key", "INVALID"),
        ("timeCapDays", "INVALID"),
        ("title", "REQUIRED"),
    ]


async def test_explicit_null_on_an_update_field_that_cannot_be_empty_is_required(api, session):
    # Given an item, when an admin sends title: null and description: null
    team = await make_team(session)
    item = await make_item(session, team, title="Keep me", description="kept", effort=3)
    await api.login(Role.ADMIN)
    nulls = {"id": gid("BacklogItem", item.id), "version": item.version}
    payload = (await api.gql(UPDATE, {"input": {**nulls, "title": None, "description": None}}))[
        "updateBacklogItem"
    ]
    # then both are REQUIRED errors on their fields (the title was silently kept before)
    assert payload["item"] is None
    assert _fields(payload) == [("description", "REQUIRED"), ("title", "REQUIRED")]
    # and a nullable field is cleared by null, while a field not sent is kept
    cleared = (await api.gql(UPDATE, {"input": {**nulls, "effort": None}}))["updateBacklogItem"]
    assert cleared["errors"] == []
    assert cleared["item"]["effort"] is None
    assert cleared["item"]["title"] == "Keep me"
    assert cleared["item"]["description"] == "kept"


async def test_clearing_the_research_fields_of_an_experiment_names_each(api, session):
    team = await make_team(session)
    item = await make_item(session, team, kind=ItemKind.EXPERIMENT)
    await api.login(Role.ADMIN)
    payload = (
        await api.gql(
            UPDATE,
            {
                "input": {
                    "id": gid("BacklogItem", item.id),
                    "version": item.version,
                    "hypothesis": None,
                    "evaluationMethod": None,
                    "timeCapDays": None,
                }
            },
        )
    )["updateBacklogItem"]
    assert _fields(payload) == [
        ("evaluationMethod", "REQUIRED"),
        ("hypothesis", "REQUIRED"),
        ("timeCapDays", "REQUIRED"),
    ]
    await session.refresh(item)
    assert item.hypothesis is not None
    assert item.time_cap_days is not None


async def test_every_refused_criterion_is_reported_at_once(api, session):
    team = await make_team(session)
    item = await make_item(session, team)
    await api.login(Role.ADMIN)
    bad = {"metric": " ", "comparator": "GTE", "threshold": 0.9}
    payload = (
        await api.gql(
            SET_CRITERIA,
            {
                "input": {
                    "itemId": gid("BacklogItem", item.id),
                    "version": item.version,
                    "criteria": [bad, {**bad, "metric": "precision"}, bad],
                }
            },
        )
    )["setAcceptanceCriteria"]
    assert _fields(payload) == [
        ("criteria.0.metric", "REQUIRED"),
        ("criteria.2.metric", "REQUIRED"),
    ]


async def test_an_observation_payload_judges_the_criteria_of_its_item(api, session):
    team = await make_team(session)
    item = await make_item(session, team)
    await api.login(Role.ADMIN)
    criteria = [{"metric": "precision", "comparator": "GTE", "threshold": 0.9}]
    ok = await api.gql(
        SET_CRITERIA,
        {"input": {"itemId": gid("BacklogItem", item.id), "version": 1, "criteria": criteria}},
    )
    assert ok["setAcceptanceCriteria"]["errors"] == []
    values = [{"metric": "precision", "value": 0.95}]
    payload = (
        await api.gql(RECORD, {"input": {"itemId": gid("BacklogItem", item.id), "values": values}})
    )["recordMetricObservation"]
    assert payload["errors"] == []
    assert payload["criteria"] == [{"text": "precision >= 0.9", "met": True}]
    refused = (
        await api.gql(
            RECORD, {"input": {"itemId": gid("Team", item.id), "values": values, "runUrl": None}}
        )
    )["recordMetricObservation"]
    assert refused == {
        "observation": None,
        "criteria": [],
        "errors": [{"field": "itemId", "code": "NOT_FOUND"}],
    }


async def _violate(session, row: object) -> IntegrityError:
    try:
        async with session.savepoint():
            session.add(row)
            await session.flush()
    except IntegrityError as exc:
        return exc
    raise AssertionError("the database accepted a row that breaks a constraint")


async def test_work_constraint_failures_map_to_their_code_and_field(session):
    # Given an item and a check it meets (as a concurrent request would have saved them)
    team = await make_team(session)
    item = await make_item(session, team, key="RACE-1")
    check = ChecklistItem(team_id=team.id, kind=ChecklistKind.READY, text="Data ready", position=0)
    session.add(check)
    await session.flush()
    session.add(ItemCheck(item_id=item.id, check_id=check.id))
    await session.flush()
    # when rows break the unique key, the unique item check and the item's team reference
    same_key = await _violate(
        session,
        BacklogItem(
            team_id=team.id,
            key="RACE-1",
            title="Other",
            kind=ItemKind.DATA,
            status=Status.BACKLOG,
            description="",
            carry_over_count=0,
        ),
    )
    met_twice = await _violate(session, ItemCheck(item_id=item.id, check_id=check.id))
    no_team = await _violate(
        session,
        BacklogItem(
            team_id=987654321,
            key="RACE-2",
            title="Orphan",
            kind=ItemKind.DATA,
            status=Status.BACKLOG,
            description="",
            carry_over_count=0,
        ),
    )
    # then each is the payload error a client can act on
    duplicate_key = integrity_user_error(same_key)
    assert (duplicate_key.code, duplicate_key.field) == (ErrorCode.DUPLICATE, "key")
    duplicate_check = integrity_user_error(met_twice)
    assert (duplicate_check.code, duplicate_check.field) == (ErrorCode.DUPLICATE, "checkId")
    assert integrity_user_error(no_team).code is ErrorCode.NOT_FOUND
