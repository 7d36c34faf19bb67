"""The request-turnaround SLA in days: for the analysis snapshot (available-from of a request
with no provider item = today + turnaround) and for the due dates of requests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.model import ProductInfo
from syncpoint.core.clock import today
from syncpoint.products import repository as repo
from syncpoint.products.models import SlaVersion

# Converting a turnaround promised in sprints when the owner team has no cadence.
DEFAULT_SPRINT_DAYS = 14


def turnaround_of(sla: SlaVersion | None, sprint_days: int | None) -> int | None:
    """Delivery promise in days: delivery_days, else delivery_sprints x owner sprint length."""
    if sla is None:
        return None
    if sla.delivery_days is not None:
        return sla.delivery_days
    if sla.delivery_sprints is not None:
        return sla.delivery_sprints * (sprint_days or DEFAULT_SPRINT_DAYS)
    return None


async def turnaround_days_by_product(
    session: AsyncSession, product_ids: Sequence[int], on: date | None = None
) -> dict[int, int | None]:
    """Request-turnaround SLA in days per product (current SLA; None without a promise)."""
    products = [p for p in await repo.products_by_ids(session, product_ids) if p is not None]
    slas = await repo.current_sla_by_product(session, [p.id for p in products])
    lengths = await repo.sprint_length_by_team(
        session, [p.owner_team_id for p in products], on or today()
    )
    return {
        p.id: turnaround_of(sla, lengths.get(p.owner_team_id))
        for p, sla in zip(products, slas, strict=True)
    }


async def product_infos(session: AsyncSession, on: date | None = None) -> list[ProductInfo]:
    """Every product as the analysis engine sees it: owner team and turnaround days (archived
    products too, since old dependencies still point at them)."""
    products = await repo.all_products(session, include_archived=True)
    turnaround = await turnaround_days_by_product(session, [p.id for p in products], on)
    return [
        ProductInfo(
            id=p.id, name=p.name, owner_team_id=p.owner_team_id, turnaround_days=turnaround[p.id]
        )
        for p in products
    ]


async def turnaround_batch(session: AsyncSession, product_ids: Sequence[int]) -> list[int | None]:
    """DataLoader form of turnaround_days_by_product (key order)."""
    days = await turnaround_days_by_product(session, product_ids)
    return [days.get(pid) for pid in product_ids]
