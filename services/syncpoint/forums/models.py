"""SQLAlchemy models of the forum structure: Scrum-of-Scrums forums, their member teams with a
representative each, and their nesting (what escalation climbs)."""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from syncpoint.core.models import ArchivableMixin, Base, IdMixin, TimestampMixin, VersionedMixin


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
