"""Inputs and payloads of the blockers mutations."""

from __future__ import annotations

import strawberry
from strawberry import relay

from syncpoint.blockers.graphql.types import (
    BlockerCategory,
    BlockerSeverity,
    BlockerType,
    RoamState,
)
from syncpoint.core.errors import UserError
from syncpoint.core.inputs import optional, ref


@strawberry.input
class RaiseBlockerInput:
    item_id: relay.GlobalID | None = ref(
        "BacklogItem", default=None, description="The blocked item (it is marked BLOCKED)."
    )
    team_id: relay.GlobalID | None = ref("Team", default=None, description="Or a whole team.")
    category: BlockerCategory  # type: ignore[valid-type]
    severity: BlockerSeverity  # type: ignore[valid-type]
    title: str
    description: str = ""
    owner_id: relay.GlobalID | None = ref("Person", default=None)


@strawberry.input
class UpdateBlockerInput:
    id: relay.GlobalID = ref("Blocker")
    version: int = strawberry.field(description="The version you read; stale versions conflict.")
    title: str | None = optional()
    description: str | None = optional()
    category: BlockerCategory | None = optional()  # type: ignore[valid-type]
    severity: BlockerSeverity | None = optional()  # type: ignore[valid-type]
    owner_id: relay.GlobalID | None = ref(
        "Person", optional=True, nullable=True, description="null removes the owner."
    )
    roam: RoamState | None = optional(  # type: ignore[valid-type]
        nullable=True,
        description="OWNED, ACCEPTED or MITIGATED (resolve with resolveBlocker).",
    )


@strawberry.input
class EscalateBlockerInput:
    id: relay.GlobalID = ref("Blocker")
    version: int
    reason: str
    forum_id: relay.GlobalID | None = ref(
        "Forum",
        default=None,
        description="From TEAM level only: the forum to go to when the team sits in several.",
    )


@strawberry.input
class ResolveBlockerInput:
    id: relay.GlobalID = ref("Blocker")
    version: int
    note: str = ""


@strawberry.type
class BlockerPayload:
    blocker: BlockerType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
