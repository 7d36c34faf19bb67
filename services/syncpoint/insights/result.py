"""The engine's result for one organisation snapshot and day: every flag, and the graph
questions (map, blast radius, critical path, cycles) answered from it.

`analyse` is pure and runs in a worker thread (see `insights.analyses`): it also builds what
later questions read (the item graph, flags by dependency, cycle components), so a request
answering from a cached result never does engine work on the event loop.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any

import networkx as nx
from strawberry import relay

from syncpoint.analysis.flag_types import sort_flags
from syncpoint.analysis.flags import (
    Flag,
    FlagCode,
    Severity,
    SubjectKind,
    TeamReadiness,
    evaluate,
    integration_point_risk,
)
from syncpoint.analysis.graph import (
    BlastRadius,
    DependencyMap,
    MapLevel,
    PathStep,
    betweenness_of,
    blast_radius,
    critical_path,
    dependency_flag_codes,
    dependency_map,
    item_graph,
    patch_team_graph,
    redraw_team_map,
    team_graph,
)
from syncpoint.analysis.incremental import Changes, changes, reevaluate, reevaluated_dependencies
from syncpoint.analysis.model import AnalysisInput, DependencyInfo, IntegrationPointInfo
from syncpoint.analysis.timing import dependency_needed_by
from syncpoint.core.errors import NotFoundError


def global_id(type_name: str, ident: int) -> str:
    """The global id clients know an object by (errors never show raw database ids)."""
    return str(relay.GlobalID(type_name, str(ident)))


@dataclass(frozen=True, slots=True)
class MapFilter:
    """Which dependencies a map draws. ``None`` everywhere means the whole organisation.

    - ``team_ids``: edges touching these teams (and the teams at their other end);
    - ``start``/``end``: dependencies whose needed-by date lies in the window (both inclusive;
      an undated dependency is left out once either bound is given);
    - ``codes``: dependencies carrying at least one of these flags (CYCLE: the dependency lies
      on an item-level cycle; INTEGRATION_AT_RISK and OVERRUN concern no dependency).
    """

    team_ids: frozenset[int] | None = None
    start: date | None = None
    end: date | None = None
    codes: frozenset[FlagCode] | None = None


@dataclass(frozen=True, slots=True)
class FlagCriteria:
    """Which flags to list; each given criterion must hold (``None``: no restriction)."""

    codes: frozenset[FlagCode] | None = None
    severities: frozenset[Severity] | None = None
    team_ids: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class IntegrationRisk:
    """Readiness of every participating team plus every flag raised on the integration point."""

    integration_point: IntegrationPointInfo
    teams: list[TeamReadiness]
    flags: list[Flag]


# Above this share of dependencies with flags worked out again, a later analysis builds its
# team graph and map anew instead of patching an earlier one's.
_REDRAW_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class _Redraw:
    """What an earlier analysis of the same dependency graph (same day, a change that moved no
    dependency, item status, team or title) leaves a later one to patch instead of building for
    every dependency: its team graph with the flags it counted, its whole team map when drawn,
    and the dependencies whose flags may differ since."""

    team_graph: nx.DiGraph | None
    flags_by_dependency: Mapping[int, Sequence[Flag]] | None
    whole_map: DependencyMap | None
    changed: frozenset[int]


class Analysis:
    """The engine's result for one ``asOf``: every flag, and graph questions answered lazily."""

    def __init__(self, inp: AnalysisInput, flags: list[Flag]) -> None:
        self.inp = inp
        self.flags = flags
        # The data version this was computed at (set by `insights.analyses`; None: unknown).
        self.data_version: Hashable | None = None
        # An earlier analysis's team graph and map to patch (`inherit_structure`); let go once
        # this one has drawn its own.
        self._redraw: _Redraw | None = None

    @property
    def as_of(self) -> date:
        """The day the analysis was computed for."""
        return self.inp.today

    @cached_property
    def flags_by_dependency(self) -> dict[int, list[Flag]]:
        """Flags about dependencies, by dependency id, most severe first."""
        return dependency_flag_codes(self.flags)

    @cached_property
    def item_graph(self) -> nx.DiGraph:
        """Item graph of open dependencies (provider -> consumer), built once."""
        return item_graph(self.inp)

    @cached_property
    def team_graph(self) -> nx.DiGraph:
        """Team graph of open dependencies with counts and flag codes, built once (the map of
        the whole organisation and every team-filtered map read it); patched from an earlier
        analysis's when `inherit_structure` left one."""
        base = self._redraw
        if base is None or base.team_graph is None or base.flags_by_dependency is None:
            return team_graph(self.inp, self.flags, by_dependency=self.flags_by_dependency)
        graph = patch_team_graph(
            base.team_graph,
            self.inp,
            base.flags_by_dependency,
            self.flags_by_dependency,
            base.changed,
        )
        self._redraw = replace(base, team_graph=None, flags_by_dependency=None)
        return graph

    @cached_property
    def _whole_team_map(self) -> DependencyMap:
        """The team map of the whole organisation, drawn once; patched from an earlier
        analysis's when `inherit_structure` left one (a sprint move redraws a few edges, not
        25,000)."""
        teams = self.team_graph
        base, self._redraw = self._redraw, None
        if base is not None and base.whole_map is not None:
            return redraw_team_map(
                base.whole_map, self.inp, teams, self.flags_by_dependency, base.changed
            )
        return dependency_map(
            self.inp,
            self.flags,
            MapLevel.TEAM,
            teams=teams,
            betweenness=self.betweenness,
            by_dependency=self.flags_by_dependency,
        )

    @cached_property
    def betweenness(self) -> dict[Any, float]:
        """Betweenness of every team in `team_graph` (the bottlenecks' tie-break)."""
        return betweenness_of(self.team_graph)

    def inherit_structure(self, previous: Analysis, changed: frozenset[int]) -> None:
        """Take the graphs of `previous` (an earlier version whose change left the dependency
        graph as it was: no dependency, item status, team or title changed), instead of
        building them again. ``changed``: the dependencies whose flags were worked out again.
        The team graph and the whole team map carry flags: they are patched for those
        dependencies when first read (from the newest version that built them)."""
        self.__dict__["item_graph"] = previous.item_graph
        if "_cycle_component" in previous.__dict__:  # strongly connected components of it
            self.__dict__["_cycle_component"] = previous.__dict__["_cycle_component"]
        if "betweenness" in previous.__dict__:
            self.__dict__["betweenness"] = previous.__dict__["betweenness"]
        self._redraw = previous._redraw_base(changed)

    def _redraw_base(self, changed: frozenset[int]) -> _Redraw | None:
        """What a later analysis patches, ``changed`` being what its change re-evaluated: this
        one's team graph and map if built, else what this one was left and has not used."""
        own = self.__dict__
        if "team_graph" in own:
            base = _Redraw(
                own["team_graph"], self.flags_by_dependency, own.get("_whole_team_map"), changed
            )
        elif self._redraw is not None:
            base = replace(self._redraw, changed=self._redraw.changed | changed)
        else:
            return None
        if len(base.changed) > _REDRAW_SHARE * max(len(self.inp.dependencies), 1):
            return None
        return base

    def teams_in_groups(self, group_ids: Iterable[int]) -> frozenset[int]:
        """Ids of the teams belonging to any of the groups."""
        wanted = set(group_ids)
        return frozenset(t.id for t in self.inp.teams if t.group_id in wanted)

    def dependency_flags(self, dependency_id: int) -> list[Flag]:
        """Flags of one dependency, most severe first, with the CYCLE flag of the item cycle it
        lies on (the flag ``flags(...)`` lists); NOT_FOUND when it is unknown."""
        dep = self.inp.index.dependencies.get(dependency_id)
        if dep is None:
            raise NotFoundError(
                f"Dependency {global_id('Dependency', dependency_id)} does not exist.", field="id"
            )
        found = list(self.flags_by_dependency.get(dependency_id, ()))
        cycle = self._cycle_flag(dep)
        return sort_flags([*found, cycle]) if cycle is not None else found

    def prepare(self) -> Analysis:
        """Build now what later questions read (call it off the event loop)."""
        _ = self.flags_by_dependency, self._cycle_flags
        return self

    def integration_risk(self, integration_point_id: int) -> IntegrationRisk:
        """Per-team readiness for an integration point and the flags raised on it."""
        ip = self._integration_point(integration_point_id)
        flags = [
            f
            for f in self.flags
            if f.subject_kind is SubjectKind.INTEGRATION_POINT and f.subject_id == ip.id
        ]
        return IntegrationRisk(ip, integration_point_risk(self.inp, ip), flags)

    def blast_radius(self, item_id: int) -> BlastRadius:
        """All transitive consumers of an item and their teams."""
        if item_id not in self.inp.index.items:
            raise NotFoundError(
                f"Backlog item {global_id('BacklogItem', item_id)} does not exist.", field="itemId"
            )
        return blast_radius(self.inp, item_id, self.item_graph)

    def critical_path(
        self, integration_point_id: int
    ) -> tuple[IntegrationPointInfo, list[PathStep]]:
        """The integration point and its critical path (longest chain of open dependencies)."""
        ip = self._integration_point(integration_point_id, field="integrationPointId")
        return ip, critical_path(self.inp, ip.id, self.item_graph)

    def select_flags(self, flt: FlagCriteria) -> list[Flag]:
        """The flags matching a filter, in the engine's order (most severe first)."""
        return [
            f
            for f in self.flags
            if (flt.codes is None or f.code in flt.codes)
            and (flt.severities is None or f.severity in flt.severities)
            and (flt.team_ids is None or not flt.team_ids.isdisjoint(f.team_ids))
        ]

    def dependency_map(self, level: MapLevel, flt: MapFilter) -> DependencyMap:
        """The map at team or item level over the dependencies the filter keeps."""
        inp = self.inp
        team_ids = sorted(flt.team_ids) if flt.team_ids is not None else None
        if flt.start is not None or flt.end is not None or flt.codes is not None:
            kept = self._kept(flt)
            return dependency_map(
                inp.keeping(kept),
                self.flags,
                level,
                team_ids,
                by_dependency=self.flags_by_dependency,
            )
        if level is MapLevel.TEAM and team_ids is None:
            return self._whole_team_map
        # Every dependency kept: the graphs built once for this analysis are the map's.
        return dependency_map(
            inp,
            self.flags,
            level,
            team_ids,
            teams=self.team_graph,
            items=self.item_graph,
            betweenness=self.betweenness,
            by_dependency=self.flags_by_dependency,
        )

    def team_edge_severity(self) -> dict[tuple[int, int], Severity]:
        """Severity of the worst flag raised on the open dependencies of each (provider team,
        consumer team) pair (team-level CYCLE flags are not about dependencies: see the map)."""
        worst: dict[tuple[int, int], Severity] = {}
        index = self.inp.index
        for dep in self.inp.dependencies:
            flags = self.flags_by_dependency.get(dep.id)
            provider, consumer = index.provider_team_id(dep), index.consumer_team_id(dep)
            if not dep.open or not flags or provider is None or consumer is None:
                continue
            _raise(worst, (provider, consumer), flags[0].severity)
        return worst

    def _kept(self, flt: MapFilter) -> tuple[DependencyInfo, ...]:
        """The dependencies a filtered map draws, in the input's order: those carrying one of
        the filter's codes (CYCLE: or lying on an item-level cycle), needed within its window."""
        deps: Iterable[DependencyInfo] = self.inp.dependencies
        if flt.codes is not None:
            # the flagged ones looked up by code, not every dependency's flags gathered
            by_code = self._dependencies_by_code
            ids = set().union(*(by_code.get(code, ()) for code in flt.codes))
            cycles = FlagCode.CYCLE in flt.codes
            deps = [d for d in deps if d.id in ids or (cycles and self._on_item_cycle(d))]
        if flt.start is None and flt.end is None:
            return tuple(deps)
        return tuple(d for d in deps if self._needed_within(d, flt.start, flt.end))

    @cached_property
    def _dependencies_by_code(self) -> dict[FlagCode, frozenset[int]]:
        """Ids of the dependencies each flag code is raised on."""
        found: dict[FlagCode, set[int]] = {}
        for dep_id, flags in self.flags_by_dependency.items():
            for flag in flags:
                found.setdefault(flag.code, set()).add(dep_id)
        return {code: frozenset(ids) for code, ids in found.items()}

    @cached_property
    def _needed_by(self) -> dict[int, date | None]:
        """Each dependency's needed-by date, worked out once for every window asked: the date
        alone, not the dependency's whole timing (the provider's availability took 2-3 s over
        the 100,000 dependencies of a window filter; the dates alone ~0.15 s)."""
        inp = self.inp
        return {dep.id: dependency_needed_by(inp, dep) for dep in inp.dependencies}

    def _needed_within(self, dep: DependencyInfo, start: date | None, end: date | None) -> bool:
        needed = self._needed_by[dep.id]
        if needed is None:
            return False
        return (start is None or start <= needed) and (end is None or needed <= end)

    @cached_property
    def _cycle_component(self) -> dict[object, int]:
        component_of: dict[object, int] = {}
        graph = self.item_graph
        for i, component in enumerate(nx.strongly_connected_components(graph)):
            if len(component) == 1:
                (only,) = component
                if not graph.has_edge(only, only):
                    continue
            component_of.update(dict.fromkeys(component, i))
        return component_of

    @cached_property
    def _cycle_flags(self) -> dict[int, Flag]:
        """The item-level CYCLE flag of each cycle component (one flag per component)."""
        components = self._cycle_component
        return {
            components[f.subject_id]: f
            for f in self.flags
            if f.code is FlagCode.CYCLE
            and f.subject_kind is SubjectKind.ITEM
            and f.subject_id in components
        }

    def _cycle_flag(self, dep: DependencyInfo) -> Flag | None:
        if not self._on_item_cycle(dep):
            return None
        return self._cycle_flags.get(self._cycle_component[dep.consumer_item_id])

    def _on_item_cycle(self, dep: DependencyInfo) -> bool:
        if not dep.open or dep.provider_item_id is None:
            return False
        components = self._cycle_component
        provider = components.get(dep.provider_item_id)
        return provider is not None and provider == components.get(dep.consumer_item_id)

    def _integration_point(self, ip_id: int, field: str = "id") -> IntegrationPointInfo:
        ip = self.inp.index.integration_points.get(ip_id)
        if ip is None:
            raise NotFoundError(
                f"Integration point {global_id('IntegrationPoint', ip_id)} does not exist.",
                field=field,
            )
        return ip


