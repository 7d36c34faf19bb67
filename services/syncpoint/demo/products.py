"""Demo products: the feature store (two SLA versions; v2 tightens freshness), model serving,
the data platform and the GPU pool; their consumers, requests, a week of SLI measurements up to
`as_of` with one freshness breach, and GPU reservations that contend in the coming sprint.

Deterministic (seeded) and dated from `as_of`; everything goes through the services.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor
from syncpoint.demo.org import DemoOrg
from syncpoint.dependencies import requests
from syncpoint.dependencies import service as deps
from syncpoint.dependencies.models import DependencyType
from syncpoint.products import compute, service, sla, slo
from syncpoint.products.models import (
    BudgetingMethod,
    IndicatorKind,
    Product,
    ProductKind,
)
from syncpoint.products.objectives import ObjectiveDraft, Turnaround
from syncpoint.work.models import BacklogItem, ItemStatus

SEED = 20270105
AVAILABILITY = ObjectiveDraft(
    objective_key="availability",
    name="Online availability",
    indicator=IndicatorKind.AVAILABILITY,
    target=0.999,
    window_days=28,
)
FRESHNESS_V1 = ObjectiveDraft(
    objective_key="feature-freshness",
    name="Feature freshness",
    description="Minutes between an event and its features being served online.",
    indicator=IndicatorKind.FRESHNESS,
    target=0.95,
    window_days=7,
    threshold=60,
    budgeting_method=BudgetingMethod.TIMESLICES,
    timeslice_minutes=60,
)
FRESHNESS_V2 = ObjectiveDraft(**{**FRESHNESS_V1.comparable(), "threshold": 30, "target": 0.97})


def _latency(key: str, name: str, ms: float, percentile: float) -> ObjectiveDraft:
    return ObjectiveDraft(
        objective_key=key,
        name=name,
        indicator=IndicatorKind.LATENCY,
        target=0.99,
        window_days=28,
        threshold=ms,
        percentile=percentile,
    )


# slug -> (name, kind, owner team, capacity, description, consumer teams)
PRODUCTS = {
    "feature-store": (
        "Feature Store",
        ProductKind.FEATURE_STORE,
        "feature-store",
        None,
        "Online and offline features with freshness guarantees",
        ("ranking", "recommendations", "search", "fraud", "ads"),
    ),
    "model-serving": (
        "Model Serving",
        ProductKind.MODEL_SERVING,
        "model-serving",
        None,
        "Low-latency inference endpoints for every team's models",
        ("ranking", "recommendations", "ads", "fraud"),
    ),
    "data-platform": (
        "Data Platform",
        ProductKind.DATA_PLATFORM,
        "data-platform",
        None,
        "The lake, daily pipelines and data contracts",
        ("feature-store", "search", "fraud", "personalisation-research"),
    ),
    "gpu-pool": (
        "GPU Pool",
        ProductKind.COMPUTE,
        "gpu-compute",
        16,
        "Sixteen shared A100s for training and large evaluations",
        ("ranking-models", "personalisation-research", "recommendations", "ads"),
    ),
}
SLAS: dict[str, list[tuple[list[ObjectiveDraft], Turnaround, str]]] = {
    "feature-store": [
        (
            [AVAILABILITY, _latency("lookup-latency", "Lookup latency p99", 25, 99), FRESHNESS_V1],
            Turnaround(triage_days=2, delivery_sprints=2),
            "First published promise.",
        ),
        (
            [AVAILABILITY, _latency("lookup-latency", "Lookup latency p99", 25, 99), FRESHNESS_V2],
            Turnaround(triage_days=1, delivery_sprints=2),
            "Real-time ranking needs fresher features: 30 minutes at 97%; triage in a day.",
        ),
    ],
    "model-serving": [
        (
            [AVAILABILITY, _latency("inference-latency", "Inference latency p95", 80, 95)],
            Turnaround(triage_days=3, delivery_days=10),
            "Serving promise for all online models.",
        )
    ],
    "data-platform": [
        (
            [
                ObjectiveDraft(
                    objective_key="daily-tables",
                    name="Daily tables ready",
                    indicator=IndicatorKind.FRESHNESS,
                    target=0.95,
                    window_days=28,
                    threshold=360,
                ),
                ObjectiveDraft(
                    objective_key="pipeline-success",
                    name="Pipeline runs succeed",
                    indicator=IndicatorKind.ERROR_RATE,
                    target=0.99,
                    window_days=28,
                ),
            ],
            Turnaround(triage_days=2, delivery_days=10),
            "Lake and pipelines.",
        )
    ],
    "gpu-pool": [
        (
            [
                ObjectiveDraft(
                    objective_key="scheduler-availability",
                    name="Scheduler availability",
                    indicator=IndicatorKind.AVAILABILITY,
                    target=0.99,
                    window_days=28,
                )
            ],
            Turnaround(triage_days=1, delivery_days=5),
            "Pool scheduler and capacity requests.",
        )
    ],
}
# consumer team slug -> products it sends a request to (from its in-progress work)
REQUESTS = {
    "ranking": ("feature-store", "model-serving"),
    "recommendations": ("feature-store",),
    "search": ("feature-store", "data-platform"),
    "fraud": ("data-platform",),
}
# team, units, start hour and end hour from the start of the day after as_of
RESERVATIONS = [
    ("ranking-models", 10, 8, 8 + 24 * 3),
    ("personalisation-research", 8, 24 * 2, 24 * 5),
    ("recommendations", 6, 24 * 5, 24 * 7),
    ("ads", 4, 24 * 8, 24 * 9),
]
BREACH_HOURS = range(60, 69)  # hours before as_of when feature freshness slipped


@dataclass
class DemoProducts:
    counts: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        c = self.counts
        return (
            f"{c['products']} products, {c['slas']} SLA versions, {c['requests']} requests, "
            f"{c['measurements']} measurements, {c['reservations']} GPU reservations"
        )


class ProductsBuilder:
    def __init__(self, session: AsyncSession, actor: Actor, org: DemoOrg, as_of: date) -> None:
        self.session, self.actor, self.org = session, actor, org
        self.as_of = as_of
        self.at = datetime.combine(as_of, time(0), UTC)
        self.products: dict[str, Product] = {}
        self.result = DemoProducts()
        self.rng = random.Random(SEED)

    async def items(self, team_slug: str, statuses: tuple[ItemStatus, ...]) -> list[BacklogItem]:
        rows = await self.session.scalars(
            select(BacklogItem)
            .where(
                BacklogItem.team_id == self.org.teams[team_slug].id,
                BacklogItem.status.in_(statuses),
            )
            .order_by(BacklogItem.key)
        )
        return list(rows)

    async def products_and_consumers(self) -> None:
        since = self.as_of - timedelta(days=120)
        for slug, (name, kind, owner, capacity, text, consumers) in PRODUCTS.items():
            product = await service.create_product(
                self.session,
                self.actor,
                slug=slug,
                name=name,
                kind=kind,
                owner_team_id=self.org.teams[owner].id,
                description=text,
                capacity_units=capacity,
            )
            self.products[slug] = product
            for consumer in consumers:
                await service.subscribe(
                    self.session,
                    self.actor,
                    product_id=product.id,
                    team_id=self.org.teams[consumer].id,
                    since=since,
                )
            for objectives, turnaround, notes in SLAS[slug]:
                await sla.publish_sla(
                    self.session, self.actor, product.id, objectives, turnaround, notes
                )
                self.result.counts["slas"] += 1
        self.result.counts["products"] = len(self.products)

    async def backlogs(self) -> None:
        """Open items of each owner team go on its product's backlog (value/effort order)."""
        open_statuses = (ItemStatus.BACKLOG, ItemStatus.READY, ItemStatus.IN_PROGRESS)
        for slug, (_name, _kind, owner, *_rest) in PRODUCTS.items():
            for item in (await self.items(owner, open_statuses))[:6]:
                await service.set_item_product(
                    self.session, self.actor, item.id, self.products[slug].id
                )

    async def requests(self) -> None:
        """In-progress consumer items ask the products; the first is delivered, the second
        triaged, the rest wait for triage."""
        for team_slug, product_slugs in REQUESTS.items():
            working = await self.items(team_slug, (ItemStatus.IN_PROGRESS,))
            for index, product_slug in enumerate(product_slugs):
                if index >= len(working):
                    break
                dependency = await deps.create_dependency(
                    self.session,
                    self.actor,
                    consumer_item_id=working[index].id,
                    provider_item_id=None,
                    provider_product_id=self.products[product_slug].id,
                    type=DependencyType.BLOCKING,
                    description=f"Needs {PRODUCTS[product_slug][0]} support",
                )
                self.result.counts["requests"] += 1
                if team_slug == "ranking" and index == 1:
                    await requests.deliver_request(
                        self.session, self.actor, dependency.id, "Endpoint live"
                    )
                elif team_slug == "search" and index == 1:
                    await requests.triage_request(
                        self.session, self.actor, dependency.id, "Planned for next sprint"
                    )

    def _observation(self, slug: str, key: str, hour: int) -> slo.MeasurementInput:
        observed = self.at - timedelta(hours=hour)
        client_key = f"demo:{slug}:{key}:{observed:%Y%m%dT%H}"
        objective = next(o for o in SLAS[slug][-1][0] if o.objective_key == key)
        if objective.threshold is None:
            total = self.rng.randint(20_000, 60_000)
            bad = self.rng.randint(0, int(total * (1 - objective.target) * 0.5))
            return slo.MeasurementInput(key, observed, client_key, good=total - bad, total=total)
        value = objective.threshold * self.rng.uniform(0.3, 0.8)
        if slug == "feature-store" and key == "feature-freshness" and hour in BREACH_HOURS:
            value = objective.threshold * self.rng.uniform(1.5, 3.0)
        return slo.MeasurementInput(key, observed, client_key, value=round(value, 1))

    async def measurements(self) -> None:
        """A week of hourly observations up to as_of for every objective."""
        for slug, product in self.products.items():
            keys = [o.objective_key for o in SLAS[slug][-1][0]]
            batch = [self._observation(slug, k, h) for k in keys for h in range(168, 0, -1)]
            for start in range(0, len(batch), slo.MAX_BATCH):
                await slo.record_measurements(
                    self.session,
                    self.actor,
                    product.id,
                    batch[start : start + slo.MAX_BATCH],
                    at=self.at,
                )
            self.result.counts["measurements"] += len(batch)

    async def reservations(self) -> None:
        """GPU reservations from tomorrow: two overlap beyond the pool's 16 units."""
        pool = self.products["gpu-pool"]
        start = self.at + timedelta(days=1)
        open_statuses = (ItemStatus.READY, ItemStatus.IN_PROGRESS, ItemStatus.BACKLOG)
        for team_slug, units, first_hour, last_hour in RESERVATIONS:
            items = await self.items(team_slug, open_statuses)
            if not items:
                continue
            await compute.reserve_compute(
                self.session,
                self.actor,
                product_id=pool.id,
                team_id=self.org.teams[team_slug].id,
                item_id=items[0].id,
                units=units,
                starts_at=start + timedelta(hours=first_hour),
                ends_at=start + timedelta(hours=last_hour),
                note="Training run",
                now=self.at,
            )
            self.result.counts["reservations"] += 1


async def load_products(
    session: AsyncSession, actor: Actor, org: DemoOrg, as_of: date
) -> DemoProducts:
    """Products, SLAs, consumers, requests, measurements and reservations of the demo."""
    builder = ProductsBuilder(session, actor, org, as_of)
    await builder.products_and_consumers()
    await builder.backlogs()
    await builder.requests()
    await builder.measurements()
    await builder.reservations()
    return builder.result
