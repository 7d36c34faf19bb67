"""Mutations of blockers, declared once each (see core/mutations.py)."""

from __future__ import annotations

import strawberry

from syncpoint.blockers import actions as svc
from syncpoint.blockers import models
from syncpoint.blockers.graphql.inputs import (
    BlockerPayload,
    EscalateBlockerInput,
    RaiseBlockerInput,
    ResolveBlockerInput,
    UpdateBlockerInput,
)
from syncpoint.core.mutations import Call, mutation


@strawberry.type
class BlockersMutation:
    @mutation(svc.RAISE_BLOCKER, payload=BlockerPayload)
    async def raise_blocker(call: Call[RaiseBlockerInput]) -> models.Blocker:
        return await svc.raise_blocker(call.session, call.actor, **call.fields)

    @mutation(svc.UPDATE_BLOCKER, payload=BlockerPayload)
    async def update_blocker(call: Call[UpdateBlockerInput]) -> models.Blocker:
        return await svc.update_blocker(
            call.session, call.actor, call.id, call.input.version, call.changes
        )

    @mutation(
        svc.ESCALATE_BLOCKER,
        payload=BlockerPayload,
        description="One step up: TEAM -> the team's forum -> its parent forums -> EXECUTIVE.",
    )
    async def escalate_blocker(call: Call[EscalateBlockerInput]) -> models.Blocker:
        return await svc.escalate_blocker(
            call.session,
            call.actor,
            call.id,
            call.input.version,
            reason=call.input.reason,
            forum_id=call.fields["forum_id"],
        )

    @mutation(
        svc.RESOLVE_BLOCKER,
        payload=BlockerPayload,
        description="Resolve a blocker; its item gets its previous status back.",
    )
    async def resolve_blocker(call: Call[ResolveBlockerInput]) -> models.Blocker:
        return await svc.resolve_blocker(
            call.session, call.actor, call.id, call.input.version, note=call.input.note
        )
