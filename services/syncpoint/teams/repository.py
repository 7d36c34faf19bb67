"""Every query of the organisation context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.loaders import rows_by_ids, rows_by_parent
from syncpoint.core.validation_inputs import search_pattern
from syncpoint.teams.models import (
    Framework,
    Group,
    Interaction,
    Membership,
    Person,
    Team,
    Topology,
)

groups_by_ids = rows_by_ids(Group)


teams_by_ids = rows_by_ids(Team)


people_by_ids = rows_by_ids(Person)


memberships_by_ids = rows_by_ids(Membership)


interactions_by_ids = rows_by_ids(Interaction)


memberships_by_person = rows_by_parent(
    Membership, "person_id", Membership.started_on, Membership.id
)


def memberships_query(include_ended: bool) -> Select[Any]:
    """Memberships (current ones unless `include_ended`), for the pages under teams and people."""
    stmt = select(Membership)
    return stmt if include_ended else stmt.where(Membership.ended_on.is_(None))


async def interactions_by_team(
    session: AsyncSession, team_ids: Sequence[int]
) -> list[list[Interaction]]:
    """Interactions a team takes part in, either side."""
    rows = list(
        await session.scalars(
            select(Interaction)
            .where(or_(Interaction.team_id.in_(team_ids), Interaction.partner_id.in_(team_ids)))
            .order_by(Interaction.starts_on, Interaction.id)
        )
    )
    groups: dict[int, list[Interaction]] = {team_id: [] for team_id in team_ids}
    for row in rows:
        for side in {row.team_id, row.partner_id}:
            if side in groups:
                groups[side].append(row)
    return [groups[team_id] for team_id in team_ids]


teams_by_group = rows_by_parent(
    Team, "group_id", Team.name, Team.id, where=lambda: [Team.archived_at.is_(None)]
)


children_by_group = rows_by_parent(
    Group, "parent_id", Group.name, Group.id, where=lambda: [Group.archived_at.is_(None)]
)


async def teams_in_subtrees(session: AsyncSession, root_ids: Sequence[int]) -> list[list[Team]]:
    """Active teams of each group and all its descendant groups, by root (one query)."""
    tree = (
        select(Group.id.label("root"), Group.id.label("id"))
        .where(Group.id.in_(root_ids))
        .cte("subtree", recursive=True)
    )
    tree = tree.union_all(select(tree.c.root, Group.id).where(Group.parent_id == tree.c.id))
    rows = await session.execute(
        select(tree.c.root, Team)
        .join(Team, Team.group_id == tree.c.id)
        .where(Team.archived_at.is_(None))
        .order_by(Team.name, Team.id)
    )
    groups: dict[int, list[Team]] = {root: [] for root in root_ids}
    for root, team in rows.all():
        groups[root].append(team)
    return [groups[root] for root in root_ids]


def descendant_group_ids(root_ids: Sequence[int]) -> Select[Any]:
    """A recursive CTE selecting the given groups and all their descendants."""
    tree = select(Group.id).where(Group.id.in_(root_ids)).cte("group_tree", recursive=True)
    tree = tree.union_all(select(Group.id).where(Group.parent_id == tree.c.id))
    return select(tree.c.id)


async def descendants_of(session: AsyncSession, group_id: int) -> set[int]:
    return set(await session.scalars(descendant_group_ids([group_id])))


async def ancestors_of(session: AsyncSession, group_id: int) -> list[Group]:
    """The path from the root down to `group_id` (inclusive)."""
    tree = select(Group.id, Group.parent_id, literal(0).label("depth"))
    tree_cte = tree.where(Group.id == group_id).cte("ancestors", recursive=True)
    tree_cte = tree_cte.union_all(
        select(Group.id, Group.parent_id, (tree_cte.c.depth + 1).label("depth")).where(
            Group.id == tree_cte.c.parent_id
        )
    )
    stmt = select(Group).join(tree_cte, Group.id == tree_cte.c.id).order_by(tree_cte.c.depth.desc())
    return list(await session.scalars(stmt))


@dataclass(frozen=True, slots=True)
class TeamFilter:
    topologies: Sequence[Topology] | None = None
    frameworks: Sequence[Framework] | None = None
    group_id: int | None = None
    include_subgroups: bool = True
    search: str | None = None
    include_archived: bool = False


def teams_query(flt: TeamFilter) -> Select[Any]:
    stmt = select(Team)
    if not flt.include_archived:
        stmt = stmt.where(Team.archived_at.is_(None))
    if flt.topologies:
        stmt = stmt.where(Team.topology.in_(list(flt.topologies)))
    if flt.frameworks:
        stmt = stmt.where(Team.framework.in_(list(flt.frameworks)))
    if flt.group_id is not None:
        if flt.include_subgroups:
            stmt = stmt.where(Team.group_id.in_(descendant_group_ids([flt.group_id])))
        else:
            stmt = stmt.where(Team.group_id == flt.group_id)
    if flt.search:
        pattern = search_pattern(flt.search.lower(), "filter.search")
        stmt = stmt.where(
            or_(
                func.lower(Team.name).like(pattern, escape="\\"),
                Team.slug.like(pattern, escape="\\"),
            )
        )
    return stmt


def groups_query(*, roots_only: bool, include_archived: bool) -> Select[Any]:
    stmt = select(Group)
    if roots_only:
        stmt = stmt.where(Group.parent_id.is_(None))
    if not include_archived:
        stmt = stmt.where(Group.archived_at.is_(None))
    return stmt


def people_query(*, search: str | None, team_id: int | None, include_archived: bool) -> Select[Any]:
    stmt = select(Person)
    if not include_archived:
        stmt = stmt.where(Person.archived_at.is_(None))
    if search:
        pattern = search_pattern(search.lower())
        stmt = stmt.where(
            or_(
                func.lower(Person.name).like(pattern, escape="\\"),
                func.lower(Person.email).like(pattern, escape="\\"),
            )
        )
    if team_id is not None:
        members = select(Membership.person_id).where(
            Membership.team_id == team_id, Membership.ended_on.is_(None)
        )
        stmt = stmt.where(Person.id.in_(members))
    return stmt


async def team_by_slug(session: AsyncSession, slug: str) -> Team | None:
    return await session.scalar(select(Team).where(Team.slug == slug))


async def group_by_slug(session: AsyncSession, slug: str) -> Group | None:
    return await session.scalar(select(Group).where(Group.slug == slug))


async def slug_taken(session: AsyncSession, model: type[Team] | type[Group], slug: str) -> bool:
    return (await session.scalar(select(model.id).where(model.slug == slug))) is not None


async def email_taken(session: AsyncSession, email: str, *, exclude_id: int | None = None) -> bool:
    stmt = select(Person.id).where(func.lower(Person.email) == email.lower())
    if exclude_id is not None:
        stmt = stmt.where(Person.id != exclude_id)
    return (await session.scalar(stmt)) is not None


async def active_membership(
    session: AsyncSession, person_id: int, team_id: int
) -> Membership | None:
    return await session.scalar(
        select(Membership).where(
            Membership.person_id == person_id,
            Membership.team_id == team_id,
            Membership.ended_on.is_(None),
        )
    )


async def active_children_count(session: AsyncSession, group_id: int) -> int:
    groups = await session.scalar(
        select(func.count()).where(Group.parent_id == group_id, Group.archived_at.is_(None))
    )
    teams = await session.scalar(
        select(func.count()).where(Team.group_id == group_id, Team.archived_at.is_(None))
    )
    return int(groups or 0) + int(teams or 0)


async def open_interaction(
    session: AsyncSession, team_id: int, partner_id: int, mode: str
) -> Interaction | None:
    pair = or_(
        (Interaction.team_id == team_id) & (Interaction.partner_id == partner_id),
        (Interaction.team_id == partner_id) & (Interaction.partner_id == team_id),
    )
    return await session.scalar(
        select(Interaction).where(pair, Interaction.mode == mode, Interaction.ended_on.is_(None))
    )


async def person_by_email(session: AsyncSession, email: str) -> Person | None:
    return await session.scalar(select(Person).where(func.lower(Person.email) == email.lower()))
