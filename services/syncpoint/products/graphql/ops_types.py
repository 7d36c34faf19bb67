"""GraphQL types of what consumers do with a product: compute reservations, contention (its
requests are dependencies on it: dependencies/graphql/requests.py)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from syncpoint.analysis.contention import ContentionWindow
from syncpoint.core.context import Info
from syncpoint.core.nodes import LoadedNode
from syncpoint.products import models
from syncpoint.products import repository as repo
from syncpoint.products.compute import contention_by_reservation
from syncpoint.teams import repository as teams_repo
from syncpoint.teams.graphql.types import TeamType
from syncpoint.work import repository as work_repo
from syncpoint.work.graphql.types import BacklogItemType

ReservationStatus = strawberry.enum(models.ReservationStatus, name="ReservationStatus")


async def _item(info: Info, item_id: int) -> BacklogItemType:
    return BacklogItemType.from_model(
        await info.context.loaders.referenced(work_repo.items_by_ids, item_id)
    )


async def _team(info: Info, team_id: int) -> TeamType:
    return TeamType.from_model(
        await info.context.loaders.referenced(teams_repo.teams_by_ids, team_id)
    )


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
