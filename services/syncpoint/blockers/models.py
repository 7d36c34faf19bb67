"""SQLAlchemy models of blockers and their history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from syncpoint.analysis.model import ItemStatus
from syncpoint.core.models import Base, IdMixin, TimestampMixin, VersionedMixin, str_enum, utcnow


class BlockerCategory(StrEnum):
    WAITING_FOR_DATA = "WAITING_FOR_DATA"
    DATA_QUALITY = "DATA_QUALITY"
    PIPELINE_FAILURE = "PIPELINE_FAILURE"
    TRAINING_RUNNING = "TRAINING_RUNNING"
    COMPUTE_CONTENTION = "COMPUTE_CONTENTION"
    DEPENDENCY = "DEPENDENCY"
    SLA_BREACH = "SLA_BREACH"
    ACCESS = "ACCESS"
    REVIEW = "REVIEW"
    OTHER = "OTHER"


class BlockerSeverity(StrEnum):
    CRITICAL = "CRITICAL"
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class EscalationLevel(StrEnum):
    TEAM = "TEAM"
    SCRUM_OF_SCRUMS = "SCRUM_OF_SCRUMS"
    EXECUTIVE = "EXECUTIVE"


class RoamState(StrEnum):
    RESOLVED = "RESOLVED"
    OWNED = "OWNED"
    ACCEPTED = "ACCEPTED"
    MITIGATED = "MITIGATED"


class BlockerStatus(StrEnum):
    OPEN = "OPEN"
    RESOLVED = "RESOLVED"


class BlockerEventKind(StrEnum):
    """What a history row records (stored as text in `blocker_events.kind`)."""

    RAISED = "RAISED"
    UPDATED = "UPDATED"
    ESCALATED = "ESCALATED"
    RESOLVED = "RESOLVED"


class Blocker(IdMixin, TimestampMixin, VersionedMixin, Base):
    """An impediment on an item (then `team_id` is the item's team) or on a whole team.

    `source_key` identifies blockers raised by the system (an SLA breach, compute contention) so
    the same cause raises at most one open blocker per item.
    """

    __tablename__ = "blockers"
    __table_args__ = (
        Index(
            "uq_blockers_open_source",
            "source_key",
            unique=True,
            sqlite_where=text("status = 'OPEN' AND source_key IS NOT NULL"),
            postgresql_where=text("status = 'OPEN' AND source_key IS NOT NULL"),
        ),
        # Hot queries (0009_scale_indexes): IMPACT reads these columns of the open blockers
        # (an index-only scan on PostgreSQL); AGE pages by (raised_at, id) within a status.
        Index(
            "ix_blockers_status_raised_at_id",
            "status",
            "raised_at",
            "id",
            postgresql_include=["item_id", "team_id", "severity"],
        ),
    )

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[BlockerCategory] = mapped_column(str_enum(BlockerCategory))
    severity: Mapped[BlockerSeverity] = mapped_column(str_enum(BlockerSeverity))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    escalation_level: Mapped[EscalationLevel] = mapped_column(
        str_enum(EscalationLevel), default=EscalationLevel.TEAM
    )
    roam: Mapped[RoamState | None] = mapped_column(str_enum(RoamState), default=None)
    status: Mapped[BlockerStatus] = mapped_column(
        str_enum(BlockerStatus), default=BlockerStatus.OPEN, index=True
    )
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    # The item's status before it was marked BLOCKED, restored when its last blocker resolves.
    item_status_before: Mapped[ItemStatus | None] = mapped_column(
        str_enum(ItemStatus), default=None
    )
    source_key: Mapped[str | None] = mapped_column(String(200), default=None)
    # The forum holding the blocker at SCRUM_OF_SCRUMS level, or the last forum it passed on its
    # way to EXECUTIVE; None while it is a team-level blocker.
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"), index=True, default=None)
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)


class BlockerEvent(IdMixin, Base):
    """History of a blocker: raised, changed, escalated, resolved (who, when, from, to)."""

    __tablename__ = "blocker_events"

    blocker_id: Mapped[int] = mapped_column(ForeignKey("blockers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    field: Mapped[str | None] = mapped_column(String(40), default=None)
    old_value: Mapped[str | None] = mapped_column(Text, default=None)
    new_value: Mapped[str | None] = mapped_column(Text, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class BlockerEscalation(IdMixin, Base):
    """One step up the escalation path: from a level (and forum) to the next, by whom, why."""

    __tablename__ = "blocker_escalations"

    blocker_id: Mapped[int] = mapped_column(ForeignKey("blockers.id"), index=True)
    from_level: Mapped[EscalationLevel] = mapped_column(str_enum(EscalationLevel))
    to_level: Mapped[EscalationLevel] = mapped_column(str_enum(EscalationLevel))
    from_forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"), default=None)
    to_forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"), default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)
