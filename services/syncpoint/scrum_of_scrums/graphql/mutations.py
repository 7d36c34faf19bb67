"""Mutations of the Scrum-of-Scrums context, declared once each (see core/mutations.py)."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

from syncpoint.core.errors import Problems
from syncpoint.core.inputs import read_input
from syncpoint.core.mutations import Call, mutation
from syncpoint.forums import models as forum_models
from syncpoint.insights.analyses import analyses_of
from syncpoint.scrum_of_scrums import meetings, models
from syncpoint.scrum_of_scrums import service as svc
from syncpoint.scrum_of_scrums.graphql.inputs import (
    ActionItemPayload,
    AddForumMemberInput,
    ArchiveForumInput,
    ChangeRepresentativeInput,
    CompleteActionItemInput,
    CreateActionItemInput,
    CreateForumInput,
    DecisionPayload,
    ForumMemberInput,
    ForumMemberPayload,
    ForumPayload,
    HoldMeetingInput,
    MeetingPayload,
    RecordDecisionInput,
    RecordMeetingNotesInput,
    RemoveForumMemberInput,
    UpdateForumInput,
)


def _members(members: Sequence[ForumMemberInput]) -> list[svc.MemberSpec]:
    """The member specs of a create input; every bad id reported at once, with its index."""
    problems = Problems()
    specs: list[svc.MemberSpec] = []
    for index, member in enumerate(members):
        values, errors = read_input(member)
        for error in errors:
            problems.add(f"members[{index}].{error.field}", error.message, error.code)
        if not errors:
            specs.append(svc.MemberSpec(values["team_id"], values["representative_id"]))
    problems.raise_if_any()
    return specs


@strawberry.type
class ScrumOfScrumsMutation:
    @mutation(svc.CREATE_FORUM, payload=ForumPayload)
    async def create_forum(call: Call[CreateForumInput]) -> forum_models.Forum:
        values = dict(call.fields)
        values["members"] = _members(call.input.members)
        return await svc.create_forum(call.session, call.actor, **values)

    @mutation(svc.UPDATE_FORUM, payload=ForumPayload)
    async def update_forum(call: Call[UpdateForumInput]) -> forum_models.Forum:
        return await svc.update_forum(
            call.session, call.actor, call.id, call.input.version, call.changes
        )

    @mutation(svc.ARCHIVE_FORUM, payload=ForumPayload)
    async def archive_forum(call: Call[ArchiveForumInput]) -> forum_models.Forum:
        return await svc.archive_forum(call.session, call.actor, call.id, call.input.version)

    @mutation(svc.ADD_FORUM_MEMBER, payload=ForumMemberPayload)
    async def add_forum_member(call: Call[AddForumMemberInput]) -> forum_models.ForumMember:
        f = call.fields
        spec = svc.MemberSpec(f["team_id"], f["representative_id"])
        return await svc.add_member(call.session, call.actor, f["forum_id"], spec)

    @mutation(svc.CHANGE_REPRESENTATIVE, payload=ForumMemberPayload)
    async def change_representative(
        call: Call[ChangeRepresentativeInput],
    ) -> forum_models.ForumMember:
        return await svc.change_representative(
            call.session,
            call.actor,
            call.id,
            call.input.version,
            call.fields["representative_id"],
        )

    @mutation(svc.REMOVE_FORUM_MEMBER, payload=ForumMemberPayload)
    async def remove_forum_member(call: Call[RemoveForumMemberInput]) -> forum_models.ForumMember:
        return await svc.remove_member(
            call.session, call.actor, call.id, call.input.version, call.input.removed_on
        )

    @mutation(
        meetings.HOLD_MEETING,
        payload=MeetingPayload,
        description="Hold a forum's meeting of a date from its agenda generated now (kept).",
    )
    async def hold_meeting(call: Call[HoldMeetingInput]) -> models.Meeting:
        return await meetings.hold_meeting(
            call.session,
            call.actor,
            call.fields["forum_id"],
            call.input.day,
            analyses=analyses_of(call.context),
        )

    @mutation(meetings.RECORD_MEETING_NOTES, payload=MeetingPayload)
    async def record_meeting_notes(call: Call[RecordMeetingNotesInput]) -> models.Meeting:
        f = call.fields
        return await meetings.record_notes(
            call.session, call.actor, f["meeting_id"], f["text"], f["entry_key"]
        )

    @mutation(meetings.RECORD_DECISION, payload=DecisionPayload)
    async def record_decision(call: Call[RecordDecisionInput]) -> models.Decision:
        f = call.fields
        return await meetings.record_decision(
            call.session,
            call.actor,
            f["meeting_id"],
            f["text"],
            entry_key=f["entry_key"],
            blocker_id=f["blocker_id"],
        )

    @mutation(meetings.CREATE_ACTION_ITEM, payload=ActionItemPayload)
    async def create_action_item(call: Call[CreateActionItemInput]) -> models.ActionItem:
        return await meetings.create_action_item(call.session, call.actor, **call.fields)

    @mutation(meetings.COMPLETE_ACTION_ITEM, payload=ActionItemPayload)
    async def complete_action_item(call: Call[CompleteActionItemInput]) -> models.ActionItem:
        return await meetings.complete_action_item(
            call.session, call.actor, call.id, call.input.version, call.input.note
        )
