"""Analysis fields meant for other contexts' types (attached by the lead):

- ``Dependency.flags(asOf)`` -> ``dependency_flags(info, dependency.id, as_of)``
- ``IntegrationPoint.risk(asOf)`` -> ``integration_point_risk(info, integration_point.id, as_of)``

Both read the request's analysis component, so a list of dependencies asking for their flags
costs one analysis in total (none when the data version's result is cached), not one each.
"""

from __future__ import annotations

from datetime import date

from syncpoint.core.context import Info
from syncpoint.insights.analyses import analyses_of
from syncpoint.insights.graphql.flag_types import FlagType, flag_list
from syncpoint.insights.graphql.types import IntegrationPointRiskType


async def dependency_flags(
    info: Info, dependency_id: int, as_of: date | None = None
) -> list[FlagType]:
    """Flags of one dependency (LATE, SAME_SPRINT, ...), most severe first."""
    analysis = await analyses_of(info.context).analysis(as_of)
    return flag_list(analysis.dependency_flags(dependency_id))


async def integration_point_risk(
    info: Info, integration_point_id: int, as_of: date | None = None
) -> IntegrationPointRiskType | None:
    """Per-team readiness and the flags of one integration point; None once it is archived
    (archived points are not analysed)."""
    analysis = await analyses_of(info.context).analysis(as_of)
    if integration_point_id not in analysis.inp.index.integration_points:
        return None
    risk = analysis.integration_risk(integration_point_id)
    return IntegrationPointRiskType.from_risk(risk, analysis.as_of)
