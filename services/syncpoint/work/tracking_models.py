"""Experiment tracking runs linked to backlog items (MLflow first, migration 0011), and the
metric points already recorded from them (migration 0012)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from syncpoint.core.models import Base, IdMixin, utcnow
from syncpoint.teams.models import str_enum


class RunLink(StrEnum):
    RUN_ID = "RUN_ID"
    """Linked by hand with the run's id."""
    TAG = "TAG"
    """Found by the sync: the run carries a tag naming the item's key."""


class TrackingRun(IdMixin, Base):
    """A tracking server's run whose metrics become the item's metric observations.

    `watermarks` keeps, per metric, the last (step, timestamp) already pulled, so a sync pulls only
    the points logged since."""

    __tablename__ = "tracking_runs"

    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    run_id: Mapped[str] = mapped_column(String(64), unique=True)
    linked_by: Mapped[RunLink] = mapped_column(str_enum(RunLink))
    run_url: Mapped[str | None] = mapped_column(String(500), default=None)
    run_name: Mapped[str | None] = mapped_column(String(250), default=None)
    status: Mapped[str | None] = mapped_column(String(20), default=None)
    watermarks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    synced_at: Mapped[datetime | None] = mapped_column(default=None)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)


class TrackingPoint(IdMixin, Base):
    """A metric point of a run already recorded in a metric observation.

    The unique constraint is what makes a sync idempotent under concurrency: two syncs of one
    run may both read the same watermarks and fetch the same points, but only the one whose
    insert claims a point records it (the insert ignores conflicts)."""

    __tablename__ = "tracking_points"
    __table_args__ = (UniqueConstraint("tracking_run_id", "metric", "step", "timestamp"),)

    tracking_run_id: Mapped[int] = mapped_column(ForeignKey("tracking_runs.id"))
    metric: Mapped[str] = mapped_column(String(100))
    step: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    """Milliseconds since the epoch, as the tracking server logged it."""
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
