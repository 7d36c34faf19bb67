"""The organisation snapshot that feeds the analysis engine, read with a fixed number of queries.

`fetch_snapshot` reads teams (cadence history, service-level expectation in force, stored
sprints), items, dependencies, integration points, interactions and products as plain rows: one
query per table however many rows. `build_input` turns those rows into the engine's
`AnalysisInput` (sprint spans resolved, the index built): pure CPU work that the analysis
component (`insights.analyses`) runs in a worker thread, never on the event loop.

After a change, `fetch_patch` reads only what the change log (`core.data_version`) says moved
since an earlier analysis: the touched items and dependencies by id (and the interactions, a
small table); `apply_patch` swaps them into that analysis's input, reusing every other row.
A change to anything else the snapshot reads (`WHOLE_READ`) means a whole read.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
from syncpoint.core.data_version import Changed
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

# Tables whose touched rows a patch re-reads by id (interactions: the whole small table).
ITEMS, DEPENDENCIES, INTERACTIONS = "backlog_items", "dependencies", "interactions"
# Every other table the snapshot reads (products' turnaround reads SLA versions and cadences): a
# change to any of them reaches many rows at once, so it means a whole read.
WHOLE_READ = frozenset(
    {
        "teams",
        "cadences",
        "service_level_expectations",
        "sprints",
        "products",
        "sla_versions",
        "integration_points",
        "integration_point_items",
    }
)
# Above this many touched items or dependencies, a whole read is as cheap.
MAX_PATCHED_ROWS = 2000


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


@dataclass(frozen=True, slots=True)
class SnapshotRows:
    """What the database answered, as immutable rows (safe to read from a worker thread)."""

    today: date
    scoped: bool
    teams: Sequence[Any]
    cadences: Sequence[Any]
    sles: Sequence[Any]
    sprints: Sequence[Any]
    items: Sequence[Any]
    products: Sequence[ProductInfo]
    dependencies: Sequence[Any]
    links: Sequence[Any]
    points: Sequence[Any]
    interactions: Sequence[Any]


async def _rows(session: AsyncSession, stmt: Any) -> Sequence[Any]:
    return (await session.execute(stmt)).all()


def _dependencies_stmt(team_ids: set[int] | None) -> Any:
    d = Dependency
    stmt = select(
        d.id,
        d.consumer_item_id,
        d.provider_item_id,
        d.provider_product_id,
        d.type,
        d.needed_by,
        d.status,
    ).order_by(d.id)
    if team_ids is not None:
        # Only dependencies touching the asked teams: both their ends are in the loaded scope.
        consumer, provider = aliased(BacklogItem), aliased(BacklogItem)
        ids = sorted(team_ids)
        stmt = (
            stmt.join(consumer, consumer.id == d.consumer_item_id)
            .outerjoin(provider, provider.id == d.provider_item_id)
            .where(or_(consumer.team_id.in_(ids), provider.team_id.in_(ids)))
        )
    return stmt


def _interactions_stmt(scope: set[int] | None) -> Any:
    i = Interaction
    stmt = select(i.id, i.team_id, i.partner_id, i.mode, i.expected_end, i.ended_on).order_by(i.id)
    if scope is not None:
        ids = sorted(scope)
        stmt = stmt.where(or_(i.team_id.in_(ids), i.partner_id.in_(ids)))
    return stmt


async def fetch_snapshot(
    session: AsyncSession, *, today: date, team_ids: set[int] | None = None
) -> SnapshotRows:
    """The rows of the snapshot as of `today`: the whole organisation, or the given teams plus
    every team at the other end of their dependencies and integration points (so timings stay
    right). Only database I/O happens here; `build_input` does the rest."""
    scope = await _scope(session, team_ids) if team_ids is not None else None
    sle = ServiceLevelExpectation
    return SnapshotRows(
        today=today,
        scoped=scope is not None,
        teams=await _rows(
            session,
            select(Team.id, Team.name, Team.framework, Team.group_id, Team.topology)
            .where(_in(Team.id, scope))
            .order_by(Team.id),
        ),
        cadences=await _rows(
            session,
            select(Cadence.team_id, Cadence.length_days, Cadence.anchor, Cadence.effective_from)
            .where(_in(Cadence.team_id, scope))
            .order_by(Cadence.effective_from),
        ),
        sles=await _rows(
            session,
            select(sle.team_id, sle.percentile, sle.days)
            .where(_in(sle.team_id, scope), sle.effective_from <= today)
            .order_by(sle.effective_from),
        ),
        sprints=await _rows(
            session,
            select(Sprint.id, Sprint.team_id, Sprint.start_date, Sprint.end_date).where(
                _in(Sprint.team_id, scope)
            ),
        ),
        items=await _rows(session, _items_stmt(scope)),
        products=tuple(await product_infos(session, today)),
        dependencies=await _rows(session, _dependencies_stmt(team_ids)),
        links=await _rows(
            session,
            select(_link.c.integration_point_id, _link.c.item_id).order_by(_link.c.item_id),
        ),
        points=await _rows(
            session,
            select(IntegrationPoint.id, IntegrationPoint.name, IntegrationPoint.date)
            .where(IntegrationPoint.archived_at.is_(None))
            .order_by(IntegrationPoint.date, IntegrationPoint.id),
        ),
        interactions=await _rows(session, _interactions_stmt(scope)),
    )


def _teams(rows: SnapshotRows) -> list[TeamInfo]:
    cadences: defaultdict[int, list[cal.Cadence]] = defaultdict(list)
    for c in rows.cadences:
        cadences[c.team_id].append(cal.Cadence(c.length_days, c.anchor, c.effective_from))
    sles: dict[int, cal.ServiceLevelExpectation] = {}
    for s in rows.sles:
        sles[s.team_id] = cal.ServiceLevelExpectation(s.percentile, s.days)  # latest wins
    sprints: defaultdict[int, list[cal.SprintSpan]] = defaultdict(list)
    for row in rows.sprints:
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
        for t in rows.teams
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


def _integration_points(
    rows: SnapshotRows, item_ids: set[int] | None
) -> list[IntegrationPointInfo]:
    links: defaultdict[int, list[int]] = defaultdict(list)
    for point_id, item_id in rows.links:
        if item_ids is None or item_id in item_ids:
            links[point_id].append(item_id)
    return [
        IntegrationPointInfo(p.id, p.name, p.date, tuple(links[p.id]))
        for p in rows.points
        if item_ids is None or links[p.id]
    ]


def build_input(rows: SnapshotRows) -> AnalysisInput:
    """The engine's input from the fetched rows (pure CPU: sprint spans, infos, the index)."""
    teams = _teams(rows)
    spans = {span.ref: span for team in teams for span in team.sprints if span.ref is not None}
    items = _items(rows.items, spans)
    item_ids = {item.id for item in items} if rows.scoped else None
    return AnalysisInput(
        today=rows.today,
        teams=tuple(teams),
        items=tuple(items),
        products=tuple(rows.products),
        dependencies=tuple(_dependency_info(d) for d in rows.dependencies),
        integration_points=tuple(_integration_points(rows, item_ids)),
        interactions=tuple(_interaction_info(i) for i in rows.interactions),
    )


