"""Every query of the forum structure: forums, their members, the whole tree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.loaders import rows_by_ids, rows_by_parent
from syncpoint.forums.forest import ForumForest
from syncpoint.forums.models import Forum, ForumMember

forums_by_ids = rows_by_ids(Forum)


members_by_ids = rows_by_ids(ForumMember)


active_members_by_forum = rows_by_parent(
    ForumMember, "forum_id", ForumMember.id, where=lambda: [ForumMember.removed_on.is_(None)]
)


def forum_members_query(include_removed: bool) -> Select[Any]:
    """Forum members (current ones unless `include_removed`), for the pages under forums."""
    stmt = select(ForumMember)
    return stmt if include_removed else stmt.where(ForumMember.removed_on.is_(None))


children_by_forum = rows_by_parent(
    Forum, "parent_id", Forum.name, Forum.id, where=lambda: [Forum.archived_at.is_(None)]
)


async def load_forest(session: AsyncSession) -> ForumForest:
    """Every active forum and active member (two queries)."""
    forums = await session.scalars(select(Forum).where(Forum.archived_at.is_(None)))
    members = await session.scalars(
        select(ForumMember).where(ForumMember.removed_on.is_(None)).order_by(ForumMember.id)
    )
    return ForumForest.of(list(forums), list(members))


def forums_query(*, include_archived: bool, roots_only: bool) -> Select[Any]:
    stmt = select(Forum)
    if not include_archived:
        stmt = stmt.where(Forum.archived_at.is_(None))
    if roots_only:
        stmt = stmt.where(Forum.parent_id.is_(None))
    return stmt


async def active_member(session: AsyncSession, forum_id: int, team_id: int) -> ForumMember | None:
    return await session.scalar(
        select(ForumMember).where(
            ForumMember.forum_id == forum_id,
            ForumMember.team_id == team_id,
            ForumMember.removed_on.is_(None),
        )
    )
