"""The live `blockerEvents(forumId:)` subscription (graphql-transport-ws over WebSocket).

Messages carry ids only; for each one the subscriber reads, in a fresh short session, whether
the blocker concerns the forum now (a team in its scope, or held at it or below) and then the
event itself, so a subscriber sees exactly what a query would show it at that moment.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry import relay

from syncpoint.blockers.graphql.types import BlockerEventType
from syncpoint.blockers.models import BlockerEvent
from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.context import Info
from syncpoint.core.errors import ErrorCode, NotFoundError, SyncpointError
from syncpoint.core.ids import decode_id
from syncpoint.events.messages import BlockerEventMessage
from syncpoint.events.websocket import SubscriptionContext
from syncpoint.forums import repository as forums_repo

BLOCKER_EVENTS = read_policy("blockerEvents")


async def _concerns(ctx: SubscriptionContext, forum_id: int, message: BlockerEventMessage) -> bool:
    forest = await forums_repo.load_forest(ctx.session)
    if forum_id not in forest.forums:
        raise NotFoundError(f"Forum {forum_id} does not exist or was archived.", field="forumId")
    return message.team_id in forest.scope(forum_id) or (
        message.forum_id is not None and message.forum_id in forest.descendants(forum_id)
    )


@strawberry.type
class BlockersSubscription:
    @strawberry.subscription(
        description="Blocker events (raised, updated, escalated, resolved) of the forum's teams "
        "(forums below included) and of blockers held there, as they are committed.",
        permission_classes=[allowed(BLOCKER_EVENTS)],
    )
    async def blocker_events(
        self, info: Info, forum_id: relay.GlobalID
    ) -> AsyncGenerator[BlockerEventType, None]:
        ctx = info.context
        if not isinstance(ctx, SubscriptionContext):
            raise SyncpointError(
                "Subscribe over WebSocket (graphql-transport-ws).", code=ErrorCode.INVALID
            )
        forum = decode_id(forum_id, "Forum", "forumId")
        async with ctx.bus.subscribe() as messages:
            async with ctx.scope() as session:
                found = await forums_repo.forums_by_ids(session, [forum])
                if found[0] is None or found[0].archived_at is not None:
                    raise NotFoundError(f"Forum {forum} does not exist.", field="forumId")
            async for message in messages:
                async with ctx.scope() as session:
                    if not await _concerns(ctx, forum, message):
                        continue
                    event = await session.get(BlockerEvent, message.event_id)
                    if event is not None:
                        yield BlockerEventType.from_model(event)
