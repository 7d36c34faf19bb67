"""Dependency analysis services: the map of a scope, the scope of a group, two teams' cadence
alignment. They take what they need (a session, the request's `Analyses`, its loaders), never
the GraphQL context.

Scope filters (a group with its subgroups, and/or explicit teams) are applied to the computed
result, never to the loaded input: a team's timings depend on teams outside the scope.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis import calendar as cal
from syncpoint.analysis.alignment import CadenceAlignment, align
from syncpoint.analysis.flags import FlagCode
from syncpoint.analysis.graph import Bottleneck, DependencyMap, MapLevel
from syncpoint.analysis.model import AnalysisInput, TeamInfo
from syncpoint.cadence import repository as cadence_repo
from syncpoint.core.errors import DomainError, ErrorCode, NotFoundError
from syncpoint.core.loaders import Loaders
from syncpoint.insights.analyses import Analyses
from syncpoint.insights.result import (
    Analysis,
    FlagCriteria,
    IntegrationRisk,
    MapFilter,
    analyse,
    global_id,
)
from syncpoint.teams import repository as teams_repo

__all__ = [
    "Analysis",
    "FlagCriteria",
    "IntegrationRisk",
    "MapFilter",
    "ScopedMap",
    "TeamAlignment",
    "analyse",
    "cadence_alignment",
    "dependency_map_for",
    "resolve_scope",
    "team_alignment",
]


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


def cadence_alignment(
    inp: AnalysisInput, team_a_id: int, team_b_id: int, on: date
) -> TeamAlignment:
    """Align the cadences in force on ``on``; INVALID_STATE when a team runs no sprints."""
    teams = []
    for team_id, field in ((team_a_id, "teamA"), (team_b_id, "teamB")):
        team = inp.index.teams.get(team_id)
        if team is None:
            raise NotFoundError(f"Team {global_id('Team', team_id)} does not exist.", field=field)
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


async def team_alignment(
    loaders: Loaders, team_a_id: int, team_b_id: int, on: date
) -> TeamAlignment:
    """Two teams' cadences aligned on a day; reads only those teams and their cadence history
    (two batched queries through the request's loaders), not the whole organisation."""
    ids = [team_a_id, team_b_id]
    teams = await loaders.load_many(teams_repo.teams_by_ids, ids)
    histories = await loaders.load_many(cadence_repo.cadences_by_team, ids)
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
            raise NotFoundError(
                f"Group {global_id('Group', group_id)} does not exist.", field=group_field
            )
        scope = analysis.teams_in_groups(groups)
    if team_ids is not None:
        explicit = frozenset(team_ids)
        scope = explicit if scope is None else scope & explicit
    return scope


async def map_bottlenecks(dependency_map: DependencyMap) -> list[Bottleneck]:
    """A drawn map's bottlenecks, worked out in a worker thread the first time they are read
    (a map filtered by flags or dates: its own team graph's betweenness, ~0.4 s at 500 teams;
    see `DependencyMap`)."""
    if dependency_map.bottlenecks_known:
        return dependency_map.bottlenecks
    return await asyncio.to_thread(lambda: dependency_map.bottlenecks)


async def dependency_map_for(
    session: AsyncSession,
    analyses: Analyses,
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
    analysis = await analyses.analysis(as_of)
    scope = await resolve_scope(
        session,
        analysis,
        group_id=group_id,
        team_ids=team_ids,
        group_field=f"{field_prefix}groupId",
    )
    flt = MapFilter(scope, start, end, frozenset(codes) if codes is not None else None)
    # Drawn off the event loop (an item-level map of a large organisation takes seconds) and
    # kept with the analysis for the next request asking the same.
    drawn = await analyses.dependency_map(analysis, MapLevel(level), flt)
    return ScopedMap(analysis, drawn, scope)
