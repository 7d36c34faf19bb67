"""Product health for other contexts (the Scrum-of-Scrums agenda): SLO compliance, error-budget
burn and compute contention of the products a set of teams consumes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.contention import ContentionWindow
from syncpoint.analysis.error_budget import ComplianceStatus
from syncpoint.core.models import utcnow
from syncpoint.products import repository as repo
from syncpoint.products.compute import contention
from syncpoint.products.models import Product, ProductKind
from syncpoint.products.slo import ObjectiveStatus, statuses_by_product

DEFAULT_HORIZON = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class ProductHealth:
    product: Product
    consumer_team_ids: tuple[int, ...]
    objectives: tuple[ObjectiveStatus, ...]
    contention: tuple[ContentionWindow, ...]

    @property
    def breaches(self) -> tuple[ObjectiveStatus, ...]:
        """Objectives breached or out of error budget (these raised SLA_BREACH blockers)."""
        return tuple(s for s in self.objectives if s.compliance.breached)

    @property
    def burning(self) -> tuple[ObjectiveStatus, ...]:
        """Not breached yet but AT_RISK, or burning budget faster than sustainable (last 24h)."""
        return tuple(
            s
            for s in self.objectives
            if not s.compliance.breached
            and (
                s.compliance.status is ComplianceStatus.AT_RISK
                or (s.compliance.recent_burn_rate or 0) > 1
            )
        )

    @property
    def needs_attention(self) -> bool:
        return bool(self.breaches or self.burning or self.contention)


async def product_health(
    session: AsyncSession,
    team_ids: Sequence[int] | None = None,
    *,
    at: datetime | None = None,
    horizon: timedelta = DEFAULT_HORIZON,
) -> list[ProductHealth]:
    """Health of the live products consumed by `team_ids` (all live products when None), as of
    `at` (default now); contention is looked for in [at, at + horizon)."""
    moment = at or utcnow()
    consumers = await repo.active_consumers(session)
    products = [
        p
        for p in await repo.all_products(session)
        if team_ids is None or consumers.get(p.id, set()) & set(team_ids)
    ]
    statuses = await statuses_by_product(session, [(p.id, moment) for p in products])
    health = []
    for product, objectives in zip(products, statuses, strict=True):
        windows: list[ContentionWindow] = []
        if product.kind is ProductKind.COMPUTE:
            windows = await contention(session, product, moment, moment + horizon)
        health.append(
            ProductHealth(
                product=product,
                consumer_team_ids=tuple(sorted(consumers.get(product.id, set()))),
                objectives=tuple(objectives),
                contention=tuple(windows),
            )
        )
    return health
