"""Input of the analysis engine: plain frozen dataclasses, loaded by the caller from the database.

``AnalysisInput`` builds its lookup indexes once at construction so every rule does O(1) lookups.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Protocol, TypeVar

from syncpoint.analysis.calendar import Cadence, ServiceLevelExpectation, SprintSpan, TeamCalendar


class Framework(enum.StrEnum):
    """How a team plans its work."""

    SCRUM = "SCRUM"
    KANBAN = "KANBAN"
    HYBRID = "HYBRID"


class ItemKind(enum.StrEnum):
    """What kind of backlog item."""

    DATA = "DATA"
    EXPERIMENT = "EXPERIMENT"
    SPIKE = "SPIKE"
    ENGINEERING = "ENGINEERING"
    TECH_DEBT = "TECH_DEBT"


class ItemStatus(enum.StrEnum):
    """Where a backlog item stands."""

    BACKLOG = "BACKLOG"
    READY = "READY"
    IN_PROGRESS = "IN_PROGRESS"
    BLOCKED = "BLOCKED"
    DONE = "DONE"
    DROPPED = "DROPPED"


class DependencyType(enum.StrEnum):
    """How badly the consumer is hurt if the provider is late."""

    BLOCKING = "BLOCKING"
    SLOWING = "SLOWING"
    OK = "OK"


class InteractionMode(enum.StrEnum):
    """Team Topologies interaction modes."""

    COLLABORATION = "COLLABORATION"
    X_AS_A_SERVICE = "X_AS_A_SERVICE"
    FACILITATING = "FACILITATING"


RESEARCH_KINDS = frozenset({ItemKind.EXPERIMENT, ItemKind.SPIKE})
CLOSED_STATUSES = frozenset({ItemStatus.DONE, ItemStatus.DROPPED})


@dataclass(frozen=True, slots=True)
class TeamInfo:
    """A team, its cadences (history included) and its explicit sprints."""

    id: int
    name: str
    framework: Framework
    cadences: tuple[Cadence, ...] = ()
    sle: ServiceLevelExpectation | None = None
    sprints: tuple[SprintSpan, ...] = ()
    group_id: int | None = None
    topology: str = "STREAM_ALIGNED"

    @property
    def plans_in_sprints(self) -> bool:
        """Scrum and hybrid teams count as Scrum for cadence rules."""
        return self.framework is not Framework.KANBAN


@dataclass(frozen=True, slots=True)
class ItemInfo:
    """A backlog item with the sprint it is planned in, already resolved by the caller."""

    id: int
    team_id: int
    title: str
    kind: ItemKind
    status: ItemStatus
    sprint: SprintSpan | None = None
    started_on: date | None = None
    time_cap_days: int | None = None
    product_id: int | None = None


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """A shared product, its owner team and its request-turnaround SLA in days."""

    id: int
    name: str
    owner_team_id: int
    turnaround_days: int | None = None


@dataclass(frozen=True, slots=True)
class DependencyInfo:
    """Consumer item -> provider item, or -> a product (then the product's owner provides)."""

    id: int
    consumer_item_id: int
    provider_item_id: int | None
    provider_product_id: int | None
    type: DependencyType
    explicit_needed_by: date | None = None
    open: bool = True


@dataclass(frozen=True, slots=True)
class IntegrationPointInfo:
    """A dated milestone where the named items of several teams must come together."""

    id: int
    name: str
    date: date
    item_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class InteractionInfo:
    """A Team Topologies interaction between two teams."""

    id: int
    team_a_id: int
    team_b_id: int
    mode: InteractionMode
    expected_end: date | None = None
    ended_on: date | None = None


class Index:
    """O(1) lookups over an ``AnalysisInput``, built once."""

    __slots__ = (
        "teams",
        "items",
        "products",
        "dependencies",
        "integration_points",
        "calendars",
        "deps_by_consumer",
        "deps_by_provider_item",
        "items_by_team",
    )

    def __init__(self, inp: AnalysisInput) -> None:
        self.teams: Mapping[int, TeamInfo] = _by_id(inp.teams)
        self.items: Mapping[int, ItemInfo] = _by_id(inp.items)
        self.products: Mapping[int, ProductInfo] = _by_id(inp.products)
        self.dependencies: Mapping[int, DependencyInfo] = _by_id(inp.dependencies)
        self.integration_points: Mapping[int, IntegrationPointInfo] = _by_id(inp.integration_points)
        self.calendars: Mapping[int, TeamCalendar] = MappingProxyType(
            {t.id: TeamCalendar(t.cadences, t.sprints) for t in inp.teams}
        )
        self.deps_by_consumer: Mapping[int, tuple[DependencyInfo, ...]]
        self.deps_by_provider_item: Mapping[int, tuple[DependencyInfo, ...]]
        self._group_dependencies(inp.dependencies)
        by_team: defaultdict[int, list[ItemInfo]] = defaultdict(list)
        for item in inp.items:
            by_team[item.team_id].append(item)
        self.items_by_team: Mapping[int, tuple[ItemInfo, ...]] = _freeze(by_team)

    def _group_dependencies(self, dependencies: tuple[DependencyInfo, ...]) -> None:
        by_consumer: defaultdict[int, list[DependencyInfo]] = defaultdict(list)
        by_provider: defaultdict[int, list[DependencyInfo]] = defaultdict(list)
        for dep in dependencies:
            by_consumer[dep.consumer_item_id].append(dep)
            if dep.provider_item_id is not None:
                by_provider[dep.provider_item_id].append(dep)
        self.deps_by_consumer = _freeze(by_consumer)
        self.deps_by_provider_item = _freeze(by_provider)

    def keeping(self, dependencies: tuple[DependencyInfo, ...]) -> Index:
        """This index over ``dependencies`` alone (some of its own, as a filtered map draws):
        their entries are built anew; teams, items, products, integration points and
        calendars are shared (the calendars were a third of a rebuilt index)."""
        new = object.__new__(Index)
        shared = ("teams", "items", "products", "integration_points", "calendars", "items_by_team")
        for name in shared:
            setattr(new, name, getattr(self, name))
        new.dependencies = _by_id(dependencies)
        new._group_dependencies(dependencies)
        return new

    def patched(
        self,
        items: Mapping[int, ItemInfo],
        dependencies: Mapping[int, DependencyInfo],
        gone: frozenset[int],
    ) -> Index:
        """This index with ``items`` and ``dependencies`` put in (new or replacing the rows of
        their ids) and the ``gone`` dependencies taken out: only the entries they reach are
        rebuilt; teams, products, integration points and calendars are shared."""
        new = object.__new__(Index)
        for name in ("teams", "products", "integration_points", "calendars"):
            setattr(new, name, getattr(self, name))
        all_items = dict(self.items)
        all_items.update(items)
        new.items = MappingProxyType(all_items)
        all_deps = dict(self.dependencies)
        for dep_id in gone:
            all_deps.pop(dep_id, None)
        all_deps.update(dependencies)
        new.dependencies = MappingProxyType(all_deps)

        by_team = dict(self.items_by_team)
        teams = {i.team_id for i in items.values()}
        teams.update(self.items[i].team_id for i in items if i in self.items)
        for team_id in teams:
            kept = [
                items.get(i.id, i)
                for i in self.items_by_team.get(team_id, ())
                if items.get(i.id, i).team_id == team_id
            ]
            known = {i.id for i in kept}
            kept += sorted(
                (i for i in items.values() if i.team_id == team_id and i.id not in known),
                key=lambda i: i.id,
            )
            by_team[team_id] = tuple(kept)
        new.items_by_team = MappingProxyType(by_team)

        moved = gone | dependencies.keys()
        old = [self.dependencies[d] for d in moved if d in self.dependencies]
        fresh = list(dependencies.values())
        new.deps_by_consumer = _regrouped(
            self.deps_by_consumer, moved, old, fresh, lambda d: d.consumer_item_id
        )
        new.deps_by_provider_item = _regrouped(
            self.deps_by_provider_item, moved, old, fresh, lambda d: d.provider_item_id
        )
        return new

    def provider_team_id(self, dep: DependencyInfo) -> int | None:
        """The team that delivers: the provider item's team, else the product's owner team."""
        if dep.provider_item_id is not None and dep.provider_item_id in self.items:
            return self.items[dep.provider_item_id].team_id
        if dep.provider_product_id is not None and dep.provider_product_id in self.products:
            return self.products[dep.provider_product_id].owner_team_id
        return None

    def consumer_team_id(self, dep: DependencyInfo) -> int | None:
        """The consumer item's team, or None when the item is not in the input."""
        item = self.items.get(dep.consumer_item_id)
        return item.team_id if item is not None else None

    def team_name(self, team_id: int | None) -> str:
        """A team's name for messages, with a readable fallback for unknown ids."""
        team = self.teams.get(team_id) if team_id is not None else None
        return team.name if team is not None else f"team {team_id}"


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


_Row = TypeVar("_Row", bound=_HasId)
_T = TypeVar("_T")


def _by_id(rows: tuple[_Row, ...]) -> Mapping[int, _Row]:
    return MappingProxyType({row.id: row for row in rows})


def _regrouped(
    groups: Mapping[int, tuple[DependencyInfo, ...]],
    moved: AbstractSet[int],
    old: list[DependencyInfo],
    fresh: list[DependencyInfo],
    key: Callable[[DependencyInfo], int | None],
) -> Mapping[int, tuple[DependencyInfo, ...]]:
    """``groups`` with the ``moved`` dependencies' old rows out and their ``fresh`` rows in
    (dependencies keep their id order within a group)."""
    found = dict(groups)
    keys = {k for d in (*old, *fresh) if (k := key(d)) is not None}
    for k in keys:
        rows = [d for d in groups.get(k, ()) if d.id not in moved]
        rows += [d for d in fresh if key(d) == k]
        rows.sort(key=lambda d: d.id)
        if rows:
            found[k] = tuple(rows)
        else:
            found.pop(k, None)
    return MappingProxyType(found)


def _freeze(groups: Mapping[int, list[_T]]) -> Mapping[int, tuple[_T, ...]]:
    return MappingProxyType({key: tuple(rows) for key, rows in groups.items()})


@dataclass(frozen=True, slots=True)
class AnalysisInput:
    """Everything the engine looks at, as of ``today`` (the ``asOf`` date of an analysis)."""

    today: date
    teams: tuple[TeamInfo, ...] = ()
    items: tuple[ItemInfo, ...] = ()
    products: tuple[ProductInfo, ...] = ()
    dependencies: tuple[DependencyInfo, ...] = ()
    integration_points: tuple[IntegrationPointInfo, ...] = ()
    interactions: tuple[InteractionInfo, ...] = ()
    index: Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Callers often pass lists; store tuples so the input stays immutable.
        for name in (
            "teams",
            "items",
            "products",
            "dependencies",
            "integration_points",
            "interactions",
        ):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "index", Index(self))

    def with_rows(
        self,
        items: Mapping[int, ItemInfo],
        dependencies: Mapping[int, DependencyInfo],
        gone: frozenset[int],
        interactions: tuple[InteractionInfo, ...] | None = None,
    ) -> AnalysisInput:
        """This input with ``items`` and ``dependencies`` put in by id, the ``gone``
        dependencies taken out and, if given, the interactions replaced; its index is patched,
        not rebuilt (see `Index.patched`)."""
        new = object.__new__(AnalysisInput)
        put = object.__setattr__
        put(new, "today", self.today)
        put(new, "teams", self.teams)
        put(new, "items", _with(self.items, dict(items), frozenset()))
        put(new, "products", self.products)
        put(new, "dependencies", _with(self.dependencies, dict(dependencies), gone))
        put(new, "integration_points", self.integration_points)
        put(new, "interactions", interactions if interactions is not None else self.interactions)
        put(new, "index", self.index.patched(items, dependencies, gone))
        return new

    def keeping(self, dependencies: Iterable[DependencyInfo]) -> AnalysisInput:
        """This input with only ``dependencies`` (some of its own, in its order): what a map
        filtered by flags or dates is drawn from; its index is narrowed, not rebuilt (see
        `Index.keeping`)."""
        new = object.__new__(AnalysisInput)
        put = object.__setattr__
        for name in ("today", "teams", "items", "products", "integration_points", "interactions"):
            put(new, name, getattr(self, name))
        kept = tuple(dependencies)
        put(new, "dependencies", kept)
        put(new, "index", self.index.keeping(kept))
        return new


def _with(rows: tuple[_Row, ...], new: dict[int, _Row], gone: frozenset[int]) -> tuple[_Row, ...]:
    """``rows`` with the ``new`` ones in place (by id), ``gone`` removed, the rest appended in id
    order."""
    kept = [new.pop(r.id, r) for r in rows if r.id not in gone] if new or gone else list(rows)
    return (*kept, *sorted(new.values(), key=lambda r: r.id))
