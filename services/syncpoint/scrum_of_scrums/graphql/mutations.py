"""Mutations of the Scrum-of-Scrums context: thin resolvers over its services."""

from __future__ import annotations

from datetime import date, time

import strawberry
from strawberry import relay
from strawberry.types import Info

from syncpoint.core.auth import allowed
from syncpoint.core.errors import UserError
from syncpoint.core.ids import decode_id, decode_optional, provided
from syncpoint.core.mutations import mutate
from syncpoint.insights.analyses import analyses_of
from syncpoint.scrum_of_scrums import meetings, models
from syncpoint.scrum_of_scrums import service as svc
from syncpoint.scrum_of_scrums.graphql.types import (
    ActionItemType,
    DecisionType,
    ForumMemberType,
    ForumType,
    MeetingType,
    Weekday,
)

UNSET = strawberry.UNSET


@strawberry.input
class ForumMemberInput:
    team_id: relay.GlobalID
    representative_id: relay.GlobalID = strawberry.field(
        description="A member of that team who speaks for it."
    )


@strawberry.input
class CreateForumInput:
    name: str
    facilitator_id: relay.GlobalID
    weekdays: list[Weekday]  # type: ignore[valid-type]
    meeting_time: time
    time_zone: str = "UTC"
    duration_minutes: int = 15
    description: str = ""
    parent_id: relay.GlobalID | None = None
    members: list[ForumMemberInput] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateForumInput:
    id: relay.GlobalID
    version: int
    name: str | None = UNSET
    description: str | None = UNSET
    facilitator_id: relay.GlobalID | None = UNSET
    weekdays: list[Weekday] | None = UNSET  # type: ignore[valid-type]
    meeting_time: time | None = UNSET
    time_zone: str | None = UNSET
    duration_minutes: int | None = UNSET
    parent_id: relay.GlobalID | None = strawberry.field(
        default=UNSET, description="New parent; null makes it a top-level forum."
    )


@strawberry.input
class ArchiveForumInput:
    id: relay.GlobalID
    version: int


@strawberry.input
class AddForumMemberInput:
    forum_id: relay.GlobalID
    team_id: relay.GlobalID
    representative_id: relay.GlobalID


@strawberry.input
class ChangeRepresentativeInput:
    id: relay.GlobalID = strawberry.field(description="The ForumMember.")
    version: int
    representative_id: relay.GlobalID


@strawberry.input
class RemoveForumMemberInput:
    id: relay.GlobalID
    version: int
    removed_on: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class HoldMeetingInput:
    forum_id: relay.GlobalID
    day: date = strawberry.field(name="date")


@strawberry.input
class RecordMeetingNotesInput:
    meeting_id: relay.GlobalID
    text: str
    entry_key: str | None = strawberry.field(
        default=None, description="The agenda entry the notes are about."
    )


@strawberry.input
class RecordDecisionInput:
    meeting_id: relay.GlobalID
    text: str
    entry_key: str | None = None
    blocker_id: relay.GlobalID | None = None


@strawberry.input
class CreateActionItemInput:
    title: str
    owner_id: relay.GlobalID
    due_on: date
    meeting_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The meeting it came from (its forum is the item's)."
    )
    forum_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Or the forum, for an item outside a meeting."
    )
    description: str = ""
    entry_key: str | None = None
    blocker_id: relay.GlobalID | None = None


@strawberry.input
class CompleteActionItemInput:
    id: relay.GlobalID
    version: int
    note: str = ""


@strawberry.type
class ForumPayload:
    forum: ForumType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ForumMemberPayload:
    member: ForumMemberType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MeetingPayload:
    meeting: MeetingType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DecisionPayload:
    decision: DecisionType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ActionItemPayload:
    action_item: ActionItemType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


_FORUM_CHANGES = {
    "name": "name",
    "description": "description",
    "weekdays": "weekdays",
    "meeting_time": "meeting_time",
    "time_zone": "time_zone",
    "duration_minutes": "duration_minutes",
}


def _forum_changes(input: UpdateForumInput) -> dict[str, object]:
    changes = {k: v for k, v in provided(input, _FORUM_CHANGES).items() if v is not None}
    if input.facilitator_id is not UNSET and input.facilitator_id is not None:
        changes["facilitator_id"] = decode_id(input.facilitator_id, "Person", "facilitatorId")
    if input.parent_id is not UNSET:
        changes["parent_id"] = decode_optional(input.parent_id, "Forum", "parentId")
    return changes


