"""Queries and mutations of quality gates, data readiness and experiment designs."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from syncpoint.cadence.graphql.types import SprintType
from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.ids import decode_id
from syncpoint.core.mutations import Call, mutation
from syncpoint.insights.analyses import analyses_of
from syncpoint.insights.graphql.flag_types import FlagType
from syncpoint.products.graphql.ops_types import ComputeReservationType
from syncpoint.quality import gates, readiness, reports
from syncpoint.quality.graphql.types import (
    DataNeedPayload,
    DataReadinessType,
    DeclareDataNeedInput,
    DeclareProductDatasetInput,
    ExperimentDesignPayload,
    ExperimentDesignType,
    GateOverrideType,
    ItemGateStatus,
    OverrideQualityGateInput,
    ProductDatasetPayload,
    QualityGatePayload,
    QualityGateType,
    RecordResearchResultInput,
    RemoveDataNeedInput,
    ReviewExperimentDesignInput,
    SetExperimentDesignInput,
    SetQualityGateInput,
)
from syncpoint.teams.graphql.types import TeamType
from syncpoint.work import design as design_svc
from syncpoint.work import gate_models as gm
from syncpoint.work.gate_models import GateAction as GateActionModel
from syncpoint.work.graphql.inputs import BacklogItemPayload
from syncpoint.work.graphql.queries import sprint_key
from syncpoint.work.graphql.types import BacklogItemType, team
from syncpoint.work.models import BacklogItem

QUALITY_GATES = read_policy("qualityGates")
QUALITY_REPORT = read_policy("qualityReport")
SPRINT_PLAN = read_policy("sprintPlan")
DATA_READINESS = read_policy("dataReadiness")
EXPERIMENT_DESIGN = read_policy("experimentDesign")


def _status(item: BacklogItem, found: gates.GateVerdict, overridden: set[int]) -> ItemGateStatus:
    return ItemGateStatus(
        item=BacklogItemType.from_model(item),
        unmet=[u.message for u in found.unmet],
        overridden=item.id in overridden,
    )


@strawberry.type(
    name="QualityReport",
    description="A sprint's items planned without readiness, done without their checks, and "
    "the overrides with their reasons.",
)
class QualityReportType:
    sprint: SprintType
    ready_enforced: bool
    done_enforced: bool
    planned_without_readiness: list[ItemGateStatus]
    done_without_checks: list[ItemGateStatus]
    overrides: list[GateOverrideType]
    team_id: strawberry.Private[int]

    @strawberry.field
    async def team(self, info: Info) -> TeamType:
        return await team(info, self.team_id)

    @classmethod
    def of(cls, team_id: int, r: reports.QualityReport) -> QualityReportType:
        by_action: dict[GateActionModel, set[int]] = {a: set() for a in GateActionModel}
        for o in r.overrides:
            by_action[o.action].add(o.item_id)
        ready_overridden = by_action[GateActionModel.PLAN] | by_action[GateActionModel.READY]
        return cls(
            sprint=SprintType.from_view(r.view),
            ready_enforced=r.ready_enforced,
            done_enforced=r.done_enforced,
            planned_without_readiness=[
                _status(i, v, ready_overridden) for i, v in r.planned_without_readiness
            ],
            done_without_checks=[
                _status(i, v, by_action[GateActionModel.DONE]) for i, v in r.done_without_checks
            ],
            overrides=[GateOverrideType.from_model(o) for o in r.overrides],
            team_id=team_id,
        )


@strawberry.type(name="PlannedItem", description="A planned item in the sprint plan view.")
class PlannedItemType:
    item: BacklogItemType
    data_ready: bool
    data: list[DataReadinessType]
    reservations: list[ComputeReservationType] = strawberry.field(
        description="Its active compute reservations (each with the contention it is part of)."
    )
    flags: list[FlagType] = strawberry.field(
        description="Flags of the analysis on the item and on the dependencies it consumes or "
        "provides."
    )


@strawberry.type(
    name="SprintPlan",
    description="Data readiness, compute reservations and dependency flags of every item "
    "planned in a sprint.",
)
class SprintPlanType:
    sprint: SprintType
    items: list[PlannedItemType]

    @strawberry.field(description="Items whose data is not ready.")
    def data_not_ready(self) -> list[BacklogItemType]:
        return [p.item for p in self.items if not p.data_ready]


@strawberry.type
class GatesQuery:
    @strawberry.field(
        description="A team's quality gates (DoR / DoD not listed are advisory).",
        permission_classes=[allowed(QUALITY_GATES)],
    )
    async def quality_gates(self, info: Info, team_id: relay.GlobalID) -> list[QualityGateType]:
        rows = await gates.gates_of(info.context.session, decode_id(team_id, "Team", "teamId"))
        return [QualityGateType.from_model(rows[k]) for k in sorted(rows)]

    @strawberry.field(permission_classes=[allowed(QUALITY_REPORT)])
    async def quality_report(
        self, info: Info, team_id: relay.GlobalID, sprint_id: relay.GlobalID
    ) -> QualityReportType:
        team_db_id = decode_id(team_id, "Team", "teamId")
        found = await reports.quality_report(
            info.context.session, team_db_id, sprint_key(sprint_id, "sprintId")
        )
        return QualityReportType.of(team_db_id, found)

    @strawberry.field(permission_classes=[allowed(SPRINT_PLAN)])
    async def sprint_plan(
        self, info: Info, team_id: relay.GlobalID, sprint_id: relay.GlobalID
    ) -> SprintPlanType:
        analysis = await analyses_of(info.context).analysis()
        view, planned = await reports.sprint_plan(
            info.context.session,
            decode_id(team_id, "Team", "teamId"),
            sprint_key(sprint_id, "sprintId"),
            analysis,
        )
        return SprintPlanType(
            sprint=SprintType.from_view(view),
            items=[
                PlannedItemType(
                    item=BacklogItemType.from_model(p.item),
                    data_ready=p.data_ready,
                    data=[DataReadinessType.of(c) for c in p.data],
                    reservations=[ComputeReservationType.from_model(r) for r in p.reservations],
                    flags=[FlagType.from_flag(f) for f in p.flags],
                )
                for p in planned
            ],
        )

    @strawberry.field(
        description="Every data need of an item, judged now.",
        permission_classes=[allowed(DATA_READINESS)],
    )
    async def data_readiness(self, info: Info, item_id: relay.GlobalID) -> list[DataReadinessType]:
        db_id = decode_id(item_id, "BacklogItem", "itemId")
        checks = await readiness.data_checks(info.context.session, [db_id])
        return [DataReadinessType.of(c) for c in checks[db_id]]

    @strawberry.field(permission_classes=[allowed(EXPERIMENT_DESIGN)])
    async def experiment_design(
        self, info: Info, item_id: relay.GlobalID
    ) -> ExperimentDesignType | None:
        db_id = decode_id(item_id, "BacklogItem", "itemId")
        row = await design_svc.design_of(info.context.session, db_id)
        return ExperimentDesignType.from_model(row) if row is not None else None


@strawberry.type
class GatesMutation:
    @mutation(
        gates.SET_GATE,
        payload=QualityGatePayload,
        description="Make a team's Definition of Ready or Done advisory or enforced.",
    )
    async def set_quality_gate(call: Call[SetQualityGateInput]) -> gm.QualityGate:
        return await gates.set_gate(call.session, call.actor, **call.fields)

    @mutation(
        gates.OVERRIDE_GATE,
        payload=BacklogItemPayload,
        description="Plan an item, or set it READY or DONE, although its enforced gate is not "
        "met: the team's product owner or Scrum master (or an admin), with a reason kept in "
        "the item's history and the quality report.",
    )
    async def override_quality_gate(call: Call[OverrideQualityGateInput]) -> BacklogItem:
        return await gates.override_gate(
            call.session,
            call.actor,
            item_id=call.fields["item_id"],
            version=call.input.version,
            action=call.input.action,
            reason=call.input.reason,
            sprint_node_id=call.fields["sprint_id"],
        )

    @mutation(readiness.DECLARE_DATASET, payload=ProductDatasetPayload)
    async def declare_product_dataset(
        call: Call[DeclareProductDatasetInput],
    ) -> gm.ProductDataset:
        """Declare a dataset or table a product serves, at a schema version."""
        return await readiness.declare_dataset(call.session, call.actor, **call.fields)

    @mutation(readiness.DECLARE_NEED, payload=DataNeedPayload)
    async def declare_data_need(call: Call[DeclareDataNeedInput]) -> gm.ItemDataNeed:
        """Declare the data an item needs: a product's dataset, or a DATA item."""
        return await readiness.declare_need(call.session, call.actor, **call.fields)

    @mutation(readiness.REMOVE_NEED, payload=BacklogItemPayload)
    async def remove_data_need(call: Call[RemoveDataNeedInput]) -> BacklogItem:
        """Withdraw a data need of an item (kept in its history)."""
        return await readiness.remove_need(call.session, call.actor, call.id)

    @mutation(design_svc.SET_DESIGN, payload=ExperimentDesignPayload)
    async def set_experiment_design(call: Call[SetExperimentDesignInput]) -> gm.ExperimentDesign:
        """Say what makes an experiment's result conclusive; a change needs a new review."""
        return await design_svc.set_design(
            call.session, call.actor, call.fields["item_id"], call.changes
        )

    @mutation(design_svc.REVIEW_DESIGN, payload=ExperimentDesignPayload)
    async def review_experiment_design(
        call: Call[ReviewExperimentDesignInput],
    ) -> gm.ExperimentDesign:
        """Record the review of an experiment's design: by you, now, with comments."""
        return await design_svc.review_design(call.session, call.actor, **call.fields)

    @mutation(design_svc.RECORD_RESULT, payload=ExperimentDesignPayload)
    async def record_research_result(call: Call[RecordResearchResultInput]) -> gm.ExperimentDesign:
        """Record how an experiment ended (with the numbers) or a spike (decision, report)."""
        return await design_svc.record_result(call.session, call.actor, **call.fields)
