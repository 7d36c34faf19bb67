"""Cadence and sprint inputs through the pipeline: explicit nulls, every problem at once,
sprint ids as text refs, constraint codes."""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError

from syncpoint.cadence.models import Cadence, Sprint
from syncpoint.core.auth import Role
from syncpoint.core.constraints import integrity_user_error
from syncpoint.core.errors import ErrorCode
from syncpoint.teams.models import Framework
from syncpoint.work.models import ItemKind
from tests.support.factories import make_team
from tests.support.work_factories import gid, make_cadence, make_item, plan, sprint_gid

UPDATE_SPRINT = """
mutation($input: UpdateSprintInput!) {
  updateSprint(input: $input) { sprint { name goal version } errors { field code } }
}"""

SET_SLE = """
mutation($input: SetServiceLevelExpectationInput!) {
  setServiceLevelExpectation(input: $input) {
    serviceLevelExpectation { percentile } errors { field code }
  }
}"""

CREATE_SPRINT = """
mutation($input: CreateSprintInput!) {
  createSprint(input: $input) { sprint { id } errors { field code } }
}"""

PLAN = """
mutation($input: PlanItemInput!) {
  planItem(input: $input) { item { sprint { startDate } } errors { field code } }
}"""

CLOSE = """
mutation($input: CloseSprintInput!) {
  closeSprint(input: $input) { sprint { state } errors { field code message } }
}"""


def _fields(payload: dict) -> list[tuple[str, str]]:
    return sorted((e["field"], e["code"]) for e in payload["errors"])


async def test_explicit_null_sprint_name_and_goal_are_required(api, session):
    # Given a generated sprint, when an admin sends name: null and goal: null
    team = await make_team(session)
    await make_cadence(session, team, 14, date(2027, 1, 4))
    await api.login(Role.ADMIN)
    sprint = sprint_gid(team, date(2027, 1, 4))
    payload = (
        await api.gql(
            UPDATE_SPRINT, {"input": {"id": sprint, "version": 0, "name": None, "goal": None}}
        )
    )["updateSprint"]
    # then both are REQUIRED on their fields (they were silently blanked before)
    assert payload["sprint"] is None
    assert _fields(payload) == [("goal", "REQUIRED"), ("name", "REQUIRED")]
    # and an id of another type is NOT_FOUND on its field, not a server error
    wrong = (await api.gql(UPDATE_SPRINT, {"input": {"id": gid("Team", team.id), "version": 0}}))[
        "updateSprint"
    ]
    assert wrong["errors"] == [{"field": "id", "code": "NOT_FOUND"}]


async def test_every_problem_of_an_expectation_and_a_sprint_at_once(api, session):
    kanban = await make_team(session, framework=Framework.KANBAN)
    scrum = await make_team(session)
    await api.login(Role.ADMIN)
    sle = (
        await api.gql(
            SET_SLE, {"input": {"teamId": gid("Team", kanban.id), "percentile": 0, "days": 0}}
        )
    )["setServiceLevelExpectation"]
    assert _fields(sle) == [("days", "INVALID"), ("percentile", "INVALID")]
    sprint = (
        await api.gql(
            CREATE_SPRINT,
            {
                "input": {
                    "teamId": gid("Team", scrum.id),
                    "startDate": "2027-02-10",
                    "endDate": "2027-02-01",
                    "name": "n" * 201,
                }
            },
        )
    )["createSprint"]
    assert _fields(sprint) == [("endDate", "INVALID_DATE_RANGE"), ("name", "INVALID")]


async def test_plan_item_reads_the_sprint_as_a_text_ref(api, session):
    team = await make_team(session)
    await make_cadence(session, team, 14, date(2027, 1, 4))
    item = await make_item(session, team)
    await api.login(Role.ADMIN)
    base = {"itemId": gid("BacklogItem", item.id), "version": item.version}
    wrong = (await api.gql(PLAN, {"input": {**base, "sprintId": gid("Team", 1)}}))["planItem"]
    assert wrong["errors"] == [{"field": "sprintId", "code": "NOT_FOUND"}]
    planned = await api.gql(
        PLAN, {"input": {**base, "sprintId": sprint_gid(team, date(2027, 1, 18))}}
    )
    assert planned["planItem"] == {"item": {"sprint": {"startDate": "2027-01-18"}}, "errors": []}


async def test_closing_reports_every_bad_carry_over_and_every_missing_note(api, session):
    # Given a sprint holding two unfinished research items
    team = await make_team(session)
    await make_cadence(session, team, 14, date(2027, 1, 4))
    for kind, key in ((ItemKind.EXPERIMENT, "EXP-7"), (ItemKind.SPIKE, "SPK-7")):
        await plan(session, await make_item(session, team, kind=kind, key=key), date(2027, 1, 4))
    await api.login(Role.ADMIN)
    first = sprint_gid(team, date(2027, 1, 4))  # stored (version 1) by planning into it
    # when the carry-over list holds ids of the wrong type, each is named by its position
    bad = (
        await api.gql(
            CLOSE,
            {
                "input": {
                    "id": first,
                    "version": 1,
                    "carryOver": [{"itemId": gid("Team", 1)}, {"itemId": gid("Sprint", "x")}],
                }
            },
        )
    )["closeSprint"]
    assert _fields(bad) == [
        ("carryOver.0.itemId", "NOT_FOUND"),
        ("carryOver.1.itemId", "NOT_FOUND"),
    ]
    # and with no carry-over at all, both research items are named at once
    missing = (await api.gql(CLOSE, {"input": {"id": first, "version": 1}}))["closeSprint"]
    assert _fields(missing) == [("carryOver", "REQUIRED"), ("carryOver", "REQUIRED")]
    messages = " ".join(e["message"] for e in missing["errors"])
    assert "EXP-7" in messages
    assert "SPK-7" in messages


async def _violate(session, row: object) -> IntegrityError:
    try:
        async with session.savepoint():
            session.add(row)
            await session.flush()
    except IntegrityError as exc:
        return exc
    raise AssertionError("the database accepted a row that breaks a constraint")


async def test_cadence_constraint_failures_map_to_their_code_and_field(session):
    # Given a cadence and a stored sprint (as a concurrent request would have saved them)
    team = await make_team(session)
    await make_cadence(session, team, 14, date(2027, 1, 4))
    session.add(Sprint(team_id=team.id, start_date=date(2027, 1, 4), end_date=date(2027, 1, 17)))
    await session.flush()
    # when a second one with the same start is inserted, then DUPLICATE on the typed field
    same_start = await _violate(
        session, Sprint(team_id=team.id, start_date=date(2027, 1, 4), end_date=date(2027, 1, 10))
    )
    same_day = await _violate(
        session,
        Cadence(
            team_id=team.id, length_days=7, anchor=date(2027, 1, 4), effective_from=date(2027, 1, 4)
        ),
    )
    sprint_error = integrity_user_error(same_start)
    assert (sprint_error.code, sprint_error.field) == (ErrorCode.DUPLICATE, "startDate")
    cadence_error = integrity_user_error(same_day)
    assert (cadence_error.code, cadence_error.field) == (ErrorCode.DUPLICATE, "effectiveFrom")
