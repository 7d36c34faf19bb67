"""Groups (nested value streams) and teams with their Team API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor
from syncpoint.core.errors import (
    DomainError,
    DuplicateError,
    ErrorCode,
    check_version,
)
from syncpoint.core.models import utcnow
from syncpoint.teams import repository as repo
from syncpoint.teams.models import (
    Group,
    GroupKind,
    Team,
)
from syncpoint.teams.service.common import (
    ARCHIVE_GROUP,
    ARCHIVE_TEAM,
    CREATE_GROUP,
    CREATE_TEAM,
    UPDATE_GROUP,
    UPDATE_TEAM,
    clean_channels,
    clean_name,
    clean_slug,
    clean_time_zone,
    get_live,
)

# ---- groups ---------------------------------------------------------------------------------


async def _check_parent(session: AsyncSession, group_id: int | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    await get_live(session, Group, parent_id, "Group", "parentId")
    if group_id is None:
        return
    if parent_id == group_id:
        raise DomainError(
            "A group cannot be its own parent.", field="parentId", code=ErrorCode.SELF_REFERENCE
        )
    if parent_id in await repo.descendants_of(session, group_id):
        raise DomainError(
            "A group cannot move under one of its own subgroups.",
            field="parentId",
            code=ErrorCode.CYCLE,
        )


async def create_group(
    session: AsyncSession,
    actor: Actor,
    *,
    slug: str,
    name: str,
    kind: GroupKind,
    description: str = "",
    parent_id: int | None = None,
) -> Group:
    """Create a group (organisation, value stream, tribe...) optionally under a parent."""
    actor.require_access(CREATE_GROUP)
    if await repo.slug_taken(session, Group, clean_slug(slug)):
        raise DuplicateError(f"A group with slug {slug!r} exists already.", field="slug")
    await _check_parent(session, None, parent_id)
    group = build_group(
        actor, slug=slug, name=name, kind=kind, description=description, parent_id=parent_id
    )
    session.add(group)
    await session.flush()
    return group


def build_group(
    actor: Actor,
    *,
    slug: str,
    name: str,
    kind: GroupKind,
    description: str = "",
    parent_id: int | None = None,
) -> Group:
    """A new group checked by the rules that need no lookup, not added to a session: the bulk
    import's path, which checks slugs and parents for every group at once beforehand."""
    actor.require_access(CREATE_GROUP)
    clean_slug(slug)
    return Group(
        slug=slug, name=clean_name(name), kind=kind, description=description, parent_id=parent_id
    )


async def update_group(
    session: AsyncSession, actor: Actor, group_id: int, version: int, changes: Mapping[str, Any]
) -> Group:
    """Rename, re-describe or move a group; refuses moves that would create a cycle."""
    actor.require_access(UPDATE_GROUP)
    group: Group = await get_live(session, Group, group_id, "Group", "id")
    check_version(group.version, version, "Group")
    if "parent_id" in changes:
        await _check_parent(session, group.id, changes["parent_id"])
        group.parent_id = changes["parent_id"]
    if "name" in changes:
        group.name = clean_name(changes["name"])
    if "description" in changes:
        group.description = changes["description"]
    if "kind" in changes:
        group.kind = changes["kind"]
    await session.flush()
    return group


async def archive_group(session: AsyncSession, actor: Actor, group_id: int, version: int) -> Group:
    """Archive an empty group (its teams and subgroups must be archived or moved first)."""
    actor.require_access(ARCHIVE_GROUP)
    group: Group = await get_live(session, Group, group_id, "Group", "id")
    check_version(group.version, version, "Group")
    if await repo.active_children_count(session, group.id):
        raise DomainError(
            "Move or archive the group's teams and subgroups first.",
            field="id",
            code=ErrorCode.INVALID_STATE,
        )
    group.archived_at = utcnow()
    await session.flush()
    return group


# ---- teams ----------------------------------------------------------------------------------

_TEAM_FIELDS = ("focus", "ways_of_working", "daily_sync_time", "topology", "framework")


async def create_team(
    session: AsyncSession,
    actor: Actor,
    *,
    slug: str,
    name: str,
    group_id: int,
    values: Mapping[str, Any],
) -> Team:
    """Create a team in a group with its topology, framework and Team API."""
    actor.require_access(CREATE_TEAM)
    if await repo.slug_taken(session, Team, clean_slug(slug)):
        raise DuplicateError(f"A team with slug {slug!r} exists already.", field="slug")
    await get_live(session, Group, group_id, "Group", "groupId")
    team = build_team(actor, slug=slug, name=name, group_id=group_id, values=values)
    session.add(team)
    await session.flush()
    return team


def build_team(
    actor: Actor, *, slug: str, name: str, group_id: int, values: Mapping[str, Any]
) -> Team:
    """A new team checked by the rules that need no lookup, not added to a session (the bulk
    import checks slugs and groups for every team at once)."""
    actor.require_access(CREATE_TEAM)
    clean_slug(slug)
    team = Team(slug=slug, name=clean_name(name), group_id=group_id, channels=[], time_zone="UTC")
    _apply_team_values(team, values)
    return team


def _apply_team_values(team: Team, values: Mapping[str, Any]) -> None:
    for key in _TEAM_FIELDS:
        if key in values:
            setattr(team, key, values[key])
    if "channels" in values:
        team.channels = clean_channels(values["channels"])
    if "time_zone" in values:
        team.time_zone = clean_time_zone(values["time_zone"])
    if "name" in values:
        team.name = clean_name(values["name"])


async def update_team(
    session: AsyncSession, actor: Actor, team_id: int, version: int, changes: Mapping[str, Any]
) -> Team:
    """Change a team's Team API, topology or framework; moving it to another group is a
    director's call."""
    team: Team = await get_live(session, Team, team_id, "Team", "id")
    actor.require_team(UPDATE_TEAM, team.id)
    check_version(team.version, version, "Team")
    if "group_id" in changes and changes["group_id"] != team.group_id:
        actor.require_access(ARCHIVE_TEAM)  # re-parenting needs the org-structure role
        await get_live(session, Group, changes["group_id"], "Group", "groupId")
        team.group_id = changes["group_id"]
    _apply_team_values(team, changes)
    await session.flush()
    return team


async def archive_team(session: AsyncSession, actor: Actor, team_id: int, version: int) -> Team:
    """Archive a team: it disappears from lists; its history and references stay."""
    actor.require_access(ARCHIVE_TEAM)
    team: Team = await get_live(session, Team, team_id, "Team", "id")
    check_version(team.version, version, "Team")
    team.archived_at = utcnow()
    await session.flush()
    return team
