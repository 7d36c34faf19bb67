"""GraphQL face of WIP limits: `setWipLimits`, `Team.wipLimits`, and `changeItemStatus`'s
payload with the warnings of an advisory (or overridden) limit."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from syncpoint.core.errors import ErrorCode, UserError
from syncpoint.core.inputs import ref
from syncpoint.core.mutations import Call, mutation
from syncpoint.quality import wip
from syncpoint.quality.graphql.types import PlanningWarning
from syncpoint.teams.graphql.types import TeamType
from syncpoint.teams.models import Team
from syncpoint.work.gate_models import WipLimit
from syncpoint.work.graphql.types import BacklogItemType, ItemStatus
from syncpoint.work.models import BacklogItem


@strawberry.type(
    name="WipLimit",
    description="How many of a team's items may be in a status at once: advisory (moving past "
    "it warns) or enforced (refused with WIP_LIMIT_REACHED unless a lead overrides it).",
)
class WipLimitType:
    status: ItemStatus  # type: ignore[valid-type]
    limit: int
    enforced: bool

    @classmethod
    def from_model(cls, m: WipLimit) -> WipLimitType:
        return cls(status=m.status, limit=m.max_items, enforced=m.enforced)


async def team_wip_limits(info: Info, team_id: int) -> list[WipLimitType]:
    """A team's limits, READY first, loaded for every team of the request at once."""
    rows = await info.context.loaders.load(wip.wip_limits_by_team, team_id)
    return [WipLimitType.from_model(r) for r in sorted(rows, key=wip.limit_order)]


@strawberry.input
class WipLimitInput:
    status: str = strawberry.field(
        description="READY or IN_PROGRESS (a string, so a wrong one is a coded error)."
    )
    limit: int = strawberry.field(description="At most this many items (1 to 999).")
    enforced: bool = False


@strawberry.input
class SetWipLimitsInput:
    team_id: relay.GlobalID = ref("Team")
    limits: list[WipLimitInput] = strawberry.field(
        description="Every limit of the team, one per status; replaces the ones it had ([] "
        "clears them)."
    )


@strawberry.type
class WipLimitsPayload:
    team: TeamType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


async def _status_warnings(root: ChangeItemStatusPayload, info: Info) -> list[PlanningWarning]:
    """The item's new status holds more items than its WIP limit (advisory, or overridden)."""
    if root.item is None:
        return []
    item = await info.context.session.get(BacklogItem, root.item.id)
    if item is None:
        return []
    warning = await wip.over_limit_warning(info.context.session, item)
    return (
        []
        if warning is None
        else [PlanningWarning(code=ErrorCode.WIP_LIMIT_REACHED, message=warning)]
    )


@strawberry.type
class ChangeItemStatusPayload:
    item: BacklogItemType | None = None
    warnings: list[PlanningWarning] = strawberry.field(
        resolver=_status_warnings,
        description="The item's new status is over its WIP limit (an advisory limit, or an "
        "enforced one a lead overrode); an enforced limit refuses instead (errors).",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WipMutation:
    @mutation(
        wip.SET_WIP,
        payload=WipLimitsPayload,
        description="Set a Kanban or hybrid team's WIP limits per status (READY, IN_PROGRESS), "
        "each advisory or enforced; the team's limits are replaced.",
    )
    async def set_wip_limits(call: Call[SetWipLimitsInput]) -> Team:
        return await wip.set_limits(
            call.session,
            call.actor,
            team_id=call.fields["team_id"],
            limits=[wip.LimitSpec(i.status, i.limit, i.enforced) for i in call.input.limits],
        )
