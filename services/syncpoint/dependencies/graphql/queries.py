"""Queries of dependencies and integration points."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.clock import today
from syncpoint.core.context import Info
from syncpoint.core.errors import DomainError, ErrorCode
from syncpoint.core.ids import decode_id, decode_optional
from syncpoint.core.pagination import Connection, PageArgs, SortKey, paginate
from syncpoint.dependencies import models
from syncpoint.dependencies import repository as repo
from syncpoint.dependencies.graphql.types import (
    DependencyKind,
    DependencyNode,
    DependencyStatus,
    IntegrationPointType,
)

DEPENDENCIES = read_policy("dependencies")
INTEGRATION_POINTS = read_policy("integrationPoints")


@strawberry.input
class DependencyFilter:
    consumer_team_ids: list[relay.GlobalID] | None = None
    provider_team_ids: list[relay.GlobalID] | None = None
    types: list[DependencyKind] | None = None  # type: ignore[valid-type]
    statuses: list[DependencyStatus] | None = None  # type: ignore[valid-type]
    late_only: bool = strawberry.field(
        default=False,
        description="Only open dependencies that are LATE as of asOf (unfinished consumer, "
        "provider not done, availableFrom after neededBy).",
    )
    as_of: date | None = strawberry.field(default=None, description="For lateOnly; default today.")


def _teams(ids: list[relay.GlobalID] | None, field: str) -> list[int] | None:
    return [decode_id(t, "Team", field) for t in ids] if ids is not None else None


@strawberry.type
class DependenciesQuery:
    @strawberry.field(
        description="Dependencies, filtered, by id. lateOnly computes lateness through the "
        "analysis engine, then pages over the late ones.",
        permission_classes=[allowed(DEPENDENCIES)],
    )
    async def dependencies(
        self,
        info: Info,
        filter: DependencyFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[DependencyNode]:
        ctx = info.context
        f = filter or DependencyFilter()
        flt = repo.DependencyFilter(
            consumer_team_ids=_teams(f.consumer_team_ids, "filter.consumerTeamIds"),
            provider_team_ids=_teams(f.provider_team_ids, "filter.providerTeamIds"),
            types=f.types,
            statuses=f.statuses,
        )
        stmt = repo.dependencies_query(flt)
        if f.late_only:
            from syncpoint.insights.analyses import analyses_of  # insights sits above us

            candidates = await repo.dependency_ids(ctx.session, stmt)
            late = await analyses_of(ctx).late_dependency_ids(f.as_of or today(), candidates)
            stmt = repo.dependencies_query(repo.DependencyFilter(ids=late))
        return await paginate(
            ctx.session,
            stmt,
            [SortKey(models.Dependency.id)],
            PageArgs(first, after, last, before),
            DependencyNode.from_model,
            max_page=ctx.settings.max_page_size,
        )

    @strawberry.field(
        description="Integration points dated in [from, to] (either bound optional), optionally "
        "only those with an item of one team; by date.",
        permission_classes=[allowed(INTEGRATION_POINTS)],
    )
    async def integration_points(
        self,
        info: Info,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
        team_id: relay.GlobalID | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[IntegrationPointType]:
        ctx = info.context
        if from_ is not None and to is not None and to < from_:
            raise DomainError(
                f"The range ends ({to}) before it starts ({from_}).",
                field="to",
                code=ErrorCode.INVALID_DATE_RANGE,
            )
        stmt = repo.integration_points_query(from_, to, decode_optional(team_id, "Team", "teamId"))
        return await paginate(
            ctx.session,
            stmt,
            [SortKey(models.IntegrationPoint.date), SortKey(models.IntegrationPoint.id)],
            PageArgs(first, after, last, before),
            IntegrationPointType.from_model,
            max_page=ctx.settings.max_page_size,
        )
