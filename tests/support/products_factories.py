"""Factories of the products context, built through the services (so they obey the rules)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from syncpoint.analysis.model import ItemStatus
from syncpoint.core.db import SerialSession
from syncpoint.dependencies import service as deps
from syncpoint.dependencies.models import Dependency, DependencyType
from syncpoint.products import service, sla
from syncpoint.products.models import (
    BudgetingMethod,
    IndicatorKind,
    Product,
    ProductKind,
    ProductSubscription,
    SlaVersion,
)
from syncpoint.products.objectives import ObjectiveDraft, Turnaround
from syncpoint.teams.models import Framework, Team, Topology
from syncpoint.work import service as work
from syncpoint.work.models import BacklogItem, ItemKind
from tests.support.factories import ADMIN, make_team, unique

AVAILABILITY = ObjectiveDraft(
    objective_key="availability",
    name="Online store availability",
    indicator=IndicatorKind.AVAILABILITY,
    target=0.99,
    window_days=7,
)
FRESHNESS = ObjectiveDraft(
    objective_key="freshness",
    name="Feature freshness",
    indicator=IndicatorKind.FRESHNESS,
    target=0.95,
    window_days=7,
    threshold=30,
    budgeting_method=BudgetingMethod.TIMESLICES,
    timeslice_minutes=60,
)


def hours_ago(hours: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)


async def make_platform_team(
    session: SerialSession, topology: Topology = Topology.PLATFORM
) -> Team:
    return await make_team(session, topology=topology, framework=Framework.KANBAN)


async def make_product(
    session: SerialSession,
    *,
    owner: Team | None = None,
    kind: ProductKind = ProductKind.FEATURE_STORE,
    capacity: int | None = None,
    name: str | None = None,
) -> Product:
    owner = owner or await make_platform_team(session)
    slug = unique("product")
    return await service.create_product(
        session,
        ADMIN,
        slug=slug,
        name=name or slug.title(),
        kind=kind,
        owner_team_id=owner.id,
        capacity_units=capacity,
    )


async def publish(
    session: SerialSession,
    product: Product,
    objectives: Sequence[ObjectiveDraft] = (AVAILABILITY, FRESHNESS),
    turnaround: Turnaround = Turnaround(triage_days=2, delivery_sprints=2),
) -> SlaVersion:
    return await sla.publish_sla(session, ADMIN, product.id, objectives, turnaround)


async def make_item(
    session: SerialSession,
    team: Team,
    *,
    status: ItemStatus = ItemStatus.BACKLOG,
    value: int | None = None,
    effort: int | None = None,
) -> BacklogItem:
    values = {k: v for k, v in (("value", value), ("effort", effort)) if v is not None}
    item = await work.create_item(
        session, ADMIN, team_id=team.id, title=unique("item"), kind=ItemKind.DATA, values=values
    )
    if status is not ItemStatus.BACKLOG:
        item = await work.change_status(session, ADMIN, item.id, item.version, status)
    return item


async def subscribe(
    session: SerialSession, product: Product, team: Team, since: date | None = None
) -> ProductSubscription:
    return await service.subscribe(
        session, ADMIN, product_id=product.id, team_id=team.id, since=since or date(2026, 1, 1)
    )


async def request(session: SerialSession, item: BacklogItem, product: Product) -> Dependency:
    """The item depends on the product (a request to it)."""
    return await deps.create_dependency(
        session,
        ADMIN,
        consumer_item_id=item.id,
        provider_item_id=None,
        provider_product_id=product.id,
        type=DependencyType.BLOCKING,
    )


async def consumer_in_progress(
    session: SerialSession, product: Product
) -> tuple[Team, BacklogItem]:
    """A subscribed consumer team with one in-progress item that depends on the product."""
    team = await make_team(session)
    await subscribe(session, product, team)
    item = await make_item(session, team, status=ItemStatus.IN_PROGRESS)
    await request(session, item, product)
    return team, item
