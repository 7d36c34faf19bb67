"""SQLAlchemy models of Scrum-of-Scrums forums, their meetings and what the meetings decide."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from syncpoint.core.models import (
    ArchivableMixin,
    Base,
    IdMixin,
    TimestampMixin,
    VersionedMixin,
    str_enum,
    utcnow,
)


class Weekday(StrEnum):
    """Days of the week in ISO order (Monday first); `ical` is the RRULE BYDAY code."""

    MONDAY = "MONDAY"
    TUESDAY = "TUESDAY"
    WEDNESDAY = "WEDNESDAY"
    THURSDAY = "THURSDAY"
    FRIDAY = "FRIDAY"
    SATURDAY = "SATURDAY"
    SUNDAY = "SUNDAY"

    @property
    def position(self) -> int:
        """0 for Monday ... 6 for Sunday, as `date.weekday()`."""
        return list(Weekday).index(self)

    @property
    def ical(self) -> str:
        return self.value[:2]


class ActionItemStatus(StrEnum):
    OPEN = "OPEN"
    DONE = "DONE"


class Forum(IdMixin, TimestampMixin, VersionedMixin, ArchivableMixin, Base):
    """A Scrum of Scrums: member teams (one representative each), a facilitator and a meeting
    cadence. Forums nest; escalation climbs the parent chain, above the top is the executive."""

    __tablename__ = "forums"

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"), index=True)
    # Weekday names (see Weekday), in week order.
    meeting_weekdays: Mapped[list[Any]] = mapped_column(JSON, default=list)
    meeting_time: Mapped[time]
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=15)

    @property
    def weekdays(self) -> list[Weekday]:
        return [Weekday(day) for day in self.meeting_weekdays or []]


class ForumMember(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A team in a forum with its representative; removing it sets `removed_on` (kept)."""

    __tablename__ = "forum_members"
    __table_args__ = (
        Index(
            "uq_forum_members_active",
            "forum_id",
            "team_id",
            unique=True,
            sqlite_where=text("removed_on IS NULL"),
            postgresql_where=text("removed_on IS NULL"),
        ),
    )

    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    representative_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    added_on: Mapped[date]
    removed_on: Mapped[date | None] = mapped_column(default=None)


class Meeting(IdMixin, TimestampMixin, VersionedMixin, Base):
    """One held meeting of a forum, with the agenda it was held from (a frozen snapshot)."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("forum_id", "date"),)

    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id"), index=True)
    date: Mapped[date]
    held_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    agenda: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MeetingNote(IdMixin, Base):
    """Notes of a meeting, appended (never rewritten)."""

    __tablename__ = "meeting_notes"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    entry_key: Mapped[str | None] = mapped_column(String(80), default=None)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Decision(IdMixin, Base):
    """A decision taken in a meeting, optionally about one agenda entry or blocker."""

    __tablename__ = "decisions"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    entry_key: Mapped[str | None] = mapped_column(String(80), default=None)
    blocker_id: Mapped[int | None] = mapped_column(ForeignKey("blockers.id"), default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionItem(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Something a person promised a forum to do by a date; open ones return on every agenda."""

    __tablename__ = "action_items"

    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    due_on: Mapped[date]
    status: Mapped[ActionItemStatus] = mapped_column(
        str_enum(ActionItemStatus), default=ActionItemStatus.OPEN, index=True
    )
    entry_key: Mapped[str | None] = mapped_column(String(80), default=None)
    blocker_id: Mapped[int | None] = mapped_column(ForeignKey("blockers.id"), default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    completion_note: Mapped[str] = mapped_column(Text, default="")
