"""GraphQL object types of forums, their members, meetings, decisions and action items."""

from __future__ import annotations

from datetime import date, datetime, time

import strawberry
from strawberry import relay

from syncpoint.blockers import repository as blockers_repo
from syncpoint.blockers.graphql.types import BlockerType
from syncpoint.core.clock import today
from syncpoint.core.context import Info
from syncpoint.core.loaders import NestedPage
from syncpoint.core.nodes import LoadedNode
from syncpoint.core.pagination import Connection, PageArgs, SortKey
from syncpoint.forums import models as forum_models
from syncpoint.forums import repository as forums_repo
from syncpoint.scrum_of_scrums import models
from syncpoint.scrum_of_scrums import repository as repo
from syncpoint.scrum_of_scrums.calendar import upcoming_meetings
from syncpoint.scrum_of_scrums.graphql.agenda_types import AgendaType
from syncpoint.teams import repository as teams_repo
from syncpoint.teams.graphql.types import AuditEntryRef, PersonType, TeamType, audit_history

Weekday = strawberry.enum(forum_models.Weekday, name="Weekday")
ActionItemStatus = strawberry.enum(models.ActionItemStatus, name="ActionItemStatus")


async def _person(info: Info, person_id: int | None) -> PersonType | None:
    if person_id is None:
        return None
    row = await info.context.loaders.load(teams_repo.people_by_ids, person_id)
    return PersonType.from_model(row) if row else None


async def _forum(info: Info, forum_id: int | None) -> ForumType | None:
    if forum_id is None:
        return None
    row = await info.context.loaders.load(forums_repo.forums_by_ids, forum_id)
    return ForumType.from_model(row) if row else None


async def _blocker(info: Info, blocker_id: int | None) -> BlockerType | None:
    if blocker_id is None:
        return None
    row = await info.context.loaders.load(blockers_repo.blockers_by_ids, blocker_id)
    return BlockerType.from_model(row) if row else None


@strawberry.type(
    name="Forum",
    description="A Scrum of Scrums: member teams with one representative each, a facilitator, "
    "a meeting cadence; forums nest and escalation climbs the parent chain.",
)
class ForumType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    name: str
    description: str
    weekdays: list[Weekday]  # type: ignore[valid-type]
    meeting_time: time
    time_zone: str
    duration_minutes: int
    version: int
    archived_at: datetime | None
    created_at: datetime
    model: strawberry.Private[forum_models.Forum]

    @classmethod
    def from_model(cls, m: forum_models.Forum) -> ForumType:
        return cls(
            id=m.id,
            name=m.name,
            description=m.description,
            weekdays=m.weekdays,
            meeting_time=m.meeting_time,
            time_zone=m.time_zone,
            duration_minutes=m.duration_minutes,
            version=m.version,
            archived_at=m.archived_at,
            created_at=m.created_at,
            model=m,
        )

    node_loader = forums_repo.forums_by_ids

    @strawberry.field(
        description="Every accepted change to it, newest first, from the audit log (ADMIN and "
        "DIRECTOR)."
    )
    async def history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEntryRef]:
        return await audit_history(info, "Forum", self.id, first, after)

    @strawberry.field
    async def facilitator(self, info: Info) -> PersonType | None:
        return await _person(info, self.model.facilitator_id)

    @strawberry.field(description="The forum above (escalation goes there next).")
    async def parent(self, info: Info) -> ForumType | None:
        return await _forum(info, self.model.parent_id)

    @strawberry.field(description="Live forums directly below.")
    async def children(self, info: Info) -> list[ForumType]:
        rows = await info.context.loaders.load(forums_repo.children_by_forum, self.id)
        return [ForumType.from_model(r) for r in rows]

    @strawberry.field(description="This forum and those above it: the escalation path upward.")
    async def chain(self, info: Info) -> list[ForumType]:
        path: list[ForumType] = []
        current: int | None = self.id
        while current is not None and all(f.id != current for f in path):
            row = await info.context.loaders.load(forums_repo.forums_by_ids, current)
            if row is None or row.archived_at is not None:
                break
            path.append(ForumType.from_model(row))
            current = row.parent_id
        return path

    @strawberry.field(description="Member teams; teams that left only with includeRemoved.")
    async def members(
        self,
        info: Info,
        include_removed: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ForumMemberType]:
        return await FORUM_MEMBERS.page(info, self.id, PageArgs(first, after), include_removed)

    @strawberry.field(description="Meetings held, newest first.")
    async def meetings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[MeetingType]:
        return await FORUM_MEETINGS.page(info, self.id, PageArgs(first, after))

    @strawberry.field(description="Action items of the forum (open ones unless status says).")
    async def action_items(
        self,
        info: Info,
        status: ActionItemStatus | None = models.ActionItemStatus.OPEN,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ActionItemType]:
        return await FORUM_ACTION_ITEMS.page(info, self.id, PageArgs(first, after), status)

    @strawberry.field(description="Starts of the next meetings from a date (default today).")
    def next_meetings(self, count: int = 5, from_date: date | None = None) -> list[datetime]:
        return upcoming_meetings(self.model, from_date or today(), min(max(count, 0), 100))

    @strawberry.field(description="Path of the iCalendar feed of this forum's meetings.")
    def calendar_path(self) -> str:
        return f"/calendar/forums/{self.id}.ics"


