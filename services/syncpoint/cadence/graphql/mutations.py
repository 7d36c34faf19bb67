"""Mutations of cadences and sprints, declared once each (see core/mutations.py)."""

from __future__ import annotations

import strawberry

from syncpoint.cadence import models
from syncpoint.cadence import service as svc
from syncpoint.cadence.graphql.inputs import (
    CadencePayload,
    CloseSprintInput,
    CreateSprintInput,
    PlanItemInput,
    ServiceLevelExpectationPayload,
    SetCadenceInput,
    SetServiceLevelExpectationInput,
    SprintPayload,
    SprintVersionInput,
    UpdateSprintInput,
)
from syncpoint.core.errors import Invalid
from syncpoint.core.inputs import read_each
from syncpoint.core.mutations import Call, mutation
from syncpoint.quality.graphql.types import PlanItemPayload
from syncpoint.work.models import BacklogItem


@strawberry.type
class CadenceMutation:
    @mutation(svc.SET_CADENCE, payload=CadencePayload)
    async def set_cadence(call: Call[SetCadenceInput]) -> models.Cadence:
        return await svc.set_cadence(call.session, call.actor, **call.fields)

    @mutation(svc.SET_SLE, payload=ServiceLevelExpectationPayload)
    async def set_service_level_expectation(
        call: Call[SetServiceLevelExpectationInput],
    ) -> models.ServiceLevelExpectation:
        return await svc.set_sle(call.session, call.actor, **call.fields)

    @mutation(
        svc.CREATE_SPRINT,
        payload=SprintPayload,
        description="An explicit sprint; overlapping another stored sprint is refused (OVERLAP).",
    )
    async def create_sprint(call: Call[CreateSprintInput]) -> models.Sprint:
        values = dict(call.fields)
        start, end = values.pop("start_date"), values.pop("end_date")
        return await svc.create_sprint(call.session, call.actor, start=start, end=end, **values)

    @mutation(svc.UPDATE_SPRINT, payload=SprintPayload)
    async def update_sprint(call: Call[UpdateSprintInput]) -> models.Sprint:
        return await svc.update_sprint(
            call.session, call.actor, call.fields["id"], call.input.version, call.changes
        )

    @mutation(
        svc.PLAN_ITEM,
        payload=PlanItemPayload,
        description="Plan an item into a sprint of its team (generated or stored), or take it "
        "out with sprintId null; kept in the item's history. An enforced Definition of Ready "
        "refuses an item that does not meet it (GATE_NOT_MET, DATA_NOT_READY); an advisory one "
        "answers the same as warnings.",
    )
    async def plan_item(call: Call[PlanItemInput]) -> BacklogItem:
        return await svc.plan_item(
            call.session,
            call.actor,
            call.fields["item_id"],
            call.input.version,
            call.fields["sprint_id"],
            note=call.input.note,
        )

    @mutation(svc.START_SPRINT, payload=SprintPayload)
    async def start_sprint(call: Call[SprintVersionInput]) -> models.Sprint:
        return await svc.start_sprint(
            call.session, call.actor, call.fields["id"], call.input.version
        )

    @mutation(
        svc.CLOSE_SPRINT,
        payload=SprintPayload,
        description="Close a sprint: committed vs done are recorded; research items carry over "
        "with a required note (REQUIRED names the item otherwise); other unfinished items go "
        "back to the backlog unless listed in carryOver.",
    )
    async def close_sprint(call: Call[CloseSprintInput]) -> models.Sprint:
        carry, errors = read_each(call.input.carry_over, "carryOver")
        if errors:
            raise Invalid(errors)
        return await svc.close_sprint(
            call.session,
            call.actor,
            call.fields["id"],
            call.input.version,
            [svc.CarrySpec(**c) for c in carry],
        )
