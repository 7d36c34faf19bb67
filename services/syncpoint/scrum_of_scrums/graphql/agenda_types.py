"""GraphQL types of an agenda, read from its JSON snapshot (live or as held in a meeting)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from syncpoint.analysis.agenda import Section
from syncpoint.core.context import Info
from syncpoint.teams import repository as teams_repo
from syncpoint.teams.graphql.types import PersonType, TeamType

AgendaSection = strawberry.enum(Section, name="AgendaSection")


@strawberry.type(name="AgendaLink", description="An object an agenda entry is about.")
class AgendaLink:
    kind: str = strawberry.field(description="Its GraphQL type, e.g. Blocker, Dependency.")
    id: relay.GlobalID


@strawberry.type(
    name="AgendaEntry",
    description="A topic of an agenda: why it is there (in numbers), its rank by impact, links, "
    "a suggested owner and, when it fits the timebox, its time slot.",
)
class AgendaEntryType:
    key: str
    section: AgendaSection  # type: ignore[valid-type]
    title: str
    reason: str
    score: int = strawberry.field(description="Impact score (see analysis/agenda.py).")
    rank: int = strawberry.field(description="1 = the most impact on the whole agenda.")
    minutes: int
    numbers: JSON
    links: list[AgendaLink]
    start_minute: int | None = strawberry.field(description="Minutes after the meeting starts.")
    end_minute: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    why_left_out: str | None = strawberry.field(description="Set on entries that did not fit.")
    owner_person_id: strawberry.Private[int | None]
    owner_team_id: strawberry.Private[int | None]

    @classmethod
    def from_json(cls, e: dict[str, Any], meeting_start: datetime | None) -> AgendaEntryType:
        start, end = e.get("startMinute"), e.get("endMinute")
        return cls(
            key=e["key"],
            section=Section(e["section"]),
            title=e["title"],
            reason=e["reason"],
            score=e["score"],
            rank=e["rank"],
            minutes=e["minutes"],
            numbers=e["numbers"],
            links=[
                AgendaLink(kind=link["kind"], id=relay.GlobalID(link["kind"], str(link["id"])))
                for link in e["links"]
            ],
            start_minute=start,
            end_minute=end,
            starts_at=meeting_start + timedelta(minutes=start)
            if meeting_start is not None and start is not None
            else None,
            ends_at=meeting_start + timedelta(minutes=end)
            if meeting_start is not None and end is not None
            else None,
            why_left_out=e.get("whyLeftOut"),
            owner_person_id=e.get("ownerPersonId"),
            owner_team_id=e.get("ownerTeamId"),
        )

    @strawberry.field(description="Who should take it: an owner, else a team's representative.")
    async def suggested_owner(self, info: Info) -> PersonType | None:
        if self.owner_person_id is None:
            return None
        row = await info.context.loaders.load(teams_repo.people_by_ids, self.owner_person_id)
        return PersonType.from_model(row) if row else None

    @strawberry.field(description="The team expected to act.")
    async def owner_team(self, info: Info) -> TeamType | None:
        if self.owner_team_id is None:
            return None
        row = await info.context.loaders.load(teams_repo.teams_by_ids, self.owner_team_id)
        return TeamType.from_model(row) if row else None


@strawberry.type(name="AgendaSectionEntries", description="One section: kept and left-out entries.")
class AgendaSectionEntries:
    section: AgendaSection  # type: ignore[valid-type]
    minutes: int
    entries: list[AgendaEntryType]
    left_out: list[AgendaEntryType]


@strawberry.type(
    name="Agenda",
    description="A forum's agenda for a date, ranked by impact and fitted to the meeting's "
    "timebox; the same data and date always give the same agenda.",
)
class AgendaType:
    day: date = strawberry.field(name="date")
    since: date = strawberry.field(description="New blockers are those raised since this day.")
    horizon_days: int
    meeting_start: datetime
    timebox_minutes: int
    used_minutes: int
    entries: list[AgendaEntryType] = strawberry.field(description="Kept entries, meeting order.")
    forum_id: strawberry.Private[int]
    # What did not fit, as the snapshot holds it: built into entries only when a document asks
    # for them (most ask only the kept entries).
    left_out_json: strawberry.Private[list[dict[str, Any]]]

    @strawberry.field(description="What did not fit, by rank.")
    def left_out(self) -> list[AgendaEntryType]:
        return self.left_out_entries()

    def left_out_entries(self) -> list[AgendaEntryType]:
        return [AgendaEntryType.from_json(e, None) for e in self.left_out_json]

    @classmethod
    def from_snapshot(cls, snap: dict[str, Any]) -> AgendaType:
        start = datetime.fromisoformat(snap["meetingStart"])
        return cls(
            day=date.fromisoformat(snap["date"]),
            since=date.fromisoformat(snap["since"]),
            horizon_days=snap["horizonDays"],
            meeting_start=start,
            timebox_minutes=snap["timeboxMinutes"],
            used_minutes=snap["usedMinutes"],
            entries=[AgendaEntryType.from_json(e, start) for e in snap["entries"]],
            forum_id=snap["forumId"],
            left_out_json=snap["leftOut"],
        )

    @strawberry.field(description="Every section in meeting order, empty ones included.")
    def sections(self) -> list[AgendaSectionEntries]:
        left_out = self.left_out_entries()
        return [
            AgendaSectionEntries(
                section=section,
                minutes=sum(e.minutes for e in self.entries if e.section is section),
                entries=[e for e in self.entries if e.section is section],
                left_out=[e for e in left_out if e.section is section],
            )
            for section in Section
        ]