@strawberry.type(name="ForumMember", description="A team in a forum and its representative.")
class ForumMemberType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    added_on: date
    removed_on: date | None
    version: int
    model: strawberry.Private[forum_models.ForumMember]

    @classmethod
    def from_model(cls, m: forum_models.ForumMember) -> ForumMemberType:
        return cls(
            id=m.id, added_on=m.added_on, removed_on=m.removed_on, version=m.version, model=m
        )

    node_loader = forums_repo.members_by_ids

    @strawberry.field
    async def team(self, info: Info) -> TeamType:
        row = await info.context.loaders.referenced(teams_repo.teams_by_ids, self.model.team_id)
        return TeamType.from_model(row)

    @strawberry.field
    async def representative(self, info: Info) -> PersonType | None:
        return await _person(info, self.model.representative_id)

    @strawberry.field
    async def forum(self, info: Info) -> ForumType | None:
        return await _forum(info, self.model.forum_id)


@strawberry.type(name="MeetingNote", description="Notes taken in a meeting (appended).")
class MeetingNoteType:
    text: str
    entry_key: str | None
    at: datetime
    author_id: strawberry.Private[int | None]

    @strawberry.field
    async def author(self, info: Info) -> PersonType | None:
        return await _person(info, self.author_id)


@strawberry.type(name="Decision", description="A decision taken in a meeting.")
class DecisionType:
    id: int
    text: str
    entry_key: str | None
    at: datetime
    decided_by_id: strawberry.Private[int | None]
    blocker_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.Decision) -> DecisionType:
        return cls(
            id=m.id,
            text=m.text,
            entry_key=m.entry_key,
            at=m.at,
            decided_by_id=m.decided_by_id,
            blocker_id=m.blocker_id,
        )

    @strawberry.field
    async def decided_by(self, info: Info) -> PersonType | None:
        return await _person(info, self.decided_by_id)

    @strawberry.field
    async def blocker(self, info: Info) -> BlockerType | None:
        return await _blocker(info, self.blocker_id)


