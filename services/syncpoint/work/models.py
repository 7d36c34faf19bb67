"""SQLAlchemy models of the work context."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from syncpoint.analysis.model import ItemKind, ItemStatus
from syncpoint.core.models import Base, IdMixin, TimestampMixin, VersionedMixin, str_enum, utcnow

__all__ = ["ItemKind", "ItemStatus"]


class Comparator(StrEnum):
    GTE = "GTE"
    GT = "GT"
    LTE = "LTE"
    LT = "LT"
    EQ = "EQ"


class ChecklistKind(StrEnum):
    READY = "READY"
    DONE = "DONE"


class BacklogItem(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A piece of a team's ML work. Research kinds (EXPERIMENT, SPIKE) carry a time cap."""

    __tablename__ = "backlog_items"

    key: Mapped[str] = mapped_column(String(40), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[ItemKind] = mapped_column(str_enum(ItemKind))
    status: Mapped[ItemStatus] = mapped_column(str_enum(ItemStatus), default=ItemStatus.BACKLOG)
    value: Mapped[int | None] = mapped_column(Integer, default=None)
    effort: Mapped[int | None] = mapped_column(Integer, default=None)
    estimate: Mapped[float | None] = mapped_column(Float, default=None)
    hypothesis: Mapped[str | None] = mapped_column(Text, default=None)
    evaluation_method: Mapped[str | None] = mapped_column(Text, default=None)
    time_cap_days: Mapped[int | None] = mapped_column(Integer, default=None)
    started_on: Mapped[date | None] = mapped_column(default=None)
    finished_on: Mapped[date | None] = mapped_column(default=None)
    sprint_id: Mapped[int | None] = mapped_column(ForeignKey("sprints.id"), index=True)
    # Indexed (0014): the agenda asks for the few research items carried over twice or more.
    carry_over_count: Mapped[int] = mapped_column(Integer, default=0, index=True)
    # The shared product whose backlog this item belongs to (products context, migration 0004).
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id"), index=True, default=None
    )


class AcceptanceCriterion(IdMixin, Base):
    """`metric comparator threshold`, optionally `at condition_metric comparator threshold`."""

    __tablename__ = "acceptance_criteria"

    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    metric: Mapped[str] = mapped_column(String(100))
    comparator: Mapped[Comparator] = mapped_column(str_enum(Comparator))
    threshold: Mapped[float] = mapped_column(Float)
    condition_metric: Mapped[str | None] = mapped_column(String(100), default=None)
    condition_comparator: Mapped[Comparator | None] = mapped_column(
        str_enum(Comparator), default=None
    )
    condition_threshold: Mapped[float | None] = mapped_column(Float, default=None)


class MetricObservation(IdMixin, Base):
    """Metric values observed together (one evaluation run), e.g. precision and recall."""

    __tablename__ = "metric_observations"

    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    run_url: Mapped[str | None] = mapped_column(String(500), default=None)
    observed_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)


class ChecklistItem(IdMixin, TimestampMixin, Base):
    """One check of a team's Definition of Ready or Definition of Done."""

    __tablename__ = "checklist_items"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    kind: Mapped[ChecklistKind] = mapped_column(str_enum(ChecklistKind))
    text: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)


class ItemCheck(IdMixin, Base):
    """An item meets a check of its team's DoR/DoD."""

    __tablename__ = "item_checks"
    __table_args__ = (UniqueConstraint("item_id", "check_id"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checklist_items.id"))
    met_at: Mapped[datetime] = mapped_column(default=utcnow)
    met_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)


class ItemChange(IdMixin, Base):
    """History of an item: one row per changed field (who, when, from, to, why)."""

    __tablename__ = "item_changes"

    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text, default=None)
    new_value: Mapped[str | None] = mapped_column(Text, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ItemKeyCounter(Base):
    """The last number given to an item key of a prefix ("RANK" -> RANK-41): one row per prefix,
    bumped atomically, so concurrent creations never pick the same key (migration 0007)."""

    __tablename__ = "item_key_counters"

    prefix: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)
