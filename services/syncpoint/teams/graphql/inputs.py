"""Inputs and payloads of the organisation mutations."""

from __future__ import annotations

from datetime import date, time

import strawberry
from strawberry import relay

from syncpoint.core.errors import UserError
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
    parent_id: relay.GlobalID | None = None


@strawberry.input
class UpdateGroupInput:
    id: relay.GlobalID
    version: int = strawberry.field(description="The version you read; stale versions conflict.")
    name: str | None = UNSET
    kind: GroupKind | None = UNSET  # type: ignore[valid-type]
    description: str | None = UNSET
    parent_id: relay.GlobalID | None = strawberry.field(
        default=UNSET, description="New parent; null makes it a top-level group."
    )


@strawberry.input
class VersionedIdInput:
    id: relay.GlobalID
    version: int


@strawberry.input
class CreateTeamInput:
    slug: str
    name: str
    group_id: relay.GlobalID
    topology: Topology  # type: ignore[valid-type]
    framework: Framework  # type: ignore[valid-type]
    focus: str = ""
    channels: list[str] = strawberry.field(default_factory=list)
    daily_sync_time: time | None = None
    time_zone: str = "UTC"
    ways_of_working: str = ""


@strawberry.input
class UpdateTeamInput:
    id: relay.GlobalID
    version: int
    name: str | None = UNSET
    group_id: relay.GlobalID | None = UNSET
    topology: Topology | None = UNSET  # type: ignore[valid-type]
    framework: Framework | None = UNSET  # type: ignore[valid-type]
    focus: str | None = UNSET
    channels: list[str] | None = UNSET
    daily_sync_time: time | None = UNSET
    time_zone: str | None = UNSET
    ways_of_working: str | None = UNSET


@strawberry.input
class CreatePersonInput:
    name: str
    email: str
    title: str = ""


@strawberry.input
class UpdatePersonInput:
    id: relay.GlobalID
    version: int
    name: str | None = UNSET
    email: str | None = UNSET
    title: str | None = UNSET


@strawberry.input
class AddMembershipInput:
    person_id: relay.GlobalID
    team_id: relay.GlobalID
    role: MembershipRole  # type: ignore[valid-type]
    started_on: date | None = None


@strawberry.input
class ChangeMembershipInput:
    id: relay.GlobalID
    version: int
    role: MembershipRole  # type: ignore[valid-type]


@strawberry.input
class EndInput:
    id: relay.GlobalID
    version: int
    ended_on: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class StartInteractionInput:
    team_id: relay.GlobalID
    partner_id: relay.GlobalID
    mode: InteractionMode  # type: ignore[valid-type]
    purpose: str = ""
    starts_on: date | None = None
    expected_end: date | None = None


@strawberry.input
class UpdateInteractionInput:
    id: relay.GlobalID
    version: int
    mode: InteractionMode | None = UNSET  # type: ignore[valid-type]
    purpose: str | None = UNSET
    expected_end: date | None = UNSET


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
