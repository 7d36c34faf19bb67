"""Audit entries: one per accepted mutation (and CLI write), one per refused action.

Entries are written in the transaction of the change they describe, and never updated; actors
are stored as plain ids (no foreign keys) so that an entry outlives the person or token it names.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy import Enum as SaEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from syncpoint.core.data_version import register_unversioned
from syncpoint.core.models import Base, IdMixin, utcnow


class AuditKind(Enum):
    CHANGE = "CHANGE"
    REFUSAL = "REFUSAL"


class AuditEntry(IdMixin, Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at_id", "at", "id"),
        Index("ix_audit_log_actor_person_id_at", "actor_person_id", "at"),
        Index("ix_audit_log_operation_at", "operation", "at"),
    )

    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[AuditKind] = mapped_column(SaEnum(AuditKind, native_enum=False, length=16))
    operation: Mapped[str] = mapped_column(String(100))
    actor_person_id: Mapped[int | None] = mapped_column(Integer, default=None)
    actor_token_id: Mapped[int | None] = mapped_column(Integer, default=None)
    actor_role: Mapped[str | None] = mapped_column(String(32), default=None)
    actor_system: Mapped[str | None] = mapped_column(String(64), default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    """Why an action was refused (REFUSAL entries)."""
    note: Mapped[str | None] = mapped_column(Text, default=None)
    """What a change did when it is not listed object by object (bulk CLI loads)."""
    changes: Mapped[list[Any]] = mapped_column(JSON, default=list)

    objects: Mapped[list[AuditObject]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", passive_deletes=True
    )


class AuditObject(Base):
    """An object an entry touched, for `auditLog(filter: {objectId})` and objects' history."""

    __tablename__ = "audit_log_objects"
    __table_args__ = (Index("ix_audit_log_objects_object", "object_type", "object_id", "entry_id"),)

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("audit_log.id", ondelete="CASCADE"), primary_key=True
    )
    object_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    object_id: Mapped[int] = mapped_column(Integer, primary_key=True)

    entry: Mapped[AuditEntry] = relationship(back_populates="objects")


# Nothing cached reads the log: its writes (every mutation, every refusal) keep the data version.
register_unversioned(AuditEntry.__tablename__, AuditObject.__tablename__)
