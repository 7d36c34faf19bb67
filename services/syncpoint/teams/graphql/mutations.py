"""Mutations of the organisation context, declared once each (see core/mutations.py)."""

from __future__ import annotations

import strawberry

from syncpoint.core.mutations import Call, mutation
from syncpoint.teams import models
from syncpoint.teams import service as svc
from syncpoint.teams.graphql.inputs import (
    AddMembershipInput,
    ChangeMembershipInput,
    CreateGroupInput,
    CreatePersonInput,
    CreateTeamInput,
    EndInput,
    GroupPayload,
    InteractionPayload,
    MembershipPayload,
    PersonPayload,
    StartInteractionInput,
    TeamPayload,
    UpdateGroupInput,
    UpdateInteractionInput,
    UpdatePersonInput,
    UpdateTeamInput,
    VersionedIdInput,
)


@strawberry.type
class TeamsMutation:
    @mutation(svc.CREATE_GROUP, payload=GroupPayload)
    async def create_group(call: Call[CreateGroupInput]) -> models.Group:
        return await svc.create_group(call.session, call.actor, **call.fields)

    @mutation(svc.UPDATE_GROUP, payload=GroupPayload)
    async def update_group(call: Call[UpdateGroupInput]) -> models.Group:
        return await svc.update_group(
            call.session, call.actor, call.id, call.input.version, call.changes
        )

    @mutation(svc.ARCHIVE_GROUP, payload=GroupPayload, refs={"id": "Group"})
    async def archive_group(call: Call[VersionedIdInput]) -> models.Group:
        return await svc.archive_group(call.session, call.actor, call.id, call.input.version)

    @mutation(svc.CREATE_TEAM, payload=TeamPayload)
    async def create_team(call: Call[CreateTeamInput]) -> models.Team:
        values = dict(call.fields)
        slug, name, group_id = values.pop("slug"), values.pop("name"), values.pop("group_id")
        return await svc.create_team(
            call.session, call.actor, slug=slug, name=name, group_id=group_id, values=values
        )

    @mutation(svc.UPDATE_TEAM, payload=TeamPayload)
    async def update_team(call: Call[UpdateTeamInput]) -> models.Team:
        return await svc.update_team(
            call.session, call.actor, call.id, call.input.version, call.changes
        )

    @mutation(svc.ARCHIVE_TEAM, payload=TeamPayload, refs={"id": "Team"})
    async def archive_team(call: Call[VersionedIdInput]) -> models.Team:
        return await svc.archive_team(call.session, call.actor, call.id, call.input.version)

    @mutation(svc.CREATE_PERSON, payload=PersonPayload)
    async def create_person(call: Call[CreatePersonInput]) -> models.Person:
        return await svc.create_person(call.session, call.actor, **call.fields)

    @mutation(svc.UPDATE_PERSON, payload=PersonPayload)
    async def update_person(call: Call[UpdatePersonInput]) -> models.Person:
        return await svc.update_person(
            call.session, call.actor, call.id, call.input.version, call.changes
        )

    @mutation(svc.ARCHIVE_PERSON, payload=PersonPayload, refs={"id": "Person"})
    async def archive_person(call: Call[VersionedIdInput]) -> models.Person:
        return await svc.archive_person(call.session, call.actor, call.id, call.input.version)

    @mutation(svc.ADD_MEMBERSHIP, payload=MembershipPayload)
    async def add_membership(call: Call[AddMembershipInput]) -> models.Membership:
        return await svc.add_membership(call.session, call.actor, **call.fields)

    @mutation(svc.CHANGE_MEMBERSHIP, payload=MembershipPayload)
    async def change_membership(call: Call[ChangeMembershipInput]) -> models.Membership:
        return await svc.change_membership(
            call.session, call.actor, call.id, call.input.version, call.input.role
        )

    @mutation(svc.REMOVE_MEMBERSHIP, payload=MembershipPayload, refs={"id": "Membership"})
    async def remove_membership(call: Call[EndInput]) -> models.Membership:
        return await svc.remove_membership(
            call.session, call.actor, call.id, call.input.version, call.input.ended_on
        )

    @mutation(svc.START_INTERACTION, payload=InteractionPayload)
    async def start_interaction(call: Call[StartInteractionInput]) -> models.Interaction:
        return await svc.start_interaction(call.session, call.actor, **call.fields)

    @mutation(svc.UPDATE_INTERACTION, payload=InteractionPayload)
    async def update_interaction(call: Call[UpdateInteractionInput]) -> models.Interaction:
        return await svc.update_interaction(
            call.session, call.actor, call.id, call.input.version, call.changes
        )

    @mutation(svc.END_INTERACTION, payload=InteractionPayload, refs={"id": "Interaction"})
    async def end_interaction(call: Call[EndInput]) -> models.Interaction:
        return await svc.end_interaction(
            call.session, call.actor, call.id, call.input.version, call.input.ended_on
        )
