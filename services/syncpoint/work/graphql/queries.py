"""Queries of the work context."""

from __future__ import annotations

import strawberry
from strawberry import relay

from syncpoint.cadence.calendar import sprint_by_node_id
from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.context import Info
from syncpoint.core.errors import NotFoundError
from syncpoint.core.ids import decode_ids
from syncpoint.core.pagination import Connection, PageArgs, paginate
from syncpoint.work import repository as repo
from syncpoint.work.graphql.types import BacklogItemOrder, BacklogItemType, ItemKind, ItemStatus

BACKLOG_ITEMS, BACKLOG_ITEM = read_policy("backlogItems"), read_policy("backlogItem")


@strawberry.input
class BacklogItemFilter:
    team_ids: list[relay.GlobalID] | None = None
    kinds: list[ItemKind] | None = None  # type: ignore[valid-type]
    statuses: list[ItemStatus] | None = None  # type: ignore[valid-type]
    sprint_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Only items planned in this sprint."
    )
    unplanned: bool | None = strawberry.field(
        default=None, description="true: only items in no sprint; false: only planned items."
    )
    search: str | None = strawberry.field(default=None, description="Part of the title or key.")


def sprint_key(gid: relay.GlobalID, field: str) -> str:
    """The "<team>:<start>" id inside a Sprint global id; NOT_FOUND for any other id."""
    if gid.type_name != "Sprint":
        raise NotFoundError(f"{gid} is not the id of a Sprint.", field=field)
    return gid.node_id


async def _filter(info: Info, f: BacklogItemFilter) -> repo.ItemFilter:
    sprint_id = None
    if f.sprint_id is not None:
        view = await sprint_by_node_id(info.context.session, sprint_key(f.sprint_id, "sprintId"))
        if view is None:
            raise NotFoundError("That sprint does not exist.", field="filter.sprintId")
        sprint_id = view.stored_id if view.stored_id is not None else -1
    return repo.ItemFilter(
        team_ids=(
            decode_ids(f.team_ids, "Team", "filter.teamIds") if f.team_ids is not None else None
        ),
        kinds=f.kinds,
        statuses=f.statuses,
        sprint_id=sprint_id,
        unplanned=f.unplanned,
        search=f.search,
    )


@strawberry.type
class WorkQuery:
    @strawberry.field(
        description="Backlog items, filtered and ordered, one page at a time.",
        permission_classes=[allowed(BACKLOG_ITEMS)],
    )
    async def backlog_items(
        self,
        info: Info,
        filter: BacklogItemFilter | None = None,
        order_by: BacklogItemOrder = repo.ItemOrder.VALUE_EFFORT,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[BacklogItemType]:
        ctx = info.context
        flt = await _filter(info, filter or BacklogItemFilter())
        return await paginate(
            ctx.session,
            repo.items_query(flt),
            repo.item_order(order_by),
            PageArgs(first, after, last, before),
            BacklogItemType.from_model,
            max_page=ctx.settings.max_page_size,
        )

    @strawberry.field(permission_classes=[allowed(BACKLOG_ITEM)])
    async def backlog_item(self, info: Info, key: str) -> BacklogItemType | None:
        row = await info.context.loaders.load(repo.items_by_keys, key)
        return BacklogItemType.from_model(row) if row else None
