"""GraphQL face of a product's requests: the dependencies on a product, each with its triage and
delivery row. Product.requests and the triage/deliver mutations (products/graphql) name these."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

import strawberry
from strawberry import relay

from syncpoint.core.auth import Actor
from syncpoint.core.clock import today
from syncpoint.core.context import Info
from syncpoint.core.db import SerialSession
from syncpoint.core.loaders import NestedPage
from syncpoint.core.nodes import node_ints
from syncpoint.core.pagination import Connection, PageArgs, SortKey
from syncpoint.dependencies import repository as repo
from syncpoint.dependencies import requests
from syncpoint.dependencies.graphql.types import DependencyNode
from syncpoint.dependencies.models import Dependency
from syncpoint.products import models
from syncpoint.products import repository as products_repo
from syncpoint.products.turnaround import turnaround_batch
from syncpoint.teams.graphql.types import TeamType
from syncpoint.work import repository as work_repo
from syncpoint.work.graphql.types import BacklogItemType, team

RequestState = strawberry.enum(
    repo.RequestState,
    name="ProductRequestState",
    description="NEW: not triaged yet; TRIAGED: acknowledged, not delivered; DELIVERED.",
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
        deps = await loaders.load_many(repo.dependencies_by_ids, node_ints(node_ids))
        found = [d if d is not None and d.provider_product_id else None for d in deps]
        ids = [d.id for d in found if d is not None]
        found_rows = await loaders.load_many(products_repo.request_rows_by_dependency, ids)
        rows = dict(zip(ids, found_rows, strict=True))
        return [cls.of(d, rows.get(d.id)) if d is not None else None for d in found]

    @strawberry.field(description="The dependency that carries this request.")
    async def dependency(self, info: Info) -> DependencyNode:
        row = await info.context.loaders.referenced(repo.dependencies_by_ids, self.id)
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
        return BacklogItemType.from_model(
            await info.context.loaders.referenced(work_repo.items_by_ids, self.consumer_item_id)
        )

    @strawberry.field
    async def consumer_team(self, info: Info) -> TeamType:
        item = await info.context.loaders.referenced(work_repo.items_by_ids, self.consumer_item_id)
        return await team(info, item.team_id)

    @strawberry.field(description="Triage due date under the current SLA (null: no promise).")
    async def triage_due_on(self, info: Info) -> date | None:
        sla = await info.context.loaders.load(products_repo.current_sla_by_product, self.product_id)
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


# Nested pages: one statement for every product's page (see core.loaders.NestedPage).
PRODUCT_REQUESTS = NestedPage(
    repo.requests_query,
    Dependency.provider_product_id,
    [SortKey(Dependency.created_at), SortKey(Dependency.id)],
    lambda dep: dep,  # made into ProductRequestType with its request row by requests_page
)


async def requests_page(
    info: Info, product_id: int, args: PageArgs, states: Sequence[repo.RequestState] | None
) -> Connection[ProductRequestType]:
    """Product.requests: the product's page of dependencies, each with its request row."""
    page = await PRODUCT_REQUESTS.page(info, product_id, args, tuple(states) if states else None)
    deps = [edge.node for edge in page.edges]
    rows = await info.context.loaders.load_many(
        products_repo.request_rows_by_dependency, [d.id for d in deps]
    )
    for edge, row in zip(page.edges, rows, strict=True):
        edge.node = ProductRequestType.of(edge.node, row)
    return page


async def request_type(session: SerialSession, row: models.ProductRequest) -> ProductRequestType:
    dependency = await session.get(Dependency, row.dependency_id)
    assert dependency is not None  # a request's dependency is kept with it (foreign key)
    return ProductRequestType.of(dependency, row)


async def triage(
    session: SerialSession, actor: Actor, dependency_id: int, note: str
) -> ProductRequestType:
    """The triageRequest mutation's work (declared with the products mutations)."""
    row = await requests.triage_request(session, actor, dependency_id, note)
    return await request_type(session, row)


async def deliver(
    session: SerialSession, actor: Actor, dependency_id: int, note: str
) -> ProductRequestType:
    """The deliverRequest mutation's work (declared with the products mutations)."""
    row = await requests.deliver_request(session, actor, dependency_id, note)
    return await request_type(session, row)
