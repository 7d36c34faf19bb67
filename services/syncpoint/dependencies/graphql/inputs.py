"""Inputs and payloads of the dependency and integration point mutations."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from syncpoint.core.errors import UserError
from syncpoint.core.inputs import optional, ref
from syncpoint.dependencies.graphql.types import (
    DependencyKind,
    DependencyNode,
    IntegrationPointType,
)

# ---- inputs ---------------------------------------------------------------------------------


@strawberry.input
class CreateDependencyInput:
    consumer_item_id: relay.GlobalID = ref("BacklogItem", description="The item that needs it.")
    provider_item_id: relay.GlobalID | None = ref(
        "BacklogItem", default=None, description="The item that delivers it."
    )
    provider_product_id: relay.GlobalID | None = ref(
        "Product",
        default=None,
        description="Or: a request to a shared product (no provider item yet).",
    )
    type: DependencyKind  # type: ignore[valid-type]
    needed_by: date | None = strawberry.field(
        default=None, description="Explicit needed-by date (default: the consumer sprint start)."
    )
    description: str = ""


@strawberry.input
class UpdateDependencyInput:
    id: relay.GlobalID = ref("Dependency")
    version: int
    type: DependencyKind | None = optional()  # type: ignore[valid-type]
    needed_by: date | None = optional(nullable=True, description="null clears it.")
    description: str | None = optional()


@strawberry.input
class DependencyVersionInput:
    id: relay.GlobalID = ref("Dependency")
    version: int


@strawberry.input
class CreateIntegrationPointInput:
    name: str
    day: date = strawberry.field(name="date")
    description: str = ""
    item_ids: list[relay.GlobalID] = ref("BacklogItem", default=[])


@strawberry.input
class UpdateIntegrationPointInput:
    id: relay.GlobalID = ref("IntegrationPoint")
    version: int
    name: str | None = optional()
    day: date | None = optional(name="date", key="date")
    description: str | None = optional()


@strawberry.input
class IntegrationPointItemsInput:
    id: relay.GlobalID = ref("IntegrationPoint")
    version: int
    item_ids: list[relay.GlobalID] = ref("BacklogItem")


# ---- payloads -------------------------------------------------------------------------------


@strawberry.type
class DependencyPayload:
    dependency: DependencyNode | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class IntegrationPointPayload:
    integration_point: IntegrationPointType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
