"""The declared mutation pipeline: typed patches, every problem at once, constraint codes, hooks."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import time

import pytest
from sqlalchemy.exc import IntegrityError
from strawberry.relay import to_base64

from syncpoint.core import mutations
from syncpoint.core.auth import Role
from syncpoint.core.constraints import integrity_user_error
from syncpoint.core.errors import ErrorCode
from syncpoint.core.mutations import MutationEvent
from syncpoint.teams.models import Team
from tests.support.factories import make_group, make_team

UPDATE_GROUP = """
mutation($input: UpdateGroupInput!) {
  updateGroup(input: $input) { group { name kind } errors { field code message } }
}
"""

UPDATE_TEAM = """
mutation($input: UpdateTeamInput!) {
  updateTeam(input: $input) { team { name dailySyncTime } errors { field code } }
}
"""

START_INTERACTION = """
mutation($input: StartInteractionInput!) {
  startInteraction(input: $input) { interaction { id } errors { field code } }
}
"""


async def test_explicit_null_on_a_field_that_cannot_be_empty_is_required(api, session):
    # Given a group, when an admin sends name: null and kind: null
    group = await make_group(session)
    await api.login(Role.ADMIN)
    gid = to_base64("Group", group.id)
    payload = (
        await api.gql(
            UPDATE_GROUP,
            {"input": {"id": gid, "version": group.version, "name": None, "kind": None}},
        )
    )["updateGroup"]
    # then both are REQUIRED errors in the payload (once INTERNAL and DUPLICATE), nothing changed
    assert payload["group"] is None
    assert sorted((e["field"], e["code"]) for e in payload["errors"]) == [
        ("kind", "REQUIRED"),
        ("name", "REQUIRED"),
    ]
    await session.refresh(group)
    assert group.name
    assert group.version == 1


async def test_explicit_null_clears_a_nullable_field_and_not_sent_keeps_it(api, session):
    team = await make_team(session)
    team.daily_sync_time = time(9, 30)
    await session.flush()
    await api.login(Role.ADMIN)
    gid = to_base64("Team", team.id)
    kept = await api.gql(UPDATE_TEAM, {"input": {"id": gid, "version": team.version}})
    assert kept["updateTeam"]["team"]["dailySyncTime"] == "09:30:00"
    await session.refresh(team)
    cleared = await api.gql(
        UPDATE_TEAM, {"input": {"id": gid, "version": team.version, "dailySyncTime": None}}
    )
    assert cleared["updateTeam"]["errors"] == []
    assert cleared["updateTeam"]["team"]["dailySyncTime"] is None


async def test_every_bad_id_is_reported_at_once_with_its_field(api, session):
    await api.login(Role.ADMIN)
    payload = (
        await api.gql(
            START_INTERACTION,
            {
                "input": {
                    "teamId": to_base64("Person", 1),
                    "partnerId": to_base64("Team", "x1"),
                    "mode": "COLLABORATION",
                }
            },
        )
    )["startInteraction"]
    assert payload["interaction"] is None
    assert sorted((e["field"], e["code"]) for e in payload["errors"]) == [
        ("partnerId", "NOT_FOUND"),
        ("teamId", "NOT_FOUND"),
    ]


async def _violate(session, make) -> IntegrityError:
    try:
        async with session.savepoint():
            session.add(make())
            await session.flush()
    except IntegrityError as exc:
        return exc
    raise AssertionError("the database accepted a row that breaks a constraint")


async def test_constraint_failures_map_to_their_code_and_field(session):
    # Given an existing team, when rows break each kind of constraint
    team = await make_team(session)
    duplicate = await _violate(
        session,
        lambda: Team(
            slug=team.slug,
            name="Other",
            group_id=team.group_id,
            topology=team.topology,
            framework=team.framework,
        ),
    )
    missing_group = await _violate(
        session,
        lambda: Team(
            slug="orphan-team",
            name="Orphan",
            group_id=987654321,
            topology=team.topology,
            framework=team.framework,
        ),
    )
    no_name = await _violate(
        session,
        lambda: Team(
            slug="nameless",
            name=None,
            group_id=team.group_id,
            topology=team.topology,
            framework=team.framework,
        ),
    )
    # then each is the user error it stands for, on the input field of its column
    dup = integrity_user_error(duplicate)
    assert (dup.code, dup.field) == (ErrorCode.DUPLICATE, "slug")
    fk = integrity_user_error(missing_group)
    assert fk.code is ErrorCode.NOT_FOUND
    required = integrity_user_error(no_name)
    assert (required.code, required.field) == (ErrorCode.REQUIRED, "name")


@pytest.fixture
def recorded() -> Iterator[list[MutationEvent]]:
    events: list[MutationEvent] = []

    async def record(event: MutationEvent) -> None:
        # The event object is shared by both phases: keep what each phase saw.
        events.append(copy.copy(event))

    mutations.before_mutation(record)
    mutations.after_mutation(record)
    yield events
    mutations._BEFORE.remove(record)
    mutations._AFTER.remove(record)


async def test_hooks_see_actor_operation_input_and_objects_before_and_after(api, session, recorded):
    # Given a group and hooks before and after every mutation
    group = await make_group(session, name="Old name")
    await api.login(Role.ADMIN)
    gid = to_base64("Group", group.id)
    # when an admin renames it
    payload = (
        await api.gql(UPDATE_GROUP, {"input": {"id": gid, "version": group.version, "name": "New"}})
    )["updateGroup"]
    assert payload["errors"] == []
    # then both hooks ran for that operation and actor, the after hook with the change
    before, after = recorded
    assert before.operation == after.operation == "updateGroup"
    assert after.actor.role is Role.ADMIN
    assert after.fields["name"] == "New"
    (change,) = [c for c in after.changes if c.table == "groups"]
    assert change.kind == "updated"
    assert change.id == group.id
    assert change.before["name"] == "Old name"
    assert change.after["name"] == "New"


async def test_a_refused_mutation_runs_no_after_hook_and_keeps_nothing(api, session, recorded):
    group = await make_group(session)
    await api.login(Role.ADMIN)
    gid = to_base64("Group", group.id)
    payload = (
        await api.gql(
            UPDATE_GROUP, {"input": {"id": gid, "version": group.version + 5, "name": "X"}}
        )
    )["updateGroup"]
    assert [e["code"] for e in payload["errors"]] == ["CONFLICT"]
    assert len(recorded) == 1  # the before hook only