def _raise(
    worst: dict[tuple[int, int], Severity], key: tuple[int, int], severity: Severity
) -> None:
    current = worst.get(key)
    if current is None or severity.rank > current.rank:
        worst[key] = severity


def analyse(
    inp: AnalysisInput, previous: Analysis | None = None, known: Changes | None = None
) -> Analysis:
    """Run every rule over the input and build what questions read (pure, CPU-bound).

    With ``previous`` (the analysis of an earlier data version, same day), only what changed
    since is re-evaluated (`analysis.incremental`) when the change can be scoped; ``known``:
    that change, when the caller already knows it (the change log), so nothing is diffed."""
    if previous is not None:
        change = known if known is not None else changes(previous.inp, inp)
        if change is not None:
            graph = item_graph(inp) if change.graph else previous.item_graph
            found = Analysis(inp, reevaluate(previous.inp, previous.flags, inp, change, graph))
            if change.graph:
                found.__dict__["item_graph"] = graph
            else:
                found.inherit_structure(
                    previous, reevaluated_dependencies(previous.inp, inp, change)
                )
            return found.prepare()
    # The item graph is built once: the cycle rule and every later question read it.
    graph = item_graph(inp)
    found = Analysis(inp, evaluate(inp, graph))
    found.__dict__["item_graph"] = graph
    return found.prepare()
