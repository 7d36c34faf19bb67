"""Every query of dependencies and integration points."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, delete, exists, false, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from syncpoint.analysis.model import ItemStatus
from syncpoint.core.loaders import rows_by_ids, rows_by_parent
from syncpoint.dependencies.models import (
    Dependency,
    DependencyStatus,
    DependencyType,
    IntegrationPoint,
    integration_point_items,
)
from syncpoint.products.models import Product, ProductRequest, ProductSubscription
from syncpoint.work.models import BacklogItem

_link = integration_point_items


dependencies_by_ids = rows_by_ids(Dependency)


# Upstream dependencies of each item (where it is the consumer).
dependencies_by_consumer = rows_by_parent(Dependency, "consumer_item_id", Dependency.id)


# Downstream dependencies of each item (where it is the provider).
dependencies_by_provider = rows_by_parent(Dependency, "provider_item_id", Dependency.id)


async def open_duplicate(
    session: AsyncSession,
    consumer_id: int,
    *,
    provider_item_id: int | None = None,
    provider_product_id: int | None = None,
) -> Dependency | None:
    """The open dependency of the consumer on that provider item (or product request), if any."""
    stmt = select(Dependency).where(
        Dependency.consumer_item_id == consumer_id, Dependency.status == DependencyStatus.OPEN
    )
    if provider_item_id is not None:
        stmt = stmt.where(Dependency.provider_item_id == provider_item_id)
    else:
        stmt = stmt.where(
            Dependency.provider_item_id.is_(None),
            Dependency.provider_product_id == provider_product_id,
        )
    return await session.scalar(stmt.limit(1))


@dataclass(frozen=True, slots=True)
class DependencyFilter:
    consumer_team_ids: Sequence[int] | None = None
    provider_team_ids: Sequence[int] | None = None
    types: Sequence[DependencyType] | None = None
    statuses: Sequence[DependencyStatus] | None = None
    ids: Sequence[int] | None = None


def dependencies_query(flt: DependencyFilter) -> Select[Any]:
    stmt = select(Dependency)
    if flt.consumer_team_ids is not None:
        consumer = aliased(BacklogItem)
        stmt = stmt.where(
            exists().where(
                consumer.id == Dependency.consumer_item_id,
                consumer.team_id.in_(list(flt.consumer_team_ids)),
            )
        )
    if flt.provider_team_ids is not None:
        provider = aliased(BacklogItem)
        teams = list(flt.provider_team_ids)
        by_item = exists().where(
            provider.id == Dependency.provider_item_id, provider.team_id.in_(teams)
        )
        # A request to a product with no provider item yet is provided by the owner team.
        by_product = and_(
            Dependency.provider_item_id.is_(None),
            exists().where(
                Product.id == Dependency.provider_product_id, Product.owner_team_id.in_(teams)
            ),
        )
        stmt = stmt.where(or_(by_item, by_product))
    if flt.types:
        stmt = stmt.where(Dependency.type.in_(list(flt.types)))
    if flt.statuses:
        stmt = stmt.where(Dependency.status.in_(list(flt.statuses)))
    if flt.ids is not None:
        stmt = stmt.where(Dependency.id.in_(list(flt.ids)) if flt.ids else false())
    return stmt


async def dependency_ids(session: AsyncSession, stmt: Select[Any]) -> list[int]:
    """The ids a dependency query selects (candidates for filters computed by the engine)."""
    return list(await session.scalars(stmt.with_only_columns(Dependency.id)))


def team_dependencies_query(team_id: int, *, incoming: bool) -> Select[Any]:
    """Incoming: the team's items consume; outgoing: the team's items provide."""
    flt = (
        DependencyFilter(consumer_team_ids=[team_id])
        if incoming
        else DependencyFilter(provider_team_ids=[team_id])
    )
    return dependencies_query(flt)


_consumer_item = aliased(BacklogItem, name="consumer_item")
_provider_item = aliased(BacklogItem, name="provider_item")

# The team a dependency comes in to (its consumer item's team) and goes out from (its provider
# item's team, or the product's owner team while a request has no provider item yet): the
# parent keys of `TeamPlanning.incomingDependencies` and `outgoingDependencies`.
INCOMING_TEAM = _consumer_item.team_id
OUTGOING_TEAM = func.coalesce(_provider_item.team_id, Product.owner_team_id)


def incoming_dependencies_query() -> Select[Any]:
    """Every dependency with the team it comes in to (`INCOMING_TEAM`)."""
    return select(Dependency).join(_consumer_item, _consumer_item.id == Dependency.consumer_item_id)


def outgoing_dependencies_query() -> Select[Any]:
    """Every dependency with the team it goes out from (`OUTGOING_TEAM`)."""
    return (
        select(Dependency)
        .outerjoin(_provider_item, _provider_item.id == Dependency.provider_item_id)
        .outerjoin(
            Product,
            and_(
                Dependency.provider_item_id.is_(None),
                Product.id == Dependency.provider_product_id,
            ),
        )
    )


# ---- integration points -------------------------------------------------------------------------


integration_points_by_ids = rows_by_ids(IntegrationPoint)


async def item_ids_by_integration_point(
    session: AsyncSession, point_ids: Sequence[int]
) -> list[list[int]]:
    rows = await session.execute(
        select(_link.c.integration_point_id, _link.c.item_id)
        .where(_link.c.integration_point_id.in_(point_ids))
        .order_by(_link.c.item_id)
    )
    groups: dict[int, list[int]] = {point_id: [] for point_id in point_ids}
    for point_id, item_id in rows.all():
        groups[point_id].append(item_id)
    return [groups[point_id] for point_id in point_ids]


async def integration_points_by_item(
    session: AsyncSession, item_ids: Sequence[int]
) -> list[list[IntegrationPoint]]:
    rows = await session.execute(
        select(_link.c.item_id, IntegrationPoint)
        .join(IntegrationPoint, IntegrationPoint.id == _link.c.integration_point_id)
        .where(_link.c.item_id.in_(item_ids))
        .order_by(IntegrationPoint.date, IntegrationPoint.id)
    )
    groups: dict[int, list[IntegrationPoint]] = {item_id: [] for item_id in item_ids}
    for item_id, point in rows.all():
        groups[item_id].append(point)
    return [groups[item_id] for item_id in item_ids]


def integration_points_query(
    start: date | None, end: date | None, team_id: int | None
) -> Select[Any]:
    stmt = select(IntegrationPoint).where(IntegrationPoint.archived_at.is_(None))
    if start is not None:
        stmt = stmt.where(IntegrationPoint.date >= start)
    if end is not None:
        stmt = stmt.where(IntegrationPoint.date <= end)
    if team_id is not None:
        stmt = stmt.where(
            exists().where(
                and_(
                    _link.c.integration_point_id == IntegrationPoint.id,
                    BacklogItem.id == _link.c.item_id,
                    BacklogItem.team_id == team_id,
                )
            )
        )
    return stmt


async def link_items(session: AsyncSession, point_id: int, item_ids: Sequence[int]) -> None:
    if item_ids:
        await session.execute(
            insert(_link), [{"integration_point_id": point_id, "item_id": i} for i in item_ids]
        )


async def unlink_items(session: AsyncSession, point_id: int, item_ids: Sequence[int]) -> None:
    if item_ids:
        await session.execute(
            delete(_link).where(
                _link.c.integration_point_id == point_id, _link.c.item_id.in_(list(item_ids))
            )
        )


# ---- dependencies on products: the products' requests, the consumers they reach ---------


class RequestState(StrEnum):
    NEW = "NEW"
    TRIAGED = "TRIAGED"
    DELIVERED = "DELIVERED"


def requests_query(states: Sequence[RequestState] | None) -> Select[Any]:
    """Dependencies on products (requests), with their triage/delivery state as a filter."""
    stmt = (
        select(Dependency)
        .outerjoin(ProductRequest, ProductRequest.dependency_id == Dependency.id)
        .where(
            Dependency.provider_product_id.is_not(None),
            Dependency.status != DependencyStatus.CANCELLED,
        )
    )
    if states:
        conditions = {
            RequestState.NEW: ProductRequest.triaged_at.is_(None),
            RequestState.TRIAGED: and_(
                ProductRequest.triaged_at.is_not(None), ProductRequest.delivered_at.is_(None)
            ),
            RequestState.DELIVERED: ProductRequest.delivered_at.is_not(None),
        }
        stmt = stmt.where(or_(*(conditions[s] for s in states)))
    return stmt


async def affected_consumer_items(session: AsyncSession, product_id: int) -> list[BacklogItem]:
    """Items of subscribed consumer teams that are in progress (or blocked) and have an open
    dependency on the product."""
    subscribed = select(ProductSubscription.team_id).where(
        ProductSubscription.product_id == product_id, ProductSubscription.until.is_(None)
    )
    depends = select(Dependency.consumer_item_id).where(
        Dependency.provider_product_id == product_id,
        Dependency.status == DependencyStatus.OPEN,
    )
    rows = await session.scalars(
        select(BacklogItem)
        .where(
            BacklogItem.team_id.in_(subscribed),
            BacklogItem.id.in_(depends),
            BacklogItem.status.in_([ItemStatus.IN_PROGRESS, ItemStatus.BLOCKED]),
        )
        .order_by(BacklogItem.id)
    )
    return list(rows)
