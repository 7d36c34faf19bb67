"""`TeamPlanning`: a team's cadence, sprints, checklists and dependencies (reached as
`Team.planning` or the `teamPlanning` query)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from syncpoint.cadence import repository as repo
from syncpoint.cadence.graphql.types import (
    CadenceType,
    ServiceLevelExpectationType,
    SprintType,
    TeamSprintStatsType,
    checklist,
    default_day,
    in_force,
    sprint_stats,
    team_sprint_views,
)
from syncpoint.core.context import Info
from syncpoint.core.errors import DomainError
from syncpoint.core.loaders import NestedPage
from syncpoint.core.pagination import Connection, PageArgs, SortKey
from syncpoint.dependencies import repository as dep_repo
from syncpoint.dependencies.graphql.types import DependencyNode
from syncpoint.dependencies.models import Dependency
from syncpoint.teams.graphql.types import TeamType
from syncpoint.work.graphql.types import ChecklistItemType, team
from syncpoint.work.models import ChecklistKind

MAX_LAST_N = 52

_BY_ID = [SortKey(Dependency.id)]
INCOMING = NestedPage(
    dep_repo.incoming_dependencies_query, dep_repo.INCOMING_TEAM, _BY_ID, DependencyNode.from_model
)
OUTGOING = NestedPage(
    dep_repo.outgoing_dependencies_query, dep_repo.OUTGOING_TEAM, _BY_ID, DependencyNode.from_model
)


@strawberry.type(
    name="TeamPlanning",
    description="How a team plans: cadence, expectation, sprints, DoR/DoD and dependencies.",
)
class TeamPlanningType:
    team_id: strawberry.Private[int]

    @strawberry.field
    async def team(self, info: Info) -> TeamType:
        return await team(info, self.team_id)

    @strawberry.field(
        description="The cadence in force on a day (default today); before the first one takes "
        "effect, that first one."
    )
    async def cadence(self, info: Info, on: date | None = None) -> CadenceType | None:
        rows = await info.context.loaders.load(repo.cadences_by_team, self.team_id)
        row = in_force(rows, default_day(on)) or (rows[0] if rows else None)
        return CadenceType.from_model(row) if row else None

    @strawberry.field(description="Every cadence the team has had, oldest first.")
    async def cadence_history(self, info: Info) -> list[CadenceType]:
        rows = await info.context.loaders.load(repo.cadences_by_team, self.team_id)
        return [CadenceType.from_model(r) for r in rows]

    @strawberry.field(description="The service-level expectation in force on a day.")
    async def service_level_expectation(
        self, info: Info, on: date | None = None
    ) -> ServiceLevelExpectationType | None:
        rows = await info.context.loaders.load(repo.sles_by_team, self.team_id)
        day = default_day(on)
        current = [r for r in rows if r.effective_from <= day]
        return ServiceLevelExpectationType.from_model(current[-1]) if current else None

    @strawberry.field
    async def service_level_expectation_history(
        self, info: Info
    ) -> list[ServiceLevelExpectationType]:
        rows = await info.context.loaders.load(repo.sles_by_team, self.team_id)
        return [ServiceLevelExpectationType.from_model(r) for r in rows]

    @strawberry.field(description="Sprints intersecting [from, to] (at most about two years).")
    async def sprints(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date | None = None,
    ) -> list[SprintType]:
        views = await team_sprint_views(info, self.team_id, from_, to or from_)
        return [SprintType.from_view(v) for v in views]

    @strawberry.field(description="The sprint containing a day (default today).")
    async def active_sprint(self, info: Info, on: date | None = None) -> SprintType | None:
        day = default_day(on)
        views = await team_sprint_views(info, self.team_id, day, day)
        return SprintType.from_view(views[0]) if views else None

    @strawberry.field(description="Definition of Ready checks, in order.")
    async def ready_checklist(self, info: Info) -> list[ChecklistItemType]:
        return await checklist(info, self.team_id, ChecklistKind.READY)

    @strawberry.field(description="Definition of Done checks, in order.")
    async def done_checklist(self, info: Info) -> list[ChecklistItemType]:
        return await checklist(info, self.team_id, ChecklistKind.DONE)

    @strawberry.field(description="Committed vs done over the last N closed sprints.")
    async def sprint_stats(self, info: Info, last_n: int = 6) -> TeamSprintStatsType:
        return await sprint_stats(info, self.team_id, check_last_n(last_n))

    @strawberry.field(description="Dependencies where this team's items are consumers.")
    async def incoming_dependencies(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[DependencyNode]:
        return await INCOMING.page(info, self.team_id, PageArgs(first, after, last, before))

    @strawberry.field(description="Dependencies where this team's items (or products) provide.")
    async def outgoing_dependencies(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[DependencyNode]:
        return await OUTGOING.page(info, self.team_id, PageArgs(first, after, last, before))


def check_last_n(last_n: int) -> int:
    if not 1 <= last_n <= MAX_LAST_N:
        raise DomainError(f"lastN must be between 1 and {MAX_LAST_N}.", field="lastN")
    return last_n
