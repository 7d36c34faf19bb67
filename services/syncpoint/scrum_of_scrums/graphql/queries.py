"""Queries of the Scrum-of-Scrums context."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.clock import today
from syncpoint.core.context import Info
from syncpoint.core.ids import decode_id, decode_optional
from syncpoint.core.pagination import Connection, PageArgs, SortKey, paginate
from syncpoint.forums import models as forum_models
from syncpoint.forums import repository as forums_repo
from syncpoint.insights.analyses import analyses_of
from syncpoint.scrum_of_scrums import models
from syncpoint.scrum_of_scrums import repository as repo
from syncpoint.scrum_of_scrums.agenda_data import DEFAULT_HORIZON_DAYS
from syncpoint.scrum_of_scrums.agenda_service import generate_agenda
from syncpoint.scrum_of_scrums.graphql.agenda_types import AgendaType
from syncpoint.scrum_of_scrums.graphql.types import (
    ActionItemStatus,
    ActionItemType,
    ForumType,
    MeetingType,
)

FORUMS, FORUM = read_policy("forums"), read_policy("forum")
AGENDA, MEETING = read_policy("agenda"), read_policy("meeting")
ACTION_ITEMS = read_policy("actionItems")


@strawberry.type
class ScrumOfScrumsQuery:
    @strawberry.field(
        description="Scrum-of-Scrums forums; only top-level ones with rootsOnly.",
        permission_classes=[allowed(FORUMS)],
    )
    async def forums(
        self,
        info: Info,
        roots_only: bool = False,
        include_archived: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ForumType]:
        ctx = info.context
        return await paginate(
            ctx.session,
            forums_repo.forums_query(include_archived=include_archived, roots_only=roots_only),
            [SortKey(forum_models.Forum.name), SortKey(forum_models.Forum.id)],
            PageArgs(first, after, last, before),
            ForumType.from_model,
            max_page=ctx.settings.max_page_size,
        )

    @strawberry.field(permission_classes=[allowed(FORUM)])
    async def forum(self, info: Info, id: relay.GlobalID) -> ForumType | None:
        row = await info.context.loaders.load(forums_repo.forums_by_ids, decode_id(id, "Forum"))
        return ForumType.from_model(row) if row else None

    @strawberry.field(
        description="The agenda of a forum's meeting on a date, generated from live data: "
        "ranked by impact, fitted to the meeting's duration, saying what was left out.",
        permission_classes=[allowed(AGENDA)],
    )
    async def agenda(
        self,
        info: Info,
        forum_id: relay.GlobalID,
        day: Annotated[date | None, strawberry.argument(name="date")] = None,
        horizon_days: Annotated[
            int,
            strawberry.argument(
                description="Dependencies needed within this many days count as at risk; "
                "integration points within three times as many."
            ),
        ] = DEFAULT_HORIZON_DAYS,
    ) -> AgendaType:
        ctx = info.context
        when = day or today()
        generated = await generate_agenda(
            ctx.session,
            decode_id(forum_id, "Forum", "forumId"),
            when,
            horizon_days=horizon_days,
            analyses=analyses_of(ctx),
        )
        return AgendaType.from_snapshot(generated.snapshot())

    @strawberry.field(
        description="The meeting a forum held on a date.", permission_classes=[allowed(MEETING)]
    )
    async def meeting(
        self,
        info: Info,
        forum_id: relay.GlobalID,
        day: Annotated[date, strawberry.argument(name="date")],
    ) -> MeetingType | None:
        row = await repo.meeting_on(
            info.context.session, decode_id(forum_id, "Forum", "forumId"), day
        )
        return MeetingType.from_model(row) if row else None

    @strawberry.field(
        description="Action items, by due date; filter by forum, owner and status.",
        permission_classes=[allowed(ACTION_ITEMS)],
    )
    async def action_items(
        self,
        info: Info,
        forum_id: relay.GlobalID | None = None,
        owner_id: relay.GlobalID | None = None,
        status: ActionItemStatus | None = models.ActionItemStatus.OPEN,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ActionItemType]:
        ctx = info.context
        forum = decode_optional(forum_id, "Forum", "forumId")
        stmt = repo.action_items_query(
            forum_ids=[forum] if forum is not None else None,
            owner_id=decode_optional(owner_id, "Person", "ownerId"),
            status=status,
        )
        return await paginate(
            ctx.session,
            stmt,
            [SortKey(models.ActionItem.due_on), SortKey(models.ActionItem.id)],
            PageArgs(first, after, last, before),
            ActionItemType.from_model,
            max_page=ctx.settings.max_page_size,
        )
