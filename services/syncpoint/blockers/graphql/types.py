"""GraphQL object types of blockers: the blocker, its impact, escalation path and history."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from syncpoint.blockers import models
from syncpoint.blockers import repository as repo
from syncpoint.blockers.impact import Impact, age_days, blocker_impact
from syncpoint.core.clock import today
from syncpoint.core.context import Info
from syncpoint.core.loaders import NestedPage
from syncpoint.core.nodes import LoadedNode
from syncpoint.core.pagination import Connection, PageArgs, SortKey
from syncpoint.insights.analyses import Analyses, analyses_of
from syncpoint.teams import repository as teams_repo
from syncpoint.teams.graphql.types import PersonType, TeamType
from syncpoint.work import repository as work_repo
from syncpoint.work.graphql.types import BacklogItemType

if TYPE_CHECKING:
    from syncpoint.scrum_of_scrums.graphql.types import ForumType

ForumRef = Annotated["ForumType", strawberry.lazy("syncpoint.scrum_of_scrums.graphql.types")]

BlockerCategory = strawberry.enum(models.BlockerCategory, name="BlockerCategory")
BlockerSeverity = strawberry.enum(models.BlockerSeverity, name="BlockerSeverity")
EscalationLevel = strawberry.enum(models.EscalationLevel, name="EscalationLevel")
RoamState = strawberry.enum(models.RoamState, name="RoamState")
BlockerStatus = strawberry.enum(models.BlockerStatus, name="BlockerStatus")
BlockerEventKind = strawberry.enum(models.BlockerEventKind, name="BlockerEventKind")


async def _person(info: Info, person_id: int | None) -> PersonType | None:
    if person_id is None:
        return None
    row = await info.context.loaders.load(teams_repo.people_by_ids, person_id)
    return PersonType.from_model(row) if row else None


async def _forum(info: Info, forum_id: int | None) -> Any:
    if forum_id is None:
        return None
    from syncpoint.forums import repository as forums_repo
    from syncpoint.scrum_of_scrums.graphql.types import ForumType

    row = await info.context.loaders.load(forums_repo.forums_by_ids, forum_id)
    return ForumType.from_model(row) if row else None


async def impact_of(analyses: Analyses, blocker: models.Blocker, as_of: date) -> Impact:
    """The blocker's impact over the request's analysis of that day (its item graph, built
    once), walked off the event loop."""
    analysis = await analyses.analysis(as_of)
    return await analyses.off_loop(
        lambda: blocker_impact(analysis.inp, blocker, analysis.item_graph)
    )


@strawberry.type(
    name="BlockerImpact",
    description="What waits downstream of a blocker: transitive consumers of the blocked item "
    "(for a team blocker: of the team's open items) and the other teams that own them.",
)
class BlockerImpactType:
    item_count: int
    team_count: int
    item_ids: strawberry.Private[tuple[int, ...]]
    team_ids: strawberry.Private[tuple[int, ...]]

    @classmethod
    def of(cls, impact: Impact) -> BlockerImpactType:
        return cls(
            item_count=len(impact.item_ids),
            team_count=len(impact.team_ids),
            item_ids=impact.item_ids,
            team_ids=impact.team_ids,
        )

    @strawberry.field(description="The downstream items, by id.")
    async def items(self, info: Info) -> list[BacklogItemType]:
        rows = await info.context.loaders.load_many(work_repo.items_by_ids, self.item_ids)
        return [BacklogItemType.from_model(r) for r in rows if r is not None]

    @strawberry.field(description="The other teams waiting downstream, by id.")
    async def teams(self, info: Info) -> list[TeamType]:
        rows = await info.context.loaders.load_many(teams_repo.teams_by_ids, self.team_ids)
        return [TeamType.from_model(r) for r in rows if r is not None]


@strawberry.type(name="EscalationStep", description="One step of a blocker's escalation path.")
class EscalationStepType:
    from_level: EscalationLevel  # type: ignore[valid-type]
    to_level: EscalationLevel  # type: ignore[valid-type]
    reason: str
    at: datetime
    from_forum_id: strawberry.Private[int | None]
    to_forum_id: strawberry.Private[int | None]
    actor_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.BlockerEscalation) -> EscalationStepType:
        return cls(
            from_level=m.from_level,
            to_level=m.to_level,
            reason=m.reason,
            at=m.at,
            from_forum_id=m.from_forum_id,
            to_forum_id=m.to_forum_id,
            actor_id=m.actor_id,
        )

    @strawberry.field(description="The forum it left (null from team level).")
    async def from_forum(self, info: Info) -> ForumRef | None:
        return await _forum(info, self.from_forum_id)

    @strawberry.field(description="The forum it went to (null at the executive level).")
    async def to_forum(self, info: Info) -> ForumRef | None:
        return await _forum(info, self.to_forum_id)

    @strawberry.field
    async def actor(self, info: Info) -> PersonType | None:
        return await _person(info, self.actor_id)


@strawberry.type(name="BlockerEvent", description="One change of a blocker (who, when, from, to).")
class BlockerEventType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    kind: BlockerEventKind  # type: ignore[valid-type]
    field: str | None
    old_value: str | None
    new_value: str | None
    note: str
    at: datetime
    blocker_id: strawberry.Private[int]
    actor_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.BlockerEvent) -> BlockerEventType:
        return cls(
            id=m.id,
            kind=models.BlockerEventKind(m.kind),
            field=m.field,
            old_value=m.old_value,
            new_value=m.new_value,
            note=m.note,
            at=m.at,
            blocker_id=m.blocker_id,
            actor_id=m.actor_id,
        )

    node_loader = repo.events_by_ids

    @strawberry.field
    async def actor(self, info: Info) -> PersonType | None:
        return await _person(info, self.actor_id)

    @strawberry.field
    async def blocker(self, info: Info) -> BlockerType:
        row = await info.context.loaders.referenced(repo.blockers_by_ids, self.blocker_id)
        return BlockerType.from_model(row)


@strawberry.type(
    name="Blocker",
    description="An impediment on an item or a whole team, with its escalation and history.",
)
class BlockerType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    title: str
    description: str
    category: BlockerCategory  # type: ignore[valid-type]
    severity: BlockerSeverity  # type: ignore[valid-type]
    escalation_level: EscalationLevel  # type: ignore[valid-type]
    roam: RoamState | None  # type: ignore[valid-type]
    status: BlockerStatus  # type: ignore[valid-type]
    raised_at: datetime
    escalated_at: datetime | None
    resolved_at: datetime | None
    source_key: str | None = strawberry.field(
        description="Set on blockers the system raised (SLA breach, compute contention)."
    )
    version: int
    model: strawberry.Private[models.Blocker]

    @classmethod
    def from_model(cls, m: models.Blocker) -> BlockerType:
        return cls(
            id=m.id,
            title=m.title,
            description=m.description,
            category=m.category,
            severity=m.severity,
            escalation_level=m.escalation_level,
            roam=m.roam,
            status=m.status,
            raised_at=m.raised_at,
            escalated_at=m.escalated_at,
            resolved_at=m.resolved_at,
            source_key=m.source_key,
            version=m.version,
            model=m,
        )

    node_loader = repo.blockers_by_ids

    @strawberry.field(description="The blocked item (null for a team blocker).")
    async def item(self, info: Info) -> BacklogItemType | None:
        if self.model.item_id is None:
            return None
        row = await info.context.loaders.load(work_repo.items_by_ids, self.model.item_id)
        return BacklogItemType.from_model(row) if row else None

    @strawberry.field(description="The blocked team (the item's team for an item blocker).")
    async def team(self, info: Info) -> TeamType:
        row = await info.context.loaders.referenced(teams_repo.teams_by_ids, self.model.team_id)
        return TeamType.from_model(row)

    @strawberry.field
    async def raised_by(self, info: Info) -> PersonType | None:
        return await _person(info, self.model.raised_by_id)

    @strawberry.field
    async def owner(self, info: Info) -> PersonType | None:
        return await _person(info, self.model.owner_id)

    @strawberry.field(
        description="Where it is held: the forum at SCRUM_OF_SCRUMS level, the last forum it "
        "passed at EXECUTIVE level, null at TEAM level."
    )
    async def forum(self, info: Info) -> ForumRef | None:
        return await _forum(info, self.model.forum_id)

    @strawberry.field(description="Whole days open as of the given date (default today).")
    def age_days(self, as_of: date | None = None) -> int:
        return age_days(self.model, as_of or today())

    @strawberry.field(description="Downstream items and teams blocked, as of a date.")
    async def impact(self, info: Info, as_of: date | None = None) -> BlockerImpactType:
        impact = await impact_of(analyses_of(info.context), self.model, as_of or today())
        return BlockerImpactType.of(impact)

    @strawberry.field(description="Every escalation step, oldest first.")
    async def escalation_path(self, info: Info) -> list[EscalationStepType]:
        rows = await info.context.loaders.load(repo.escalations_by_blocker, self.id)
        return [EscalationStepType.from_model(r) for r in rows]

    @strawberry.field(
        description="Every change (raised, updated, escalated, resolved), oldest first."
    )
    async def history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[BlockerEventType]:
        return await BLOCKER_HISTORY.page(info, self.id, PageArgs(first, after))


# Nested pages: one statement for every blocker's page (see core.loaders.NestedPage).
BLOCKER_HISTORY = NestedPage(
    repo.events_query,
    models.BlockerEvent.blocker_id,
    [SortKey(models.BlockerEvent.at), SortKey(models.BlockerEvent.id)],
    BlockerEventType.from_model,
)
