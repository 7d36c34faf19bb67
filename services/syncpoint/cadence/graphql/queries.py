"""Queries of cadences and sprints."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from syncpoint.cadence.graphql.planning import TeamPlanningType, check_last_n
from syncpoint.cadence.graphql.types import (
    SprintType,
    TeamSprintStatsType,
    default_day,
    sprint_stats,
    team_sprint_views,
)
from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.context import Info
from syncpoint.core.errors import require_found
from syncpoint.core.ids import decode_id
from syncpoint.teams import repository as teams_repo

SPRINTS, ACTIVE_SPRINT = read_policy("sprints"), read_policy("activeSprint")
TEAM_SPRINT_STATS, TEAM_PLANNING = read_policy("teamSprintStats"), read_policy("teamPlanning")


async def _team_id(info: Info, gid: relay.GlobalID) -> int:
    team_id = decode_id(gid, "Team", "teamId")
    row = await info.context.loaders.load(teams_repo.teams_by_ids, team_id)
    require_found(row, "Team", gid, "teamId")
    return team_id


@strawberry.type
class CadenceQuery:
    @strawberry.field(
        description="A team's sprints intersecting [from, to]: generated from its cadence and "
        "stored ones merged (stored win). At most about two years at once.",
        permission_classes=[allowed(SPRINTS)],
    )
    async def sprints(
        self,
        info: Info,
        team_id: relay.GlobalID,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date | None = None,
    ) -> list[SprintType]:
        views = await team_sprint_views(info, await _team_id(info, team_id), from_, to or from_)
        return [SprintType.from_view(v) for v in views]

    @strawberry.field(
        description="The team's sprint containing a day (default today), if any.",
        permission_classes=[allowed(ACTIVE_SPRINT)],
    )
    async def active_sprint(
        self, info: Info, team_id: relay.GlobalID, on: date | None = None
    ) -> SprintType | None:
        day = default_day(on)
        views = await team_sprint_views(info, await _team_id(info, team_id), day, day)
        return SprintType.from_view(views[0]) if views else None

    @strawberry.field(
        description="Committed vs done and the carry-over rate over a team's last N closed "
        "sprints.",
        permission_classes=[allowed(TEAM_SPRINT_STATS)],
    )
    async def team_sprint_stats(
        self, info: Info, team_id: relay.GlobalID, last_n: int = 6
    ) -> TeamSprintStatsType:
        return await sprint_stats(info, await _team_id(info, team_id), check_last_n(last_n))

    @strawberry.field(
        description="How a team plans (also reachable as Team.planning).",
        permission_classes=[allowed(TEAM_PLANNING)],
    )
    async def team_planning(self, info: Info, team_id: relay.GlobalID) -> TeamPlanningType:
        return TeamPlanningType(team_id=await _team_id(info, team_id))
