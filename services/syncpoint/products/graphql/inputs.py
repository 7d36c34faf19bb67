"""Inputs and payloads of the products mutations."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from syncpoint.core.errors import UserError
from syncpoint.core.inputs import optional, ref
from syncpoint.dependencies.graphql.requests import ProductRequestType
from syncpoint.products import models
from syncpoint.products.graphql.ops_types import ComputeReservationType
from syncpoint.products.graphql.sla_types import (
    BudgetingMethod,
    IndicatorKind,
    ObjectiveComplianceType,
    SlaVersionType,
    ThresholdOperator,
    WindowType,
)
from syncpoint.products.graphql.types import ProductKind, ProductSubscriptionType, ProductType
from syncpoint.work.graphql.types import BacklogItemType


@strawberry.input
class CreateProductInput:
    slug: str
    name: str
    kind: ProductKind  # type: ignore[valid-type]
    owner_team_id: relay.GlobalID = ref("Team")
    description: str = ""
    capacity_units: int | None = strawberry.field(
        default=None, description="COMPUTE only: units in the pool (e.g. GPUs)."
    )


@strawberry.input
class UpdateProductInput:
    id: relay.GlobalID = ref("Product")
    version: int = strawberry.field(description="The version you read; stale versions conflict.")
    name: str | None = optional()
    description: str | None = optional()
    capacity_units: int | None = optional(nullable=True)
    owner_team_id: relay.GlobalID | None = ref("Team", optional=True)
    archived: bool | None = optional()


@strawberry.input
class SetItemProductInput:
    item_id: relay.GlobalID = ref("BacklogItem")
    product_id: relay.GlobalID | None = ref(
        "Product",
        nullable=True,
        description="The product whose backlog gets the item; null takes it off.",
    )


@strawberry.input
class SubscribeToProductInput:
    product_id: relay.GlobalID = ref("Product")
    team_id: relay.GlobalID = ref("Team")
    since: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class UnsubscribeFromProductInput:
    id: relay.GlobalID = ref("ProductSubscription", description="The ProductSubscription.")
    version: int
    until: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class SloObjectiveInput:
    key: str = strawberry.field(description="Stable across versions (lower-case, hyphens).")
    name: str
    indicator: IndicatorKind  # type: ignore[valid-type]
    target: float = strawberry.field(description="Share of good events, 0 < target < 1.")
    window_days: int
    window_type: WindowType = models.WindowType.ROLLING  # type: ignore[valid-type]
    budgeting_method: BudgetingMethod = models.BudgetingMethod.OCCURRENCES  # type: ignore[valid-type]
    description: str = ""
    threshold: float | None = strawberry.field(
        default=None, description="LATENCY (ms), FRESHNESS (minutes), THROUGHPUT: the bound."
    )
    operator: ThresholdOperator | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Default LTE (latency, freshness) or GTE (throughput)."
    )
    unit: str | None = None
    percentile: float | None = strawberry.field(default=None, description="LATENCY: e.g. 99.")
    calendar_start: datetime | None = strawberry.field(
        default=None, description="CALENDAR windows: start of the first period."
    )
    calendar_time_zone: str | None = None
    timeslice_target: float | None = None
    timeslice_minutes: int | None = None


@strawberry.input
class PublishSlaInput:
    product_id: relay.GlobalID = ref("Product")
    objectives: list[SloObjectiveInput] = strawberry.field(default_factory=list)
    triage_days: int | None = strawberry.field(
        default=None, description="Requests are triaged within this many days."
    )
    delivery_days: int | None = strawberry.field(
        default=None, description="Requests are delivered within this many days..."
    )
    delivery_sprints: int | None = strawberry.field(
        default=None, description="...or within this many of the owner team's sprints."
    )
    notes: str = ""


@strawberry.input
class ImportOpenSloInput:
    product_id: relay.GlobalID = ref("Product")
    yaml: str = strawberry.field(description="OpenSLO v1 documents (Service, SLI, SLO).")
    notes: str = ""
    merge: bool = strawberry.field(
        default=False,
        description="Keep current objectives the file does not mention (default: replace).",
    )


@strawberry.input
class RequestActionInput:
    dependency_id: relay.GlobalID = ref("Dependency", description="The request's Dependency.")
    note: str = ""


@strawberry.input
class MeasurementInput:
    objective_key: str
    observed_at: datetime
    client_key: str = strawberry.field(description="Idempotency key, unique per product.")
    good: int | None = strawberry.field(default=None, description="Ratio SLIs: good events.")
    total: int | None = None
    value: float | None = strawberry.field(
        default=None, description="Threshold SLIs: the measured value."
    )


@strawberry.input
class RecordMeasurementsInput:
    product_id: relay.GlobalID = ref("Product")
    measurements: list[MeasurementInput]


@strawberry.input
class ReserveComputeInput:
    product_id: relay.GlobalID = ref("Product")
    team_id: relay.GlobalID = ref("Team")
    item_id: relay.GlobalID = ref("BacklogItem")
    units: int
    starts_at: datetime
    ends_at: datetime = strawberry.field(description="Exclusive: a reservation may start then.")
    note: str = ""


@strawberry.input
class CancelReservationInput:
    id: relay.GlobalID = ref("ComputeReservation")
    version: int


@strawberry.type
class ProductPayload:
    product: ProductType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SetItemProductPayload:
    item: BacklogItemType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ProductSubscriptionPayload:
    subscription: ProductSubscriptionType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SlaVersionPayload:
    sla_version: SlaVersionType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ProductRequestPayload:
    request: ProductRequestType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(name="MeasurementsRecorded")
class MeasurementsRecorded:
    recorded: int = strawberry.field(description="New observations stored.")
    unchanged: int = strawberry.field(description="Already stored under their client key.")
    compliance: list[ObjectiveComplianceType]
    raised_blocker_ids: list[relay.GlobalID]
    resolved_blocker_ids: list[relay.GlobalID]


@strawberry.type
class RecordMeasurementsPayload:
    result: MeasurementsRecorded | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ComputeReservationPayload:
    reservation: ComputeReservationType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
