"""GraphQL types of products and their consumers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry import relay

from syncpoint.core.context import Info
from syncpoint.core.loaders import NestedPage
from syncpoint.core.models import utcnow
from syncpoint.core.nodes import LoadedNode
from syncpoint.core.pagination import Connection, PageArgs, SortKey
from syncpoint.dependencies.graphql.requests import (
    ProductRequestType,
    RequestState,
    requests_page,
)
from syncpoint.products import models
from syncpoint.products import repository as repo
from syncpoint.products.compute import contention
from syncpoint.products.graphql.ops_types import ComputeReservationType, ContentionWindowType
from syncpoint.products.graphql.sla_types import (
    ObjectiveComplianceType,
    SlaVersionType,
)
from syncpoint.products.sla import export_openslo
from syncpoint.products.slo import statuses_by_product
from syncpoint.products.turnaround import turnaround_batch
from syncpoint.teams import repository as teams_repo
from syncpoint.teams.graphql.types import AuditEntryRef, TeamType, audit_history
from syncpoint.work.graphql.types import BacklogItemType
from syncpoint.work.models import BacklogItem

ProductKind = strawberry.enum(models.ProductKind, name="ProductKind")


def _now(info: Info) -> datetime:
    """One "now" per request, so every compliance field of a request batches together."""
    extras = info.context.extras
    if "products.now" not in extras:
        extras["products.now"] = utcnow()
    now: datetime = extras["products.now"]
    return now


@strawberry.type(
    name="ProductSubscription", description="A consumer team of a product, since a date."
)
class ProductSubscriptionType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    since: date
    until: date | None
    version: int
    product_id: strawberry.Private[int]
    team_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.ProductSubscription) -> ProductSubscriptionType:
        return cls(
            id=m.id,
            since=m.since,
            until=m.until,
            version=m.version,
            product_id=m.product_id,
            team_id=m.team_id,
        )

    node_loader = repo.subscriptions_by_ids

    @strawberry.field
    def is_active(self) -> bool:
        return self.until is None

    @strawberry.field
    async def team(self, info: Info) -> TeamType:
        row = await info.context.loaders.referenced(teams_repo.teams_by_ids, self.team_id)
        return TeamType.from_model(row)

    @strawberry.field
    async def product(self, info: Info) -> ProductType:
        row = await info.context.loaders.referenced(repo.products_by_ids, self.product_id)
        return ProductType.from_model(row)


@strawberry.type(
    name="Product",
    description="A shared product owned by a platform team: its promises (SLA versions), "
    "consumers, backlog and requests, and for COMPUTE its capacity and reservations.",
)
class ProductType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str
    kind: ProductKind  # type: ignore[valid-type]
    description: str
    capacity_units: int | None
    version: int
    archived_at: datetime | None
    created_at: datetime
    owner_team_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.Product) -> ProductType:
        return cls(
            id=m.id,
            slug=m.slug,
            name=m.name,
            kind=m.kind,
            description=m.description,
            capacity_units=m.capacity_units,
            version=m.version,
            archived_at=m.archived_at,
            created_at=m.created_at,
            owner_team_id=m.owner_team_id,
        )

    node_loader = repo.products_by_ids

    @strawberry.field(
        description="Every accepted change to it, newest first, from the audit log (ADMIN and "
        "DIRECTOR)."
    )
    async def history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEntryRef]:
        return await audit_history(info, "Product", self.id, first, after)

    @strawberry.field
    async def owner_team(self, info: Info) -> TeamType:
        row = await info.context.loaders.referenced(teams_repo.teams_by_ids, self.owner_team_id)
        return TeamType.from_model(row)

    @strawberry.field(description="The SLA in force: the latest published version.")
    async def current_sla(self, info: Info) -> SlaVersionType | None:
        row = await info.context.loaders.load(repo.current_sla_by_product, self.id)
        return SlaVersionType.from_model(row) if row else None

    @strawberry.field(description="One published version by number (older ones stay readable).")
    async def sla(self, info: Info, number: int) -> SlaVersionType | None:
        row = await info.context.loaders.load(repo.sla_by_number, (self.id, number))
        return SlaVersionType.from_model(row) if row else None

    @strawberry.field(description="Every published SLA version, newest first.")
    async def sla_history(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[SlaVersionType]:
        return await SLA_HISTORY.page(info, self.id, PageArgs(first, after, last, before))

    @strawberry.field(description="Request-turnaround promise in days (sprints converted).")
    async def request_turnaround_days(self, info: Info) -> int | None:
        return await info.context.loaders.load(turnaround_batch, self.id)

    @strawberry.field(description="Consumer teams; ended subscriptions only with includeEnded.")
    async def consumers(
        self,
        info: Info,
        include_ended: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ProductSubscriptionType]:
        return await PRODUCT_CONSUMERS.page(info, self.id, PageArgs(first, after), include_ended)

    @strawberry.field(description="The owner team's items on this product, by value/effort.")
    async def backlog(
        self,
        info: Info,
        include_closed: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[BacklogItemType]:
        args = PageArgs(first, after, last, before)
        return await PRODUCT_BACKLOG.page(info, self.id, args, include_closed)

    @strawberry.field(description="Consumer requests (dependencies on the product), oldest first.")
    async def requests(
        self,
        info: Info,
        states: list[RequestState] | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ProductRequestType]:
        return await requests_page(info, self.id, PageArgs(first, after, last, before), states)

    @strawberry.field(description="Compliance of each current objective at `at` (default now).")
    async def compliance(
        self, info: Info, at: datetime | None = None
    ) -> list[ObjectiveComplianceType]:
        statuses = await info.context.loaders.load(statuses_by_product, (self.id, at or _now(info)))
        return [ObjectiveComplianceType.of(s) for s in statuses]

    @strawberry.field(description="Active reservations overlapping [from, to), by start.")
    async def reservations(
        self,
        info: Info,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        include_cancelled: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ComputeReservationType]:
        args = PageArgs(first, after)
        return await RESERVATIONS.page(info, self.id, args, None, from_, to, include_cancelled)

    @strawberry.field(
        description="Maximal windows of [from, to) where reservations exceed capacity."
    )
    async def contention(
        self,
        info: Info,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
    ) -> list[ContentionWindowType]:
        product = await info.context.loaders.referenced(repo.products_by_ids, self.id)
        windows = await contention(info.context.session, product, from_, to)
        return [ContentionWindowType.of(w) for w in windows]

    @strawberry.field(description="The current objectives as OpenSLO v1 YAML (re-importable).")
    async def open_slo_yaml(self, info: Info) -> str:
        return await export_openslo(info.context.session, self.id)


# Nested pages: one statement for every product's page (see core.loaders.NestedPage).
_Subscription = models.ProductSubscription
PRODUCT_CONSUMERS = NestedPage(
    repo.subscriptions_query,
    _Subscription.product_id,
    [SortKey(_Subscription.since), SortKey(_Subscription.id)],
    ProductSubscriptionType.from_model,
)


_Reservation = models.ComputeReservation
SLA_HISTORY = NestedPage(
    repo.sla_history_query,
    models.SlaVersion.product_id,
    [SortKey(models.SlaVersion.number, descending=True), SortKey(models.SlaVersion.id)],
    SlaVersionType.from_model,
)
PRODUCT_BACKLOG = NestedPage(
    repo.backlog_query,
    BacklogItem.product_id,
    [SortKey(repo.backlog_priority(), descending=True), SortKey(BacklogItem.id)],
    BacklogItemType.from_model,
)
RESERVATIONS = NestedPage(
    repo.reservations_query,
    _Reservation.product_id,
    [SortKey(_Reservation.starts_at), SortKey(_Reservation.id)],
    ComputeReservationType.from_model,
)
