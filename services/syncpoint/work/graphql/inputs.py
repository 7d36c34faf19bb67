"""Inputs and payloads of the work mutations (backlog items, criteria, DoR/DoD checks)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from syncpoint.core.context import Info
from syncpoint.core.errors import UserError
from syncpoint.core.inputs import optional, ref
from syncpoint.work import repository as repo
from syncpoint.work.graphql.types import (
    AcceptanceCriterionType,
    BacklogItemType,
    ChecklistItemType,
    ChecklistKind,
    Comparator,
    ItemKind,
    ItemStatus,
    MetricObservationType,
    judge,
)

# ---- inputs ---------------------------------------------------------------------------------


@strawberry.input
class CreateBacklogItemInput:
    team_id: relay.GlobalID = ref("Team")
    title: str
    kind: ItemKind  # type: ignore[valid-type]
    key: str | None = strawberry.field(
        default=None, description="e.g. FS-12; default: the team's prefix and the next number."
    )
    description: str = ""
    value: int | None = None
    effort: int | None = strawberry.field(default=None, description="At least 1.")
    estimate: float | None = None
    hypothesis: str | None = strawberry.field(default=None, description="Required: EXPERIMENT.")
    evaluation_method: str | None = strawberry.field(
        default=None, description="Required: EXPERIMENT."
    )
    time_cap_days: int | None = strawberry.field(
        default=None, description="Required: EXPERIMENT and SPIKE."
    )


@strawberry.input
class UpdateBacklogItemInput:
    id: relay.GlobalID = ref("BacklogItem")
    version: int = strawberry.field(description="The version you read; stale versions conflict.")
    title: str | None = optional()
    description: str | None = optional()
    value: int | None = optional(nullable=True)
    effort: int | None = optional(nullable=True)
    estimate: float | None = optional(nullable=True)
    # Research fields may be cleared; an experiment or spike then refuses (REQUIRED).
    hypothesis: str | None = optional(nullable=True)
    evaluation_method: str | None = optional(nullable=True)
    time_cap_days: int | None = optional(nullable=True)


@strawberry.input
class ChangeItemStatusInput:
    id: relay.GlobalID = ref("BacklogItem")
    version: int
    status: ItemStatus  # type: ignore[valid-type]
    note: str = ""
    wip_limit_override_reason: str | None = strawberry.field(
        default=None,
        description="Why the item goes past its status's enforced WIP limit: the team's product "
        "owner or Scrum master (or an admin) only; kept in the item's history and reported by "
        "the retrospective. Ignored when no limit holds the item back.",
    )


@strawberry.input
class CriterionConditionInput:
    metric: str
    comparator: Comparator  # type: ignore[valid-type]
    threshold: float


@strawberry.input
class AcceptanceCriterionInput:
    metric: str
    comparator: Comparator  # type: ignore[valid-type]
    threshold: float
    description: str = ""
    condition: CriterionConditionInput | None = None


@strawberry.input
class SetAcceptanceCriteriaInput:
    item_id: relay.GlobalID = ref("BacklogItem")
    version: int
    criteria: list[AcceptanceCriterionInput] = strawberry.field(
        description="The new list; it replaces the old one (kept in the item's history)."
    )


@strawberry.input
class MetricValueInput:
    metric: str
    value: float


@strawberry.input
class RecordMetricObservationInput:
    item_id: relay.GlobalID = ref("BacklogItem")
    values: list[MetricValueInput]
    run_url: str | None = None


@strawberry.input
class CreateChecklistItemInput:
    team_id: relay.GlobalID = ref("Team")
    kind: ChecklistKind  # type: ignore[valid-type]
    text: str
    position: int | None = None


@strawberry.input
class ArchiveChecklistItemInput:
    id: relay.GlobalID = ref("ChecklistItem")


@strawberry.input
class ItemCheckInput:
    item_id: relay.GlobalID = ref("BacklogItem")
    check_id: relay.GlobalID = ref("ChecklistItem")


# ---- payloads -------------------------------------------------------------------------------


@strawberry.type
class BacklogItemPayload:
    item: BacklogItemType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ChecklistItemPayload:
    check: ChecklistItemType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


async def _judged(root: MetricObservationPayload, info: Info) -> list[AcceptanceCriterionType]:
    """The criteria of the observed item, judged with this observation among the others."""
    if root.observation is None:
        return []
    session = info.context.session
    criteria = await repo.criteria_of(session, root.observation.item_id)
    observations = await repo.observations_of(session, root.observation.item_id)
    return judge(criteria, observations)


@strawberry.type
class MetricObservationPayload:
    observation: MetricObservationType | None = None
    criteria: list[AcceptanceCriterionType] = strawberry.field(
        resolver=_judged, description="The item's criteria judged after this observation."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)
