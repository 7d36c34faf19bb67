"""Mutations of the products context: thin resolvers over the products services."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry
from strawberry import relay
from strawberry.types import Info

from syncpoint.blockers.models import Blocker
from syncpoint.core.auth import allowed
from syncpoint.core.ids import decode_id, provided
from syncpoint.core.mutations import mutate
from syncpoint.dependencies.models import Dependency
from syncpoint.products import common, compute, service, sla, slo
from syncpoint.products import models as m
from syncpoint.products.graphql import inputs as i
from syncpoint.products.graphql.ops_types import ComputeReservationType, ProductRequestType
from syncpoint.products.graphql.sla_types import ObjectiveComplianceType, SlaVersionType
from syncpoint.products.graphql.types import ProductSubscriptionType, ProductType
from syncpoint.products.objectives import ObjectiveDraft, Turnaround
from syncpoint.work.graphql.types import BacklogItemType
from syncpoint.work.models import BacklogItem

UNSET = strawberry.UNSET


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


def _blocker_ids(blockers: Sequence[Blocker]) -> list[relay.GlobalID]:
    return [relay.GlobalID("Blocker", str(b.id)) for b in blockers]


def _recorded(result: slo.RecordResult) -> i.MeasurementsRecorded:
    evaluation = result.evaluation
    return i.MeasurementsRecorded(
        recorded=result.recorded,
        unchanged=result.unchanged,
        compliance=[ObjectiveComplianceType.of(s) for s in evaluation.statuses],
        raised_blocker_ids=_blocker_ids(evaluation.raised),
        resolved_blocker_ids=_blocker_ids(evaluation.resolved),
    )


async def _request_type(info: Info, row: m.ProductRequest) -> ProductRequestType:
    dependency = await info.context.session.get(Dependency, row.dependency_id)
    return ProductRequestType.of(dependency, row)


@strawberry.type
class ProductsMutation:
    @strawberry.mutation(permission_classes=[allowed(common.CREATE_PRODUCT)])
    async def create_product(self, info: Info, input: i.CreateProductInput) -> i.ProductPayload:
        ctx = info.context

        async def action() -> m.Product:
            return await service.create_product(
                ctx.session,
                ctx.actor,
                slug=input.slug,
                name=input.name,
                kind=input.kind,
                owner_team_id=decode_id(input.owner_team_id, "Team", "ownerTeamId"),
                description=input.description,
                capacity_units=input.capacity_units,
            )

        return await mutate(info, action, i.ProductPayload, "product", ProductType.from_model)

    @strawberry.mutation(permission_classes=[allowed(common.UPDATE_PRODUCT)])
    async def update_product(self, info: Info, input: i.UpdateProductInput) -> i.ProductPayload:
        ctx = info.context

        async def action() -> m.Product:
            changes = provided(
                input,
                {"name": "name", "description": "description", "capacity_units": "capacity_units"},
            )
            changes = {k: v for k, v in changes.items() if v is not None or k == "capacity_units"}
            if input.owner_team_id not in (UNSET, None):
                changes["owner_team_id"] = decode_id(input.owner_team_id, "Team", "ownerTeamId")
            if input.archived not in (UNSET, None):
                changes["archived"] = input.archived
            return await service.update_product(
                ctx.session, ctx.actor, decode_id(input.id, "Product"), input.version, changes
            )

        return await mutate(info, action, i.ProductPayload, "product", ProductType.from_model)

    @strawberry.mutation(
        description="Put an owner-team item on a product's backlog (or take it off).",
        permission_classes=[allowed(common.SET_ITEM_PRODUCT)],
    )
    async def set_item_product(
        self, info: Info, input: i.SetItemProductInput
    ) -> i.SetItemProductPayload:
        ctx = info.context

        async def action() -> BacklogItem:
            product = input.product_id
            return await service.set_item_product(
                ctx.session,
                ctx.actor,
                decode_id(input.item_id, "BacklogItem", "itemId"),
                None if product is None else decode_id(product, "Product", "productId"),
            )

        return await mutate(
            info, action, i.SetItemProductPayload, "item", BacklogItemType.from_model
        )

    @strawberry.mutation(permission_classes=[allowed(common.SUBSCRIBE)])
    async def subscribe_to_product(
        self, info: Info, input: i.SubscribeToProductInput
    ) -> i.ProductSubscriptionPayload:
        ctx = info.context

        async def action() -> m.ProductSubscription:
            return await service.subscribe(
                ctx.session,
                ctx.actor,
                product_id=decode_id(input.product_id, "Product", "productId"),
                team_id=decode_id(input.team_id, "Team", "teamId"),
                since=input.since,
            )

        return await mutate(
            info,
            action,
            i.ProductSubscriptionPayload,
            "subscription",
            ProductSubscriptionType.from_model,
        )

    @strawberry.mutation(permission_classes=[allowed(common.UNSUBSCRIBE)])
    async def unsubscribe_from_product(
        self, info: Info, input: i.UnsubscribeFromProductInput
    ) -> i.ProductSubscriptionPayload:
        ctx = info.context

        async def action() -> m.ProductSubscription:
            return await service.unsubscribe(
                ctx.session,
                ctx.actor,
                decode_id(input.id, "ProductSubscription"),
                input.version,
                input.until,
            )

        return await mutate(
            info,
            action,
            i.ProductSubscriptionPayload,
            "subscription",
            ProductSubscriptionType.from_model,
        )

    @strawberry.mutation(
        description="Publish a new immutable SLA version.",
        permission_classes=[allowed(common.PUBLISH_SLA)],
    )
    async def publish_sla(self, info: Info, input: i.PublishSlaInput) -> i.SlaVersionPayload:
        ctx = info.context

        async def action() -> m.SlaVersion:
            return await sla.publish_sla(
                ctx.session,
                ctx.actor,
                decode_id(input.product_id, "Product", "productId"),
                [_draft(o) for o in input.objectives],
                Turnaround(input.triage_days, input.delivery_days, input.delivery_sprints),
                input.notes,
            )

        return await mutate(
            info, action, i.SlaVersionPayload, "sla_version", SlaVersionType.from_model
        )

    @strawberry.mutation(
        description="Publish a new SLA version from OpenSLO v1 YAML (all or nothing).",
        permission_classes=[allowed(common.IMPORT_OPENSLO)],
    )
    async def import_open_slo(self, info: Info, input: i.ImportOpenSloInput) -> i.SlaVersionPayload:
        ctx = info.context

        async def action() -> m.SlaVersion:
            return await sla.import_openslo(
                ctx.session,
                ctx.actor,
                decode_id(input.product_id, "Product", "productId"),
                input.yaml,
                notes=input.notes,
                merge=input.merge,
            )

        return await mutate(
            info, action, i.SlaVersionPayload, "sla_version", SlaVersionType.from_model
        )

    @strawberry.mutation(permission_classes=[allowed(common.TRIAGE_REQUEST)])
    async def triage_request(
        self, info: Info, input: i.RequestActionInput
    ) -> i.ProductRequestPayload:
        ctx = info.context

        async def action() -> ProductRequestType:
            dependency_id = decode_id(input.dependency_id, "Dependency", "dependencyId")
            row = await service.triage_request(ctx.session, ctx.actor, dependency_id, input.note)
            return await _request_type(info, row)

        return await mutate(info, action, i.ProductRequestPayload, "request", lambda r: r)

    @strawberry.mutation(permission_classes=[allowed(common.DELIVER_REQUEST)])
    async def deliver_request(
        self, info: Info, input: i.RequestActionInput
    ) -> i.ProductRequestPayload:
        ctx = info.context

        async def action() -> ProductRequestType:
            dependency_id = decode_id(input.dependency_id, "Dependency", "dependencyId")
            row = await service.deliver_request(ctx.session, ctx.actor, dependency_id, input.note)
            return await _request_type(info, row)

        return await mutate(info, action, i.ProductRequestPayload, "request", lambda r: r)

    @strawberry.mutation(
        description="Record SLI observations (idempotent per clientKey); re-evaluates breaches.",
        permission_classes=[allowed(common.RECORD_MEASUREMENTS)],
    )
    async def record_measurements(
        self, info: Info, input: i.RecordMeasurementsInput
    ) -> i.RecordMeasurementsPayload:
        ctx = info.context

        async def action() -> slo.RecordResult:
            batch = [
                slo.MeasurementInput(
                    objective_key=x.objective_key,
                    observed_at=x.observed_at,
                    client_key=x.client_key,
                    good=x.good,
                    total=x.total,
                    value=x.value,
                )
                for x in input.measurements
            ]
            product_id = decode_id(input.product_id, "Product", "productId")
            return await slo.record_measurements(ctx.session, ctx.actor, product_id, batch)

        return await mutate(info, action, i.RecordMeasurementsPayload, "result", _recorded)

    @strawberry.mutation(permission_classes=[allowed(common.RESERVE_COMPUTE)])
    async def reserve_compute(
        self, info: Info, input: i.ReserveComputeInput
    ) -> i.ComputeReservationPayload:
        ctx = info.context

        async def action() -> m.ComputeReservation:
            return await compute.reserve_compute(
                ctx.session,
                ctx.actor,
                product_id=decode_id(input.product_id, "Product", "productId"),
                team_id=decode_id(input.team_id, "Team", "teamId"),
                item_id=decode_id(input.item_id, "BacklogItem", "itemId"),
                units=input.units,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                note=input.note,
            )

        return await mutate(
            info,
            action,
            i.ComputeReservationPayload,
            "reservation",
            ComputeReservationType.from_model,
        )

    @strawberry.mutation(permission_classes=[allowed(common.CANCEL_RESERVATION)])
    async def cancel_reservation(
        self, info: Info, input: i.CancelReservationInput
    ) -> i.ComputeReservationPayload:
        ctx = info.context

        async def action() -> m.ComputeReservation:
            return await compute.cancel_reservation(
                ctx.session, ctx.actor, decode_id(input.id, "ComputeReservation"), input.version
            )

        return await mutate(
            info,
            action,
            i.ComputeReservationPayload,
            "reservation",
            ComputeReservationType.from_model,
        )
