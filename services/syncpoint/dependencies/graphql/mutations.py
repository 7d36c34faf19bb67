"""Mutations of dependencies and integration points, declared once each (see
core/mutations.py)."""

from __future__ import annotations

import strawberry

from syncpoint.core.mutations import Call, mutation
from syncpoint.dependencies import models
from syncpoint.dependencies import service as svc
from syncpoint.dependencies.graphql.inputs import (
    CreateDependencyInput,
    CreateIntegrationPointInput,
    DependencyPayload,
    DependencyVersionInput,
    IntegrationPointItemsInput,
    IntegrationPointPayload,
    UpdateDependencyInput,
    UpdateIntegrationPointInput,
)


@strawberry.type
class DependenciesMutation:
    @mutation(
        svc.CREATE_DEPENDENCY,
        payload=DependencyPayload,
        description="The consumer item's team declares what it needs. Self-dependencies and a "
        "second open dependency on the same provider are refused; cycles are allowed (flagged).",
    )
    async def create_dependency(call: Call[CreateDependencyInput]) -> models.Dependency:
        return await svc.create_dependency(call.session, call.actor, **call.fields)

    @mutation(svc.UPDATE_DEPENDENCY, payload=DependencyPayload)
    async def update_dependency(call: Call[UpdateDependencyInput]) -> models.Dependency:
        return await svc.update_dependency(
            call.session, call.actor, call.id, call.input.version, call.changes
        )

    @mutation(
        svc.RESOLVE_DEPENDENCY,
        payload=DependencyPayload,
        description="The need is met: status SATISFIED.",
    )
    async def resolve_dependency(call: Call[DependencyVersionInput]) -> models.Dependency:
        return await svc.close_dependency(
            call.session,
            call.actor,
            call.id,
            call.input.version,
            models.DependencyStatus.SATISFIED,
        )

    @mutation(
        svc.CANCEL_DEPENDENCY,
        payload=DependencyPayload,
        description="Not needed any more: status CANCELLED.",
    )
    async def cancel_dependency(call: Call[DependencyVersionInput]) -> models.Dependency:
        return await svc.close_dependency(
            call.session,
            call.actor,
            call.id,
            call.input.version,
            models.DependencyStatus.CANCELLED,
        )

    @mutation(svc.CREATE_INTEGRATION_POINT, payload=IntegrationPointPayload)
    async def create_integration_point(
        call: Call[CreateIntegrationPointInput],
    ) -> models.IntegrationPoint:
        return await svc.create_integration_point(call.session, call.actor, **call.fields)

    @mutation(svc.UPDATE_INTEGRATION_POINT, payload=IntegrationPointPayload)
    async def update_integration_point(
        call: Call[UpdateIntegrationPointInput],
    ) -> models.IntegrationPoint:
        return await svc.update_integration_point(
            call.session, call.actor, call.id, call.input.version, call.changes
        )

    @mutation(svc.ADD_INTEGRATION_ITEMS, payload=IntegrationPointPayload)
    async def add_items_to_integration_point(
        call: Call[IntegrationPointItemsInput],
    ) -> models.IntegrationPoint:
        return await svc.add_items(
            call.session, call.actor, call.id, call.input.version, call.fields["item_ids"]
        )

    @mutation(svc.REMOVE_INTEGRATION_ITEMS, payload=IntegrationPointPayload)
    async def remove_items_from_integration_point(
        call: Call[IntegrationPointItemsInput],
    ) -> models.IntegrationPoint:
        return await svc.remove_items(
            call.session, call.actor, call.id, call.input.version, call.fields["item_ids"]
        )