@strawberry.type
class ScrumOfScrumsMutation:
    @strawberry.mutation(permission_classes=[allowed(svc.CREATE_FORUM)])
    async def create_forum(self, info: Info, input: CreateForumInput) -> ForumPayload:
        ctx = info.context

        async def action() -> models.Forum:
            members = [
                svc.MemberSpec(
                    decode_id(m.team_id, "Team", f"members[{i}].teamId"),
                    decode_id(m.representative_id, "Person", f"members[{i}].representativeId"),
                )
                for i, m in enumerate(input.members)
            ]
            return await svc.create_forum(
                ctx.session,
                ctx.actor,
                name=input.name,
                facilitator_id=decode_id(input.facilitator_id, "Person", "facilitatorId"),
                weekdays=input.weekdays,
                meeting_time=input.meeting_time,
                time_zone=input.time_zone,
                duration_minutes=input.duration_minutes,
                description=input.description,
                parent_id=decode_optional(input.parent_id, "Forum", "parentId"),
                members=members,
            )

        return await mutate(info, action, ForumPayload, "forum", ForumType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.UPDATE_FORUM)])
    async def update_forum(self, info: Info, input: UpdateForumInput) -> ForumPayload:
        ctx = info.context

        async def action() -> models.Forum:
            return await svc.update_forum(
                ctx.session,
                ctx.actor,
                decode_id(input.id, "Forum"),
                input.version,
                _forum_changes(input),
            )

        return await mutate(info, action, ForumPayload, "forum", ForumType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.ARCHIVE_FORUM)])
    async def archive_forum(self, info: Info, input: ArchiveForumInput) -> ForumPayload:
        ctx = info.context

        async def action() -> models.Forum:
            return await svc.archive_forum(
                ctx.session, ctx.actor, decode_id(input.id, "Forum"), input.version
            )

        return await mutate(info, action, ForumPayload, "forum", ForumType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.ADD_FORUM_MEMBER)])
    async def add_forum_member(self, info: Info, input: AddForumMemberInput) -> ForumMemberPayload:
        ctx = info.context

        async def action() -> models.ForumMember:
            spec = svc.MemberSpec(
                decode_id(input.team_id, "Team", "teamId"),
                decode_id(input.representative_id, "Person", "representativeId"),
            )
            forum_id = decode_id(input.forum_id, "Forum", "forumId")
            return await svc.add_member(ctx.session, ctx.actor, forum_id, spec)

        return await mutate(info, action, ForumMemberPayload, "member", ForumMemberType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.CHANGE_REPRESENTATIVE)])
    async def change_representative(
        self, info: Info, input: ChangeRepresentativeInput
    ) -> ForumMemberPayload:
        ctx = info.context

        async def action() -> models.ForumMember:
            return await svc.change_representative(
                ctx.session,
                ctx.actor,
                decode_id(input.id, "ForumMember"),
                input.version,
                decode_id(input.representative_id, "Person", "representativeId"),
            )

        return await mutate(info, action, ForumMemberPayload, "member", ForumMemberType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.REMOVE_FORUM_MEMBER)])
    async def remove_forum_member(
        self, info: Info, input: RemoveForumMemberInput
    ) -> ForumMemberPayload:
        ctx = info.context

        async def action() -> models.ForumMember:
            return await svc.remove_member(
                ctx.session,
                ctx.actor,
                decode_id(input.id, "ForumMember"),
                input.version,
                input.removed_on,
            )

        return await mutate(info, action, ForumMemberPayload, "member", ForumMemberType.from_model)

    @strawberry.mutation(
        description="Hold a forum's meeting of a date from its agenda generated now (kept).",
        permission_classes=[allowed(meetings.HOLD_MEETING)],
    )
    async def hold_meeting(self, info: Info, input: HoldMeetingInput) -> MeetingPayload:
        ctx = info.context

        async def action() -> models.Meeting:
            return await meetings.hold_meeting(
                ctx.session,
                ctx.actor,
                decode_id(input.forum_id, "Forum", "forumId"),
                input.day,
                analyses=analyses_of(ctx),
            )

        return await mutate(info, action, MeetingPayload, "meeting", MeetingType.from_model)

    @strawberry.mutation(permission_classes=[allowed(meetings.RECORD_MEETING_NOTES)])
    async def record_meeting_notes(
        self, info: Info, input: RecordMeetingNotesInput
    ) -> MeetingPayload:
        ctx = info.context

        async def action() -> models.Meeting:
            return await meetings.record_notes(
                ctx.session,
                ctx.actor,
                decode_id(input.meeting_id, "Meeting", "meetingId"),
                input.text,
                input.entry_key,
            )

        return await mutate(info, action, MeetingPayload, "meeting", MeetingType.from_model)

    @strawberry.mutation(permission_classes=[allowed(meetings.RECORD_DECISION)])
    async def record_decision(self, info: Info, input: RecordDecisionInput) -> DecisionPayload:
        ctx = info.context

        async def action() -> models.Decision:
            return await meetings.record_decision(
                ctx.session,
                ctx.actor,
                decode_id(input.meeting_id, "Meeting", "meetingId"),
                input.text,
                entry_key=input.entry_key,
                blocker_id=decode_optional(input.blocker_id, "Blocker", "blockerId"),
            )

        return await mutate(info, action, DecisionPayload, "decision", DecisionType.from_model)

    @strawberry.mutation(permission_classes=[allowed(meetings.CREATE_ACTION_ITEM)])
    async def create_action_item(
        self, info: Info, input: CreateActionItemInput
    ) -> ActionItemPayload:
        ctx = info.context

        async def action() -> models.ActionItem:
            return await meetings.create_action_item(
                ctx.session,
                ctx.actor,
                title=input.title,
                owner_id=decode_id(input.owner_id, "Person", "ownerId"),
                due_on=input.due_on,
                forum_id=decode_optional(input.forum_id, "Forum", "forumId"),
                meeting_id=decode_optional(input.meeting_id, "Meeting", "meetingId"),
                description=input.description,
                entry_key=input.entry_key,
                blocker_id=decode_optional(input.blocker_id, "Blocker", "blockerId"),
            )

        return await mutate(
            info, action, ActionItemPayload, "action_item", ActionItemType.from_model
        )

    @strawberry.mutation(permission_classes=[allowed(meetings.COMPLETE_ACTION_ITEM)])
    async def complete_action_item(
        self, info: Info, input: CompleteActionItemInput
    ) -> ActionItemPayload:
        ctx = info.context

        async def action() -> models.ActionItem:
            return await meetings.complete_action_item(
                ctx.session,
                ctx.actor,
                decode_id(input.id, "ActionItem"),
                input.version,
                input.note,
            )

        return await mutate(
            info, action, ActionItemPayload, "action_item", ActionItemType.from_model
        )
