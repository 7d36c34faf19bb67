"""SQLAlchemy models of cadences and sprints."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from syncpoint.core.models import Base, IdMixin, TimestampMixin, VersionedMixin, str_enum, utcnow


class SprintState(StrEnum):
    PLANNED = "PLANNED"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


class SprintOutcomeKind(StrEnum):
    DONE = "DONE"
    CARRIED_OVER = "CARRIED_OVER"
    RETURNED = "RETURNED"
    DROPPED = "DROPPED"


class Cadence(IdMixin, Base):
    """A team's sprint rhythm from `effective_from` on (append-only: a change adds a row)."""

    __tablename__ = "cadences"
    __table_args__ = (UniqueConstraint("team_id", "effective_from"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    length_days: Mapped[int] = mapped_column(Integer)
    anchor: Mapped[date]
    effective_from: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)


class ServiceLevelExpectation(IdMixin, Base):
    """A Kanban team's promise: `percentile`% of items finish within `days` (append-only)."""

    __tablename__ = "service_level_expectations"
    __table_args__ = (UniqueConstraint("team_id", "effective_from"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    percentile: Mapped[int] = mapped_column(Integer)
    days: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Sprint(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A stored sprint: explicit (holidays, cadence exceptions) or a generated one materialised
    when work is planned into it or it is started/closed. Unique per team and start date."""

    __tablename__ = "sprints"
    __table_args__ = (UniqueConstraint("team_id", "start_date"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    explicit: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(String(200), default="")
    goal: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[SprintState] = mapped_column(str_enum(SprintState), default=SprintState.PLANNED)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class SprintOutcome(IdMixin, Base):
    """What became of each item planned in a sprint when it closed (committed vs done)."""

    __tablename__ = "sprint_outcomes"
    __table_args__ = (UniqueConstraint("sprint_id", "item_id"),)

    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    outcome: Mapped[SprintOutcomeKind] = mapped_column(str_enum(SprintOutcomeKind))


class CarryOver(IdMixin, Base):
    """An unfinished item moved from one sprint to the next, with its status note."""

    __tablename__ = "carry_overs"

    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    from_sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id"))
    to_sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id"))
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
