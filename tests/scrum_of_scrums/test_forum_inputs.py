"""Forum and meeting mutations through the pipeline: explicit nulls, every problem at once."""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError

from syncpoint.core.auth import Role
from syncpoint.core.constraints import integrity_user_error
from syncpoint.core.errors import ErrorCode
from syncpoint.forums.models import ForumMember
from tests.support.factories import make_person, make_team
from tests.support.sos_factories import make_forum
from tests.support.work_factories import gid

MISSING = 987654321

CREATE = """
mutation($input: CreateForumInput!) {
  createForum(input: $input) { forum { id } errors { field code message } }
}"""

UPDATE = """
mutation($input: UpdateForumInput!) {
  updateForum(input: $input) {
    forum { name weekdays durationMinutes parent { name } version }
    errors { field code message }
  }
}"""

CREATE_ACTION = """
mutation($input: CreateActionItemInput!) {
  createActionItem(input: $input) { actionItem { id } errors { field code message } }
}"""


def _found(payload: dict) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


async def test_explicit_null_on_forum_fields_that_cannot_be_empty_is_required(api, session):
    # Given a forum, when an admin sends null for its name, weekdays, duration and facilitator
    forum = await make_forum(session, name="Discovery SoS")
    await api.login(Role.ADMIN)
    nulls = {"name": None, "weekdays": None, "durationMinutes": None, "facilitatorId": None}
    payload = (
        await api.gql(
            UPDATE, {"input": {"id": gid("Forum", forum.id), "version": forum.version, **nulls}}
        )
    )["updateForum"]
    # then each is a REQUIRED error on its field (null was silently dropped before)
    assert payload["forum"] is None
    assert _found(payload) == {(name, "REQUIRED") for name in nulls}
    await session.refresh(forum)
    assert (forum.name, forum.version) == ("Discovery SoS", 1)


async def test_explicit_null_parent_makes_a_top_level_forum(api, session):
    parent = await make_forum(session, name="Org SoS")
    child = await make_forum(session, parent=parent)
    await api.login(Role.ADMIN)
    payload = (
        await api.gql(
            UPDATE, {"input": {"id": gid("Forum", child.id), "version": 1, "parentId": None}}
        )
    )["updateForum"]
    assert payload["errors"] == []
    assert payload["forum"]["parent"] is None


async def test_a_refused_forum_reports_every_problem_at_once(api, session):
    await api.login(Role.ADMIN)
    payload = (
        await api.gql(
            CREATE,
            {
                "input": {
                    "name": "  ",
                    "facilitatorId": gid("Person", MISSING),
                    "weekdays": [],
                    "meetingTime": "09:30:00",
                    "timeZone": "Mars/Olympus_Mons",
                    "durationMinutes": 1,
                    "parentId": gid("Forum", MISSING),
                }
            },
        )
    )["createForum"]
    assert payload["forum"] is None
    assert _found(payload) == {
        ("name", "REQUIRED"),
        ("facilitatorId", "NOT_FOUND"),
        ("parentId", "NOT_FOUND"),
        ("weekdays", "REQUIRED"),
        ("timeZone", "INVALID_TIMEZONE"),
        ("durationMinutes", "INVALID"),
    }


async def test_every_bad_member_id_is_reported_with_its_index(api, session):
    team = await make_team(session)
    facilitator = await make_person(session)
    await api.login(Role.ADMIN)
    payload = (
        await api.gql(
            CREATE,
            {
                "input": {
                    "name": "Discovery SoS",
                    "facilitatorId": gid("Person", facilitator.id),
                    "weekdays": ["MONDAY"],
                    "meetingTime": "09:30:00",
                    "members": [
                        {"teamId": gid("Person", team.id), "representativeId": gid("Person", 1)},
                        {"teamId": gid("Team", team.id), "representativeId": gid("Team", 1)},
                    ],
                }
            },
        )
    )["createForum"]
    assert payload["forum"] is None
    assert _found(payload) == {
        ("members[0].teamId", "NOT_FOUND"),
        ("members[1].representativeId", "NOT_FOUND"),
    }


async def test_a_refused_action_item_reports_every_problem_at_once(api, session):
    forum = await make_forum(session)
    await api.login(Role.ADMIN)
    payload = (
        await api.gql(
            CREATE_ACTION,
            {
                "input": {
                    "title": " ",
                    "ownerId": gid("Person", MISSING),
                    "dueOn": "2027-02-01",
                    "forumId": gid("Forum", forum.id),
                    "entryKey": "blocker:1",
                    "blockerId": gid("Blocker", MISSING),
                }
            },
        )
    )["createActionItem"]
    assert payload["actionItem"] is None
    assert _found(payload) == {
        ("title", "REQUIRED"),
        ("ownerId", "NOT_FOUND"),
        ("entryKey", "INVALID"),
        ("blockerId", "NOT_FOUND"),
    }


async def test_a_member_of_a_missing_forum_breaks_a_foreign_key_reported_not_found(session):
    team = await make_team(session)
    person = await make_person(session)
    try:
        async with session.savepoint():
            session.add(
                ForumMember(
                    forum_id=MISSING,
                    team_id=team.id,
                    representative_id=person.id,
                    added_on=date(2027, 1, 4),
                )
            )
            await session.flush()
    except IntegrityError as exc:
        error = integrity_user_error(exc)
    else:
        raise AssertionError("a forum member of a missing forum was stored")
    assert error.code is ErrorCode.NOT_FOUND
