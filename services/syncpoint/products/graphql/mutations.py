"""Mutations of the products context, declared once each (see core/mutations.py)."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry
from strawberry import relay

from syncpoint.core.mutations import Call, mutation
from syncpoint.dependencies.graphql import requests as product_requests
from syncpoint.dependencies.graphql.requests import ProductRequestType
from syncpoint.products import common, compute, service, sla, slo
from syncpoint.products import models as m
from syncpoint.products.graphql import inputs as i
from syncpoint.products.graphql.sla_types import ObjectiveComplianceType
from syncpoint.products.objectives import ObjectiveDraft, Turnaround
from syncpoint.work.models import BacklogItem


def _draft(o: i.SloObjectiveInput) -> ObjectiveDraft:
    return ObjectiveDraft(
        objective_key=o.key.strip(),
        name=o.name.strip(),
        indicator=o.indicator,
        target=o.target,
        window_days=o.window_days,
        window_type=o.window_type,
        budgeting_method=o.budgeting_method,
        description=o.description,
        threshold=o.threshold,
        operator=o.operator,
        unit=o.unit,
        percentile=o.percentile,
        calendar_start=o.calendar_start,
        calendar_time_zone=o.calendar_time_zone,
        timeslice_target=o.timeslice_target,
        timeslice_minutes=o.timeslice_minutes,
    )


def _blocker_ids(ids: Sequence[int]) -> list[relay.GlobalID]:
    return [relay.GlobalID("Blocker", str(i)) for i in ids]


def _recorded(result: slo.RecordResult) -> i.MeasurementsRecorded:
    evaluation = result.evaluation
    return i.MeasurementsRecorded(
        recorded=result.recorded,
        unchanged=result.unchanged,
        compliance=[ObjectiveComplianceType.of(s) for s in evaluation.statuses],
        raised_blocker_ids=_blocker_ids(evaluation.raised),
        resolved_blocker_ids=_blocker_ids(evaluation.resolved),
    )


def _as_is(value: ProductRequestType) -> ProductRequestType:
    return value


@strawberry.type
class ProductsMutation:
    @mutation(common.CREATE_PRODUCT, payload=i.ProductPayload)
    async def create_product(call: Call[i.CreateProductInput]) -> m.Product:
        return await service.create_product(call.session, call.actor, **call.fields)

    @mutation(common.UPDATE_PRODUCT, payload=i.ProductPayload)
    async def update_product(call: Call[i.UpdateProductInput]) -> m.Product:
        return await service.update_product(
            call.session, call.actor, call.id, call.input.version, call.changes
        )

    @mutation(
        common.SET_ITEM_PRODUCT,
        payload=i.SetItemProductPayload,
        description="Put an owner-team item on a product's backlog (or take it off).",
    )
    async def set_item_product(call: Call[i.SetItemProductInput]) -> BacklogItem:
        f = call.fields
        return await service.set_item_product(
            call.session, call.actor, f["item_id"], f["product_id"]
        )

    @mutation(common.SUBSCRIBE, payload=i.ProductSubscriptionPayload)
    async def subscribe_to_product(call: Call[i.SubscribeToProductInput]) -> m.ProductSubscription:
        return await service.subscribe(call.session, call.actor, **call.fields)

    @mutation(common.UNSUBSCRIBE, payload=i.ProductSubscriptionPayload)
    async def unsubscribe_from_product(
        call: Call[i.UnsubscribeFromProductInput],
    ) -> m.ProductSubscription:
        return await service.unsubscribe(
            call.session, call.actor, call.id, call.input.version, call.input.until
        )

    @mutation(
        common.PUBLISH_SLA,
        payload=i.SlaVersionPayload,
        description="Publish a new immutable SLA version.",
    )
    async def publish_sla(call: Call[i.PublishSlaInput]) -> m.SlaVersion:
        inp = call.input
        return await sla.publish_sla(
            call.session,
            call.actor,
            call.fields["product_id"],
            [_draft(o) for o in inp.objectives],
            Turnaround(inp.triage_days, inp.delivery_days, inp.delivery_sprints),
            inp.notes,
        )

    @mutation(
        common.IMPORT_OPENSLO,
        payload=i.SlaVersionPayload,
        description="Publish a new SLA version from OpenSLO v1 YAML (all or nothing).",
    )
    async def import_open_slo(call: Call[i.ImportOpenSloInput]) -> m.SlaVersion:
        inp = call.input
        return await sla.import_openslo(
            call.session,
            call.actor,
            call.fields["product_id"],
            inp.yaml,
            notes=inp.notes,
            merge=inp.merge,
        )

    @mutation(common.TRIAGE_REQUEST, payload=i.ProductRequestPayload, convert=_as_is)
    async def triage_request(call: Call[i.RequestActionInput]) -> ProductRequestType:
        return await product_requests.triage(
            call.session, call.actor, call.fields["dependency_id"], call.input.note
        )

    @mutation(common.DELIVER_REQUEST, payload=i.ProductRequestPayload, convert=_as_is)
    async def deliver_request(call: Call[i.RequestActionInput]) -> ProductRequestType:
        return await product_requests.deliver(
            call.session, call.actor, call.fields["dependency_id"], call.input.note
        )

    @mutation(
        common.RECORD_MEASUREMENTS,
        payload=i.RecordMeasurementsPayload,
        convert=_recorded,
        description="Record SLI observations (idempotent per clientKey); re-evaluates breaches.",
    )
    async def record_measurements(call: Call[i.RecordMeasurementsInput]) -> slo.RecordResult:
        batch = [
            slo.MeasurementInput(
                objective_key=x.objective_key,
                observed_at=x.observed_at,
                client_key=x.client_key,
                good=x.good,
                total=x.total,
                value=x.value,
            )
            for x in call.input.measurements
        ]
        return await slo.record_measurements(
            call.session, call.actor, call.fields["product_id"], batch
        )

    @mutation(common.RESERVE_COMPUTE, payload=i.ComputeReservationPayload)
    async def reserve_compute(call: Call[i.ReserveComputeInput]) -> m.ComputeReservation:
        return await compute.reserve_compute(call.session, call.actor, **call.fields)

    @mutation(common.CANCEL_RESERVATION, payload=i.ComputeReservationPayload)
    async def cancel_reservation(call: Call[i.CancelReservationInput]) -> m.ComputeReservation:
        return await compute.cancel_reservation(
            call.session, call.actor, call.id, call.input.version
        )
