"""Meetings through GraphQL: held from the agenda, notes, decisions, action items."""

from __future__ import annotations

from datetime import timedelta

from syncpoint.core.auth import Role
from syncpoint.core.clock import today
from syncpoint.forums import repository as forums_repo
from tests.support.api import nodes
from tests.support.factories import make_member, make_person, make_team
from tests.support.sos_factories import make_forum, raise_on
from tests.support.work_factories import gid

HOLD = """
mutation($input: HoldMeetingInput!) {
  holdMeeting(input: $input) {
    meeting { id date heldBy { name } agenda { entries { key } usedMinutes } }
    errors { field code }
  }
}"""

NOTES = """
mutation($input: RecordMeetingNotesInput!) {
  recordMeetingNotes(input: $input) {
    meeting { notes { text entryKey author { name } } }
    errors { field code }
  }
}"""

DECIDE = """
mutation($input: RecordDecisionInput!) {
  recordDecision(input: $input) { decision { text entryKey blocker { title } decidedBy { name } }
                                  errors { field code } }
}"""

ACTION = """
mutation($input: CreateActionItemInput!) {
  createActionItem(input: $input) {
    actionItem { id version title dueOn status owner { name } meeting { date } }
    errors { field code }
  }
}"""

COMPLETE = """
mutation($input: CompleteActionItemInput!) {
  completeActionItem(input: $input) { actionItem { status completedBy { name } }
                                      errors { field code } }
}"""

MEETING = """
query($forumId: ID!, $date: Date!) {
  meeting(forumId: $forumId, date: $date) {
    agenda { entries { key } } decisions { text } actionItems { title }
    forum {
      meetings { totalCount edges { node { date } } }
      actionItems { totalCount edges { node { title } } }
    }
  }
}"""


async def _forum_with_a_blocker(session):
    team = await make_team(session)
    facilitator = await make_person(session)
    forum = await make_forum(session, [team], facilitator=facilitator)
    blocker = await raise_on(session, team, title="Feature store down")
    return team, facilitator, forum, blocker


async def test_facilitator_holds_a_meeting_and_records_its_outcomes(api, session):
    team, facilitator, forum, blocker = await _forum_with_a_blocker(session)
    rep = (await forums_repo.active_members_by_forum(session, [forum.id]))[0][0].representative_id
    await api.login(Role.FACILITATOR, facilitator.id)
    day = today().isoformat()
    key = f"blocker:{blocker.id}"

    held = await api.gql(HOLD, {"input": {"forumId": gid("Forum", forum.id), "date": day}})
    meeting = held["holdMeeting"]["meeting"]
    twice = await api.gql(HOLD, {"input": {"forumId": gid("Forum", forum.id), "date": day}})
    notes = await api.gql(
        NOTES,
        {"input": {"meetingId": meeting["id"], "entryKey": key, "text": "Platform is on it."}},
    )
    bad_key = await api.gql(
        NOTES, {"input": {"meetingId": meeting["id"], "entryKey": "nope", "text": "x"}}
    )
    decision = await api.gql(
        DECIDE,
        {
            "input": {
                "meetingId": meeting["id"],
                "entryKey": key,
                "text": "Fail over to the batch store",
                "blockerId": gid("Blocker", blocker.id),
            }
        },
    )
    action = await api.gql(
        ACTION,
        {
            "input": {
                "meetingId": meeting["id"],
                "title": "Confirm fail-over",
                "ownerId": gid("Person", rep),
                "dueOn": (today() + timedelta(days=2)).isoformat(),
                "entryKey": key,
            }
        },
    )

    assert meeting["agenda"]["entries"] == [{"key": key}]
    assert meeting["heldBy"]["name"] == facilitator.name
    assert twice["holdMeeting"]["errors"] == [{"field": "date", "code": "DUPLICATE"}]
    assert notes["recordMeetingNotes"]["meeting"]["notes"] == [
        {"text": "Platform is on it.", "entryKey": key, "author": {"name": facilitator.name}}
    ]
    assert bad_key["recordMeetingNotes"]["errors"] == [{"field": "entryKey", "code": "INVALID"}]
    assert decision["recordDecision"]["decision"]["blocker"]["title"] == "Feature store down"
    assert action["createActionItem"]["actionItem"]["meeting"]["date"] == day
    read = (await api.gql(MEETING, {"forumId": gid("Forum", forum.id), "date": day}))["meeting"]
    assert read["decisions"] == [{"text": "Fail over to the batch store"}]
    assert read["actionItems"] == [{"title": "Confirm fail-over"}]
    assert read["forum"]["actionItems"]["totalCount"] == 1
    assert nodes(read["forum"]["meetings"]) == [{"date": day}]


async def test_held_agenda_is_frozen_while_the_live_one_moves_on(api, session):
    team, facilitator, forum, blocker = await _forum_with_a_blocker(session)
    await api.login(Role.ADMIN)
    day = today().isoformat()
    await api.gql(HOLD, {"input": {"forumId": gid("Forum", forum.id), "date": day}})

    later = await raise_on(session, team, title="Later")
    read = (await api.gql(MEETING, {"forumId": gid("Forum", forum.id), "date": day}))["meeting"]

    assert read["agenda"]["entries"] == [{"key": f"blocker:{blocker.id}"}]
    assert later.id != blocker.id


async def test_who_may_complete_an_action_item(api, session):
    team, facilitator, forum, _blocker = await _forum_with_a_blocker(session)
    owner = await make_member(session, team)
    colleague = await make_member(session, team)
    await api.login(Role.FACILITATOR, facilitator.id)
    created = (
        await api.gql(
            ACTION,
            {
                "input": {
                    "forumId": gid("Forum", forum.id),
                    "title": "Rotate keys",
                    "ownerId": gid("Person", owner.id),
                    "dueOn": today().isoformat(),
                }
            },
        )
    )["createActionItem"]["actionItem"]
    payload = {"input": {"id": created["id"], "version": created["version"], "note": "done"}}

    await api.login(Role.TEAM_MEMBER, colleague.id)
    refused = await api.errors(COMPLETE, payload)
    await api.login(Role.TEAM_MEMBER, owner.id)
    done = (await api.gql(COMPLETE, payload))["completeActionItem"]
    again = await api.gql(COMPLETE, {"input": {**payload["input"], "version": 2}})

    assert refused[0]["extensions"] == {"code": "FORBIDDEN", "reason": "SCOPE"}
    assert done["actionItem"] == {"status": "DONE", "completedBy": {"name": owner.name}}
    assert again["completeActionItem"]["errors"] == [{"field": "id", "code": "INVALID_STATE"}]


async def test_other_facilitators_and_team_members_may_not_run_the_meeting(api, session):
    _team, _facilitator, forum, _blocker = await _forum_with_a_blocker(session)
    other = await make_person(session)
    await make_forum(session, facilitator=other)
    variables = {"input": {"forumId": gid("Forum", forum.id), "date": today().isoformat()}}

    await api.login(Role.FACILITATOR, other.id)
    scope = await api.errors(HOLD, variables)
    await api.login(Role.DIRECTOR, other.id)
    role = await api.errors(HOLD, variables)

    assert scope[0]["extensions"] == {"code": "FORBIDDEN", "reason": "SCOPE"}
    assert role[0]["extensions"] == {"code": "FORBIDDEN", "reason": "ROLE"}
