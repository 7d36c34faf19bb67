"""Loading the analysis engine's input from the database with a fixed number of queries.

`load_analysis_input` reads teams (cadence history, service-level expectation in force, stored
sprints), items (each with its planned sprint resolved to a `SprintSpan`), dependencies,
integration points, interactions and products: one query per table however many rows, so it
stays fast for organisations with tens of thousands of items. `cached_analysis_input` shares one
load per request and day between every resolver that needs it.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from syncpoint.analysis import calendar as cal
from syncpoint.analysis.dependency_rules import is_evaluated
from syncpoint.analysis.model import (
    AnalysisInput,
    DependencyInfo,
    IntegrationPointInfo,
    InteractionInfo,
    ItemInfo,
    ProductInfo,
    TeamInfo,
)
from syncpoint.analysis.timing import dependency_timing
from syncpoint.cadence.models import Cadence, ServiceLevelExpectation, Sprint
from syncpoint.dependencies.models import (
    Dependency,
    DependencyStatus,
    IntegrationPoint,
    integration_point_items,
)
from syncpoint.products.models import Product
from syncpoint.products.turnaround import product_infos
from syncpoint.teams.models import Interaction, Team
from syncpoint.work.models import BacklogItem

_link = integration_point_items
_CACHE_KEY = "syncpoint.dependencies.snapshot"


def _in(column: Any, ids: set[int] | None) -> Any:
    return column.in_(sorted(ids)) if ids is not None else true()


async def _scope(session: AsyncSession, team_ids: set[int]) -> set[int]:
    """The teams plus those at the other end of their dependencies and integration points."""
    consumer, provider = aliased(BacklogItem), aliased(BacklogItem)
    rows = await session.execute(
        select(consumer.team_id, provider.team_id, Dependency.provider_product_id)
        .join(consumer, consumer.id == Dependency.consumer_item_id)
        .outerjoin(provider, provider.id == Dependency.provider_item_id)
        .where(or_(consumer.team_id.in_(team_ids), provider.team_id.in_(team_ids)))
    )
    scope = set(team_ids)
    products: set[int] = set()
    for consumer_team, provider_team, product_id in rows.all():
        scope.update(t for t in (consumer_team, provider_team) if t is not None)
        if product_id is not None:
            products.add(product_id)
    mine = (
        select(_link.c.integration_point_id)
        .join(BacklogItem, BacklogItem.id == _link.c.item_id)
        .where(BacklogItem.team_id.in_(team_ids))
    )
    shared = await session.scalars(
        select(BacklogItem.team_id)
        .join(_link, _link.c.item_id == BacklogItem.id)
        .where(_link.c.integration_point_id.in_(mine))
    )
    scope.update(shared)
    if products:
        scope.update(
            await session.scalars(
                select(Product.owner_team_id).where(Product.id.in_(sorted(products)))
            )
        )
    return scope


async def _teams(session: AsyncSession, scope: set[int] | None, today: date) -> list[TeamInfo]:
    teams = list(await session.scalars(select(Team).where(_in(Team.id, scope)).order_by(Team.id)))
    cadences: defaultdict[int, list[cal.Cadence]] = defaultdict(list)
    for c in await session.scalars(
        select(Cadence).where(_in(Cadence.team_id, scope)).order_by(Cadence.effective_from)
    ):
        cadences[c.team_id].append(cal.Cadence(c.length_days, c.anchor, c.effective_from))
    sles: dict[int, cal.ServiceLevelExpectation] = {}
    for s in await session.scalars(
        select(ServiceLevelExpectation)
        .where(
            _in(ServiceLevelExpectation.team_id, scope),
            ServiceLevelExpectation.effective_from <= today,
        )
        .order_by(ServiceLevelExpectation.effective_from)
    ):
        sles[s.team_id] = cal.ServiceLevelExpectation(s.percentile, s.days)  # latest wins
    sprints: defaultdict[int, list[cal.SprintSpan]] = defaultdict(list)
    for row in await session.scalars(select(Sprint).where(_in(Sprint.team_id, scope))):
        sprints[row.team_id].append(cal.SprintSpan(row.start_date, row.end_date, True, row.id))
    return [
        TeamInfo(
            id=t.id,
            name=t.name,
            framework=t.framework,
            cadences=tuple(cadences[t.id]),
            sle=sles.get(t.id),
            sprints=tuple(sorted(sprints[t.id], key=lambda s: s.start)),
            group_id=t.group_id,
            topology=t.topology.value,
        )
        for t in teams
    ]


def _items_stmt(scope: set[int] | None) -> Any:
    return select(
        BacklogItem.id,
        BacklogItem.team_id,
        BacklogItem.key,
        BacklogItem.title,
        BacklogItem.kind,
        BacklogItem.status,
        BacklogItem.sprint_id,
        BacklogItem.started_on,
        BacklogItem.time_cap_days,
        BacklogItem.product_id,
    ).where(_in(BacklogItem.team_id, scope))


def _items(rows: Iterable[Any], spans: dict[int, cal.SprintSpan]) -> list[ItemInfo]:
    return [
        ItemInfo(
            id=r.id,
            team_id=r.team_id,
            title=f"{r.key} {r.title}",
            kind=r.kind,
            status=r.status,
            sprint=spans.get(r.sprint_id) if r.sprint_id is not None else None,
            started_on=r.started_on,
            time_cap_days=r.time_cap_days,
            product_id=r.product_id,
        )
        for r in rows
    ]


async def _dependencies(session: AsyncSession, team_ids: set[int] | None) -> list[DependencyInfo]:
    stmt = select(Dependency).order_by(Dependency.id)
    if team_ids is not None:
        # Only dependencies touching the asked teams: both their ends are in the loaded scope.
        consumer, provider = aliased(BacklogItem), aliased(BacklogItem)
        stmt = (
            stmt.join(consumer, consumer.id == Dependency.consumer_item_id)
            .outerjoin(provider, provider.id == Dependency.provider_item_id)
            .where(
                or_(consumer.team_id.in_(sorted(team_ids)), provider.team_id.in_(sorted(team_ids)))
            )
        )
    return [
        DependencyInfo(
            id=d.id,
            consumer_item_id=d.consumer_item_id,
            provider_item_id=d.provider_item_id,
            provider_product_id=d.provider_product_id,
            type=d.type,
            explicit_needed_by=d.needed_by,
            open=d.status is DependencyStatus.OPEN,
        )
        for d in await session.scalars(stmt)
    ]


async def _integration_points(
    session: AsyncSession, item_ids: set[int] | None
) -> list[IntegrationPointInfo]:
    links: defaultdict[int, list[int]] = defaultdict(list)
    link_stmt = select(_link.c.integration_point_id, _link.c.item_id).order_by(_link.c.item_id)
    for point_id, item_id in (await session.execute(link_stmt)).all():
        if item_ids is None or item_id in item_ids:
            links[point_id].append(item_id)
    points = await session.scalars(
        select(IntegrationPoint)
        .where(IntegrationPoint.archived_at.is_(None))
        .order_by(IntegrationPoint.date, IntegrationPoint.id)
    )
    return [
        IntegrationPointInfo(p.id, p.name, p.date, tuple(links[p.id]))
        for p in points
        if item_ids is None or links[p.id]
    ]


async def _interactions(session: AsyncSession, scope: set[int] | None) -> list[InteractionInfo]:
    stmt = select(Interaction).order_by(Interaction.id)
    if scope is not None:
        ids = sorted(scope)
        stmt = stmt.where(or_(Interaction.team_id.in_(ids), Interaction.partner_id.in_(ids)))
    return [
        InteractionInfo(i.id, i.team_id, i.partner_id, i.mode, i.expected_end, i.ended_on)
        for i in await session.scalars(stmt)
    ]


async def _products(session: AsyncSession, today: date) -> list[ProductInfo]:
    """Products with their owner teams and request turnaround (days) as of `today`."""
    return await product_infos(session, today)


async def load_analysis_input(
    session: AsyncSession, *, today: date, team_ids: set[int] | None = None
) -> AnalysisInput:
    """The engine's input as of `today`: the whole organisation, or the given teams plus every
    team at the other end of their dependencies and integration points (so timings stay right).
    """
    scope = await _scope(session, team_ids) if team_ids is not None else None
    teams = await _teams(session, scope, today)
    spans = {span.ref: span for team in teams for span in team.sprints if span.ref is not None}
    items = _items((await session.execute(_items_stmt(scope))).all(), spans)
    item_ids = {item.id for item in items}
    return AnalysisInput(
        today=today,
        teams=tuple(teams),
        items=tuple(items),
        products=tuple(await _products(session, today)),
        dependencies=tuple(await _dependencies(session, team_ids)),
        integration_points=tuple(
            await _integration_points(session, item_ids if scope is not None else None)
        ),
        interactions=tuple(await _interactions(session, scope)),
    )


async def cached_analysis_input(ctx: Any, as_of: date) -> AnalysisInput:
    """The whole organisation as of `as_of`, loaded once per request (`ctx.extras` cache).

    Concurrent resolvers await the first caller's load instead of loading again. The load runs
    in the caller's task, so it also works inside a mutation's savepoint.
    """
    cache: dict[date, asyncio.Future[AnalysisInput]] = ctx.extras.setdefault(_CACHE_KEY, {})
    pending = cache.get(as_of)
    if pending is not None:
        return await asyncio.shield(pending)
    future: asyncio.Future[AnalysisInput] = asyncio.get_running_loop().create_future()
    cache[as_of] = future
    try:
        result = await load_analysis_input(ctx.session, today=as_of)
    except BaseException as exc:
        cache.pop(as_of, None)
        future.set_exception(exc)
        future.exception()  # retrieved here: waiters (if any) re-raise it themselves
        raise
    future.set_result(result)
    return result


def late_dependency_ids(inp: AnalysisInput, candidates: Iterable[int]) -> list[int]:
    """The candidates that are LATE (rule 1): open, consumer unfinished, provider not done and
    available after they are needed; in the candidates' order."""
    late = []
    for dep_id in candidates:
        dep = inp.index.dependencies.get(dep_id)
        if dep is None or not is_evaluated(inp, dep):
            continue
        if (dependency_timing(inp, dep).late_by_days or 0) > 0:
            late.append(dep_id)
    return late
