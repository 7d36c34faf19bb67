"""A forum's joint backlog of cross-cutting items (migration 0011)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from syncpoint.core.models import Base, IdMixin, TimestampMixin, VersionedMixin
from syncpoint.teams.models import str_enum


class RefinementState(StrEnum):
    PROPOSED = "PROPOSED"
    REFINING = "REFINING"
    REFINED = "REFINED"
    DROPPED = "DROPPED"


UNREFINED = (RefinementState.PROPOSED, RefinementState.REFINING)


class RefinementItem(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A cross-cutting item several teams contribute to (e.g. one feature schema for user
    embeddings), led by one team; on the forum's agenda until refined or dropped."""

    __tablename__ = "refinement_items"

    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    lead_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    state: Mapped[RefinementState] = mapped_column(
        str_enum(RefinementState), default=RefinementState.PROPOSED
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)


class RefinementParticipant(IdMixin, Base):
    """A team taking part in a refinement item, with its own backlog item for its share."""

    __tablename__ = "refinement_participants"
    __table_args__ = (UniqueConstraint("refinement_item_id", "team_id"),)

    refinement_item_id: Mapped[int] = mapped_column(ForeignKey("refinement_items.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("backlog_items.id"), default=None)
