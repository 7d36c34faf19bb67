"""GraphQL object types of the organisation."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from syncpoint.core.clock import today
from syncpoint.core.context import Info
from syncpoint.core.loaders import Ahead, NestedPage
from syncpoint.core.nodes import LoadedNode
from syncpoint.core.pagination import Connection, PageArgs, SortKey
from syncpoint.teams import models
from syncpoint.teams import repository as repo

if TYPE_CHECKING:
    from syncpoint.audit.graphql import AuditEntryType
    from syncpoint.cadence.graphql.planning import TeamPlanningType
    from syncpoint.quality.graphql.wip import WipLimitType

AuditEntryRef = Annotated["AuditEntryType", strawberry.lazy("syncpoint.audit.graphql")]


async def audit_history(
    info: Info, type_name: str, object_id: int, first: int | None, after: str | None
) -> Connection[AuditEntryRef]:
    """The object's history from the audit log (ADMIN and DIRECTOR, as the log itself)."""
    from syncpoint.audit.graphql import object_history

    return await object_history(info, type_name, object_id, first, after)


GroupKind = strawberry.enum(models.GroupKind, name="GroupKind")
Topology = strawberry.enum(models.Topology, name="Topology")
Framework = strawberry.enum(models.Framework, name="Framework")
MembershipRole = strawberry.enum(models.MembershipRole, name="MembershipRole")
InteractionMode = strawberry.enum(models.InteractionMode, name="InteractionMode")


@strawberry.type(
    name="Group", description="A value stream, tribe, release train or the organisation."
)
class GroupType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str
    kind: GroupKind  # type: ignore[valid-type]
    description: str
    version: int
    archived_at: datetime | None
    parent_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.Group) -> GroupType:
        return cls(
            id=m.id,
            slug=m.slug,
            name=m.name,
            kind=m.kind,
            description=m.description,
            version=m.version,
            archived_at=m.archived_at,
            parent_id=m.parent_id,
        )

    node_loader = repo.groups_by_ids

    @strawberry.field(
        description="Every accepted change to it, newest first, from the audit log (ADMIN and "
        "DIRECTOR)."
    )
    async def history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEntryRef]:
        return await audit_history(info, "Group", self.id, first, after)

    @strawberry.field
    async def parent(self, info: Info) -> GroupType | None:
        if self.parent_id is None:
            return None
        row = await info.context.loaders.load(repo.groups_by_ids, self.parent_id)
        return GroupType.from_model(row) if row else None

    @strawberry.field(description="Direct subgroups (archived ones left out).")
    async def children(self, info: Info) -> list[GroupType]:
        rows = await info.context.loaders.load(repo.children_by_group, self.id)
        return [GroupType.from_model(r) for r in rows]

    @strawberry.field(description="Teams of this group; with includeDescendants also of subgroups.")
    async def teams(self, info: Info, include_descendants: bool = False) -> list[TeamType]:
        batch = repo.teams_in_subtrees if include_descendants else repo.teams_by_group
        rows = await info.context.loaders.load(batch, self.id)
        return [TeamType.from_model(r) for r in rows]

    @strawberry.field(description="Groups from the root down to this one.")
    async def path(self, info: Info) -> list[GroupType]:
        return await group_path(info, self.id)


async def group_path(info: Info, group_id: int) -> list[GroupType]:
    """Walk up through the group loader (groups nest a few levels deep; each level batches)."""
    path: list[GroupType] = []
    current: int | None = group_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        seen.add(current)
        row = await info.context.loaders.load(repo.groups_by_ids, current)
        if row is None:
            break
        path.append(GroupType.from_model(row))
        current = row.parent_id
    return list(reversed(path))


@strawberry.type(name="Team", description="A team and its Team API (how to work with it).")
class TeamType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str
    topology: Topology  # type: ignore[valid-type]
    framework: Framework  # type: ignore[valid-type]
    focus: str
    channels: list[str]
    daily_sync_time: time | None
    time_zone: str
    ways_of_working: str
    version: int
    archived_at: datetime | None
    created_at: datetime
    group_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.Team) -> TeamType:
        return cls(
            id=m.id,
            slug=m.slug,
            name=m.name,
            topology=m.topology,
            framework=m.framework,
            focus=m.focus,
            channels=list(m.channels or []),
            daily_sync_time=m.daily_sync_time,
            time_zone=m.time_zone,
            ways_of_working=m.ways_of_working,
            version=m.version,
            archived_at=m.archived_at,
            created_at=m.created_at,
            group_id=m.group_id,
        )

    node_loader = repo.teams_by_ids

    @strawberry.field
    async def group(self, info: Info) -> GroupType:
        row = await info.context.loaders.referenced(repo.groups_by_ids, self.group_id)
        return GroupType.from_model(row)

    @strawberry.field(description="The team's group and its ancestors, root first.")
    async def group_path(self, info: Info) -> list[GroupType]:
        return await group_path(info, self.group_id)

    @strawberry.field(
        description="Every accepted change to it, newest first, from the audit log (ADMIN and "
        "DIRECTOR)."
    )
    async def history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEntryRef]:
        return await audit_history(info, "Team", self.id, first, after)

    @strawberry.field(
        description="Memberships, by role (ended ones only with includeEnded, then by start)."
    )
    async def members(
        self,
        info: Info,
        include_ended: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MembershipType]:
        pages = TEAM_MEMBERSHIPS if include_ended else TEAM_MEMBERS
        return await pages.page(info, self.id, PageArgs(first, after), include_ended)

    @strawberry.field(description="Interactions in which this team takes part, either side.")
    async def interactions(
        self,
        info: Info,
        include_ended: bool = False,
        mode: InteractionMode | None = None,  # type: ignore[valid-type]
    ) -> list[InteractionType]:
        rows = await info.context.loaders.load(repo.interactions_by_team, self.id)
        return [
            InteractionType.from_model(r)
            for r in rows
            if (include_ended or r.ended_on is None) and (mode is None or r.mode == mode)
        ]

    @strawberry.field(description="Cadence, sprints, DoR/DoD and dependencies (work context).")
    def planning(
        self,
    ) -> Annotated[TeamPlanningType, strawberry.lazy("syncpoint.cadence.graphql.planning")]:
        from syncpoint.cadence.graphql.planning import TeamPlanningType

        return TeamPlanningType(team_id=self.id)

    @strawberry.field(
        description="WIP limits per status (Kanban and hybrid teams), READY first; empty when "
        "the team has none."
    )
    async def wip_limits(
        self, info: Info
    ) -> list[Annotated[WipLimitType, strawberry.lazy("syncpoint.quality.graphql.wip")]]:
        from syncpoint.quality.graphql.wip import team_wip_limits

        return await team_wip_limits(info, self.id)


