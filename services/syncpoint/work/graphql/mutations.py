"""Mutations of the work context: thin resolvers over work.service."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from syncpoint.core.auth import allowed
from syncpoint.core.errors import UserError
from syncpoint.core.ids import decode_id, provided
from syncpoint.core.mutations import mutate, run_mutation
from syncpoint.work import checklists as checks
from syncpoint.work import models
from syncpoint.work import repository as repo
from syncpoint.work import service as svc
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

UNSET = strawberry.UNSET


@strawberry.input
class CreateBacklogItemInput:
    team_id: relay.GlobalID
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
    id: relay.GlobalID
    version: int = strawberry.field(description="The version you read; stale versions conflict.")
    title: str | None = UNSET
    description: str | None = UNSET
    value: int | None = UNSET
    effort: int | None = UNSET
    estimate: float | None = UNSET
    hypothesis: str | None = UNSET
    evaluation_method: str | None = UNSET
    time_cap_days: int | None = UNSET


@strawberry.input
class ChangeItemStatusInput:
    id: relay.GlobalID
    version: int
    status: ItemStatus  # type: ignore[valid-type]
    note: str = ""


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
    item_id: relay.GlobalID
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
    item_id: relay.GlobalID
    values: list[MetricValueInput]
    run_url: str | None = None


@strawberry.input
class CreateChecklistItemInput:
    team_id: relay.GlobalID
    kind: ChecklistKind  # type: ignore[valid-type]
    text: str
    position: int | None = None


@strawberry.input
class ArchiveChecklistItemInput:
    id: relay.GlobalID


@strawberry.input
class ItemCheckInput:
    item_id: relay.GlobalID
    check_id: relay.GlobalID


@strawberry.type
class BacklogItemPayload:
    item: BacklogItemType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ChecklistItemPayload:
    check: ChecklistItemType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MetricObservationPayload:
    observation: MetricObservationType | None = None
    criteria: list[AcceptanceCriterionType] = strawberry.field(
        default_factory=list, description="The item's criteria judged after this observation."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


_ITEM_VALUES = {
    "description": "description",
    "value": "value",
    "effort": "effort",
    "estimate": "estimate",
    "hypothesis": "hypothesis",
    "evaluation_method": "evaluation_method",
    "time_cap_days": "time_cap_days",
}


def _criterion(c: AcceptanceCriterionInput) -> svc.CriterionSpec:
    return svc.CriterionSpec(
        metric=c.metric,
        comparator=c.comparator,
        threshold=c.threshold,
        description=c.description,
        condition_metric=c.condition.metric if c.condition else None,
        condition_comparator=c.condition.comparator if c.condition else None,
        condition_threshold=c.condition.threshold if c.condition else None,
    )


def _item_id(gid: relay.GlobalID, field: str = "itemId") -> int:
    return decode_id(gid, "BacklogItem", field)


@strawberry.type
class WorkMutation:
    @strawberry.mutation(permission_classes=[allowed(svc.CREATE_ITEM)])
    async def create_backlog_item(
        self, info: Info, input: CreateBacklogItemInput
    ) -> BacklogItemPayload:
        ctx = info.context

        async def action() -> models.BacklogItem:
            return await svc.create_item(
                ctx.session,
                ctx.actor,
                team_id=decode_id(input.team_id, "Team", "teamId"),
                title=input.title,
                kind=input.kind,
                values=provided(input, _ITEM_VALUES),
                key=input.key,
            )

        return await mutate(info, action, BacklogItemPayload, "item", BacklogItemType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.UPDATE_ITEM)])
    async def update_backlog_item(
        self, info: Info, input: UpdateBacklogItemInput
    ) -> BacklogItemPayload:
        ctx = info.context

        async def action() -> models.BacklogItem:
            changes: dict[str, Any] = provided(input, {**_ITEM_VALUES, "title": "title"})
            if changes.get("title", "") is None:
                del changes["title"]
            return await svc.update_item(
                ctx.session, ctx.actor, _item_id(input.id, "id"), input.version, changes
            )

        return await mutate(info, action, BacklogItemPayload, "item", BacklogItemType.from_model)

    @strawberry.mutation(
        description="Move an item to a status with a note (kept in its history). DONE dates "
        "its finish; the first IN_PROGRESS its start. BLOCKED is managed by blockers.",
        permission_classes=[allowed(svc.CHANGE_STATUS)],
    )
    async def change_item_status(
        self, info: Info, input: ChangeItemStatusInput
    ) -> BacklogItemPayload:
        ctx = info.context

        async def action() -> models.BacklogItem:
            return await svc.change_status(
                ctx.session,
                ctx.actor,
                _item_id(input.id, "id"),
                input.version,
                input.status,
                note=input.note,
            )

        return await mutate(info, action, BacklogItemPayload, "item", BacklogItemType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.SET_CRITERIA)])
    async def set_acceptance_criteria(
        self, info: Info, input: SetAcceptanceCriteriaInput
    ) -> BacklogItemPayload:
        ctx = info.context

        async def action() -> models.BacklogItem:
            return await svc.set_criteria(
                ctx.session,
                ctx.actor,
                _item_id(input.item_id),
                input.version,
                [_criterion(c) for c in input.criteria],
            )

        return await mutate(info, action, BacklogItemPayload, "item", BacklogItemType.from_model)

    @strawberry.mutation(
        description="Record metric values of one evaluation run; returns the criteria judged.",
        permission_classes=[allowed(svc.RECORD_OBSERVATION)],
    )
    async def record_metric_observation(
        self, info: Info, input: RecordMetricObservationInput
    ) -> MetricObservationPayload:
        ctx = info.context

        async def action() -> models.MetricObservation:
            return await svc.record_observation(
                ctx.session,
                ctx.actor,
                _item_id(input.item_id),
                [(v.metric, v.value) for v in input.values],
                input.run_url,
            )

        out = await run_mutation(info, action)
        if out.value is None:
            return MetricObservationPayload(errors=out.errors)
        criteria = await repo.criteria_of(ctx.session, out.value.item_id)
        observations = await repo.observations_of(ctx.session, out.value.item_id)
        return MetricObservationPayload(
            observation=MetricObservationType.from_model(out.value),
            criteria=judge(criteria, observations),
        )

    @strawberry.mutation(permission_classes=[allowed(checks.CREATE_CHECK)])
    async def create_checklist_item(
        self, info: Info, input: CreateChecklistItemInput
    ) -> ChecklistItemPayload:
        ctx = info.context

        async def action() -> models.ChecklistItem:
            return await checks.create_check(
                ctx.session,
                ctx.actor,
                team_id=decode_id(input.team_id, "Team", "teamId"),
                kind=input.kind,
                text=input.text,
                position=input.position,
            )

        return await mutate(
            info, action, ChecklistItemPayload, "check", ChecklistItemType.from_model
        )

    @strawberry.mutation(permission_classes=[allowed(checks.ARCHIVE_CHECK)])
    async def archive_checklist_item(
        self, info: Info, input: ArchiveChecklistItemInput
    ) -> ChecklistItemPayload:
        ctx = info.context

        async def action() -> models.ChecklistItem:
            return await checks.archive_check(
                ctx.session, ctx.actor, decode_id(input.id, "ChecklistItem")
            )

        return await mutate(
            info, action, ChecklistItemPayload, "check", ChecklistItemType.from_model
        )

    @strawberry.mutation(permission_classes=[allowed(checks.MARK_CHECK)])
    async def mark_item_check(self, info: Info, input: ItemCheckInput) -> BacklogItemPayload:
        ctx = info.context

        async def action() -> models.BacklogItem:
            return await checks.mark_check(
                ctx.session,
                ctx.actor,
                _item_id(input.item_id),
                decode_id(input.check_id, "ChecklistItem", "checkId"),
            )

        return await mutate(info, action, BacklogItemPayload, "item", BacklogItemType.from_model)

    @strawberry.mutation(permission_classes=[allowed(checks.UNMARK_CHECK)])
    async def unmark_item_check(self, info: Info, input: ItemCheckInput) -> BacklogItemPayload:
        ctx = info.context

        async def action() -> models.BacklogItem:
            return await checks.unmark_check(
                ctx.session,
                ctx.actor,
                _item_id(input.item_id),
                decode_id(input.check_id, "ChecklistItem", "checkId"),
            )

        return await mutate(info, action, BacklogItemPayload, "item", BacklogItemType.from_model)
