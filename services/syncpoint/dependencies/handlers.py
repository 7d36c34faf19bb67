"""What dependencies answer when other contexts ask (see core/events.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.events import handles
from syncpoint.dependencies import repository as repo
from syncpoint.products.events import ConsumersAtRiskAsked
from syncpoint.work.models import BacklogItem


@handles(ConsumersAtRiskAsked)
async def consumers_at_risk(
    session: AsyncSession, event: ConsumersAtRiskAsked
) -> list[BacklogItem]:
    """The consumer items the product's trouble reaches: they depend on it (one query)."""
    return await repo.affected_consumer_items(session, event.product_id)
