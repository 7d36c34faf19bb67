"""GraphQL types hanging off a backlog item: observations, criteria, checks, history rows."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from syncpoint.core.context import Info
from syncpoint.core.nodes import LoadedNode
from syncpoint.teams import repository as teams_repo
from syncpoint.teams.graphql.types import PersonType, TeamType
from syncpoint.work import models
from syncpoint.work import repository as repo
from syncpoint.work.criteria import CriterionCheck, check_criterion, describe

Comparator = strawberry.enum(models.Comparator, name="Comparator")
ChecklistKind = strawberry.enum(models.ChecklistKind, name="ChecklistKind")


async def person(info: Info, person_id: int | None) -> PersonType | None:
    if person_id is None:
        return None
    row = await info.context.loaders.load(teams_repo.people_by_ids, person_id)
    return PersonType.from_model(row) if row else None


async def team(info: Info, team_id: int) -> TeamType:
    return TeamType.from_model(
        await info.context.loaders.referenced(teams_repo.teams_by_ids, team_id)
    )


@strawberry.type(name="MetricValue", description="One metric of an evaluation run.")
class MetricValue:
    metric: str
    value: float


@strawberry.type(
    name="MetricObservation", description="Metric values observed together (one evaluation run)."
)
class MetricObservationType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    values: list[MetricValue]
    run_url: str | None
    observed_at: datetime
    recorded_by_id: strawberry.Private[int | None]
    item_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.MetricObservation) -> MetricObservationType:
        values = [
            MetricValue(metric=k, value=float(v)) for k, v in sorted((m.values or {}).items())
        ]
        return cls(
            id=m.id,
            values=values,
            run_url=m.run_url,
            observed_at=m.observed_at,
            recorded_by_id=m.recorded_by_id,
            item_id=m.item_id,
        )

    node_loader = repo.observations_by_ids

    @strawberry.field
    async def recorded_by(self, info: Info) -> PersonType | None:
        return await person(info, self.recorded_by_id)


@strawberry.type(name="CriterionCondition", description="'at recall >= 0.85'.")
class CriterionCondition:
    metric: str
    comparator: Comparator  # type: ignore[valid-type]
    threshold: float


@strawberry.type(
    name="AcceptanceCriterion",
    description="metric comparator threshold, optionally conditioned, judged on the latest "
    "observation reporting its metrics.",
)
class AcceptanceCriterionType:
    position: int
    description: str
    metric: str
    comparator: Comparator  # type: ignore[valid-type]
    threshold: float
    condition: CriterionCondition | None
    text: str = strawberry.field(description="e.g. 'precision >= 0.92 at recall >= 0.85'.")
    met: bool | None = strawberry.field(description="Null until a run reports its metrics.")
    observed_value: float | None
    observed_condition_value: float | None
    observation: MetricObservationType | None

    @classmethod
    def build(cls, c: models.AcceptanceCriterion, check: CriterionCheck) -> AcceptanceCriterionType:
        condition = None
        if c.condition_metric and c.condition_comparator and c.condition_threshold is not None:
            condition = CriterionCondition(
                metric=c.condition_metric,
                comparator=c.condition_comparator,
                threshold=c.condition_threshold,
            )
        return cls(
            position=c.position,
            description=c.description,
            metric=c.metric,
            comparator=c.comparator,
            threshold=c.threshold,
            condition=condition,
            text=describe(c),
            met=check.met,
            observed_value=check.value,
            observed_condition_value=check.condition_value,
            observation=(
                MetricObservationType.from_model(check.observation) if check.observation else None
            ),
        )


def judge(
    criteria: list[models.AcceptanceCriterion], newest_first: list[models.MetricObservation]
) -> list[AcceptanceCriterionType]:
    return [AcceptanceCriterionType.build(c, check_criterion(c, newest_first)) for c in criteria]


@strawberry.type(name="ChecklistItem", description="A check of a team's Definition of Ready/Done.")
class ChecklistItemType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    kind: ChecklistKind  # type: ignore[valid-type]
    text: str
    position: int
    archived_at: datetime | None
    team_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.ChecklistItem) -> ChecklistItemType:
        return cls(
            id=m.id,
            kind=m.kind,
            text=m.text,
            position=m.position,
            archived_at=m.archived_at,
            team_id=m.team_id,
        )

    node_loader = repo.checklist_items_by_ids

    @strawberry.field
    async def team(self, info: Info) -> TeamType:
        return await team(info, self.team_id)


@strawberry.type(name="ItemCheckState", description="Whether an item meets one check.")
class ItemCheckState:
    check: ChecklistItemType
    met: bool
    met_at: datetime | None
    met_by_id: strawberry.Private[int | None]

    @strawberry.field
    async def met_by(self, info: Info) -> PersonType | None:
        return await person(info, self.met_by_id)


@strawberry.type(name="ItemChange", description="One change of an item (who, when, from, to).")
class ItemChangeType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    field: str
    old_value: str | None
    new_value: str | None
    note: str
    at: datetime
    actor_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.ItemChange) -> ItemChangeType:
        return cls(
            id=m.id,
            field=m.field,
            old_value=m.old_value,
            new_value=m.new_value,
            note=m.note,
            at=m.at,
            actor_id=m.actor_id,
        )

    node_loader = repo.changes_by_ids

    @strawberry.field
    async def actor(self, info: Info) -> PersonType | None:
        return await person(info, self.actor_id)
