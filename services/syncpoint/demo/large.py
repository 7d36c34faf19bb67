"""A large synthetic organisation, generated deterministically and loaded in bulk.

`syncpoint demo --scale large --seed N` builds the organisation Syncpoint is sized for (500 teams
in 40 value streams, 10,000 people, 100,000 items over a year of sprints, 100,000 dependencies,
20 products with SLAs and a month of measurements, 5,000 open blockers, 30 forums with a year of
meetings) straight into the migrated schema. Rows are generated as plain dicts with their ids
(a pure function of the seed and the date) and inserted table by table with multi-row INSERTs,
so the load takes seconds, not the hours the services would take one object at a time.

Dependencies are clustered the way real organisations are: most stay inside a value stream,
platform teams' items and products are depended on by many, a few cross the organisation, and
a handful of deliberate cycles exist. Providers are ordered before consumers by a noisy rank of
their sprint dates, so most dependencies are on time, some are late, and the item graph is
acyclic apart from the planted cycles.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from syncpoint.blockers.models import (
    BlockerCategory,
    BlockerEventKind,
    BlockerSeverity,
    BlockerStatus,
    EscalationLevel,
)
from syncpoint.cadence.models import SprintState
from syncpoint.dependencies.models import DependencyStatus
from syncpoint.products.models import (
    BudgetingMethod,
    IndicatorKind,
    ProductKind,
    ThresholdOperator,
    WindowType,
)
from syncpoint.teams.models import Framework, GroupKind, MembershipRole, Topology
from syncpoint.work.models import ItemKind, ItemStatus

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Scale:
    """How big an organisation to generate; the other sizes follow the number of teams."""

    teams: int = 500
    groups: int = 40
    people_per_team: int = 20
    items_per_team: int = 200
    dependencies_per_team: int = 200
    products: int = 20
    open_blockers: int = 5_000
    forums: int = 30
    integration_points: int = 50

    @classmethod
    def for_teams(cls, teams: int) -> Scale:
        """A scale of `teams` teams keeping the large organisation's proportions."""
        ratio = teams / 500
        return cls(
            teams=teams,
            groups=max(1, round(40 * ratio)),
            products=max(2, round(20 * ratio)),
            open_blockers=max(10, round(5_000 * ratio)),
            forums=max(1, round(30 * ratio)),
            integration_points=max(2, round(50 * ratio)),
        )


LARGE = Scale()
SPRINT_LENGTHS = (14, 14, 14, 14, 14, 14, 7, 21, 10)
KIND_WEIGHTS = {
    ItemKind.ENGINEERING: 35,
    ItemKind.DATA: 25,
    ItemKind.EXPERIMENT: 20,
    ItemKind.SPIKE: 8,
    ItemKind.TECH_DEBT: 12,
}


@dataclass
class LargeOrg:
    """Generated rows by table name, in an order that respects foreign keys."""

    tables: dict[str, list[Row]] = field(default_factory=dict)

    def add(self, table: str, row: Row) -> int:
        rows = self.tables.setdefault(table, [])
        row.setdefault("id", len(rows) + 1)
        rows.append(row)
        return int(row["id"])

    def count(self, table: str) -> int:
        return len(self.tables.get(table, []))

    def summary(self) -> str:
        names = ("teams", "people", "backlog_items", "dependencies", "blockers", "meetings")
        return ", ".join(f"{self.count(n):,} {n.replace('_', ' ')}" for n in names)


@dataclass
class _Team:
    id: int
    group: int
    topology: Topology
    framework: Framework
    length: int
    anchor: date
    prefix: str
    sprints: list[tuple[int, date, date]] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    items: list[int] = field(default_factory=list)


