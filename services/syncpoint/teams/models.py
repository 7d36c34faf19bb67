"""SQLAlchemy models of the organisation."""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from syncpoint.analysis.model import Framework, InteractionMode
from syncpoint.core.models import (
    ArchivableMixin,
    Base,
    IdMixin,
    TimestampMixin,
    VersionedMixin,
    str_enum,
)


class GroupKind(StrEnum):
    ORGANISATION = "ORGANISATION"
    VALUE_STREAM = "VALUE_STREAM"
    TRIBE = "TRIBE"
    RELEASE_TRAIN = "RELEASE_TRAIN"
    OTHER = "OTHER"


class Topology(StrEnum):
    STREAM_ALIGNED = "STREAM_ALIGNED"
    PLATFORM = "PLATFORM"
    ENABLING = "ENABLING"
    COMPLICATED_SUBSYSTEM = "COMPLICATED_SUBSYSTEM"


class MembershipRole(StrEnum):
    PRODUCT_OWNER = "PRODUCT_OWNER"
    SCRUM_MASTER = "SCRUM_MASTER"
    ML_ENGINEER = "ML_ENGINEER"
    DATA_ENGINEER = "DATA_ENGINEER"
    DATA_SCIENTIST = "DATA_SCIENTIST"
    SOFTWARE_ENGINEER = "SOFTWARE_ENGINEER"
    ANALYST = "ANALYST"
    DOMAIN_EXPERT = "DOMAIN_EXPERT"
    OTHER = "OTHER"


class Group(IdMixin, TimestampMixin, VersionedMixin, ArchivableMixin, Base):
    __tablename__ = "groups"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[GroupKind] = mapped_column(str_enum(GroupKind), default=GroupKind.OTHER)
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)


class Team(IdMixin, TimestampMixin, VersionedMixin, ArchivableMixin, Base):
    __tablename__ = "teams"
    # Hot query (0009_scale_indexes): teams(first:) pages by (name, id).
    __table_args__ = (Index("ix_teams_name_id", "name", "id"),)

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    topology: Mapped[Topology] = mapped_column(str_enum(Topology))
    framework: Mapped[Framework] = mapped_column(str_enum(Framework))
    # The "Team API" (Team Topologies): how to work with this team.
    focus: Mapped[str] = mapped_column(Text, default="")
    channels: Mapped[list[Any]] = mapped_column(JSON, default=list)
    daily_sync_time: Mapped[time | None] = mapped_column(default=None)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    ways_of_working: Mapped[str] = mapped_column(Text, default="")


class Person(IdMixin, TimestampMixin, VersionedMixin, ArchivableMixin, Base):
    __tablename__ = "people"

    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")


class Membership(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A person in a team with a role; ending it keeps the row (history is never lost)."""

    __tablename__ = "memberships"
    __table_args__ = (
        Index(
            "uq_memberships_active",
            "person_id",
            "team_id",
            unique=True,
            sqlite_where=text("ended_on IS NULL"),
            postgresql_where=text("ended_on IS NULL"),
        ),
        # Hot query (0009_scale_indexes): the current members of a page of teams, by role.
        Index(
            "ix_memberships_current_team_role",
            "team_id",
            "role",
            "id",
            sqlite_where=text("ended_on IS NULL"),
            postgresql_where=text("ended_on IS NULL"),
        ),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    role: Mapped[MembershipRole] = mapped_column(str_enum(MembershipRole))
    started_on: Mapped[date]
    ended_on: Mapped[date | None] = mapped_column(default=None)


class Interaction(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Two teams working together in a Team Topologies mode. For X_AS_A_SERVICE `team` provides
    and `partner` consumes; for FACILITATING `team` facilitates `partner`."""

    __tablename__ = "interactions"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    mode: Mapped[InteractionMode] = mapped_column(str_enum(InteractionMode))
    purpose: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date]
    expected_end: Mapped[date | None] = mapped_column(default=None)
    ended_on: Mapped[date | None] = mapped_column(default=None)

    def is_overrun(self, as_of: date) -> bool:
        """Domain rule 7: a temporary mode (collaboration, facilitating) past its expected end."""
        if self.mode is InteractionMode.X_AS_A_SERVICE or self.expected_end is None:
            return False
        if self.ended_on is not None and self.ended_on <= as_of:
            return False
        return as_of > self.expected_end
