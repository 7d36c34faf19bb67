"""Stored API tokens (hashed; the secret is shown once at creation)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from syncpoint.core.auth import Role
from syncpoint.core.models import Base, IdMixin, utcnow


class ApiToken(IdMixin, Base):
    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    system_actor: Mapped[str | None] = mapped_column(String(64), default=None)
    """For a token without a person: the system that acts with it (audited as such)."""
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=32))
    description: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
