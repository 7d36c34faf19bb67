"""SQLAlchemy models of what Scrum-of-Scrums forums do: their meetings and what the meetings decide
(the forums themselves, their members and nesting, are `syncpoint.forums`)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from syncpoint.core.models import (
    Base,
    IdMixin,
    TimestampMixin,
    VersionedMixin,
    str_enum,
    utcnow,
)


class ActionItemStatus(StrEnum):
    OPEN = "OPEN"
    DONE = "DONE"


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