@strawberry.type(name="Person")
class PersonType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    name: str
    email: str
    title: str
    version: int
    archived_at: datetime | None

    @classmethod
    def from_model(cls, m: models.Person) -> PersonType:
        return cls(
            id=m.id,
            name=m.name,
            email=m.email,
            title=m.title,
            version=m.version,
            archived_at=m.archived_at,
        )

    node_loader = repo.people_by_ids

    @strawberry.field(
        description="Every accepted change to it, newest first, from the audit log (ADMIN and "
        "DIRECTOR)."
    )
    async def history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEntryRef]:
        return await audit_history(info, "Person", self.id, first, after)

    @strawberry.field(description="The person's memberships; ended ones only with includeEnded.")
    async def memberships(
        self,
        info: Info,
        include_ended: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MembershipType]:
        return await PERSON_MEMBERSHIPS.page(info, self.id, PageArgs(first, after), include_ended)


@strawberry.type(name="Membership", description="A person in a team with a role.")
class MembershipType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    role: MembershipRole  # type: ignore[valid-type]
    started_on: date
    ended_on: date | None
    version: int
    person_id: strawberry.Private[int]
    team_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.Membership) -> MembershipType:
        return cls(
            id=m.id,
            role=m.role,
            started_on=m.started_on,
            ended_on=m.ended_on,
            version=m.version,
            person_id=m.person_id,
            team_id=m.team_id,
        )

    node_loader = repo.memberships_by_ids

    @strawberry.field
    def is_active(self) -> bool:
        return self.ended_on is None

    @strawberry.field(graphql_type=PersonType)
    def person(self, info: Info) -> PersonType | Awaitable[PersonType]:
        # In line when the page fetched its people ahead (TEAM_MEMBERS): no awaitable per row.
        return info.context.loaders.referenced_now(
            repo.people_by_ids, self.person_id, PersonType.from_model
        )

    @strawberry.field
    async def team(self, info: Info) -> TeamType:
        return TeamType.from_model(
            await info.context.loaders.referenced(repo.teams_by_ids, self.team_id)
        )


@strawberry.type(
    name="Interaction",
    description="Two teams working together. X_AS_A_SERVICE: team provides, partner consumes; "
    "FACILITATING: team facilitates partner.",
)
class InteractionType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    mode: InteractionMode  # type: ignore[valid-type]
    purpose: str
    starts_on: date
    expected_end: date | None
    ended_on: date | None
    version: int
    model: strawberry.Private[models.Interaction]

    @classmethod
    def from_model(cls, m: models.Interaction) -> InteractionType:
        return cls(
            id=m.id,
            mode=m.mode,
            purpose=m.purpose,
            starts_on=m.starts_on,
            expected_end=m.expected_end,
            ended_on=m.ended_on,
            version=m.version,
            model=m,
        )

    node_loader = repo.interactions_by_ids

    @strawberry.field
    async def team(self, info: Info) -> TeamType:
        return TeamType.from_model(
            await info.context.loaders.referenced(repo.teams_by_ids, self.model.team_id)
        )

    @strawberry.field
    async def partner(self, info: Info) -> TeamType:
        return TeamType.from_model(
            await info.context.loaders.referenced(repo.teams_by_ids, self.model.partner_id)
        )

    @strawberry.field(
        description="Collaboration or facilitating still running past its expected end "
        "(domain rule 7), as of the given date (default today)."
    )
    def is_overrun(self, as_of: date | None = None) -> bool:
        return self.model.is_overrun(as_of or today())

    @strawberry.field(description="Days past the expected end when overrun, else 0.")
    def overrun_days(self, as_of: date | None = None) -> int:
        day = as_of or today()
        if not self.model.is_overrun(day) or self.expected_end is None:
            return 0
        return (day - self.expected_end).days


_Membership = models.Membership
_BY_START = [SortKey(_Membership.started_on), SortKey(_Membership.id)]
_BY_ROLE = [SortKey(_Membership.role), SortKey(_Membership.id)]
_query, _convert = repo.memberships_query, MembershipType.from_model
# Nested pages: one statement for every parent's page (see core.loaders.NestedPage).
_PEOPLE_AHEAD = Ahead("person", repo.people_by_ids, lambda m: m.person_id)
TEAM_MEMBERS = NestedPage(_query, _Membership.team_id, _BY_ROLE, _convert, ahead=_PEOPLE_AHEAD)
TEAM_MEMBERSHIPS = NestedPage(_query, _Membership.team_id, _BY_START, _convert, ahead=_PEOPLE_AHEAD)
PERSON_MEMBERSHIPS = NestedPage(_query, _Membership.person_id, _BY_START, _convert)
