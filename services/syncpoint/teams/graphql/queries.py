"""Queries of the organisation context."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry import relay

from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.context import Info
from syncpoint.core.ids import decode_id, decode_optional
from syncpoint.core.pagination import Connection, PageArgs, SortKey, paginate
from syncpoint.teams import models
from syncpoint.teams import repository as repo
from syncpoint.teams.graphql.types import (
    Framework,
    GroupType,
    PersonType,
    TeamType,
    Topology,
)

GROUPS, GROUP = read_policy("groups"), read_policy("group")
TEAMS, TEAM = read_policy("teams"), read_policy("team")
PEOPLE, PERSON = read_policy("people"), read_policy("person")


@strawberry.enum
class TeamOrder(Enum):
    NAME = "NAME"
    CREATED = "CREATED"
    TOPOLOGY = "TOPOLOGY"


@strawberry.input
class TeamFilter:
    topologies: list[Topology] | None = None  # type: ignore[valid-type]
    frameworks: list[Framework] | None = None  # type: ignore[valid-type]
    group_id: relay.GlobalID | None = None
    include_subgroups: bool = strawberry.field(
        default=True, description="With groupId: also teams of its subgroups."
    )
    search: str | None = strawberry.field(default=None, description="Part of the name or slug.")
    include_archived: bool = False


def _team_order(order: TeamOrder) -> list[SortKey]:
    column = {
        TeamOrder.NAME: models.Team.name,
        TeamOrder.CREATED: models.Team.created_at,
        TeamOrder.TOPOLOGY: models.Team.topology,
    }[order]
    keys = [SortKey(column)]
    if order is TeamOrder.TOPOLOGY:
        keys.append(SortKey(models.Team.name))
    return [*keys, SortKey(models.Team.id)]


@strawberry.type
class TeamsQuery:
    @strawberry.field(
        description="Groups as a tree: top-level groups unless rootsOnly is false.",
        permission_classes=[allowed(GROUPS)],
    )
    async def groups(
        self,
        info: Info,
        roots_only: bool = True,
        include_archived: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[GroupType]:
        ctx = info.context
        stmt = repo.groups_query(roots_only=roots_only, include_archived=include_archived)
        return await paginate(
            ctx.session,
            stmt,
            [SortKey(models.Group.name), SortKey(models.Group.id)],
            PageArgs(first, after, last, before),
            GroupType.from_model,
            max_page=ctx.settings.max_page_size,
        )

    @strawberry.field(permission_classes=[allowed(GROUP)])
    async def group(self, info: Info, slug: str) -> GroupType | None:
        row = await repo.group_by_slug(info.context.session, slug)
        return GroupType.from_model(row) if row else None

    @strawberry.field(
        description="Teams, filtered and ordered, one page at a time.",
        permission_classes=[allowed(TEAMS)],
    )
    async def teams(
        self,
        info: Info,
        filter: TeamFilter | None = None,
        order_by: TeamOrder = TeamOrder.NAME,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[TeamType]:
        ctx = info.context
        f = filter or TeamFilter()
        stmt = repo.teams_query(
            repo.TeamFilter(
                topologies=f.topologies,
                frameworks=f.frameworks,
                group_id=decode_optional(f.group_id, "Group", "filter.groupId"),
                include_subgroups=f.include_subgroups,
                search=f.search,
                include_archived=f.include_archived,
            )
        )
        return await paginate(
            ctx.session,
            stmt,
            _team_order(order_by),
            PageArgs(first, after, last, before),
            TeamType.from_model,
            max_page=ctx.settings.max_page_size,
        )

    @strawberry.field(permission_classes=[allowed(TEAM)])
    async def team(self, info: Info, slug: str) -> TeamType | None:
        row = await repo.team_by_slug(info.context.session, slug)
        return TeamType.from_model(row) if row else None

    @strawberry.field(
        description="People, optionally only the active members of one team.",
        permission_classes=[allowed(PEOPLE)],
    )
    async def people(
        self,
        info: Info,
        search: str | None = None,
        team_id: relay.GlobalID | None = None,
        include_archived: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[PersonType]:
        ctx = info.context
        stmt = repo.people_query(
            search=search,
            team_id=decode_optional(team_id, "Team", "teamId"),
            include_archived=include_archived,
        )
        return await paginate(
            ctx.session,
            stmt,
            [SortKey(models.Person.name), SortKey(models.Person.id)],
            PageArgs(first, after, last, before),
            PersonType.from_model,
            max_page=ctx.settings.max_page_size,
        )

    @strawberry.field(permission_classes=[allowed(PERSON)])
    async def person(self, info: Info, id: relay.GlobalID) -> PersonType | None:
        row = await info.context.loaders.load(repo.people_by_ids, decode_id(id, "Person"))
        return PersonType.from_model(row) if row else None
