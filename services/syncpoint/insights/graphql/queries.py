"""Queries of the dependency analysis. Every field takes an optional ``asOf`` (default today) so
a result can be reproduced, or a plan checked for a future day."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from syncpoint.analysis.graph import MapLevel
from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.clock import today
from syncpoint.core.context import Info
from syncpoint.core.ids import decode_id, decode_optional
from syncpoint.core.pagination import MAX_PAGE
from syncpoint.insights.analyses import analyses_of
from syncpoint.insights.graphql import fields
from syncpoint.insights.graphql.enums import MapLevelEnum
from syncpoint.insights.graphql.flag_types import FlagConnection, FlagType, flag_page
from syncpoint.insights.graphql.inputs import DependencyMapFilter, FlagFilter
from syncpoint.insights.graphql.map_types import DependencyMapType
from syncpoint.insights.graphql.types import (
    BlastRadiusType,
    CadenceAlignmentType,
    CriticalPathStepType,
    CriticalPathType,
    IntegrationPointRiskType,
)
from syncpoint.insights.service import (
    FlagCriteria,
    dependency_map_for,
    resolve_scope,
    team_alignment,
)

DEPENDENCY_MAP = read_policy("dependencyMap")
CADENCE_ALIGNMENT = read_policy("cadenceAlignment")
BLAST_RADIUS = read_policy("blastRadius")
CRITICAL_PATH = read_policy("criticalPath")
FLAGS = read_policy("flags")
INTEGRATION_POINT_RISK = read_policy("integrationPointRisk")
DEPENDENCY_FLAGS = read_policy("dependencyFlags")


def _team_ids(ids: list[relay.GlobalID] | None, field: str) -> list[int] | None:
    return None if ids is None else [decode_id(i, "Team", field) for i in ids]


@strawberry.type
class InsightsQuery:
    @strawberry.field(
        description="The cross-team dependency map (teams or items, provider -> consumer) with "
        "flag counts, cycles and bottlenecks.",
        permission_classes=[allowed(DEPENDENCY_MAP)],
    )
    async def dependency_map(
        self,
        info: Info,
        filter: DependencyMapFilter | None = None,
        level: MapLevelEnum = MapLevel.TEAM,  # type: ignore[valid-type]
        as_of: date | None = None,
    ) -> DependencyMapType:
        f = filter or DependencyMapFilter()
        found = await dependency_map_for(
            info.context.session,
            analyses_of(info.context),
            level=MapLevel(level),
            as_of=as_of,
            group_id=decode_optional(f.group_id, "Group", "filter.groupId"),
            team_ids=_team_ids(f.team_ids, "filter.teamIds"),
            start=f.from_,
            end=f.to,
            codes=f.flags,
            field_prefix="filter.",
        )
        analysis = found.analysis
        return DependencyMapType.build(
            found.dependency_map, analysis.as_of, analysis.inp.index.team_name
        )

    @strawberry.field(
        description="How two teams' cadences line up on a day (default today).",
        permission_classes=[allowed(CADENCE_ALIGNMENT)],
    )
    async def cadence_alignment(
        self, info: Info, team_a: relay.GlobalID, team_b: relay.GlobalID, on: date | None = None
    ) -> CadenceAlignmentType:
        a, b = decode_id(team_a, "Team", "teamA"), decode_id(team_b, "Team", "teamB")
        found = await team_alignment(info.context.loaders, a, b, on or today())
        return CadenceAlignmentType.from_alignment(found)

    @strawberry.field(
        description="Everything downstream of an item (all transitive consumers) and their teams.",
        permission_classes=[allowed(BLAST_RADIUS)],
    )
    async def blast_radius(
        self, info: Info, item_id: relay.GlobalID, as_of: date | None = None
    ) -> BlastRadiusType:
        item = decode_id(item_id, "BacklogItem", "itemId")
        analysis = await analyses_of(info.context).analysis(as_of)
        return BlastRadiusType.build(item, analysis.as_of, analysis.blast_radius(item))

    @strawberry.field(
        description="The longest chain of open dependencies ending at the integration point.",
        permission_classes=[allowed(CRITICAL_PATH)],
    )
    async def critical_path(
        self, info: Info, integration_point_id: relay.GlobalID, as_of: date | None = None
    ) -> CriticalPathType:
        ip_id = decode_id(integration_point_id, "IntegrationPoint", "integrationPointId")
        analysis = await analyses_of(info.context).analysis(as_of)
        ip, steps = analysis.critical_path(ip_id)
        return CriticalPathType(
            integration_point_id=integration_point_id,
            name=ip.name,
            integration_date=ip.date,
            as_of=analysis.as_of,
            steps=[CriticalPathStepType.from_step(s) for s in steps],
            hops=max(len(steps) - 1, 0),
            total_late_days=sum(s.late_by_days for s in steps),
        )

    @strawberry.field(
        description="Every open flag in scope, most severe first. Computed, not stored: "
        f"first is capped at {MAX_PAGE} and a cursor is the flag's position in "
        "the deterministic order (stable for the same asOf and unchanged data).",
        permission_classes=[allowed(FLAGS)],
    )
    async def flags(
        self,
        info: Info,
        filter: FlagFilter | None = None,
        as_of: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> FlagConnection:
        f = filter or FlagFilter()
        analyses = analyses_of(info.context)
        analysis = await analyses.analysis(as_of)
        scope = await resolve_scope(
            info.context.session,
            analysis,
            group_id=decode_optional(f.group_id, "Group", "filter.groupId"),
            team_ids=_team_ids(f.team_ids, "filter.teamIds"),
            group_field="filter.groupId",
        )
        criteria = FlagCriteria(
            codes=frozenset(f.codes) if f.codes is not None else None,
            severities=frozenset(f.severities) if f.severities is not None else None,
            team_ids=scope,
        )
        selected = await analyses.off_loop(lambda: analysis.select_flags(criteria))
        return flag_page(selected, first, after)

    @strawberry.field(
        description="Per participating team: ready date, sprint boundaries around the date, flags.",
        permission_classes=[allowed(INTEGRATION_POINT_RISK)],
    )
    async def integration_point_risk(
        self, info: Info, id: relay.GlobalID, as_of: date | None = None
    ) -> IntegrationPointRiskType:
        analysis = await analyses_of(info.context).analysis(as_of)
        risk = analysis.integration_risk(decode_id(id, "IntegrationPoint"))
        return IntegrationPointRiskType.from_risk(risk, analysis.as_of)

    @strawberry.field(
        description="Flags of one dependency, most severe first.",
        permission_classes=[allowed(DEPENDENCY_FLAGS)],
    )
    async def dependency_flags(
        self, info: Info, id: relay.GlobalID, as_of: date | None = None
    ) -> list[FlagType]:
        return await fields.dependency_flags(info, decode_id(id, "Dependency"), as_of)
