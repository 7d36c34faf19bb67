"""Mutations of blockers: thin resolvers over blockers.actions."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from syncpoint.blockers import actions as svc
from syncpoint.blockers import models
from syncpoint.blockers.graphql.types import (
    BlockerCategory,
    BlockerSeverity,
    BlockerType,
    RoamState,
)
from syncpoint.core.auth import allowed
from syncpoint.core.errors import UserError
from syncpoint.core.ids import decode_id, decode_optional, provided
from syncpoint.core.mutations import mutate

UNSET = strawberry.UNSET


@strawberry.input
class RaiseBlockerInput:
    item_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The blocked item (it is marked BLOCKED)."
    )
    team_id: relay.GlobalID | None = strawberry.field(default=None, description="Or a whole team.")
    category: BlockerCategory  # type: ignore[valid-type]
    severity: BlockerSeverity  # type: ignore[valid-type]
    title: str
    description: str = ""
    owner_id: relay.GlobalID | None = None


@strawberry.input
class UpdateBlockerInput:
    id: relay.GlobalID
    version: int = strawberry.field(description="The version you read; stale versions conflict.")
    title: str | None = UNSET
    description: str | None = UNSET
    category: BlockerCategory | None = UNSET  # type: ignore[valid-type]
    severity: BlockerSeverity | None = UNSET  # type: ignore[valid-type]
    owner_id: relay.GlobalID | None = strawberry.field(
        default=UNSET, description="null removes the owner."
    )
    roam: RoamState | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description="OWNED, ACCEPTED or MITIGATED (resolve with resolveBlocker)."
    )


@strawberry.input
class EscalateBlockerInput:
    id: relay.GlobalID
    version: int
    reason: str
    forum_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="From TEAM level only: the forum to go to when the team sits in several.",
    )


@strawberry.input
class ResolveBlockerInput:
    id: relay.GlobalID
    version: int
    note: str = ""


@strawberry.type
class BlockerPayload:
    blocker: BlockerType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _changes(input: UpdateBlockerInput) -> dict[str, object]:
    changes = {
        k: v
        for k, v in provided(
            input,
            {
                "title": "title",
                "description": "description",
                "category": "category",
                "severity": "severity",
                "roam": "roam",
            },
        ).items()
        if v is not None or k == "roam"
    }
    if input.owner_id is not UNSET:
        changes["owner_id"] = decode_optional(input.owner_id, "Person", "ownerId")
    return changes


@strawberry.type
class BlockersMutation:
    @strawberry.mutation(permission_classes=[allowed(svc.RAISE_BLOCKER)])
    async def raise_blocker(self, info: Info, input: RaiseBlockerInput) -> BlockerPayload:
        ctx = info.context

        async def action() -> models.Blocker:
            return await svc.raise_blocker(
                ctx.session,
                ctx.actor,
                category=input.category,
                severity=input.severity,
                title=input.title,
                description=input.description,
                item_id=decode_optional(input.item_id, "BacklogItem", "itemId"),
                team_id=decode_optional(input.team_id, "Team", "teamId"),
                owner_id=decode_optional(input.owner_id, "Person", "ownerId"),
            )

        return await mutate(info, action, BlockerPayload, "blocker", BlockerType.from_model)

    @strawberry.mutation(permission_classes=[allowed(svc.UPDATE_BLOCKER)])
    async def update_blocker(self, info: Info, input: UpdateBlockerInput) -> BlockerPayload:
        ctx = info.context

        async def action() -> models.Blocker:
            return await svc.update_blocker(
                ctx.session,
                ctx.actor,
                decode_id(input.id, "Blocker"),
                input.version,
                _changes(input),
            )

        return await mutate(info, action, BlockerPayload, "blocker", BlockerType.from_model)

    @strawberry.mutation(
        description="One step up: TEAM -> the team's forum -> its parent forums -> EXECUTIVE.",
        permission_classes=[allowed(svc.ESCALATE_BLOCKER)],
    )
    async def escalate_blocker(self, info: Info, input: EscalateBlockerInput) -> BlockerPayload:
        ctx = info.context

        async def action() -> models.Blocker:
            return await svc.escalate_blocker(
                ctx.session,
                ctx.actor,
                decode_id(input.id, "Blocker"),
                input.version,
                reason=input.reason,
                forum_id=decode_optional(input.forum_id, "Forum", "forumId"),
            )

        return await mutate(info, action, BlockerPayload, "blocker", BlockerType.from_model)

    @strawberry.mutation(
        description="Resolve a blocker; its item gets its previous status back.",
        permission_classes=[allowed(svc.RESOLVE_BLOCKER)],
    )
    async def resolve_blocker(self, info: Info, input: ResolveBlockerInput) -> BlockerPayload:
        ctx = info.context

        async def action() -> models.Blocker:
            return await svc.resolve_blocker(
                ctx.session,
                ctx.actor,
                decode_id(input.id, "Blocker"),
                input.version,
                note=input.note,
            )

        return await mutate(info, action, BlockerPayload, "blocker", BlockerType.from_model)
