"""Mutations of dependencies and integration points: thin resolvers over the service."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from syncpoint.core.auth import allowed
from syncpoint.core.errors import UserError
from syncpoint.core.ids import decode_id, provided
from syncpoint.core.mutations import mutate
from syncpoint.dependencies import models
from syncpoint.dependencies import service as svc
from syncpoint.dependencies.graphql.types import (
    DependencyKind,
    DependencyNode,
    IntegrationPointType,
)

UNSET = strawberry.UNSET


@strawberry.input
class CreateDependencyInput:
    consumer_item_id: relay.GlobalID = strawberry.field(description="The item that needs it.")
    provider_item_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The item that delivers it."
    )
    provider_product_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Or: a request to a shared product (no provider item yet)."
    )
    type: DependencyKind  # type: ignore[valid-type]
    needed_by: date | None = strawberry.field(
        default=None, description="Explicit needed-by date (default: the consumer sprint start)."
    )
    description: str = ""


@strawberry.input
class UpdateDependencyInput:
    id: relay.GlobalID
    version: int
    type: DependencyKind | None = UNSET  # type: ignore[valid-type]
    needed_by: date | None = strawberry.field(default=UNSET, description="null clears it.")
    description: str | None = UNSET


@strawberry.input
class DependencyVersionInput:
    id: relay.GlobalID
    version: int


@strawberry.input
class CreateIntegrationPointInput:
    name: str
    day: date = strawberry.field(name="date")
    description: str = ""
    item_ids: list[relay.GlobalID] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateIntegrationPointInput:
    id: relay.GlobalID
    version: int
    name: str | None = UNSET
    day: date | None = strawberry.field(name="date", default=UNSET)
    description: str | None = UNSET


@strawberry.input
class IntegrationPointItemsInput:
    id: relay.GlobalID
    version: int
    item_ids: list[relay.GlobalID]


@strawberry.type
class DependencyPayload:
    dependency: DependencyNode | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class IntegrationPointPayload:
    integration_point: IntegrationPointType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _items(ids: list[relay.GlobalID]) -> list[int]:
    return [decode_id(i, "BacklogItem", "itemIds") for i in ids]


def _point(gid: relay.GlobalID) -> int:
    return decode_id(gid, "IntegrationPoint")


@strawberry.type
class DependenciesMutation:
    @strawberry.mutation(
        description="The consumer item's team declares what it needs. Self-dependencies and a "
        "second open dependency on the same provider are refused; cycles are allowed (flagged).",
        permission_classes=[allowed(svc.CREATE_DEPENDENCY)],
    )
    async def create_dependency(
        self, info: Info, input: CreateDependencyInput
    ) -> DependencyPayload:
        ctx = info.context

        async def action() -> models.Dependency:
            provider = input.provider_item_id
            product = input.provider_product_id
            return await svc.create_dependency(
                ctx.session,
                ctx.actor,
                consumer_item_id=decode_id(input.consumer_item_id, "BacklogItem", "consumerItemId"),
                provider_item_id=(
                    decode_id(provider, "BacklogItem", "providerItemId") if provider else None
                ),
                provider_product_id=(
                    decode_id(product, "Product", "providerProductId") if product else None
                ),
                type=input.type,
                needed_by=input.needed_by,
                description=input.description,
            )

        return await mutate(
            info, action, DependencyPayload, "dependency", DependencyNode.from_model
        )

    @strawberry.mutation(permission_classes=[allowed(svc.UPDATE_DEPENDENCY)])
    async def update_dependency(
        self, info: Info, input: UpdateDependencyInput
    ) -> DependencyPayload:
        ctx = info.context

        async def action() -> models.Dependency:
            changes = provided(
                input, {"type": "type", "needed_by": "needed_by", "description": "description"}
            )
            return await svc.update_dependency(
                ctx.session, ctx.actor, decode_id(input.id, "Dependency"), input.version, changes
            )

        return await mutate(
            info, action, DependencyPayload, "dependency", DependencyNode.from_model
        )

    @strawberry.mutation(
        description="The need is met: status SATISFIED.",
        permission_classes=[allowed(svc.RESOLVE_DEPENDENCY)],
    )
    async def resolve_dependency(
        self, info: Info, input: DependencyVersionInput
    ) -> DependencyPayload:
        ctx = info.context

        async def action() -> models.Dependency:
            return await svc.close_dependency(
                ctx.session,
                ctx.actor,
                decode_id(input.id, "Dependency"),
                input.version,
                models.DependencyStatus.SATISFIED,
            )

        return await mutate(
            info, action, DependencyPayload, "dependency", DependencyNode.from_model
        )

    @strawberry.mutation(
        description="Not needed any more: status CANCELLED.",
        permission_classes=[allowed(svc.CANCEL_DEPENDENCY)],
    )
    async def cancel_dependency(
        self, info: Info, input: DependencyVersionInput
    ) -> DependencyPayload:
        ctx = info.context

        async def action() -> models.Dependency:
            return await svc.close_dependency(
                ctx.session,
                ctx.actor,
                decode_id(input.id, "Dependency"),
                input.version,
                models.DependencyStatus.CANCELLED,
            )

        return await mutate(
            info, action, DependencyPayload, "dependency", DependencyNode.from_model
        )

    @strawberry.mutation(permission_classes=[allowed(svc.CREATE_INTEGRATION_POINT)])
    async def create_integration_point(
        self, info: Info, input: CreateIntegrationPointInput
    ) -> IntegrationPointPayload:
        ctx = info.context

        async def action() -> models.IntegrationPoint:
            return await svc.create_integration_point(
                ctx.session,
                ctx.actor,
                name=input.name,
                day=input.day,
                description=input.description,
                item_ids=_items(input.item_ids),
            )

        return await mutate(
            info,
            action,
            IntegrationPointPayload,
            "integration_point",
            IntegrationPointType.from_model,
        )

    @strawberry.mutation(permission_classes=[allowed(svc.UPDATE_INTEGRATION_POINT)])
    async def update_integration_point(
        self, info: Info, input: UpdateIntegrationPointInput
    ) -> IntegrationPointPayload:
        ctx = info.context

        async def action() -> models.IntegrationPoint:
            changes = provided(input, {"name": "name", "day": "date", "description": "description"})
            return await svc.update_integration_point(
                ctx.session, ctx.actor, _point(input.id), input.version, changes
            )

        return await mutate(
            info,
            action,
            IntegrationPointPayload,
            "integration_point",
            IntegrationPointType.from_model,
        )

    @strawberry.mutation(permission_classes=[allowed(svc.ADD_INTEGRATION_ITEMS)])
    async def add_items_to_integration_point(
        self, info: Info, input: IntegrationPointItemsInput
    ) -> IntegrationPointPayload:
        ctx = info.context

        async def action() -> models.IntegrationPoint:
            return await svc.add_items(
                ctx.session, ctx.actor, _point(input.id), input.version, _items(input.item_ids)
            )

        return await mutate(
            info,
            action,
            IntegrationPointPayload,
            "integration_point",
            IntegrationPointType.from_model,
        )

    @strawberry.mutation(permission_classes=[allowed(svc.REMOVE_INTEGRATION_ITEMS)])
    async def remove_items_from_integration_point(
        self, info: Info, input: IntegrationPointItemsInput
    ) -> IntegrationPointPayload:
        ctx = info.context

        async def action() -> models.IntegrationPoint:
            return await svc.remove_items(
                ctx.session, ctx.actor, _point(input.id), input.version, _items(input.item_ids)
            )

        return await mutate(
            info,
            action,
            IntegrationPointPayload,
            "integration_point",
            IntegrationPointType.from_model,
        )
