"""Mutations of the organisation context: thin resolvers over teams.service."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from syncpoint.core.auth import allowed
from syncpoint.core.ids import decode_id, provided
from syncpoint.core.mutations import mutate
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
from syncpoint.teams.graphql.types import (
    GroupType,
    InteractionType,
    MembershipType,
    PersonType,
    TeamType,
)

UNSET = strawberry.UNSET

_TEAM_CHANGES = {
    "name": "name",
    "topology": "topology",
    "framework": "framework",
    "focus": "focus",
    "channels": "channels",
    "daily_sync_time": "daily_sync_time",
    "time_zone": "time_zone",
    "ways_of_working": "ways_of_working",
}


@strawberry.type
class TeamsMutation:
    @strawberry.mutation(permission_classes=[allowed(svc.CREATE_GROUP)])
    async def create_group(self, info: Info, input: CreateGroupInput) -> GroupPayload:
        ctx = info.context

        async def action() -> models.Group:
            parent = (
                None if input.parent_id is None else decode_id(input.parent_id, "Group", "parentId")
            )
            return await svc.create_group(
                ctx.session,
                ctx.actor,
                slug=input.slug,
                name=input.name,
                kind=input.kind,
                description=input.description,
                parent_id=parent,
            )

        return await mutate(info, action, GroupPayload, "group", GroupType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.UPDATE_GROUP)])
    async def update_group(self, info: Info, input: UpdateGroupInput) -> GroupPayload:
        ctx = info.context

        async def action() -> models.Group:
            changes = provided(
                input, {"name": "name", "kind": "kind", "description": "description"}
            )
            if input.parent_id is not UNSET:
                changes["parent_id"] = (
                    None
                    if input.parent_id is None
                    else decode_id(input.parent_id, "Group", "parentId")
                )
            return await svc.update_group(
                ctx.session, ctx.actor, decode_id(input.id, "Group"), input.version, changes
            )

        return await mutate(info, action, GroupPayload, "group", GroupType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.ARCHIVE_GROUP)])
    async def archive_group(self, info: Info, input: VersionedIdInput) -> GroupPayload:
        ctx = info.context

        async def action() -> models.Group:
            return await svc.archive_group(
                ctx.session, ctx.actor, decode_id(input.id, "Group"), input.version
            )

        return await mutate(info, action, GroupPayload, "group", GroupType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.CREATE_TEAM)])
    async def create_team(self, info: Info, input: CreateTeamInput) -> TeamPayload:
        ctx = info.context

        async def action() -> models.Team:
            values = provided(input, _TEAM_CHANGES)
            return await svc.create_team(
                ctx.session,
                ctx.actor,
                slug=input.slug,
                name=input.name,
                group_id=decode_id(input.group_id, "Group", "groupId"),
                values=values,
            )

        return await mutate(info, action, TeamPayload, "team", TeamType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.UPDATE_TEAM)])
    async def update_team(self, info: Info, input: UpdateTeamInput) -> TeamPayload:
        ctx = info.context

        async def action() -> models.Team:
            changes = {
                k: v
                for k, v in provided(input, _TEAM_CHANGES).items()
                if v is not None or k == "daily_sync_time"
            }
            if input.group_id is not UNSET and input.group_id is not None:
                changes["group_id"] = decode_id(input.group_id, "Group", "groupId")
            return await svc.update_team(
                ctx.session, ctx.actor, decode_id(input.id, "Team"), input.version, changes
            )

        return await mutate(info, action, TeamPayload, "team", TeamType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.ARCHIVE_TEAM)])
    async def archive_team(self, info: Info, input: VersionedIdInput) -> TeamPayload:
        ctx = info.context

        async def action() -> models.Team:
            return await svc.archive_team(
                ctx.session, ctx.actor, decode_id(input.id, "Team"), input.version
            )

        return await mutate(info, action, TeamPayload, "team", TeamType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.CREATE_PERSON)])
    async def create_person(self, info: Info, input: CreatePersonInput) -> PersonPayload:
        ctx = info.context

        async def action() -> models.Person:
            return await svc.create_person(
                ctx.session, ctx.actor, name=input.name, email=input.email, title=input.title
            )

        return await mutate(info, action, PersonPayload, "person", PersonType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.UPDATE_PERSON)])
    async def update_person(self, info: Info, input: UpdatePersonInput) -> PersonPayload:
        ctx = info.context

        async def action() -> models.Person:
            changes = {
                k: v
                for k, v in provided(
                    input, {"name": "name", "email": "email", "title": "title"}
                ).items()
                if v is not None
            }
            return await svc.update_person(
                ctx.session, ctx.actor, decode_id(input.id, "Person"), input.version, changes
            )

        return await mutate(info, action, PersonPayload, "person", PersonType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.ARCHIVE_PERSON)])
    async def archive_person(self, info: Info, input: VersionedIdInput) -> PersonPayload:
        ctx = info.context

        async def action() -> models.Person:
            return await svc.archive_person(
                ctx.session, ctx.actor, decode_id(input.id, "Person"), input.version
            )

        return await mutate(info, action, PersonPayload, "person", PersonType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.ADD_MEMBERSHIP)])
    async def add_membership(self, info: Info, input: AddMembershipInput) -> MembershipPayload:
        ctx = info.context

        async def action() -> models.Membership:
            return await svc.add_membership(
                ctx.session,
                ctx.actor,
                person_id=decode_id(input.person_id, "Person", "personId"),
                team_id=decode_id(input.team_id, "Team", "teamId"),
                role=input.role,
                started_on=input.started_on,
            )

        return await mutate(
            info, action, MembershipPayload, "membership", MembershipType.from_model
        )

    @strawberry.mutation(permission_classes=[allowed(svc.CHANGE_MEMBERSHIP)])
    async def change_membership(
        self, info: Info, input: ChangeMembershipInput
    ) -> MembershipPayload:
        ctx = info.context

        async def action() -> models.Membership:
            return await svc.change_membership(
                ctx.session,
                ctx.actor,
                decode_id(input.id, "Membership"),
                input.version,
                input.role,
            )

        return await mutate(
            info, action, MembershipPayload, "membership", MembershipType.from_model
        )

    @strawberry.mutation(permission_classes=[allowed(svc.REMOVE_MEMBERSHIP)])
    async def remove_membership(self, info: Info, input: EndInput) -> MembershipPayload:
        ctx = info.context

        async def action() -> models.Membership:
            return await svc.remove_membership(
                ctx.session,
                ctx.actor,
                decode_id(input.id, "Membership"),
                input.version,
                input.ended_on,
            )

        return await mutate(
            info, action, MembershipPayload, "membership", MembershipType.from_model
        )

    @strawberry.mutation(permission_classes=[allowed(svc.START_INTERACTION)])
    async def start_interaction(
        self, info: Info, input: StartInteractionInput
    ) -> InteractionPayload:
        ctx = info.context

        async def action() -> models.Interaction:
            return await svc.start_interaction(
                ctx.session,
                ctx.actor,
                team_id=decode_id(input.team_id, "Team", "teamId"),
                partner_id=decode_id(input.partner_id, "Team", "partnerId"),
                mode=input.mode,
                purpose=input.purpose,
                starts_on=input.starts_on,
                expected_end=input.expected_end,
            )

        return await mutate(
            info, action, InteractionPayload, "interaction", InteractionType.from_model
        )

    @strawberry.mutation(permission_classes=[allowed(svc.UPDATE_INTERACTION)])
    async def update_interaction(
        self, info: Info, input: UpdateInteractionInput
    ) -> InteractionPayload:
        ctx = info.context

        async def action() -> models.Interaction:
            changes = provided(
                input, {"mode": "mode", "purpose": "purpose", "expected_end": "expected_end"}
            )
            changes = {k: v for k, v in changes.items() if v is not None or k == "expected_end"}
            return await svc.update_interaction(
                ctx.session, ctx.actor, decode_id(input.id, "Interaction"), input.version, changes
            )

        return await mutate(
            info, action, InteractionPayload, "interaction", InteractionType.from_model
        )

    @strawberry.mutation(permission_classes=[allowed(svc.END_INTERACTION)])
    async def end_interaction(self, info: Info, input: EndInput) -> InteractionPayload:
        ctx = info.context

        async def action() -> models.Interaction:
            return await svc.end_interaction(
                ctx.session,
                ctx.actor,
                decode_id(input.id, "Interaction"),
                input.version,
                input.ended_on,
            )

        return await mutate(
            info, action, InteractionPayload, "interaction", InteractionType.from_model
        )