async def load_analysis_input(
    session: AsyncSession, *, today: date, team_ids: set[int] | None = None
) -> AnalysisInput:
    """The engine's input as of `today` (see `fetch_snapshot`), built in a worker thread."""
    rows = await fetch_snapshot(session, today=today, team_ids=team_ids)
    return await asyncio.to_thread(build_input, rows)


@dataclass(frozen=True, slots=True)
class PatchRows:
    """The rows a change touched since an earlier analysis (see `fetch_patch`)."""

    item_ids: frozenset[int]
    items: Sequence[Any]
    dependency_ids: frozenset[int]
    dependencies: Sequence[Any]
    interactions: Sequence[Any] | None  # None: untouched


async def fetch_patch(session: AsyncSession, changed: Changed) -> PatchRows | None:
    """The touched rows of the whole organisation's snapshot, or None when the change needs a
    whole read: something it cannot name, a table in `WHOLE_READ`, too many rows, or an item
    gone (its dependencies and links may have gone with it without a logged row)."""
    if changed.unknown or any(changed.rows(table) != frozenset() for table in WHOLE_READ):
        return None
    item_ids, dep_ids = changed.rows(ITEMS), changed.rows(DEPENDENCIES)
    if item_ids is None or dep_ids is None:
        return None
    if len(item_ids) + len(dep_ids) > MAX_PATCHED_ROWS:
        return None
    items: Sequence[Any] = ()
    if item_ids:
        items = await _rows(session, _items_stmt(None).where(BacklogItem.id.in_(sorted(item_ids))))
        if len(items) != len(item_ids):
            return None
    deps: Sequence[Any] = ()
    if dep_ids:
        deps = await _rows(
            session, _dependencies_stmt(None).where(Dependency.id.in_(sorted(dep_ids)))
        )
    interactions = None
    if changed.rows(INTERACTIONS) != frozenset():
        interactions = await _rows(session, _interactions_stmt(None))
    return PatchRows(item_ids, items, dep_ids, deps, interactions)


def _dependency_info(d: Any) -> DependencyInfo:
    return DependencyInfo(
        id=d.id,
        consumer_item_id=d.consumer_item_id,
        provider_item_id=d.provider_item_id,
        provider_product_id=d.provider_product_id,
        type=d.type,
        explicit_needed_by=d.needed_by,
        open=d.status is DependencyStatus.OPEN,
    )


def _interaction_info(i: Any) -> InteractionInfo:
    return InteractionInfo(i.id, i.team_id, i.partner_id, i.mode, i.expected_end, i.ended_on)


def apply_patch(previous: AnalysisInput, patch: PatchRows) -> AnalysisInput:
    """``previous`` with the patch's rows swapped in (pure CPU); every untouched row, team,
    product and integration point is the previous one."""
    spans = {s.ref: s for team in previous.teams for s in team.sprints if s.ref is not None}
    items = {info.id: info for info in _items(patch.items, spans)}
    deps = {d.id: _dependency_info(d) for d in patch.dependencies}
    gone = set(patch.dependency_ids) - deps.keys()
    interactions = (
        tuple(_interaction_info(i) for i in patch.interactions)
        if patch.interactions is not None
        else None
    )
    return previous.with_rows(items, deps, frozenset(gone), interactions)


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
