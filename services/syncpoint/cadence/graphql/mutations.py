"""Mutations of cadences and sprints: thin resolvers over cadence.service."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from syncpoint.cadence import models
from syncpoint.cadence import service as svc
from syncpoint.cadence.graphql.types import CadenceType, ServiceLevelExpectationType, SprintType
from syncpoint.core.auth import allowed
from syncpoint.core.errors import UserError
from syncpoint.core.ids import decode_id, provided
from syncpoint.core.mutations import mutate
from syncpoint.work.graphql.mutations import BacklogItemPayload
from syncpoint.work.graphql.queries import sprint_key
from syncpoint.work.graphql.types import BacklogItemType
from syncpoint.work.models import BacklogItem

UNSET = strawberry.UNSET


@strawberry.input
class SetCadenceInput:
    team_id: relay.GlobalID
    length_days: int
    anchor: date = strawberry.field(description="A day on which a sprint starts.")
    effective_from: date | None = strawberry.field(
        default=None,
        description="From this day on (default: the anchor). Earlier sprints and stored ones "
        "keep their dates.",
    )


@strawberry.input
class SetServiceLevelExpectationInput:
    team_id: relay.GlobalID
    percentile: int = strawberry.field(description="e.g. 85 (% of items)")
    days: int = strawberry.field(description="e.g. 10 (finish within this many days)")
    effective_from: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class CreateSprintInput:
    team_id: relay.GlobalID
    start_date: date
    end_date: date = strawberry.field(description="Last day (inclusive).")
    name: str = ""
    goal: str = ""


@strawberry.input
class UpdateSprintInput:
    id: relay.GlobalID
    version: int = strawberry.field(description="0 for a sprint that is not stored yet.")
    name: str | None = UNSET
    goal: str | None = UNSET


@strawberry.input
class PlanItemInput:
    item_id: relay.GlobalID
    version: int
    sprint_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A sprint of the item's team; null takes it out of its sprint."
    )
    note: str = ""


@strawberry.input
class SprintVersionInput:
    id: relay.GlobalID
    version: int


@strawberry.input
class CarryOverInput:
    item_id: relay.GlobalID
    note: str = strawberry.field(
        default="", description="Status note; required for experiments and spikes."
    )


@strawberry.input
class CloseSprintInput:
    id: relay.GlobalID
    version: int
    carry_over: list[CarryOverInput] = strawberry.field(
        default_factory=list,
        description="Unfinished items to carry to the next sprint: every unfinished experiment "
        "and spike (with a note), plus any other the team chooses. The rest go back to the "
        "backlog.",
    )


@strawberry.type
class CadencePayload:
    cadence: CadenceType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ServiceLevelExpectationPayload:
    service_level_expectation: ServiceLevelExpectationType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SprintPayload:
    sprint: SprintType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _team(gid: relay.GlobalID) -> int:
    return decode_id(gid, "Team", "teamId")


@strawberry.type
class CadenceMutation:
    @strawberry.mutation(permission_classes=[allowed(svc.SET_CADENCE)])
    async def set_cadence(self, info: Info, input: SetCadenceInput) -> CadencePayload:
        ctx = info.context

        async def action() -> models.Cadence:
            return await svc.set_cadence(
                ctx.session,
                ctx.actor,
                team_id=_team(input.team_id),
                length_days=input.length_days,
                anchor=input.anchor,
                effective_from=input.effective_from,
            )

        return await mutate(info, action, CadencePayload, "cadence", CadenceType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.SET_SLE)])
    async def set_service_level_expectation(
        self, info: Info, input: SetServiceLevelExpectationInput
    ) -> ServiceLevelExpectationPayload:
        ctx = info.context

        async def action() -> models.ServiceLevelExpectation:
            return await svc.set_sle(
                ctx.session,
                ctx.actor,
                team_id=_team(input.team_id),
                percentile=input.percentile,
                days=input.days,
                effective_from=input.effective_from,
            )

        return await mutate(
            info,
            action,
            ServiceLevelExpectationPayload,
            "service_level_expectation",
            ServiceLevelExpectationType.from_model,
        )

    @strawberry.mutation(
        description="An explicit sprint; overlapping another stored sprint is refused (OVERLAP).",
        permission_classes=[allowed(svc.CREATE_SPRINT)],
    )
    async def create_sprint(self, info: Info, input: CreateSprintInput) -> SprintPayload:
        ctx = info.context

        async def action() -> models.Sprint:
            return await svc.create_sprint(
                ctx.session,
                ctx.actor,
                team_id=_team(input.team_id),
                start=input.start_date,
                end=input.end_date,
                name=input.name,
                goal=input.goal,
            )

        return await mutate(info, action, SprintPayload, "sprint", SprintType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.UPDATE_SPRINT)])
    async def update_sprint(self, info: Info, input: UpdateSprintInput) -> SprintPayload:
        ctx = info.context

        async def action() -> models.Sprint:
            changes = provided(input, {"name": "name", "goal": "goal"})
            return await svc.update_sprint(
                ctx.session, ctx.actor, sprint_key(input.id, "id"), input.version, changes
            )

        return await mutate(info, action, SprintPayload, "sprint", SprintType.from_model)

    @strawberry.mutation(
        description="Plan an item into a sprint of its team (generated or stored), or take it "
        "out with sprintId null; kept in the item's history.",
        permission_classes=[allowed(svc.PLAN_ITEM)],
    )
    async def plan_item(self, info: Info, input: PlanItemInput) -> BacklogItemPayload:
        ctx = info.context

        async def action() -> BacklogItem:
            sprint = sprint_key(input.sprint_id, "sprintId") if input.sprint_id else None
            return await svc.plan_item(
                ctx.session,
                ctx.actor,
                decode_id(input.item_id, "BacklogItem", "itemId"),
                input.version,
                sprint,
                note=input.note,
            )

        return await mutate(info, action, BacklogItemPayload, "item", BacklogItemType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.START_SPRINT)])
    async def start_sprint(self, info: Info, input: SprintVersionInput) -> SprintPayload:
        ctx = info.context

        async def action() -> models.Sprint:
            return await svc.start_sprint(
                ctx.session, ctx.actor, sprint_key(input.id, "id"), input.version
            )

        return await mutate(info, action, SprintPayload, "sprint", SprintType.from_model)

    @strawberry.mutation(
        description="Close a sprint: committed vs done are recorded; research items carry over "
        "with a required note (REQUIRED names the item otherwise); other unfinished items go "
        "back to the backlog unless listed in carryOver.",
        permission_classes=[allowed(svc.CLOSE_SPRINT)],
    )
    async def close_sprint(self, info: Info, input: CloseSprintInput) -> SprintPayload:
        ctx = info.context

        async def action() -> models.Sprint:
            carry = [
                svc.CarrySpec(decode_id(c.item_id, "BacklogItem", "carryOver"), c.note)
                for c in input.carry_over
            ]
            return await svc.close_sprint(
                ctx.session, ctx.actor, sprint_key(input.id, "id"), input.version, carry
            )

        return await mutate(info, action, SprintPayload, "sprint", SprintType.from_model)
