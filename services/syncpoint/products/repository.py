"""Every query of the products context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, Select, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from syncpoint.analysis.model import ItemStatus
from syncpoint.cadence.models import Cadence
from syncpoint.core.loaders import by_key, rows_by_ids, rows_by_parent
from syncpoint.products.models import (
    ComputeReservation,
    Product,
    ProductKind,
    ProductRequest,
    ProductSubscription,
    ReservationStatus,
    SlaVersion,
    SliMeasurement,
    SloObjective,
)
from syncpoint.work.models import BacklogItem

# ---- products -------------------------------------------------------------------------------


products_by_ids = rows_by_ids(Product)


async def product_by_slug(session: AsyncSession, slug: str) -> Product | None:
    return await session.scalar(select(Product).where(Product.slug == slug))


async def slug_taken(session: AsyncSession, slug: str) -> bool:
    return (await session.scalar(select(Product.id).where(Product.slug == slug))) is not None


@dataclass(frozen=True, slots=True)
class ProductFilter:
    kinds: Sequence[ProductKind] | None = None
    owner_team_id: int | None = None
    consumer_team_id: int | None = None
    search: str | None = None
    include_archived: bool = False


def products_query(flt: ProductFilter) -> Select[Any]:
    stmt = select(Product)
    if not flt.include_archived:
        stmt = stmt.where(Product.archived_at.is_(None))
    if flt.kinds:
        stmt = stmt.where(Product.kind.in_(list(flt.kinds)))
    if flt.owner_team_id is not None:
        stmt = stmt.where(Product.owner_team_id == flt.owner_team_id)
    if flt.consumer_team_id is not None:
        consumed = select(ProductSubscription.product_id).where(
            ProductSubscription.team_id == flt.consumer_team_id,
            ProductSubscription.until.is_(None),
        )
        stmt = stmt.where(Product.id.in_(consumed))
    if flt.search:
        pattern = f"%{flt.search.lower()}%"
        stmt = stmt.where(or_(func.lower(Product.name).like(pattern), Product.slug.like(pattern)))
    return stmt


async def all_products(session: AsyncSession, *, include_archived: bool = False) -> list[Product]:
    return list(
        await session.scalars(
            products_query(ProductFilter(include_archived=include_archived)).order_by(Product.id)
        )
    )


# ---- SLA versions and objectives -------------------------------------------------------------


sla_versions_by_ids = rows_by_ids(SlaVersion)


async def current_sla_by_product(
    session: AsyncSession, product_ids: Sequence[int]
) -> list[SlaVersion | None]:
    """The latest published SLA version of each product (None before the first)."""
    latest = (
        select(SlaVersion.product_id, func.max(SlaVersion.number).label("number"))
        .where(SlaVersion.product_id.in_(product_ids))
        .group_by(SlaVersion.product_id)
        .subquery()
    )
    rows = await session.scalars(
        select(SlaVersion).join(
            latest,
            and_(
                SlaVersion.product_id == latest.c.product_id, SlaVersion.number == latest.c.number
            ),
        )
    )
    return by_key(list(rows), product_ids, "product_id")


async def sla_by_number(
    session: AsyncSession, keys: Sequence[tuple[int, int]]
) -> list[SlaVersion | None]:
    """SLA versions by (product id, number)."""
    product_ids = sorted({k[0] for k in keys})
    rows = await session.scalars(select(SlaVersion).where(SlaVersion.product_id.in_(product_ids)))
    index = {(r.product_id, r.number): r for r in rows}
    return [index.get(tuple(k)) for k in keys]  # type: ignore[arg-type]


def sla_history_query() -> Select[Any]:
    """Every SLA version, for the pages of history under products."""
    return select(SlaVersion)


async def latest_sla_number(session: AsyncSession, product_id: int) -> int:
    number = await session.scalar(
        select(func.max(SlaVersion.number)).where(SlaVersion.product_id == product_id)
    )
    return int(number or 0)


objectives_by_sla_version = rows_by_parent(
    SloObjective, "sla_version_id", SloObjective.position, SloObjective.id
)


objectives_by_ids = rows_by_ids(SloObjective)


async def current_objectives(session: AsyncSession, product_id: int) -> list[SloObjective]:
    """Objectives of the product's current SLA version."""
    current = (await current_sla_by_product(session, [product_id]))[0]
    if current is None:
        return []
    return (await objectives_by_sla_version(session, [current.id]))[0]


# ---- subscriptions --------------------------------------------------------------------------


subscriptions_by_ids = rows_by_ids(ProductSubscription)


def subscriptions_query(include_ended: bool) -> Select[Any]:
    """Subscriptions (current ones unless `include_ended`), for the pages under products."""
    stmt = select(ProductSubscription)
    return stmt if include_ended else stmt.where(ProductSubscription.until.is_(None))


