"""Dependency analysis for one request: the snapshot is loaded and evaluated once per ``asOf``,
then every question (map, flags, blast radius, ...) reads that one result.

Scope filters (a group with its subgroups, and/or explicit teams) are applied to the computed
result, never to the loaded input: a team's timings depend on teams outside the scope.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

import networkx as nx
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis import calendar as cal
from syncpoint.analysis.alignment import CadenceAlignment, align
from syncpoint.analysis.flags import (
    Flag,
    FlagCode,
    Severity,
    SubjectKind,
    TeamReadiness,
    dependency_timing,
    evaluate,
    integration_point_risk,
)
from syncpoint.analysis.graph import (
    BlastRadius,
    DependencyMap,
    MapLevel,
    PathStep,
    blast_radius,
    critical_path,
    dependency_flag_codes,
    dependency_map,
    item_graph,
)
from syncpoint.analysis.model import AnalysisInput, DependencyInfo, IntegrationPointInfo, TeamInfo
from syncpoint.cadence import repository as cadence_repo
from syncpoint.core.clock import today
from syncpoint.core.context import Context
from syncpoint.core.errors import DomainError, ErrorCode, NotFoundError
from syncpoint.teams import repository as teams_repo

_ANALYSIS_KEY = "insights.analysis"


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


@dataclass(frozen=True, slots=True)
class TeamAlignment:
    """Cadence alignment of team A (in the provider's role: the shift applies to it) and B."""

    team_a: TeamInfo
    team_b: TeamInfo
    on: date
    alignment: CadenceAlignment


@dataclass(frozen=True, slots=True)
class ScopedMap:
    """A dependency map, the analysis it was drawn from and the teams in scope (None: all)."""

    analysis: Analysis
    dependency_map: DependencyMap
    team_ids: frozenset[int] | None


class Analysis:
    """The engine's result for one ``asOf``: every flag, and graph questions answered lazily."""

    def __init__(self, inp: AnalysisInput, flags: list[Flag]) -> None:
        self.inp = inp
        self.flags = flags

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

    def teams_in_groups(self, group_ids: Iterable[int]) -> frozenset[int]:
        """Ids of the teams belonging to any of the groups."""
        wanted = set(group_ids)
        return frozenset(t.id for t in self.inp.teams if t.group_id in wanted)

    def dependency_flags(self, dependency_id: int) -> list[Flag]:
        """Flags of one dependency; NOT_FOUND when it is unknown."""
        if dependency_id not in self.inp.index.dependencies:
            raise NotFoundError(f"Dependency {dependency_id} does not exist.", field="id")
        return list(self.flags_by_dependency.get(dependency_id, ()))

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
            raise NotFoundError(f"Backlog item {item_id} does not exist.", field="itemId")
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
        if flt.start is not None or flt.end is not None or flt.codes is not None:
            kept = tuple(d for d in inp.dependencies if self._keeps(d, flt))
            inp = replace(inp, dependencies=kept)
        team_ids = sorted(flt.team_ids) if flt.team_ids is not None else None
        return dependency_map(inp, self.flags, level, team_ids)

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

    def _keeps(self, dep: DependencyInfo, flt: MapFilter) -> bool:
        if flt.codes is not None:
            codes = {f.code for f in self.flags_by_dependency.get(dep.id, ())}
            if FlagCode.CYCLE in flt.codes and self._on_item_cycle(dep):
                codes.add(FlagCode.CYCLE)
            if codes.isdisjoint(flt.codes):
                return False
        if flt.start is None and flt.end is None:
            return True
        needed = dependency_timing(self.inp, dep).needed_by
        if needed is None:
            return False
        return (flt.start is None or flt.start <= needed) and (flt.end is None or needed <= flt.end)

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

    def _on_item_cycle(self, dep: DependencyInfo) -> bool:
        if not dep.open or dep.provider_item_id is None:
            return False
        components = self._cycle_component
        provider = components.get(dep.provider_item_id)
        return provider is not None and provider == components.get(dep.consumer_item_id)

    def _integration_point(self, ip_id: int, field: str = "id") -> IntegrationPointInfo:
        ip = self.inp.index.integration_points.get(ip_id)
        if ip is None:
            raise NotFoundError(f"Integration point {ip_id} does not exist.", field=field)
        return ip


def _raise(
    worst: dict[tuple[int, int], Severity], key: tuple[int, int], severity: Severity
) -> None:
    current = worst.get(key)
    if current is None or severity.rank > current.rank:
        worst[key] = severity


def analyse(inp: AnalysisInput) -> Analysis:
    """Run every rule over the input (pure)."""
    return Analysis(inp, evaluate(inp))


def cadence_alignment(
    inp: AnalysisInput, team_a_id: int, team_b_id: int, on: date
) -> TeamAlignment:
    """Align the cadences in force on ``on``; INVALID_STATE when a team runs no sprints."""
    teams = []
    for team_id, field in ((team_a_id, "teamA"), (team_b_id, "teamB")):
        team = inp.index.teams.get(team_id)
        if team is None:
            raise NotFoundError(f"Team {team_id} does not exist.", field=field)
        cadence = inp.index.calendars[team.id].cadence_on(on) if team.plans_in_sprints else None
        if cadence is None:
            raise DomainError(
                f"{team.name} has no sprint cadence on {on.isoformat()} "
                f"({team.framework.value.lower()} team), so there is nothing to align.",
                field=field,
                code=ErrorCode.INVALID_STATE,
            )
        teams.append((team, cadence))
    (a, cadence_a), (b, cadence_b) = teams
    alignment = align(cadence_a, cadence_b, provider_name=a.name, consumer_name=b.name)
    return TeamAlignment(a, b, on, alignment)


async def team_alignment(ctx: Context, team_a_id: int, team_b_id: int, on: date) -> TeamAlignment:
    """Two teams' cadences aligned on a day; reads only those teams and their cadence history
    (two batched queries), not the whole organisation."""
    ids = [team_a_id, team_b_id]
    teams = await ctx.loaders.load_many(teams_repo.teams_by_ids, ids)
    histories = await ctx.loaders.load_many(cadence_repo.cadences_by_team, ids)
    infos = [
        TeamInfo(
            id=team.id,
            name=team.name,
            framework=team.framework,
            cadences=tuple(cal.Cadence(c.length_days, c.anchor, c.effective_from) for c in rows),
        )
        for team, rows in zip(teams, histories, strict=True)
        if team is not None
    ]
    return cadence_alignment(AnalysisInput(today=on, teams=tuple(infos)), team_a_id, team_b_id, on)


async def load_input(ctx: Context, as_of: date) -> AnalysisInput:
    """The whole organisation as of a day, loaded once per request (shared with other contexts)."""
    from syncpoint.dependencies.snapshot import cached_analysis_input

    return await cached_analysis_input(ctx, as_of)


async def analysis_for(ctx: Context, as_of: date | None = None) -> Analysis:
    """The analysis as of a day (default today), computed once per request and day.

    Concurrent resolvers of one request await the first caller's result. The load runs in the
    caller's task (its session lock may be held, e.g. inside a savepoint); the engine runs in a
    worker thread so a large organisation does not stall other requests.
    """
    day = as_of or today()
    cache: dict[date, asyncio.Future[Analysis]] = ctx.extras.setdefault(_ANALYSIS_KEY, {})
    pending = cache.get(day)
    if pending is not None:
        return await asyncio.shield(pending)
    future: asyncio.Future[Analysis] = asyncio.get_running_loop().create_future()
    cache[day] = future
    try:
        inp = await load_input(ctx, day)
        result = await asyncio.to_thread(analyse, inp)
    except BaseException as exc:
        cache.pop(day, None)
        future.set_exception(exc)
        future.exception()  # retrieved: waiters, if any, re-raise it themselves
        raise
    future.set_result(result)
    return result


async def resolve_scope(
    session: AsyncSession,
    analysis: Analysis,
    *,
    group_id: int | None = None,
    team_ids: Iterable[int] | None = None,
    group_field: str = "groupId",
) -> frozenset[int] | None:
    """Teams in scope: those of a group and its subgroups, and/or the given teams (both: the
    intersection). ``None`` means no restriction. NOT_FOUND for an unknown group."""
    scope: frozenset[int] | None = None
    if group_id is not None:
        groups = await teams_repo.descendants_of(session, group_id)
        if not groups:
            raise NotFoundError(f"Group {group_id} does not exist.", field=group_field)
        scope = analysis.teams_in_groups(groups)
    if team_ids is not None:
        explicit = frozenset(team_ids)
        scope = explicit if scope is None else scope & explicit
    return scope


async def dependency_map_for(
    ctx: Context,
    *,
    level: MapLevel | str = MapLevel.TEAM,
    as_of: date | None = None,
    group_id: int | None = None,
    team_ids: Iterable[int] | None = None,
    start: date | None = None,
    end: date | None = None,
    codes: Iterable[FlagCode] | None = None,
    field_prefix: str = "",
) -> ScopedMap:
    """The dependency map of a scope as of a day, with the analysis it was drawn from."""
    if start is not None and end is not None and start > end:
        raise DomainError(
            f"The window ends ({end.isoformat()}) before it starts ({start.isoformat()}).",
            field=f"{field_prefix}to",
            code=ErrorCode.INVALID_DATE_RANGE,
        )
    analysis = await analysis_for(ctx, as_of)
    scope = await resolve_scope(
        ctx.session,
        analysis,
        group_id=group_id,
        team_ids=team_ids,
        group_field=f"{field_prefix}groupId",
    )
    flt = MapFilter(scope, start, end, frozenset(codes) if codes is not None else None)
    # Drawing an item-level map of a large organisation takes seconds: keep the loop free.
    drawn = await asyncio.to_thread(analysis.dependency_map, MapLevel(level), flt)
    return ScopedMap(analysis, drawn, scope)
