"""Blocker mutations through the pipeline: explicit nulls, every problem at once."""

from __future__ import annotations

from syncpoint.blockers.models import RoamState
from syncpoint.core.auth import Role
from tests.support.factories import make_person, make_team
from tests.support.sos_factories import raise_on
from tests.support.work_factories import gid

MISSING = 987654321

RAISE = """
mutation($input: RaiseBlockerInput!) {
  raiseBlocker(input: $input) { blocker { id } errors { field code message } }
}"""

UPDATE = """
mutation($input: UpdateBlockerInput!) {
  updateBlocker(input: $input) {
    blocker { title severity roam owner { name } version }
    errors { field code message }
  }
}"""


def _found(payload: dict) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


async def test_explicit_null_on_blocker_fields_that_cannot_be_empty_is_required(api, session):
    # Given a blocker, when an admin sends null for its title, description, category, severity
    team = await make_team(session)
    blocker = await raise_on(session, team, title="No bucket access")
    await api.login(Role.ADMIN)
    nulls = {"title": None, "description": None, "category": None, "severity": None}
    payload = (
        await api.gql(
            UPDATE,
            {"input": {"id": gid("Blocker", blocker.id), "version": blocker.version, **nulls}},
        )
    )["updateBlocker"]
    # then each is a REQUIRED error on its field (they were silently ignored before)
    assert payload["blocker"] is None
    assert _found(payload) == {(name, "REQUIRED") for name in nulls}
    await session.refresh(blocker)
    assert blocker.title == "No bucket access"


async def test_explicit_null_removes_the_owner_and_the_roam_state(api, session):
    team = await make_team(session)
    owner = await make_person(session, name="Ada Owner")
    blocker = await raise_on(session, team, owner=owner)
    blocker.roam = RoamState.OWNED
    await session.flush()
    await api.login(Role.ADMIN)
    payload = (
        await api.gql(
            UPDATE,
            {
                "input": {
                    "id": gid("Blocker", blocker.id),
                    "version": blocker.version,
                    "ownerId": None,
                    "roam": None,
                }
            },
        )
    )["updateBlocker"]
    assert payload["errors"] == []
    assert payload["blocker"]["owner"] is None
    assert payload["blocker"]["roam"] is None


async def test_a_refused_blocker_reports_every_problem_at_once(api, session):
    await api.login(Role.ADMIN)
    # neither an item nor a team, a blank title and an owner who does not exist
    payload = (
        await api.gql(
            RAISE,
            {
                "input": {
                    "category": "ACCESS",
                    "severity": "LOW",
                    "title": "   ",
                    "ownerId": gid("Person", MISSING),
                }
            },
        )
    )["raiseBlocker"]
    assert payload["blocker"] is None
    assert _found(payload) == {
        ("itemId", "REQUIRED"),
        ("title", "REQUIRED"),
        ("ownerId", "NOT_FOUND"),
    }


async def test_a_refused_blocker_update_reports_every_problem_at_once(api, session):
    team = await make_team(session)
    blocker = await raise_on(session, team)
    await api.login(Role.ADMIN)
    payload = (
        await api.gql(
            UPDATE,
            {
                "input": {
                    "id": gid("Blocker", blocker.id),
                    "version": blocker.version,
                    "title": " ",
                    "roam": "RESOLVED",
                    "ownerId": gid("Person", MISSING),
                }
            },
        )
    )["updateBlocker"]
    assert payload["blocker"] is None
    assert _found(payload) == {
        ("title", "REQUIRED"),
        ("roam", "INVALID"),
        ("ownerId", "NOT_FOUND"),
    }