async def active_subscription(
    session: AsyncSession, product_id: int, team_id: int
) -> ProductSubscription | None:
    return await session.scalar(
        select(ProductSubscription).where(
            ProductSubscription.product_id == product_id,
            ProductSubscription.team_id == team_id,
            ProductSubscription.until.is_(None),
        )
    )


async def active_consumers(session: AsyncSession) -> dict[int, set[int]]:
    """Product id -> ids of the teams subscribed to it now."""
    rows = await session.execute(
        select(ProductSubscription.product_id, ProductSubscription.team_id).where(
            ProductSubscription.until.is_(None)
        )
    )
    consumers: dict[int, set[int]] = {}
    for product_id, team_id in rows:
        consumers.setdefault(product_id, set()).add(team_id)
    return consumers


# ---- backlog and requests -------------------------------------------------------------------


def backlog_priority() -> ColumnElement[Any]:
    """Value per unit of effort; items without both sort last (-1)."""
    ratio = cast(BacklogItem.value, Float) / func.nullif(cast(BacklogItem.effort, Float), 0.0)
    return func.coalesce(ratio, -1.0)


def backlog_query(include_closed: bool) -> Select[Any]:
    """Items on products (open ones unless `include_closed`), for the pages under products."""
    stmt = select(BacklogItem)
    if not include_closed:
        stmt = stmt.where(BacklogItem.status.not_in([ItemStatus.DONE, ItemStatus.DROPPED]))
    return stmt


async def request_rows_by_dependency(
    session: AsyncSession, dependency_ids: Sequence[int]
) -> list[ProductRequest | None]:
    rows = await session.scalars(
        select(ProductRequest).where(ProductRequest.dependency_id.in_(dependency_ids))
    )
    return by_key(list(rows), dependency_ids, "dependency_id")


# ---- measurements ---------------------------------------------------------------------------


async def measurements_by_client_keys(
    session: AsyncSession, product_id: int, client_keys: Sequence[str]
) -> dict[str, SliMeasurement]:
    rows = await session.scalars(
        select(SliMeasurement).where(
            SliMeasurement.product_id == product_id, SliMeasurement.client_key.in_(client_keys)
        )
    )
    return {r.client_key: r for r in rows}


async def measurements_for_products(
    session: AsyncSession, product_ids: Sequence[int], start: datetime, end: datetime
) -> list[SliMeasurement]:
    """Measurements of the products with start <= observed_at <= end, oldest first."""
    rows = await session.scalars(
        select(SliMeasurement)
        .where(
            SliMeasurement.product_id.in_(product_ids),
            SliMeasurement.observed_at >= start,
            SliMeasurement.observed_at <= end,
        )
        .order_by(SliMeasurement.observed_at, SliMeasurement.id)
    )
    return list(rows)


# ---- compute reservations -------------------------------------------------------------------


reservations_by_ids = rows_by_ids(ComputeReservation)


def reservations_query(
    product_id: int | None,
    start: datetime | None,
    end: datetime | None,
    include_cancelled: bool = False,
) -> Select[Any]:
    """Reservations of a product (of every product for None) overlapping [start, end)."""
    stmt = select(ComputeReservation)
    if product_id is not None:
        stmt = stmt.where(ComputeReservation.product_id == product_id)
    if start is not None:
        stmt = stmt.where(ComputeReservation.ends_at > start)
    if end is not None:
        stmt = stmt.where(ComputeReservation.starts_at < end)
    if not include_cancelled:
        stmt = stmt.where(ComputeReservation.status == ReservationStatus.ACTIVE)
    return stmt


async def active_reservations(
    session: AsyncSession, product_id: int, start: datetime | None, end: datetime | None
) -> list[ComputeReservation]:
    rows = await session.scalars(
        reservations_query(product_id, start, end).order_by(
            ComputeReservation.starts_at, ComputeReservation.id
        )
    )
    return list(rows)


# ---- turnaround (request SLA in days) --------------------------------------------------------


async def sprint_length_by_team(
    session: AsyncSession, team_ids: Sequence[int], on: date
) -> dict[int, int]:
    """The sprint length of each team's cadence in effect on `on` (teams without one left out)."""
    rows = await session.execute(
        select(Cadence.team_id, Cadence.length_days, Cadence.effective_from)
        .where(Cadence.team_id.in_(team_ids), Cadence.effective_from <= on)
        .order_by(Cadence.team_id, Cadence.effective_from)
    )
    lengths: dict[int, int] = {}
    for team_id, length, _effective in rows:
        lengths[team_id] = length  # later rows (newer cadences) win
    return lengths