def _stamp(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Builder:
    def __init__(self, scale: Scale, seed: int, today: date) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today
        self.start = today - timedelta(days=273)  # nine months back, three ahead: a year
        self.end = today + timedelta(days=92)
        self.org = LargeOrg()
        self.teams: list[_Team] = []
        self.now = _stamp(today)

    def build(self) -> LargeOrg:
        self._groups_and_teams()
        self._people()
        self._sprints()
        self._items()
        self._products()
        self._dependencies()
        self._integration_points()
        self._blockers()
        self._forums()
        return self.org

    def _groups_and_teams(self) -> None:
        org = self.org
        root = org.add(
            "groups",
            {
                "slug": "org",
                "name": "Large Organisation",
                "kind": GroupKind.ORGANISATION,
                "description": "Synthetic organisation for scale tests",
                "parent_id": None,
            },
        )
        groups = [
            org.add(
                "groups",
                {
                    "slug": f"vs-{g:02d}",
                    "name": f"Value stream {g:02d}",
                    "kind": GroupKind.VALUE_STREAM,
                    "description": "",
                    "parent_id": root,
                },
            )
            for g in range(1, self.scale.groups + 1)
        ]
        for index in range(self.scale.teams):
            group = groups[index % len(groups)]
            position = index // len(groups)
            topology = (
                Topology.PLATFORM
                if position == 0
                else Topology.ENABLING
                if position == 1 and index % 3 == 0
                else Topology.COMPLICATED_SUBSYSTEM
                if position == 2 and index % 4 == 0
                else Topology.STREAM_ALIGNED
            )
            roll = self.rng.random()
            framework = (
                Framework.KANBAN
                if roll < 0.1 or topology is Topology.ENABLING
                else Framework.HYBRID
                if roll < 0.2
                else Framework.SCRUM
            )
            slug = f"team-{index + 1:03d}"
            team_id = org.add(
                "teams",
                {
                    "slug": slug,
                    "name": f"Team {index + 1:03d}",
                    "group_id": group,
                    "topology": topology,
                    "framework": framework,
                    "focus": f"Synthetic {topology.value.lower()} team",
                    "channels": [f"#{slug}"],
                    "daily_sync_time": time(9, 30),
                    "time_zone": "UTC",
                    "ways_of_working": "",
                },
            )
            length = self.rng.choice(SPRINT_LENGTHS)
            anchor = self.start + timedelta(days=self.rng.randrange(length))
            self.teams.append(
                _Team(team_id, group, topology, framework, length, anchor, f"T{index + 1:03d}")
            )

    def _people(self) -> None:
        roles = list(MembershipRole)
        for team in self.teams:
            for k in range(self.scale.people_per_team):
                n = self.org.count("people") + 1
                person = self.org.add(
                    "people",
                    {
                        "name": f"Person {n:05d}",
                        "email": f"person{n:05d}@large.example",
                        "title": "",
                    },
                )
                role = (
                    MembershipRole.PRODUCT_OWNER
                    if k == 0
                    else MembershipRole.SCRUM_MASTER
                    if k == 1
                    else roles[2 + (n % (len(roles) - 2))]
                )
                self.org.add(
                    "memberships",
                    {
                        "person_id": person,
                        "team_id": team.id,
                        "role": role,
                        "started_on": self.start,
                        "ended_on": None,
                    },
                )
                team.people.append(person)

    def _sprints(self) -> None:
        for team in self.teams:
            if team.framework is Framework.KANBAN:
                self.org.add(
                    "service_level_expectations",
                    {
                        "team_id": team.id,
                        "percentile": 85,
                        "days": self.rng.choice((5, 10, 15)),
                        "effective_from": self.start,
                        "created_at": self.now,
                    },
                )
                continue
            self.org.add(
                "cadences",
                {
                    "team_id": team.id,
                    "length_days": team.length,
                    "anchor": team.anchor,
                    "effective_from": team.anchor,
                    "created_at": self.now,
                    "created_by_id": None,
                },
            )
            start = team.anchor
            while start <= self.end:
                end = start + timedelta(days=team.length - 1)
                state = (
                    SprintState.CLOSED
                    if end < self.today
                    else SprintState.ACTIVE
                    if start <= self.today
                    else SprintState.PLANNED
                )
                sprint = self.org.add(
                    "sprints",
                    {
                        "team_id": team.id,
                        "start_date": start,
                        "end_date": end,
                        "explicit": False,
                        "name": "",
                        "goal": "",
                        "state": state,
                        "closed_at": _stamp(end + timedelta(days=1))
                        if state is SprintState.CLOSED
                        else None,
                    },
                )
                team.sprints.append((sprint, start, end))
                start = end + timedelta(days=1)

    def _items(self) -> None:
        self.item_team: list[int] = [0]
        self.item_rank: list[float] = [0.0]
        self.item_sprint_start: list[date | None] = [None]
        for team_index, team in enumerate(self.teams):
            for n in range(1, self.scale.items_per_team + 1):
                kind = _weighted(self.rng, KIND_WEIGHTS)
                sprint_id, start, end = None, None, None
                if team.sprints:
                    sprint_id, start, end = team.sprints[
                        min(
                            len(team.sprints) - 1,
                            (n * len(team.sprints)) // (self.scale.items_per_team + 1),
                        )
                    ]
                status = self._status(start, end)
                research = kind in (ItemKind.EXPERIMENT, ItemKind.SPIKE)
                begun = start if start and status is not ItemStatus.READY else None
                item = self.org.add(
                    "backlog_items",
                    {
                        "key": f"{team.prefix}-{n}",
                        "team_id": team.id,
                        "title": f"{kind.value.title()} {n} of {team.prefix}",
                        "description": "",
                        "kind": kind,
                        "status": status,
                        "value": self.rng.randint(1, 10),
                        "effort": self.rng.randint(1, 13),
                        "estimate": float(self.rng.randint(1, 8)),
                        "hypothesis": "It improves the metric"
                        if kind is ItemKind.EXPERIMENT
                        else None,
                        "evaluation_method": "Offline holdout"
                        if kind is ItemKind.EXPERIMENT
                        else None,
                        "time_cap_days": self.rng.choice((5, 10, 15)) if research else None,
                        "started_on": begun,
                        "finished_on": end if status is ItemStatus.DONE else None,
                        "sprint_id": sprint_id,
                        "carry_over_count": 0,
                        "product_id": None,
                    },
                )
                team.items.append(item)
                self.item_team.append(team_index)
                anchor_day = (start or self.today) - self.start
                self.item_rank.append(anchor_day.days + self.rng.uniform(-21, 7))
                self.item_sprint_start.append(start)

    def _status(self, start: date | None, end: date | None) -> ItemStatus:
        if start is None or end is None:
            return self.rng.choice((ItemStatus.BACKLOG, ItemStatus.READY, ItemStatus.IN_PROGRESS))
        if end < self.today:
            return ItemStatus.DONE if self.rng.random() < 0.92 else ItemStatus.DROPPED
        if start <= self.today:
            return ItemStatus.IN_PROGRESS if self.rng.random() < 0.7 else ItemStatus.READY
        return ItemStatus.READY if self.rng.random() < 0.5 else ItemStatus.BACKLOG

    def _products(self) -> None:
        platforms = [t for t in self.teams if t.topology is Topology.PLATFORM] or self.teams[:1]
        kinds = list(ProductKind)
        self.products: list[tuple[int, _Team]] = []
        for p in range(self.scale.products):
            owner = platforms[p % len(platforms)]
            kind = kinds[p % len(kinds)]
            product = self.org.add(
                "products",
                {
                    "slug": f"product-{p + 1:02d}",
                    "name": f"{kind.value.title()} {p + 1:02d}",
                    "kind": kind,
                    "description": "",
                    "owner_team_id": owner.id,
                    "capacity_units": 64 if kind is ProductKind.COMPUTE else None,
                },
            )
            self.products.append((product, owner))
            for consumer in self.rng.sample(self.teams, min(50, len(self.teams))):
                if consumer.id != owner.id:
                    self.org.add(
                        "product_subscriptions",
                        {
                            "product_id": product,
                            "team_id": consumer.id,
                            "since": self.start,
                            "until": None,
                            "created_by_id": None,
                        },
                    )
            self._sla(product)

    def _sla(self, product: int) -> None:
        version = self.org.add(
            "sla_versions",
            {
                "product_id": product,
                "number": 1,
                "published_at": _stamp(self.start),
                "published_by_id": None,
                "notes": "Initial SLA",
                "source": "GRAPHQL",
                "triage_days": 2,
                "delivery_days": None,
                "delivery_sprints": 2,
            },
        )
        objectives = (
            ("availability", IndicatorKind.AVAILABILITY, 0.995, None, None),
            ("freshness", IndicatorKind.FRESHNESS, 0.95, 60.0, ThresholdOperator.LTE),
        )
        for position, (key, indicator, target, threshold, operator) in enumerate(objectives):
            self.org.add(
                "slo_objectives",
                {
                    "sla_version_id": version,
                    "objective_key": key,
                    "position": position,
                    "name": key.title(),
                    "description": "",
                    "indicator": indicator,
                    "target": target,
                    "threshold": threshold,
                    "operator": operator,
                    "unit": "minutes" if threshold else None,
                    "percentile": None,
                    "window_days": 28,
                    "window_type": WindowType.ROLLING,
                    "calendar_start": None,
                    "calendar_time_zone": None,
                    "budgeting_method": BudgetingMethod.OCCURRENCES,
                    "timeslice_target": None,
                    "timeslice_minutes": None,
                },
            )
            for day in range(30):
                observed = _stamp(self.today - timedelta(days=30 - day))
                total = 10_000
                good = total - self.rng.randint(0, 80 if key == "availability" else 800)
                self.org.add(
                    "sli_measurements",
                    {
                        "product_id": product,
                        "objective_key": key,
                        "observed_at": observed,
                        "good": good,
                        "total": total,
                        "value": None,
                        "client_key": f"large-{product}-{key}-{day}",
                        "recorded_at": observed,
                        "recorded_by_id": None,
                    },
                )

    def _dependencies(self) -> None:
        by_group: dict[int, list[int]] = defaultdict(list)
        platform_items: list[int] = []
        for team in self.teams:
            by_group[team.group].extend(team.items)
            if team.topology is Topology.PLATFORM:
                platform_items.extend(team.items)
        all_items = range(1, self.org.count("backlog_items") + 1)
        target = self.scale.dependencies_per_team * self.scale.teams
        seen: set[tuple[int, int]] = set()
        product_deps = 0
        while self.org.count("dependencies") < target:
            consumer = self.rng.randrange(1, len(self.item_team))
            roll = self.rng.random()
            team = self.teams[self.item_team[consumer]]
            if roll < 0.02 and self.products:
                product, _owner = self.rng.choice(self.products)
                self._dependency(consumer, None, product)
                product_deps += 1
                continue
            pool: Any = (
                by_group[team.group]
                if roll < 0.75
                else platform_items
                if roll < 0.93 and platform_items
                else all_items
            )
            provider = self.rng.choice(pool)
            # Providers come before consumers in the noisy rank: acyclic but for planted cycles.
            if provider == consumer or self.item_rank[provider] >= self.item_rank[consumer]:
                continue
            if (provider, consumer) in seen:
                continue
            seen.add((provider, consumer))
            self._dependency(consumer, provider, None)
        self._plant_cycles()

    def _dependency(self, consumer: int, provider: int | None, product: int | None) -> None:
        kind = self.rng.choices(("BLOCKING", "SLOWING", "OK"), weights=(50, 35, 15))[0]
        dep = self.org.add(
            "dependencies",
            {
                "consumer_item_id": consumer,
                "provider_item_id": provider,
                "provider_product_id": product,
                "type": kind,
                "status": DependencyStatus.OPEN,
                "needed_by": None,
                "description": "",
                "created_by_id": None,
            },
        )
        if product is not None:
            self.org.add(
                "product_requests",
                {
                    "dependency_id": dep,
                    "product_id": product,
                    "triaged_at": None,
                    "triaged_by_id": None,
                    "triage_note": "",
                    "delivered_at": None,
                    "delivered_by_id": None,
                    "delivery_note": "",
                },
            )

    def _plant_cycles(self) -> None:
        for _ in range(5):
            ring = self.rng.sample(range(1, len(self.item_team)), 3)
            for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
                self._dependency(b, a, None)

    def _integration_points(self) -> None:
        for n in range(self.scale.integration_points):
            day = self.today + timedelta(days=self.rng.randrange(7, 90))
            point = self.org.add(
                "integration_points",
                {"name": f"Launch {n + 1:02d}", "date": day, "description": ""},
            )
            for item in self.rng.sample(range(1, len(self.item_team)), 20):
                self.org.add(
                    "integration_point_items",
                    {"integration_point_id": point, "item_id": item},
                )

    def _blockers(self) -> None:
        open_items = [
            i
            for i, row in enumerate(self.org.tables["backlog_items"], start=1)
            if row["status"] in (ItemStatus.IN_PROGRESS, ItemStatus.READY)
        ]
        categories = list(BlockerCategory)
        severities = list(BlockerSeverity)
        for n in range(min(self.scale.open_blockers, len(open_items))):
            item = open_items[(n * 7919) % len(open_items)]
            team = self.teams[self.item_team[item]]
            raised = self.now - timedelta(hours=self.rng.randrange(1, 24 * 30))
            level = self.rng.choices(list(EscalationLevel), weights=(85, 12, 3))[0]
            blocker = self.org.add(
                "blockers",
                {
                    "title": f"Blocked on {team.prefix} work {n + 1}",
                    "description": "",
                    "category": self.rng.choice(categories),
                    "severity": self.rng.choice(severities),
                    "item_id": item,
                    "team_id": team.id,
                    "raised_by_id": team.people[0],
                    "raised_at": raised,
                    "owner_id": team.people[1],
                    "escalation_level": level,
                    "roam": None,
                    "status": BlockerStatus.OPEN,
                    "resolved_at": None,
                    "item_status_before": None,
                    "source_key": None,
                    "forum_id": None,
                    "escalated_at": raised if level is not EscalationLevel.TEAM else None,
                },
            )
            self.org.add(
                "blocker_events",
                {
                    "blocker_id": blocker,
                    "kind": BlockerEventKind.RAISED.value,
                    "field": None,
                    "old_value": None,
                    "new_value": None,
                    "note": "",
                    "actor_id": team.people[0],
                    "at": raised,
                },
            )

    def _forums(self) -> None:
        groups = sorted({team.group for team in self.teams})
        teams_by_group: dict[int, list[_Team]] = defaultdict(list)
        for team in self.teams:
            teams_by_group[team.group].append(team)
        top: int | None = None
        for f in range(self.scale.forums):
            facilitator = self.teams[f % len(self.teams)].people[1]
            forum = self.org.add(
                "forums",
                {
                    "name": f"Scrum of Scrums {f + 1:02d}",
                    "description": "",
                    "facilitator_id": facilitator,
                    "parent_id": top,
                    "meeting_weekdays": ["TUESDAY"],
                    "meeting_time": time(10, 0),
                    "time_zone": "UTC",
                    "duration_minutes": 15,
                },
            )
            top = top or forum
            members = (
                teams_by_group[groups[f % len(groups)]]
                if f
                else [teams_by_group[g][0] for g in groups if teams_by_group[g]]
            )
            for team in members:
                self.org.add(
                    "forum_members",
                    {
                        "forum_id": forum,
                        "team_id": team.id,
                        "representative_id": team.people[0],
                        "added_on": self.start,
                        "removed_on": None,
                    },
                )
            day = self.start + timedelta(days=(1 - self.start.weekday()) % 7)
            while day < self.today:
                self.org.add(
                    "meetings",
                    {"forum_id": forum, "date": day, "held_by_id": facilitator, "agenda": {}},
                )
                day += timedelta(days=7)


def generate(scale: Scale, seed: int, today: date) -> LargeOrg:
    """The rows of a synthetic organisation: the same for the same scale, seed and date."""
    return _Builder(scale, seed, today).build()


def chunks(rows: list[Row], size: int) -> Iterator[list[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


Progress = Callable[[str, int], None]


async def load_large(session: Any, org: LargeOrg, progress: Progress | None = None) -> None:
    """Insert the generated rows table by table (foreign keys first): COPY on PostgreSQL,
    multi-row INSERTs elsewhere; then move PostgreSQL's id sequences past the ids given."""
    from sqlalchemy import insert, text

    from syncpoint.models_registry import Base

    postgres = session.bind.dialect.name == "postgresql"
    for table in Base.metadata.sorted_tables:
        rows = org.tables.get(table.name)
        if not rows:
            continue
        for part in chunks(rows, 20_000 if postgres else 5_000):
            if postgres:
                await _copy(session, table, part)
            else:
                await session.execute(insert(table), part)
            if progress is not None:
                progress(table.name, len(part))
        if postgres and "id" in table.columns:
            await session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT max(id) FROM {table.name}))"
                )
            )


async def _copy(session: Any, table: Any, rows: list[Row]) -> None:
    """COPY rows into `table` on the session's own connection (so in its transaction), with
    the columns' Python-side defaults filled in as INSERT would."""
    import json
    from enum import Enum

    from sqlalchemy import JSON

    columns = list(table.columns)
    defaults: dict[str, Any] = {}
    for column in columns:
        if column.default is not None and column.name not in rows[0]:
            arg = column.default.arg
            defaults[column.name] = arg(None) if callable(arg) else arg

    def encode(column: Any, value: Any) -> Any:
        if isinstance(column.type, JSON):
            return json.dumps(value)
        return value.value if isinstance(value, Enum) else value

    names = [c.name for c in columns if c.name in rows[0] or c.name in defaults]
    chosen = [c for c in columns if c.name in names]
    records = [
        tuple(encode(c, row.get(c.name, defaults.get(c.name))) for c in chosen) for row in rows
    ]
    from syncpoint.core.data_version import mark_written

    mark_written(session)  # COPY bypasses the session: its commit must still bump the version
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(table.name, records=records, columns=names)
