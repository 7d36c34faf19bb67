"""Queries of blockers."""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import Select
from strawberry import relay

from syncpoint.blockers import models
from syncpoint.blockers import repository as repo
from syncpoint.blockers.graphql.types import (
    BlockerCategory,
    BlockerSeverity,
    BlockerStatus,
    BlockerType,
    EscalationLevel,
)
from syncpoint.blockers.impact import keyed_by_impact
from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.clock import today
from syncpoint.core.context import Info
from syncpoint.core.errors import DomainError
from syncpoint.core.ids import decode_id, decode_ids, decode_optional
from syncpoint.core.models import utcnow
from syncpoint.core.pagination import Connection, PageArgs, SortKey, paginate, paginate_list
from syncpoint.forums import repository as forums_repo
from syncpoint.insights.analyses import analyses_of

BLOCKERS, BLOCKER = read_policy("blockers"), read_policy("blocker")


@strawberry.enum(name="BlockerOrder")
class BlockerOrder(Enum):
    IMPACT = "IMPACT"
    AGE = "AGE"
    SEVERITY = "SEVERITY"


@strawberry.input(name="BlockerFilter")
class BlockerFilterInput:
    forum_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Blockers of the forum's teams (forums below it included) or held there.",
    )
    team_ids: list[relay.GlobalID] | None = None
    categories: list[BlockerCategory] | None = None  # type: ignore[valid-type]
    severities: list[BlockerSeverity] | None = None  # type: ignore[valid-type]
    escalation_levels: list[EscalationLevel] | None = None  # type: ignore[valid-type]
    status: BlockerStatus | None = models.BlockerStatus.OPEN  # type: ignore[valid-type]
    older_than_days: int | None = strawberry.field(
        default=None, description="Only blockers raised at least this many days ago."
    )
    product_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Blockers on the product's backlog items, or raised for the product "
        "(SLA breaches, compute contention).",
    )


async def _filter(info: Info, f: BlockerFilterInput) -> repo.BlockerFilter:
    forum_teams: list[int] | None = None
    forum_ids: list[int] | None = None
    forum_id = decode_optional(f.forum_id, "Forum", "filter.forumId")
    if forum_id is not None:
        forest = await forums_repo.load_forest(info.context.session)
        forum_teams = sorted(forest.scope(forum_id))
        forum_ids = forest.descendants(forum_id)
    if f.older_than_days is not None and f.older_than_days < 0:
        raise DomainError("olderThanDays cannot be negative.", field="filter.olderThanDays")
    return repo.BlockerFilter(
        team_ids=(
            decode_ids(f.team_ids, "Team", "filter.teamIds") if f.team_ids is not None else None
        ),
        forum_team_ids=forum_teams,
        forum_ids=forum_ids,
        categories=f.categories,
        severities=f.severities,
        escalation_levels=f.escalation_levels,
        status=f.status,
        raised_before=(
            utcnow() - timedelta(days=f.older_than_days) if f.older_than_days is not None else None
        ),
        product_id=decode_optional(f.product_id, "Product", "filter.productId"),
    )


async def _by_impact(
    info: Info, stmt: Select[Any], args: PageArgs, day: date
) -> Connection[BlockerType]:
    """IMPACT order: the filter runs in SQL and reads only the order's columns; the impact
    figures come from the analysis of the day (computed once per root and data version); only
    the page's blockers are loaded (one batched statement)."""
    ctx = info.context
    columns = (
        models.Blocker.id,
        models.Blocker.item_id,
        models.Blocker.team_id,
        models.Blocker.severity,
        models.Blocker.raised_at,
    )
    rows = list(await ctx.session.execute(stmt.with_only_columns(*columns)))
    analyses = analyses_of(ctx)
    analysis = await analyses.analysis(day)
    keyed = await analyses.off_loop(
        lambda: keyed_by_impact(analysis.inp, rows, analysis.item_graph)
    )
    page = paginate_list(  # type: ignore[type-var]  # ids first, blockers below
        keyed,
        args,
        lambda row: int(row.id),
        tag="blockers:impact",
        max_page=ctx.settings.max_page_size,
    )
    ids = [edge.node for edge in page.edges]
    loaded = await ctx.loaders.load_many(repo.blockers_by_ids, ids) if ids else []
    for edge, model in zip(page.edges, loaded, strict=True):
        assert model is not None  # read in this transaction a moment ago
        edge.node = BlockerType.from_model(model)  # type: ignore[assignment]
    return page  # type: ignore[return-value]


@strawberry.type
class BlockersQuery:
    @strawberry.field(
        description="Blockers, filtered, ordered by IMPACT (downstream teams, then items, then "
        "severity, then age), AGE (oldest first) or SEVERITY; one page at a time. Open ones "
        "unless the filter says otherwise.",
        permission_classes=[allowed(BLOCKERS)],
    )
    async def blockers(
        self,
        info: Info,
        filter: BlockerFilterInput | None = None,
        order_by: BlockerOrder = BlockerOrder.IMPACT,
        as_of: date | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[BlockerType]:
        ctx = info.context
        stmt = repo.blockers_query(await _filter(info, filter or BlockerFilterInput()))
        args = PageArgs(first, after, last, before)
        if order_by is BlockerOrder.IMPACT:
            return await _by_impact(info, stmt, args, as_of or today())
        keys = [SortKey(models.Blocker.raised_at), SortKey(models.Blocker.id)]
        if order_by is BlockerOrder.SEVERITY:
            keys.insert(0, SortKey(repo.severity_rank_column(), descending=True))
        return await paginate(
            ctx.session,
            stmt,
            keys,
            args,
            BlockerType.from_model,
            max_page=ctx.settings.max_page_size,
        )

    @strawberry.field(permission_classes=[allowed(BLOCKER)])
    async def blocker(self, info: Info, id: relay.GlobalID) -> BlockerType | None:
        row = await info.context.loaders.load(repo.blockers_by_ids, decode_id(id, "Blocker"))
        return BlockerType.from_model(row) if row else None
