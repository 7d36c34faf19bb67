"""Mutations of the work context, declared once each (see core/mutations.py)."""

from __future__ import annotations

import strawberry

from syncpoint.core.mutations import Call, mutation
from syncpoint.quality.graphql.wip import ChangeItemStatusPayload
from syncpoint.work import checklists as checks
from syncpoint.work import models
from syncpoint.work import service as svc
from syncpoint.work.graphql.inputs import (
    AcceptanceCriterionInput,
    ArchiveChecklistItemInput,
    BacklogItemPayload,
    ChangeItemStatusInput,
    ChecklistItemPayload,
    CreateBacklogItemInput,
    CreateChecklistItemInput,
    ItemCheckInput,
    MetricObservationPayload,
    RecordMetricObservationInput,
    SetAcceptanceCriteriaInput,
    UpdateBacklogItemInput,
)

__all__ = ["BacklogItemPayload", "WorkMutation"]


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


@strawberry.type
class WorkMutation:
    @mutation(svc.CREATE_ITEM, payload=BacklogItemPayload)
    async def create_backlog_item(call: Call[CreateBacklogItemInput]) -> models.BacklogItem:
        values = dict(call.fields)
        team_id, title = values.pop("team_id"), values.pop("title")
        kind, key = values.pop("kind"), values.pop("key")
        return await svc.create_item(
            call.session,
            call.actor,
            team_id=team_id,
            title=title,
            kind=kind,
            values=values,
            key=key,
        )

    @mutation(svc.UPDATE_ITEM, payload=BacklogItemPayload)
    async def update_backlog_item(call: Call[UpdateBacklogItemInput]) -> models.BacklogItem:
        return await svc.update_item(
            call.session, call.actor, call.id, call.input.version, call.changes
        )

    @mutation(
        svc.CHANGE_STATUS,
        payload=ChangeItemStatusPayload,
        description="Move an item to a status with a note (kept in its history). DONE dates "
        "its finish; the first IN_PROGRESS its start. BLOCKED is managed by blockers. A status "
        "at its enforced WIP limit refuses the item (WIP_LIMIT_REACHED) unless a lead gives "
        "wipLimitOverrideReason; an advisory limit answers a warning.",
    )
    async def change_item_status(call: Call[ChangeItemStatusInput]) -> models.BacklogItem:
        return await svc.change_status(
            call.session,
            call.actor,
            call.id,
            call.input.version,
            call.input.status,
            note=call.input.note,
        )

    @mutation(svc.SET_CRITERIA, payload=BacklogItemPayload)
    async def set_acceptance_criteria(
        call: Call[SetAcceptanceCriteriaInput],
    ) -> models.BacklogItem:
        return await svc.set_criteria(
            call.session,
            call.actor,
            call.fields["item_id"],
            call.input.version,
            [_criterion(c) for c in call.input.criteria],
        )

    @mutation(
        svc.RECORD_OBSERVATION,
        payload=MetricObservationPayload,
        description="Record metric values of one evaluation run; returns the criteria judged.",
    )
    async def record_metric_observation(
        call: Call[RecordMetricObservationInput],
    ) -> models.MetricObservation:
        return await svc.record_observation(
            call.session,
            call.actor,
            call.fields["item_id"],
            [(v.metric, v.value) for v in call.input.values],
            call.input.run_url,
        )

    @mutation(checks.CREATE_CHECK, payload=ChecklistItemPayload)
    async def create_checklist_item(call: Call[CreateChecklistItemInput]) -> models.ChecklistItem:
        return await checks.create_check(call.session, call.actor, **call.fields)

    @mutation(checks.ARCHIVE_CHECK, payload=ChecklistItemPayload)
    async def archive_checklist_item(
        call: Call[ArchiveChecklistItemInput],
    ) -> models.ChecklistItem:
        return await checks.archive_check(call.session, call.actor, call.id)

    @mutation(checks.MARK_CHECK, payload=BacklogItemPayload)
    async def mark_item_check(call: Call[ItemCheckInput]) -> models.BacklogItem:
        return await checks.mark_check(call.session, call.actor, **call.fields)

    @mutation(checks.UNMARK_CHECK, payload=BacklogItemPayload)
    async def unmark_item_check(call: Call[ItemCheckInput]) -> models.BacklogItem:
        return await checks.unmark_check(call.session, call.actor, **call.fields)
