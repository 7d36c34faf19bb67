"""GraphQL types, inputs and payloads of quality gates, data readiness and experiment designs."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from syncpoint.core.errors import ErrorCode, UserError
from syncpoint.core.inputs import optional, ref
from syncpoint.quality import gates, readiness
from syncpoint.teams.graphql.types import PersonType, TeamType
from syncpoint.work import design as design_svc
from syncpoint.work import gate_models as gm
from syncpoint.work.graphql.types import BacklogItemType, ChecklistKind, person, team
from syncpoint.work.models import BacklogItem

GateAction = strawberry.enum(gm.GateAction, name="GateAction")
ResultOutcome = strawberry.enum(gm.ResultOutcome, name="ResultOutcome")
DataState = strawberry.enum(
    readiness.DataState,
    name="DataState",
    description="READY, or why an item's data is not: the provider item is not DONE, the "
    "dataset is unknown to its product, at another schema version, or its freshness objective "
    "is breached.",
)


async def _item(info: Info, item_id: int) -> BacklogItemType:
    row = await info.context.session.get(BacklogItem, item_id)
    return BacklogItemType.from_model(row)


# ---- types ----------------------------------------------------------------------------------


@strawberry.type(name="QualityGate", description="A team's DoR or DoD: advisory or enforced.")
class QualityGateType:
    kind: ChecklistKind  # type: ignore[valid-type]
    enforced: bool
    require_design_review: bool = strawberry.field(
        description="DoR: an experiment needs a reviewed design naming its conclusive result."
    )
    team_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: gm.QualityGate) -> QualityGateType:
        return cls(
            kind=m.kind,
            enforced=m.enforced,
            require_design_review=m.require_design_review,
            team_id=m.team_id,
        )

    @strawberry.field
    async def team(self, info: Info) -> TeamType:
        return await team(info, self.team_id)


@strawberry.type(name="GateOverride", description="A gate passed although it was not met.")
class GateOverrideType:
    action: GateAction  # type: ignore[valid-type]
    reason: str
    unmet: str = strawberry.field(description="What the gate wanted, as it stood then.")
    at: datetime
    item_id: strawberry.Private[int]
    actor_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: gm.GateOverride) -> GateOverrideType:
        return cls(
            action=m.action,
            reason=m.reason,
            unmet=m.unmet,
            at=m.at,
            item_id=m.item_id,
            actor_id=m.actor_id,
        )

    @strawberry.field
    async def item(self, info: Info) -> BacklogItemType:
        return await _item(info, self.item_id)

    @strawberry.field(description="Who overrode the gate (none for a token without a person).")
    async def overridden_by(self, info: Info) -> PersonType | None:
        return await person(info, self.actor_id)


@strawberry.type(name="ProductDataset", description="A dataset or table a product serves.")
class ProductDatasetType:
    id: relay.GlobalID
    name: str
    schema_version: str
    freshness_objective_key: str | None

    @classmethod
    def from_model(cls, m: gm.ProductDataset) -> ProductDatasetType:
        return cls(
            id=relay.GlobalID("ProductDataset", str(m.id)),
            name=m.name,
            schema_version=m.schema_version,
            freshness_objective_key=m.freshness_objective_key,
        )


@strawberry.type(name="DataNeed", description="Data an item needs: a dataset or a DATA item.")
class DataNeedType:
    id: relay.GlobalID
    dataset: str | None
    schema_version: str | None
    require_fresh: bool
    product_id: relay.GlobalID | None
    provider_item_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: gm.ItemDataNeed) -> DataNeedType:
        return cls(
            id=relay.GlobalID("DataNeed", str(m.id)),
            dataset=m.dataset,
            schema_version=m.schema_version,
            require_fresh=m.require_fresh,
            product_id=(
                relay.GlobalID("Product", str(m.product_id)) if m.product_id is not None else None
            ),
            provider_item_id=m.provider_item_id,
        )

    @strawberry.field(description="The DATA item providing the data, for such a need.")
    async def provider_item(self, info: Info) -> BacklogItemType | None:
        if self.provider_item_id is None:
            return None
        return await _item(info, self.provider_item_id)


@strawberry.type(name="DataReadiness", description="One data need of an item, judged now.")
class DataReadinessType:
    need: DataNeedType
    state: DataState  # type: ignore[valid-type]
    ready: bool
    reason: str

    @classmethod
    def of(cls, check: readiness.DataCheck) -> DataReadinessType:
        return cls(
            need=DataNeedType.from_model(check.need),
            state=check.state,
            ready=check.ready,
            reason=check.reason,
        )


@strawberry.type(
    name="ExperimentDesign",
    description="What makes an experiment's result conclusive, its review and its result "
    "(a spike's: decision and report).",
)
class ExperimentDesignType:
    metric: str | None
    baseline_value: float | None
    minimum_effect: float | None
    reviewed_at: datetime | None
    review_comments: str
    outcome: ResultOutcome | None  # type: ignore[valid-type]
    observed_value: float | None
    effect: float | None = strawberry.field(description="observedValue - baselineValue.")
    decision: str | None
    report_url: str | None
    result_notes: str
    ended_at: datetime | None
    item_id: strawberry.Private[int]
    reviewed_by_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: gm.ExperimentDesign) -> ExperimentDesignType:
        return cls(
            metric=m.metric,
            baseline_value=m.baseline_value,
            minimum_effect=m.minimum_effect,
            reviewed_at=m.reviewed_at,
            review_comments=m.review_comments,
            outcome=m.outcome,
            observed_value=m.observed_value,
            effect=design_svc.effect_of(m),
            decision=m.decision,
            report_url=m.report_url,
            result_notes=m.result_notes,
            ended_at=m.ended_at,
            item_id=m.item_id,
            reviewed_by_id=m.reviewed_by_id,
        )

    @strawberry.field
    async def item(self, info: Info) -> BacklogItemType:
        return await _item(info, self.item_id)

    @strawberry.field
    async def reviewed_by(self, info: Info) -> PersonType | None:
        return await person(info, self.reviewed_by_id)


@strawberry.type(
    name="PlanningWarning",
    description="Why a gate or a WIP limit would refuse, when advisory (or overridden).",
)
class PlanningWarning:
    code: ErrorCode
    message: str


@strawberry.type(name="ItemGateStatus", description="An item and what its gate still lacks.")
class ItemGateStatus:
    item: BacklogItemType
    unmet: list[str]
    overridden: bool = strawberry.field(description="A lead overrode the gate for it.")


# ---- inputs ---------------------------------------------------------------------------------


@strawberry.input
class SetQualityGateInput:
    team_id: relay.GlobalID = ref("Team")
    kind: ChecklistKind  # type: ignore[valid-type]
    enforced: bool
    require_design_review: bool = False


@strawberry.input
class OverrideQualityGateInput:
    item_id: relay.GlobalID = ref("BacklogItem")
    version: int
    action: GateAction  # type: ignore[valid-type]
    reason: str
    sprint_id: relay.GlobalID | None = ref(
        "Sprint", text=True, default=None, description="PLAN: the sprint to plan the item into."
    )


@strawberry.input
class DeclareProductDatasetInput:
    product_id: relay.GlobalID = ref("Product")
    name: str
    schema_version: str
    freshness_objective_key: str | None = strawberry.field(
        default=None,
        description="The product's FRESHNESS objective promising it; default: all of them.",
    )


@strawberry.input
class DeclareDataNeedInput:
    item_id: relay.GlobalID = ref("BacklogItem")
    product_id: relay.GlobalID | None = ref("Product", default=None)
    dataset: str | None = None
    schema_version: str | None = None
    require_fresh: bool = True
    provider_item_id: relay.GlobalID | None = ref(
        "BacklogItem", default=None, description="A DATA item providing the data."
    )


@strawberry.input
class RemoveDataNeedInput:
    id: relay.GlobalID = ref("DataNeed")


@strawberry.input
class SetExperimentDesignInput:
    item_id: relay.GlobalID = ref("BacklogItem")
    metric: str | None = optional(description="The metric the result is judged on.")
    baseline_value: float | None = optional(nullable=True)
    minimum_effect: float | None = optional(
        nullable=True, description="The smallest change from the baseline that counts."
    )


@strawberry.input
class ReviewExperimentDesignInput:
    item_id: relay.GlobalID = ref("BacklogItem")
    comments: str = ""


@strawberry.input
class RecordResearchResultInput:
    item_id: relay.GlobalID = ref("BacklogItem")
    outcome: ResultOutcome | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Experiment: CONFIRMED, REFUTED or INCONCLUSIVE."
    )
    observed_value: float | None = strawberry.field(
        default=None,
        description="Experiment: the design metric's value; default: its latest observation.",
    )
    decision: str | None = strawberry.field(default=None, description="Spike: the decision.")
    report_url: str | None = strawberry.field(default=None, description="Spike: its report.")
    notes: str = ""


# ---- payloads -------------------------------------------------------------------------------


@strawberry.type
class QualityGatePayload:
    gate: QualityGateType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ProductDatasetPayload:
    dataset: ProductDatasetType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DataNeedPayload:
    need: DataNeedType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ExperimentDesignPayload:
    design: ExperimentDesignType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


async def _warnings(root: PlanItemPayload, info: Info) -> list[PlanningWarning]:
    """What the Definition of Ready lacks for the planned item (advisory, or overridden)."""
    if root.item is None:
        return []
    item = await info.context.session.get(BacklogItem, root.item.id)
    if item is None or item.sprint_id is None:
        return []
    found = await gates.verdict(info.context.session, item, gm.GateAction.PLAN)
    return [PlanningWarning(code=u.code, message=u.message) for u in found.unmet]


@strawberry.type
class PlanItemPayload:
    item: BacklogItemType | None = None
    warnings: list[PlanningWarning] = strawberry.field(
        resolver=_warnings,
        description="What the Definition of Ready (checks, design review, data readiness) "
        "lacks for the planned item; an enforced DoR refuses instead (errors).",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)
