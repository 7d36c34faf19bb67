"""GraphQL face of cross-team refinement: a forum's joint backlog."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.errors import UserError
from syncpoint.core.ids import decode_id
from syncpoint.core.inputs import ref
from syncpoint.core.mutations import Call, mutation
from syncpoint.core.nodes import LoadedNode
from syncpoint.core.pagination import Connection, PageArgs, SortKey, paginate
from syncpoint.scrum_of_scrums import refinement as svc
from syncpoint.scrum_of_scrums.refinement_models import RefinementItem, RefinementState
from syncpoint.teams import repository as teams_repo
from syncpoint.teams.graphql.types import TeamType
from syncpoint.work import repository as work_repo
from syncpoint.work.graphql.types import BacklogItemType

REFINEMENT_ITEMS = read_policy("refinementItems")

RefinementStateEnum = strawberry.enum(RefinementState, name="RefinementState")


@strawberry.type(description="A team taking part in a refinement item, with its own item.")
class RefinementParticipantType:
    team_id: strawberry.Private[int]
    item_id: strawberry.Private[int | None]

    @strawberry.field
    async def team(self, info: Info) -> TeamType:
        row = await info.context.loaders.load(teams_repo.teams_by_ids, self.team_id)
        return TeamType.from_model(row)

    @strawberry.field(description="The team's own backlog item for its share, once linked.")
    async def item(self, info: Info) -> BacklogItemType | None:
        if self.item_id is None:
            return None
        row = await info.context.loaders.load(work_repo.items_by_ids, self.item_id)
        return BacklogItemType.from_model(row) if row else None


@strawberry.type(name="RefinementItem", description="A cross-cutting item of a forum's backlog.")
class RefinementItemType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    title: str
    description: str
    state: RefinementStateEnum  # type: ignore[valid-type]
    version: int
    created_at: datetime
    lead_team_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: RefinementItem) -> RefinementItemType:
        return cls(
            id=m.id,
            title=m.title,
            description=m.description,
            state=m.state,
            version=m.version,
            created_at=m.created_at,
            lead_team_id=m.lead_team_id,
        )

    node_loader = svc.refinements_by_ids

    @strawberry.field
    async def lead_team(self, info: Info) -> TeamType:
        row = await info.context.loaders.load(teams_repo.teams_by_ids, self.lead_team_id)
        return TeamType.from_model(row)

    @strawberry.field(description="The lead team first, then the others in the order they joined.")
    async def participants(self, info: Info) -> list[RefinementParticipantType]:
        rows = await info.context.loaders.load(svc.participants_by_refinement, self.id)
        return [RefinementParticipantType(team_id=p.team_id, item_id=p.item_id) for p in rows]


@strawberry.input
class CreateRefinementItemInput:
    forum_id: relay.GlobalID = ref("Forum")
    title: str
    lead_team_id: relay.GlobalID = ref("Team")
    description: str = ""


@strawberry.input
class JoinRefinementItemInput:
    refinement_item_id: relay.GlobalID = ref("RefinementItem")
    team_id: relay.GlobalID = ref("Team")
    item_id: relay.GlobalID | None = ref("BacklogItem", default=None)


@strawberry.input
class SetRefinementItemStateInput:
    id: relay.GlobalID = ref("RefinementItem")
    version: int
    state: RefinementStateEnum  # type: ignore[valid-type]


@strawberry.type
class RefinementItemPayload:
    refinement_item: RefinementItemType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RefinementMutation:
    @mutation(svc.CREATE_REFINEMENT, payload=RefinementItemPayload)
    async def create_refinement_item(call: Call[CreateRefinementItemInput]) -> RefinementItem:
        """Put a cross-cutting item on a forum's joint backlog, led by one team."""
        return await svc.create_refinement(call.session, call.actor, **call.fields)

    @mutation(svc.JOIN_REFINEMENT, payload=RefinementItemPayload)
    async def join_refinement_item(call: Call[JoinRefinementItemInput]) -> RefinementItem:
        """A team takes part in a refinement item, with its own backlog item."""
        return await svc.join_refinement(
            call.session,
            call.actor,
            refinement_id=call.fields["refinement_item_id"],
            team_id=call.fields["team_id"],
            item_id=call.fields.get("item_id"),
        )

    @mutation(svc.SET_REFINEMENT_STATE, payload=RefinementItemPayload)
    async def set_refinement_item_state(call: Call[SetRefinementItemStateInput]) -> RefinementItem:
        """Move a refinement item on; REFINED or DROPPED take it off the forum's agenda."""
        return await svc.set_refinement_state(
            call.session, call.actor, call.id, call.input.version, call.input.state
        )


@strawberry.type
class RefinementQuery:
    @strawberry.field(
        description="A forum's joint backlog of cross-cutting items, oldest first.",
        permission_classes=[allowed(REFINEMENT_ITEMS)],
    )
    async def refinement_items(
        self,
        info: Info,
        forum_id: relay.GlobalID,
        states: list[RefinementStateEnum] | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[RefinementItemType]:
        ctx = info.context
        forum = decode_id(forum_id, "Forum", "forumId")
        return await paginate(
            ctx.session,
            svc.refinements_query(forum, states),
            [SortKey(RefinementItem.id)],
            PageArgs(first, after, last, before),
            RefinementItemType.from_model,
            max_page=ctx.settings.max_page_size,
        )
