"""GraphQL types of what consumers do with a product: requests, compute reservations, contention."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from syncpoint.analysis.contention import ContentionWindow
from syncpoint.core.clock import today
from syncpoint.core.context import Info
from syncpoint.core.nodes import LoadedNode, node_ints
from syncpoint.dependencies import repository as dependencies_repo
from syncpoint.dependencies.models import Dependency
from syncpoint.products import models
from syncpoint.products import repository as repo
from syncpoint.products.compute import contention_by_reservation
from syncpoint.products.turnaround import turnaround_batch
from syncpoint.teams import repository as teams_repo
from syncpoint.teams.graphql.types import TeamType
from syncpoint.work import repository as work_repo
from syncpoint.work.graphql.types import BacklogItemType

if TYPE_CHECKING:
    from syncpoint.dependencies.graphql.types import DependencyNode

DependencyRef = Annotated["DependencyNode", strawberry.lazy("syncpoint.dependencies.graphql.types")]
ReservationStatus = strawberry.enum(models.ReservationStatus, name="ReservationStatus")
RequestState = strawberry.enum(
    repo.RequestState,
    name="ProductRequestState",
    description="NEW: not triaged yet; TRIAGED: acknowledged, not delivered; DELIVERED.",
)


async def _item(info: Info, item_id: int) -> BacklogItemType:
    return BacklogItemType.from_model(
        await info.context.loaders.referenced(work_repo.items_by_ids, item_id)
    )


async def _team(info: Info, team_id: int) -> TeamType:
    return TeamType.from_model(
        await info.context.loaders.referenced(teams_repo.teams_by_ids, team_id)
    )


@strawberry.type(
    name="ProductRequest",
    description="A consumer item's dependency on the product, with its triage and delivery. "
    "Its id is the dependency's number under the ProductRequest type.",
)
class ProductRequestType(relay.Node):
    id: relay.NodeID[int]
    requested_at: datetime
    needed_by: date | None
    description: str
    triaged_at: datetime | None
    triage_note: str
    delivered_at: datetime | None
    delivery_note: str
    consumer_item_id: strawberry.Private[int]
    product_id: strawberry.Private[int]

    @classmethod
    def of(cls, dep: Dependency, row: models.ProductRequest | None) -> ProductRequestType:
        return cls(
            id=dep.id,
            requested_at=dep.created_at,
            needed_by=dep.needed_by,
            description=dep.description,
            triaged_at=row.triaged_at if row else None,
            triage_note=row.triage_note if row else "",
            delivered_at=row.delivered_at if row else None,
            delivery_note=row.delivery_note if row else "",
            consumer_item_id=dep.consumer_item_id,
            product_id=dep.provider_product_id or 0,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ProductRequestType | None]:
        loaders = info.context.loaders
        deps = await loaders.load_many(dependencies_repo.dependencies_by_ids, node_ints(node_ids))
        found = [d if d is not None and d.provider_product_id else None for d in deps]
        ids = [d.id for d in found if d is not None]
        found_rows = await loaders.load_many(repo.request_rows_by_dependency, ids)
        rows = dict(zip(ids, found_rows, strict=True))
        return [cls.of(d, rows.get(d.id)) if d is not None else None for d in found]

    @strawberry.field(description="The dependency that carries this request.")
    async def dependency(self, info: Info) -> DependencyRef:
        from syncpoint.dependencies.graphql.types import DependencyNode

        row = await info.context.loaders.referenced(dependencies_repo.dependencies_by_ids, self.id)
        return DependencyNode.from_model(row)

    @strawberry.field
    def state(self) -> RequestState:  # type: ignore[valid-type]
        if self.delivered_at is not None:
            return repo.RequestState.DELIVERED
        if self.triaged_at is not None:
            return repo.RequestState.TRIAGED
        return repo.RequestState.NEW

    @strawberry.field
    async def consumer_item(self, info: Info) -> BacklogItemType:
        return await _item(info, self.consumer_item_id)

    @strawberry.field
    async def consumer_team(self, info: Info) -> TeamType:
        item = await info.context.loaders.referenced(work_repo.items_by_ids, self.consumer_item_id)
        return await _team(info, item.team_id)

    @strawberry.field(description="Triage due date under the current SLA (null: no promise).")
    async def triage_due_on(self, info: Info) -> date | None:
        sla = await info.context.loaders.load(repo.current_sla_by_product, self.product_id)
        if sla is None or sla.triage_days is None:
            return None
        return self.requested_at.date() + timedelta(days=sla.triage_days)

    @strawberry.field(description="Delivery due date under the current turnaround promise.")
    async def delivery_due_on(self, info: Info) -> date | None:
        days = await info.context.loaders.load(turnaround_batch, self.product_id)
        return None if days is None else self.requested_at.date() + timedelta(days=days)

    @strawberry.field(description="Not delivered and past its delivery due date on asOf.")
    async def is_overdue(self, info: Info, as_of: date | None = None) -> bool:
        due = await self.delivery_due_on(info)
        return self.delivered_at is None and due is not None and (as_of or today()) > due


@strawberry.type(name="ComputeReservation", description="Units of a COMPUTE product reserved.")
class ComputeReservationType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    units: int
    starts_at: datetime
    ends_at: datetime
    status: ReservationStatus  # type: ignore[valid-type]
    note: str
    version: int
    cancelled_at: datetime | None
    product_id: strawberry.Private[int]
    team_id: strawberry.Private[int]
    item_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.ComputeReservation) -> ComputeReservationType:
        return cls(
            id=m.id,
            units=m.units,
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            status=m.status,
            note=m.note,
            version=m.version,
            cancelled_at=m.cancelled_at,
            product_id=m.product_id,
            team_id=m.team_id,
            item_id=m.item_id,
        )

    node_loader = repo.reservations_by_ids

    @strawberry.field
    async def team(self, info: Info) -> TeamType:
        return await _team(info, self.team_id)

    @strawberry.field
    async def item(self, info: Info) -> BacklogItemType:
        return await _item(info, self.item_id)

    @strawberry.field(description="Contention of the pool during this reservation.")
    async def contention(self, info: Info) -> list[ContentionWindowType]:
        windows = await info.context.loaders.load(contention_by_reservation, self.id)
        return [ContentionWindowType.of(w) for w in windows]


@strawberry.type(
    name="ContentionWindow",
    description="A maximal window in which reservations exceed the pool's capacity.",
)
class ContentionWindowType:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    peak_units: int = strawberry.field(description="Highest reserved load inside the window.")
    excess: int = strawberry.field(description="peakUnits - capacity.")
    reservation_ids: strawberry.Private[tuple[int, ...]]
    team_ids: strawberry.Private[tuple[int, ...]]
    item_ids: strawberry.Private[tuple[int, ...]]

    @classmethod
    def of(cls, w: ContentionWindow) -> ContentionWindowType:
        return cls(
            starts_at=w.start,
            ends_at=w.end,
            capacity=w.capacity,
            peak_units=w.peak_units,
            excess=w.excess,
            reservation_ids=w.reservation_ids,
            team_ids=w.team_ids,
            item_ids=w.item_ids,
        )

    @strawberry.field
    async def teams(self, info: Info) -> list[TeamType]:
        rows = await info.context.loaders.load_many(teams_repo.teams_by_ids, self.team_ids)
        return [TeamType.from_model(r) for r in rows if r]

    @strawberry.field
    async def items(self, info: Info) -> list[BacklogItemType]:
        rows = await info.context.loaders.load_many(work_repo.items_by_ids, self.item_ids)
        return [BacklogItemType.from_model(r) for r in rows if r]

    @strawberry.field
    async def reservations(self, info: Info) -> list[ComputeReservationType]:
        loaders = info.context.loaders
        rows = await loaders.load_many(repo.reservations_by_ids, self.reservation_ids)
        return [ComputeReservationType.from_model(r) for r in rows if r]
