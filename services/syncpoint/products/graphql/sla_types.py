"""GraphQL types of published SLAs: versions, objectives, what changed, compliance."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from syncpoint.analysis.error_budget import ComplianceStatus as ComplianceStatusEnum
from syncpoint.core.context import Info
from syncpoint.core.nodes import LoadedNode
from syncpoint.products import models
from syncpoint.products import repository as repo
from syncpoint.products.objectives import FieldChange, SlaDiff
from syncpoint.products.sla import changes_between
from syncpoint.products.slo import ObjectiveStatus
from syncpoint.teams import repository as teams_repo
from syncpoint.teams.graphql.types import PersonType

if TYPE_CHECKING:
    from syncpoint.products.graphql.types import ProductType

Product = Annotated["ProductType", strawberry.lazy("syncpoint.products.graphql.types")]

IndicatorKind = strawberry.enum(models.IndicatorKind, name="IndicatorKind")
WindowType = strawberry.enum(models.WindowType, name="SloWindowType")
BudgetingMethod = strawberry.enum(models.BudgetingMethod, name="BudgetingMethod")
ThresholdOperator = strawberry.enum(models.ThresholdOperator, name="ThresholdOperator")
ComplianceStatus = strawberry.enum(
    ComplianceStatusEnum,
    name="ComplianceStatus",
    description="BREACHED: SLI under target or error budget exhausted; AT_RISK: under 25% of "
    "the budget left; NO_DATA: no measurement in the window.",
)


@strawberry.type(name="SloObjective", description="A runtime objective of one SLA version.")
class SloObjectiveType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    key: str = strawberry.field(description="Stable across versions; measurements attach to it.")
    name: str
    description: str
    indicator: IndicatorKind  # type: ignore[valid-type]
    target: float = strawberry.field(description="Share of good events promised, e.g. 0.999.")
    threshold: float | None
    operator: ThresholdOperator | None  # type: ignore[valid-type]
    unit: str | None
    percentile: float | None
    window_days: int
    window_type: WindowType  # type: ignore[valid-type]
    calendar_start: datetime | None
    calendar_time_zone: str | None
    budgeting_method: BudgetingMethod  # type: ignore[valid-type]
    timeslice_target: float | None
    timeslice_minutes: int | None

    @classmethod
    def from_model(cls, m: models.SloObjective) -> SloObjectiveType:
        return cls(
            id=m.id,
            key=m.objective_key,
            name=m.name,
            description=m.description,
            indicator=m.indicator,
            target=m.target,
            threshold=m.threshold,
            operator=m.operator,
            unit=m.unit,
            percentile=m.percentile,
            window_days=m.window_days,
            window_type=m.window_type,
            calendar_start=m.calendar_start,
            calendar_time_zone=m.calendar_time_zone,
            budgeting_method=m.budgeting_method,
            timeslice_target=m.timeslice_target,
            timeslice_minutes=m.timeslice_minutes,
        )

    node_loader = repo.objectives_by_ids


@strawberry.type(name="FieldChange", description="One field that differs between two versions.")
class FieldChangeType:
    field: str
    old_value: str | None = strawberry.field(name="from")
    new_value: str | None = strawberry.field(name="to")

    @classmethod
    def of(cls, change: FieldChange) -> FieldChangeType:
        return cls(field=change.field, old_value=change.old, new_value=change.new)


@strawberry.type(name="ObjectiveChange", description="An objective kept under its key, changed.")
class ObjectiveChangeType:
    key: str
    name: str
    fields: list[FieldChangeType]


@strawberry.type(name="SlaChanges", description="What a version changed from the previous one.")
class SlaChangesType:
    previous_number: int
    added: list[SloObjectiveType]
    removed: list[SloObjectiveType]
    changed: list[ObjectiveChangeType]
    turnaround: list[FieldChangeType] = strawberry.field(
        description="Changes of triageDays, deliveryDays, deliverySprints."
    )


@strawberry.type(
    name="SlaVersion",
    description="A published SLA: runtime objectives and the request-turnaround promise. "
    "Immutable: publishing again adds a version.",
)
class SlaVersionType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    number: int
    published_at: datetime
    notes: str
    source: str = strawberry.field(description="MANUAL or OPENSLO.")
    triage_days: int | None
    delivery_days: int | None
    delivery_sprints: int | None
    product_id: strawberry.Private[int]
    published_by_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.SlaVersion) -> SlaVersionType:
        return cls(
            id=m.id,
            number=m.number,
            published_at=m.published_at,
            notes=m.notes,
            source=m.source,
            triage_days=m.triage_days,
            delivery_days=m.delivery_days,
            delivery_sprints=m.delivery_sprints,
            product_id=m.product_id,
            published_by_id=m.published_by_id,
        )

    node_loader = repo.sla_versions_by_ids

    @strawberry.field
    async def product(self, info: Info) -> Product:
        from syncpoint.products.graphql.types import ProductType

        row = await info.context.loaders.referenced(repo.products_by_ids, self.product_id)
        return ProductType.from_model(row)

    @strawberry.field
    async def published_by(self, info: Info) -> PersonType | None:
        if self.published_by_id is None:
            return None
        row = await info.context.loaders.load(teams_repo.people_by_ids, self.published_by_id)
        return PersonType.from_model(row) if row else None

    @strawberry.field
    async def objectives(self, info: Info) -> list[SloObjectiveType]:
        rows = await info.context.loaders.load(repo.objectives_by_sla_version, self.id)
        return [SloObjectiveType.from_model(r) for r in rows]

    @strawberry.field(description="Differences from the previous version (null for version 1).")
    async def changes_from_previous(self, info: Info) -> SlaChangesType | None:
        if self.number <= 1:
            return None
        loaders = info.context.loaders
        previous = await loaders.load(repo.sla_by_number, (self.product_id, self.number - 1))
        version = await loaders.load(repo.sla_versions_by_ids, self.id)
        if previous is None or version is None:
            return None
        old = await loaders.load(repo.objectives_by_sla_version, previous.id)
        new = await loaders.load(repo.objectives_by_sla_version, self.id)
        return _changes(previous.number, changes_between(previous, old, version, new), old, new)


def _changes(
    number: int,
    diff: SlaDiff,
    old: list[models.SloObjective],
    new: list[models.SloObjective],
) -> SlaChangesType:
    old_by_key = {o.objective_key: o for o in old}
    new_by_key = {o.objective_key: o for o in new}
    return SlaChangesType(
        previous_number=number,
        added=[SloObjectiveType.from_model(new_by_key[k]) for k in diff.added],
        removed=[SloObjectiveType.from_model(old_by_key[k]) for k in diff.removed],
        changed=[
            ObjectiveChangeType(
                key=c.key, name=c.name, fields=[FieldChangeType.of(f) for f in c.fields]
            )
            for c in diff.changed
        ],
        turnaround=[FieldChangeType.of(f) for f in diff.turnaround],
    )


@strawberry.type(
    name="ObjectiveCompliance",
    description="An objective's state over its window: SLI, error budget, burn rate.",
)
class ObjectiveComplianceType:
    objective: SloObjectiveType
    window_start: datetime
    window_end: datetime
    good: float = strawberry.field(description="Good events (or good timeslices) in the window.")
    total: float
    sli: float | None = strawberry.field(description="good / total; null without data.")
    target: float
    error_budget_remaining: float = strawberry.field(
        description="Share of the error budget left: 1 untouched, 0 or less exhausted."
    )
    burn_rate: float | None = strawberry.field(
        description="Bad share over allowed bad share in the window (1 = on budget pace)."
    )
    recent_burn_rate: float | None = strawberry.field(description="The same over the last 24h.")
    status: ComplianceStatus  # type: ignore[valid-type]

    @strawberry.field(description="Breached or budget exhausted (raises SLA_BREACH blockers).")
    def breached(self) -> bool:
        return self.status is ComplianceStatusEnum.BREACHED

    @classmethod
    def of(cls, status: ObjectiveStatus) -> ObjectiveComplianceType:
        c = status.compliance
        return cls(
            objective=SloObjectiveType.from_model(status.objective),
            window_start=c.window_start,
            window_end=c.window_end,
            good=c.good,
            total=c.total,
            sli=c.sli,
            target=c.target,
            error_budget_remaining=c.budget_remaining,
            burn_rate=c.burn_rate,
            recent_burn_rate=c.recent_burn_rate,
            status=c.status,
        )
