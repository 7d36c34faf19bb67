"""GraphQL types of dependencies (with their computed dates) and integration points."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from syncpoint.analysis.timing import AvailabilityRule as Rule
from syncpoint.analysis.timing import DependencyTiming, dependency_timing
from syncpoint.core.clock import today
from syncpoint.core.context import Info
from syncpoint.core.nodes import LoadedNode
from syncpoint.core.pagination import Connection
from syncpoint.dependencies import models
from syncpoint.dependencies import repository as repo
from syncpoint.products import repository as products_repo
from syncpoint.teams import repository as teams_repo
from syncpoint.teams.graphql.types import AuditEntryRef, PersonType, TeamType, audit_history
from syncpoint.work import repository as work_repo
from syncpoint.work.graphql.types import BacklogItemType, person, team
from syncpoint.work.models import BacklogItem

if TYPE_CHECKING:
    from syncpoint.insights.analyses import Analyses
    from syncpoint.insights.graphql.flag_types import FlagType
    from syncpoint.insights.graphql.types import IntegrationPointRiskType

DependencyKind = strawberry.enum(
    models.DependencyType,
    name="DependencyType",
    description="BLOCKING: the consumer cannot start; SLOWING; OK: informational.",
)
DependencyStatus = strawberry.enum(models.DependencyStatus, name="DependencyStatus")
AvailabilityRule = strawberry.enum(
    Rule,
    name="AvailabilityRule",
    description="Which date convention dated the provider's delivery (UNPLANNED: none could).",
)

AS_OF = "The day the computation is made for (default today)."


@strawberry.type(
    name="Dependency",
    description="The consumer item needs the provider item. Dates follow the domain guide: "
    "neededBy = explicit date else the consumer sprint's start; availableFrom = the day after "
    "the provider sprint's end (Kanban: SLE); lateByDays = availableFrom - neededBy when positive.",
)
class DependencyNode(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    type: DependencyKind  # type: ignore[valid-type]
    status: DependencyStatus  # type: ignore[valid-type]
    description: str
    explicit_needed_by: date | None = strawberry.field(
        description="The needed-by date the consumer stated, if any."
    )
    version: int
    created_at: datetime
    consumer_item_id: strawberry.Private[int]
    provider_item_id: strawberry.Private[int | None]
    provider_product_id: strawberry.Private[int | None]
    created_by_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.Dependency) -> DependencyNode:
        return cls(
            id=m.id,
            type=m.type,
            status=m.status,
            description=m.description,
            explicit_needed_by=m.needed_by,
            version=m.version,
            created_at=m.created_at,
            consumer_item_id=m.consumer_item_id,
            provider_item_id=m.provider_item_id,
            provider_product_id=m.provider_product_id,
            created_by_id=m.created_by_id,
        )

    node_loader = repo.dependencies_by_ids

    @strawberry.field(
        description="Every accepted change to it, newest first, from the audit log (ADMIN and "
        "DIRECTOR)."
    )
    async def history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEntryRef]:
        return await audit_history(info, "Dependency", self.id, first, after)

    @strawberry.field
    async def consumer(self, info: Info) -> BacklogItemType:
        row = await info.context.loaders.referenced(work_repo.items_by_ids, self.consumer_item_id)
        return BacklogItemType.from_model(row)

    @strawberry.field(description="Null for a request to a product with no provider item yet.")
    async def provider(self, info: Info) -> BacklogItemType | None:
        if self.provider_item_id is None:
            return None
        row = await info.context.loaders.load(work_repo.items_by_ids, self.provider_item_id)
        return BacklogItemType.from_model(row) if row else None

    @strawberry.field
    async def consumer_team(self, info: Info) -> TeamType:
        row = await info.context.loaders.referenced(work_repo.items_by_ids, self.consumer_item_id)
        return await team(info, row.team_id)

    @strawberry.field(description="The provider item's team, or the product's owner team.")
    async def provider_team(self, info: Info) -> TeamType | None:
        if self.provider_item_id is not None:
            row = await info.context.loaders.load(work_repo.items_by_ids, self.provider_item_id)
            return await team(info, row.team_id) if row else None
        if self.provider_product_id is not None:
            product = await info.context.loaders.load(
                products_repo.products_by_ids, self.provider_product_id
            )
            return await team(info, product.owner_team_id) if product else None
        return None

    @strawberry.field
    async def created_by(self, info: Info) -> PersonType | None:
        return await person(info, self.created_by_id)

    async def _timing(self, info: Info, as_of: date | None) -> DependencyTiming | None:
        inp = await _analyses(info).input(as_of or today())
        dep = inp.index.dependencies.get(self.id)
        return dependency_timing(inp, dep) if dep is not None else None

    @strawberry.field(description="When the consumer needs it. " + AS_OF)
    async def needed_by(self, info: Info, as_of: date | None = None) -> date | None:
        timing = await self._timing(info, as_of)
        return timing.needed_by if timing else None

    @strawberry.field(description="From when the provider's delivery can be used. " + AS_OF)
    async def available_from(self, info: Info, as_of: date | None = None) -> date | None:
        timing = await self._timing(info, as_of)
        return timing.available_from if timing else None

    @strawberry.field(
        description="availableFrom - neededBy when positive, else 0; null when either is "
        "unknown. " + AS_OF
    )
    async def late_by_days(self, info: Info, as_of: date | None = None) -> int | None:
        timing = await self._timing(info, as_of)
        return timing.late_by_days if timing else None

    @strawberry.field(
        description="Days from availableFrom to the consumer team's next sprint start on or "
        "after it. " + AS_OF
    )
    async def handoff_lag_days(self, info: Info, as_of: date | None = None) -> int | None:
        timing = await self._timing(info, as_of)
        return timing.handoff_lag_days if timing else None

    @strawberry.field(description="The convention that dated availableFrom. " + AS_OF)
    async def availability_rule(
        self, info: Info, as_of: date | None = None
    ) -> AvailabilityRule | None:  # type: ignore[valid-type]
        timing = await self._timing(info, as_of)
        return timing.rule if timing else None

    @strawberry.field(
        description="Open, consumer unfinished, provider not done, and late (rule LATE). " + AS_OF
    )
    async def is_late(self, info: Info, as_of: date | None = None) -> bool:
        return bool(await _analyses(info).late_dependency_ids(as_of or today(), [self.id]))

    @strawberry.field(
        description="Flags of this dependency as of a day (default today), most severe first."
    )
    async def flags(
        self, info: Info, as_of: date | None = None
    ) -> list[Annotated[FlagType, strawberry.lazy("syncpoint.insights.graphql.flag_types")]]:
        from syncpoint.insights.graphql.fields import dependency_flags

        return await dependency_flags(info, self.id, as_of)


def _analyses(info: Info) -> Analyses:
    """The request's analysis component (`insights.analyses`; insights sits above this context,
    hence the import at call time)."""
    from syncpoint.insights.analyses import analyses_of

    return analyses_of(info.context)


async def upstream_of(info: Info, item_id: int) -> list[DependencyNode]:
    rows = await info.context.loaders.load(repo.dependencies_by_consumer, item_id)
    return [DependencyNode.from_model(r) for r in rows]


async def downstream_of(info: Info, item_id: int) -> list[DependencyNode]:
    rows = await info.context.loaders.load(repo.dependencies_by_provider, item_id)
    return [DependencyNode.from_model(r) for r in rows]


@strawberry.type(
    name="IntegrationPoint",
    description="A dated milestone where deliverables of several teams must come together.",
)
class IntegrationPointType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    name: str
    day: date = strawberry.field(name="date")
    description: str
    version: int
    archived_at: datetime | None

    @classmethod
    def from_model(cls, m: models.IntegrationPoint) -> IntegrationPointType:
        return cls(
            id=m.id,
            name=m.name,
            day=m.date,
            description=m.description,
            version=m.version,
            archived_at=m.archived_at,
        )

    node_loader = repo.integration_points_by_ids

    @strawberry.field(description="The participating items.")
    async def items(self, info: Info) -> list[BacklogItemType]:
        return [BacklogItemType.from_model(r) for r in await _point_items(info, self.id)]

    @strawberry.field(description="The teams of the participating items.")
    async def teams(self, info: Info) -> list[TeamType]:
        team_ids = sorted({item.team_id for item in await _point_items(info, self.id)})
        rows = await info.context.loaders.load_many(teams_repo.teams_by_ids, team_ids)
        return [TeamType.from_model(r) for r in rows if r is not None]

    @strawberry.field(
        description="Per participating team: ready date, sprint boundaries around the date and "
        "flags, as of a day (default today). Null once archived."
    )
    async def risk(
        self, info: Info, as_of: date | None = None
    ) -> (
        Annotated[IntegrationPointRiskType, strawberry.lazy("syncpoint.insights.graphql.types")]
        | None
    ):
        from syncpoint.insights.graphql.fields import integration_point_risk

        return await integration_point_risk(info, self.id, as_of)


async def _point_items(info: Info, point_id: int) -> list[BacklogItem]:
    ids = await info.context.loaders.load(repo.item_ids_by_integration_point, point_id)
    rows = await info.context.loaders.load_many(work_repo.items_by_ids, ids)
    return [r for r in rows if r is not None]


async def integration_points_of(info: Info, item_id: int) -> list[IntegrationPointType]:
    rows = await info.context.loaders.load(repo.integration_points_by_item, item_id)
    return [IntegrationPointType.from_model(r) for r in rows]
