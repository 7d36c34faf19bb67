"""Inputs and payloads of the Scrum-of-Scrums mutations."""

from __future__ import annotations

from datetime import date, time

import strawberry
from strawberry import relay

from syncpoint.core.errors import UserError
from syncpoint.core.inputs import optional, ref
from syncpoint.scrum_of_scrums.graphql.types import (
    ActionItemType,
    DecisionType,
    ForumMemberType,
    ForumType,
    MeetingType,
    Weekday,
)

# ---- inputs ---------------------------------------------------------------------------------


@strawberry.input
class ForumMemberInput:
    team_id: relay.GlobalID = ref("Team")
    representative_id: relay.GlobalID = ref(
        "Person", description="A member of that team who speaks for it."
    )


@strawberry.input
class CreateForumInput:
    name: str
    facilitator_id: relay.GlobalID = ref("Person")
    weekdays: list[Weekday]  # type: ignore[valid-type]
    meeting_time: time
    time_zone: str = "UTC"
    duration_minutes: int = 15
    description: str = ""
    parent_id: relay.GlobalID | None = ref("Forum", default=None)
    members: list[ForumMemberInput] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateForumInput:
    id: relay.GlobalID = ref("Forum")
    version: int
    name: str | None = optional()
    description: str | None = optional()
    facilitator_id: relay.GlobalID | None = ref("Person", optional=True)
    weekdays: list[Weekday] | None = optional()  # type: ignore[valid-type]
    meeting_time: time | None = optional()
    time_zone: str | None = optional()
    duration_minutes: int | None = optional()
    parent_id: relay.GlobalID | None = ref(
        "Forum",
        optional=True,
        nullable=True,
        description="New parent; null makes it a top-level forum.",
    )


@strawberry.input
class ArchiveForumInput:
    id: relay.GlobalID = ref("Forum")
    version: int


@strawberry.input
class AddForumMemberInput:
    forum_id: relay.GlobalID = ref("Forum")
    team_id: relay.GlobalID = ref("Team")
    representative_id: relay.GlobalID = ref("Person")


@strawberry.input
class ChangeRepresentativeInput:
    id: relay.GlobalID = ref("ForumMember", description="The ForumMember.")
    version: int
    representative_id: relay.GlobalID = ref("Person")


@strawberry.input
class RemoveForumMemberInput:
    id: relay.GlobalID = ref("ForumMember")
    version: int
    removed_on: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class HoldMeetingInput:
    forum_id: relay.GlobalID = ref("Forum")
    day: date = strawberry.field(name="date")


@strawberry.input
class RecordMeetingNotesInput:
    meeting_id: relay.GlobalID = ref("Meeting")
    text: str
    entry_key: str | None = strawberry.field(
        default=None, description="The agenda entry the notes are about."
    )


@strawberry.input
class RecordDecisionInput:
    meeting_id: relay.GlobalID = ref("Meeting")
    text: str
    entry_key: str | None = None
    blocker_id: relay.GlobalID | None = ref("Blocker", default=None)


@strawberry.input
class CreateActionItemInput:
    title: str
    owner_id: relay.GlobalID = ref("Person")
    due_on: date
    meeting_id: relay.GlobalID | None = ref(
        "Meeting", default=None, description="The meeting it came from (its forum is the item's)."
    )
    forum_id: relay.GlobalID | None = ref(
        "Forum", default=None, description="Or the forum, for an item outside a meeting."
    )
    description: str = ""
    entry_key: str | None = None
    blocker_id: relay.GlobalID | None = ref("Blocker", default=None)


@strawberry.input
class CompleteActionItemInput:
    id: relay.GlobalID = ref("ActionItem")
    version: int
    note: str = ""


# ---- payloads -------------------------------------------------------------------------------


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