@strawberry.type(name="Meeting", description="A held meeting of a forum and its outcomes.")
class MeetingType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    day: date = strawberry.field(name="date")
    version: int
    created_at: datetime
    model: strawberry.Private[models.Meeting]

    @classmethod
    def from_model(cls, m: models.Meeting) -> MeetingType:
        return cls(id=m.id, day=m.date, version=m.version, created_at=m.created_at, model=m)

    node_loader = repo.meetings_by_ids

    @strawberry.field
    async def forum(self, info: Info) -> ForumType | None:
        return await _forum(info, self.model.forum_id)

    @strawberry.field
    async def held_by(self, info: Info) -> PersonType | None:
        return await _person(info, self.model.held_by_id)

    @strawberry.field(description="The agenda the meeting was held from, as it was then.")
    def agenda(self) -> AgendaType:
        return AgendaType.from_snapshot(self.model.agenda)

    @strawberry.field
    async def notes(self, info: Info) -> list[MeetingNoteType]:
        rows = await info.context.loaders.load(repo.notes_by_meeting, self.id)
        return [
            MeetingNoteType(text=r.text, entry_key=r.entry_key, at=r.at, author_id=r.author_id)
            for r in rows
        ]

    @strawberry.field
    async def decisions(self, info: Info) -> list[DecisionType]:
        rows = await info.context.loaders.load(repo.decisions_by_meeting, self.id)
        return [DecisionType.from_model(r) for r in rows]

    @strawberry.field
    async def action_items(self, info: Info) -> list[ActionItemType]:
        rows = await info.context.loaders.load(repo.action_items_by_meeting, self.id)
        return [ActionItemType.from_model(r) for r in rows]


@strawberry.type(name="ActionItem", description="A promise to a forum: owner, due date, status.")
class ActionItemType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    title: str
    description: str
    due_on: date
    status: ActionItemStatus  # type: ignore[valid-type]
    entry_key: str | None
    completed_at: datetime | None
    completion_note: str
    version: int
    created_at: datetime
    model: strawberry.Private[models.ActionItem]

    @classmethod
    def from_model(cls, m: models.ActionItem) -> ActionItemType:
        return cls(
            id=m.id,
            title=m.title,
            description=m.description,
            due_on=m.due_on,
            status=m.status,
            entry_key=m.entry_key,
            completed_at=m.completed_at,
            completion_note=m.completion_note,
            version=m.version,
            created_at=m.created_at,
            model=m,
        )

    node_loader = repo.action_items_by_ids

    @strawberry.field
    async def owner(self, info: Info) -> PersonType | None:
        return await _person(info, self.model.owner_id)

    @strawberry.field
    async def completed_by(self, info: Info) -> PersonType | None:
        return await _person(info, self.model.completed_by_id)

    @strawberry.field
    async def forum(self, info: Info) -> ForumType | None:
        return await _forum(info, self.model.forum_id)

    @strawberry.field
    async def meeting(self, info: Info) -> MeetingType | None:
        if self.model.meeting_id is None:
            return None
        row = await info.context.loaders.load(repo.meetings_by_ids, self.model.meeting_id)
        return MeetingType.from_model(row) if row else None

    @strawberry.field
    async def blocker(self, info: Info) -> BlockerType | None:
        return await _blocker(info, self.model.blocker_id)

    @strawberry.field(description="Days past the due date (0 when not overdue or done).")
    def overdue_days(self, as_of: date | None = None) -> int:
        if self.status is models.ActionItemStatus.DONE:
            return 0
        return max(((as_of or today()) - self.due_on).days, 0)


# Nested pages: one statement for every forum's page (see core.loaders.NestedPage).
FORUM_MEMBERS = NestedPage(
    forums_repo.forum_members_query,
    forum_models.ForumMember.forum_id,
    [SortKey(forum_models.ForumMember.id)],
    ForumMemberType.from_model,
)
FORUM_MEETINGS = NestedPage(
    repo.meetings_query,
    models.Meeting.forum_id,
    [SortKey(models.Meeting.date, descending=True), SortKey(models.Meeting.id, descending=True)],
    MeetingType.from_model,
)
FORUM_ACTION_ITEMS = NestedPage(
    lambda status: repo.action_items_query(forum_ids=None, owner_id=None, status=status),
    models.ActionItem.forum_id,
    [SortKey(models.ActionItem.due_on), SortKey(models.ActionItem.id)],
    ActionItemType.from_model,
)
