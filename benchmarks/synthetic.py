"""An enterprise-size organisation built directly as the engine's input (no database).

Deterministic (seeded): teams in value streams of ~10, mostly Scrum with 7/10/14-day cadences and
scattered anchors, some Kanban and hybrid; items planned over the coming quarter; dependencies
mostly inside a value stream with a long tail to platform teams; a few planted cycles.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from syncpoint.analysis.calendar import Cadence, ServiceLevelExpectation, SprintSpan, TeamCalendar
from syncpoint.analysis.model import (
    AnalysisInput,
    DependencyInfo,
    DependencyType,
    Framework,
    IntegrationPointInfo,
    InteractionInfo,
    InteractionMode,
    ItemInfo,
    ItemKind,
    ItemStatus,
    TeamInfo,
)

TODAY = date(2027, 1, 20)
TOPOLOGIES = ("STREAM_ALIGNED", "PLATFORM", "ENABLING", "COMPLICATED_SUBSYSTEM")


@dataclass(frozen=True, slots=True)
class Size:
    """How big an organisation to build."""

    teams: int = 300
    items: int = 30_000
    dependencies: int = 20_000
    integration_points: int = 200
    cycles: int = 5


def _team(rng: random.Random, team_id: int) -> TeamInfo:
    roll = rng.random()
    framework = (
        Framework.KANBAN if roll < 0.1 else Framework.HYBRID if roll < 0.2 else Framework.SCRUM
    )
    topology = TOPOLOGIES[0] if rng.random() < 0.7 else rng.choice(TOPOLOGIES[1:])
    cadences: tuple[Cadence, ...] = ()
    sle = None
    if framework is Framework.KANBAN:
        sle = ServiceLevelExpectation(85, rng.choice((5, 10, 15)))
    else:
        length = rng.choice((7, 10, 14, 14, 14))
        anchor = date(2026, 1, 5) + timedelta(days=rng.randrange(14))
        cadences = (Cadence(length, anchor),)
        if rng.random() < 0.1:  # a change of cadence mid-year
            cadences += (Cadence(14, date(2026, 7, 6), date(2026, 7, 6)),)
    return TeamInfo(
        id=team_id,
        name=f"Team {team_id:03d}",
        framework=framework,
        cadences=cadences,
        sle=sle,
        group_id=1 + (team_id - 1) // 10,
        topology=topology,
    )


def _sprints(team: TeamInfo) -> list[SprintSpan]:
    calendar = TeamCalendar(team.cadences, team.sprints)
    return calendar.sprints(TODAY - timedelta(days=14), TODAY + timedelta(days=120))


def _items(rng: random.Random, teams: list[TeamInfo], count: int) -> list[ItemInfo]:
    sprints = {team.id: _sprints(team) for team in teams}
    items = []
    kinds = list(ItemKind)
    statuses = [ItemStatus.BACKLOG, ItemStatus.READY, ItemStatus.IN_PROGRESS, ItemStatus.DONE]
    for item_id in range(1, count + 1):
        team = teams[(item_id - 1) % len(teams)]
        kind = rng.choice(kinds)
        planned = sprints[team.id] and rng.random() < 0.85
        items.append(
            ItemInfo(
                id=item_id,
                team_id=team.id,
                title=f"ITEM-{item_id}",
                kind=kind,
                status=rng.choice(statuses),
                sprint=rng.choice(sprints[team.id]) if planned else None,
                started_on=TODAY - timedelta(days=rng.randrange(40)),
                time_cap_days=rng.choice((10, 20))
                if kind in (ItemKind.EXPERIMENT, ItemKind.SPIKE)
                else None,
            )
        )
    return items


def _dependencies(rng: random.Random, size: Size, items: list[ItemInfo]) -> list[DependencyInfo]:
    by_team: dict[int, list[int]] = {}
    for item in items:
        by_team.setdefault(item.team_id, []).append(item.id)
    platform = [t for t in range(1, size.teams + 1) if t % 10 == 0]
    types = [DependencyType.BLOCKING, DependencyType.SLOWING, DependencyType.OK]
    deps = []
    for dep_id in range(1, size.dependencies + 1):
        consumer = rng.choice(items)
        if rng.random() < 0.3:  # a platform team provides
            provider_team = rng.choice(platform)
        else:  # a team of the same value stream (groups of 10)
            base = (consumer.team_id - 1) // 10 * 10
            provider_team = base + 1 + rng.randrange(min(10, size.teams - base))
        deps.append(
            DependencyInfo(
                id=dep_id,
                consumer_item_id=consumer.id,
                provider_item_id=rng.choice(by_team[provider_team]),
                provider_product_id=None,
                type=rng.choices(types, weights=(5, 3, 2))[0],
                explicit_needed_by=TODAY + timedelta(days=rng.randrange(90))
                if rng.random() < 0.1
                else None,
                open=rng.random() < 0.9,
            )
        )
    return deps


def _cycles(size: Size, items: list[ItemInfo], first_id: int) -> list[DependencyInfo]:
    """Plant small item cycles across teams (each a deadlock the engine must find)."""
    deps = []
    dep_id = first_id
    for c in range(size.cycles):
        ring = [items[(c * 997 + k * 131) % len(items)].id for k in range(3)]
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            deps.append(DependencyInfo(dep_id, b, a, None, DependencyType.BLOCKING))
            dep_id += 1
    return deps


def build(size: Size = Size(), seed: int = 7) -> AnalysisInput:
    """The synthetic organisation as the engine's input."""
    rng = random.Random(seed)
    teams = [_team(rng, team_id) for team_id in range(1, size.teams + 1)]
    items = _items(rng, teams, size.items)
    deps = _dependencies(rng, size, items)
    deps += _cycles(size, items, len(deps) + 1)
    points = [
        IntegrationPointInfo(
            id=ip_id,
            name=f"Milestone {ip_id}",
            date=TODAY + timedelta(days=rng.randrange(15, 120)),
            item_ids=tuple(rng.choice(items).id for _ in range(rng.randrange(5, 20))),
        )
        for ip_id in range(1, size.integration_points + 1)
    ]
    interactions = [
        InteractionInfo(
            id=i,
            team_a_id=rng.randrange(1, size.teams + 1),
            team_b_id=rng.randrange(1, size.teams + 1),
            mode=rng.choice(list(InteractionMode)),
            expected_end=TODAY + timedelta(days=rng.randrange(-60, 60)),
        )
        for i in range(1, size.teams + 1)
    ]
    return AnalysisInput(
        today=TODAY,
        teams=tuple(teams),
        items=tuple(items),
        dependencies=tuple(deps),
        integration_points=tuple(points),
        interactions=tuple(interactions),
    )
