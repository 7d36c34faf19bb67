"""Inputs and payloads of the organisation mutations."""

from __future__ import annotations

from datetime import date, time

import strawberry
from strawberry import relay

from syncpoint.core.errors import UserError
from syncpoint.core.inputs import optional, ref
from syncpoint.teams import models
from syncpoint.teams.graphql.types import (
    Framework,
    GroupKind,
    GroupType,
    InteractionMode,
    InteractionType,
    MembershipRole,
    MembershipType,
    PersonType,
    TeamType,
    Topology,
)

UNSET = strawberry.UNSET

# ---- inputs ---------------------------------------------------------------------------------


@strawberry.input
class CreateGroupInput:
    slug: str
    name: str
    kind: GroupKind = models.GroupKind.OTHER  # type: ignore[valid-type]
    description: str = ""
    parent_id: relay.GlobalID | None = ref("Group", default=None)


@strawberry.input
class UpdateGroupInput:
    id: relay.GlobalID = ref("Group")
    version: int = strawberry.field(description="The version you read; stale versions conflict.")
    name: str | None = optional()
    kind: GroupKind | None = optional()  # type: ignore[valid-type]
    description: str | None = optional()
    parent_id: relay.GlobalID | None = ref(
        "Group",
        optional=True,
        nullable=True,
        description="New parent; null makes it a top-level group.",
    )


@strawberry.input
class VersionedIdInput:
    """An object's id and the version you read (archiving refuses stale versions)."""

    id: relay.GlobalID = ref(None)
    version: int


@strawberry.input
class CreateTeamInput:
    slug: str
    name: str
    group_id: relay.GlobalID = ref("Group")
    topology: Topology  # type: ignore[valid-type]
    framework: Framework  # type: ignore[valid-type]
    focus: str = ""
    channels: list[str] = strawberry.field(default_factory=list)
    daily_sync_time: time | None = None
    time_zone: str = "UTC"
    ways_of_working: str = ""


@strawberry.input
class UpdateTeamInput:
    id: relay.GlobalID = ref("Team")
    version: int
    name: str | None = optional()
    group_id: relay.GlobalID | None = ref("Group", optional=True)
    topology: Topology | None = optional()  # type: ignore[valid-type]
    framework: Framework | None = optional()  # type: ignore[valid-type]
    focus: str | None = optional()
    channels: list[str] | None = optional()
    daily_sync_time: time | None = optional(nullable=True, description="null: no daily sync.")
    time_zone: str | None = optional()
    ways_of_working: str | None = optional()


@strawberry.input
class CreatePersonInput:
    name: str
    email: str
    title: str = ""


@strawberry.input
class UpdatePersonInput:
    id: relay.GlobalID = ref("Person")
    version: int
    name: str | None = optional()
    email: str | None = optional()
    title: str | None = optional()


@strawberry.input
class AddMembershipInput:
    person_id: relay.GlobalID = ref("Person")
    team_id: relay.GlobalID = ref("Team")
    role: MembershipRole  # type: ignore[valid-type]
    started_on: date | None = None


@strawberry.input
class ChangeMembershipInput:
    id: relay.GlobalID = ref("Membership")
    version: int
    role: MembershipRole  # type: ignore[valid-type]


@strawberry.input
class EndInput:
    id: relay.GlobalID = ref(None)
    version: int
    ended_on: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class StartInteractionInput:
    team_id: relay.GlobalID = ref("Team")
    partner_id: relay.GlobalID = ref("Team")
    mode: InteractionMode  # type: ignore[valid-type]
    purpose: str = ""
    starts_on: date | None = None
    expected_end: date | None = None


@strawberry.input
class UpdateInteractionInput:
    id: relay.GlobalID = ref("Interaction")
    version: int
    mode: InteractionMode | None = optional()  # type: ignore[valid-type]
    purpose: str | None = optional()
    expected_end: date | None = optional(nullable=True, description="null: open-ended.")


# ---- payloads -------------------------------------------------------------------------------


@strawberry.type
class GroupPayload:
    group: GroupType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TeamPayload:
    team: TeamType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PersonPayload:
    person: PersonType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MembershipPayload:
    membership: MembershipType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class InteractionPayload:
    interaction: InteractionType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
