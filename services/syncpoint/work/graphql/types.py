"""GraphQL object types of the work context: backlog items and what hangs off them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from syncpoint.analysis.model import CLOSED_STATUSES, RESEARCH_KINDS
from syncpoint.core.clock import today
from syncpoint.core.context import Info
from syncpoint.core.loaders import NestedPage
from syncpoint.core.nodes import LoadedNode
from syncpoint.core.pagination import Connection, PageArgs, SortKey
from syncpoint.teams.graphql.types import TeamType
from syncpoint.work import models
from syncpoint.work import repository as repo
from syncpoint.work.graphql.detail_types import (
    AcceptanceCriterionType,
    ChecklistItemType,
    ChecklistKind,
    Comparator,
    ItemChangeType,
    ItemCheckState,
    MetricObservationType,
    judge,
    person,
    team,
)

__all__ = [
    "AcceptanceCriterionType",
    "BacklogItemOrder",
    "BacklogItemType",
    "ChecklistItemType",
    "ChecklistKind",
    "Comparator",
    "ItemChangeType",
    "ItemCheckState",
    "ItemKind",
    "ItemStatus",
    "MetricObservationType",
    "judge",
    "person",
    "team",
]

if TYPE_CHECKING:
    from syncpoint.cadence.graphql.types import CarryOverType, SprintType
    from syncpoint.dependencies.graphql.types import DependencyNode, IntegrationPointType

ItemKind = strawberry.enum(models.ItemKind, name="ItemKind")
ItemStatus = strawberry.enum(models.ItemStatus, name="ItemStatus")
BacklogItemOrder = strawberry.enum(
    repo.ItemOrder,
    name="BacklogItemOrder",
    description="VALUE_EFFORT: value/effort descending, items lacking either last; CREATED: "
    "oldest first; KEY: by key.",
)

_CADENCE = "syncpoint.cadence.graphql.types"
_DEPENDENCIES = "syncpoint.dependencies.graphql.types"
Sprint = Annotated["SprintType", strawberry.lazy(_CADENCE)]
CarryOver = Annotated["CarryOverType", strawberry.lazy(_CADENCE)]
Dependency = Annotated["DependencyNode", strawberry.lazy(_DEPENDENCIES)]
IntegrationPoint = Annotated["IntegrationPointType", strawberry.lazy(_DEPENDENCIES)]


@strawberry.type(name="BacklogItem", description="A piece of a team's ML work.")
class BacklogItemType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    key: str
    title: str
    description: str
    kind: ItemKind  # type: ignore[valid-type]
    status: ItemStatus  # type: ignore[valid-type]
    value: int | None
    effort: int | None
    estimate: float | None
    hypothesis: str | None
    evaluation_method: str | None
    time_cap_days: int | None
    started_on: date | None
    finished_on: date | None
    carry_over_count: int
    version: int
    created_at: datetime
    updated_at: datetime
    team_id: strawberry.Private[int]
    sprint_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.BacklogItem) -> BacklogItemType:
        return cls(
            id=m.id,
            key=m.key,
            title=m.title,
            description=m.description,
            kind=m.kind,
            status=m.status,
            value=m.value,
            effort=m.effort,
            estimate=m.estimate,
            hypothesis=m.hypothesis,
            evaluation_method=m.evaluation_method,
            time_cap_days=m.time_cap_days,
            started_on=m.started_on,
            finished_on=m.finished_on,
            carry_over_count=m.carry_over_count,
            version=m.version,
            created_at=m.created_at,
            updated_at=m.updated_at,
            team_id=m.team_id,
            sprint_id=m.sprint_id,
        )

    node_loader = repo.items_by_ids

    @strawberry.field(description="value / effort (null when either is unknown).")
    def value_effort_ratio(self) -> float | None:
        if self.value is None or not self.effort:
            return None
        return self.value / self.effort

    @strawberry.field(description="Research items: the day after the time cap ends.")
    def time_cap_ends_on(self) -> date | None:
        if self.started_on is None or self.time_cap_days is None:
            return None
        return self.started_on + timedelta(days=self.time_cap_days)

    @strawberry.field(description="Days an open experiment/spike is past its time cap (0: none).")
    def overrun_days(self, as_of: date | None = None) -> int:
        cap_end = self.time_cap_ends_on()
        if cap_end is None or self.kind not in RESEARCH_KINDS or self.status in CLOSED_STATUSES:
            return 0
        return max(0, ((as_of or today()) - cap_end).days)

    @strawberry.field
    async def team(self, info: Info) -> TeamType:
        return await team(info, self.team_id)

    @strawberry.field(description="The sprint the item is planned in (null: in the backlog).")
    async def sprint(self, info: Info) -> Sprint | None:
        from syncpoint.cadence.graphql.types import load_stored_sprint

        return await load_stored_sprint(info, self.sprint_id)

    @strawberry.field
    async def acceptance_criteria(self, info: Info) -> list[AcceptanceCriterionType]:
        criteria = await info.context.loaders.load(repo.criteria_by_item, self.id)
        if not criteria:
            return []
        observations = await info.context.loaders.load(repo.observations_by_item, self.id)
        return judge(criteria, observations)

    @strawberry.field(description="Evaluation runs, newest first.")
    async def observations(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[MetricObservationType]:
        return await OBSERVATIONS.page(info, self.id, PageArgs(first, after, last, before))

    @strawberry.field(description="The team's Definition of Ready, with what this item meets.")
    async def ready_checks(self, info: Info) -> list[ItemCheckState]:
        return await _checks(info, self, models.ChecklistKind.READY)

    @strawberry.field(description="The team's Definition of Done, with what this item meets.")
    async def done_checks(self, info: Info) -> list[ItemCheckState]:
        return await _checks(info, self, models.ChecklistKind.DONE)

    @strawberry.field(description="Every change of status, sprint, estimate... oldest first.")
    async def history(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ItemChangeType]:
        return await ITEM_HISTORY.page(info, self.id, PageArgs(first, after, last, before))

    @strawberry.field(description="Each time the item was carried over to a next sprint.")
    async def carry_overs(self, info: Info) -> list[CarryOver]:
        from syncpoint.cadence.graphql.types import carry_overs_of

        return await carry_overs_of(info, self.id)

    @strawberry.field(description="Dependencies where this item is the consumer (what it needs).")
    async def upstream(self, info: Info) -> list[Dependency]:
        from syncpoint.dependencies.graphql.types import upstream_of

        return await upstream_of(info, self.id)

    @strawberry.field(description="Dependencies where this item is the provider (who needs it).")
    async def downstream(self, info: Info) -> list[Dependency]:
        from syncpoint.dependencies.graphql.types import downstream_of

        return await downstream_of(info, self.id)

    @strawberry.field(description="Integration points this item takes part in.")
    async def integration_points(self, info: Info) -> list[IntegrationPoint]:
        from syncpoint.dependencies.graphql.types import integration_points_of

        return await integration_points_of(info, self.id)


async def _checks(
    info: Info, item: BacklogItemType, kind: models.ChecklistKind
) -> list[ItemCheckState]:
    checklist = await info.context.loaders.load(repo.checklists_by_team, item.team_id)
    met = {c.check_id: c for c in await info.context.loaders.load(repo.checks_by_item, item.id)}
    states = []
    for check in checklist:
        if check.kind is not kind:
            continue
        row = met.get(check.id)
        states.append(
            ItemCheckState(
                check=ChecklistItemType.from_model(check),
                met=row is not None,
                met_at=row.met_at if row else None,
                met_by_id=row.met_by_id if row else None,
            )
        )
    return states


# Nested pages: one statement for every item's page (see core.loaders.NestedPage).
_Observation = models.MetricObservation
OBSERVATIONS = NestedPage(
    repo.observations_query,
    _Observation.item_id,
    [SortKey(_Observation.observed_at, descending=True), SortKey(_Observation.id, descending=True)],
    MetricObservationType.from_model,
)
ITEM_HISTORY = NestedPage(
    repo.changes_query,
    models.ItemChange.item_id,
    [SortKey(models.ItemChange.at), SortKey(models.ItemChange.id)],
    ItemChangeType.from_model,
)
