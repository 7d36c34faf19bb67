"""Models of quality gates, data needs and experiment designs (migration 0010_quality_gates),
and WIP limits of Kanban and hybrid teams (migration 0012_wip_limits)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from syncpoint.core.models import Base, IdMixin, TimestampMixin, str_enum, utcnow
from syncpoint.work.models import ChecklistKind, ItemStatus


class GateAction(StrEnum):
    """The transition a gate guards: planning into a sprint, READY, DONE."""

    PLAN = "PLAN"
    READY = "READY"
    DONE = "DONE"


class ResultOutcome(StrEnum):
    CONFIRMED = "CONFIRMED"
    REFUTED = "REFUTED"
    INCONCLUSIVE = "INCONCLUSIVE"
    DECIDED = "DECIDED"  # a spike's end: a decision and its report


class QualityGate(IdMixin, TimestampMixin, Base):
    """Whether a team's Definition of Ready or Done is advisory or enforced."""

    __tablename__ = "quality_gates"
    __table_args__ = (UniqueConstraint("team_id", "kind"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    kind: Mapped[ChecklistKind] = mapped_column(str_enum(ChecklistKind))
    enforced: Mapped[bool] = mapped_column(Boolean, default=False)
    # READY only: an experiment must have its design reviewed (and its conclusive result named).
    require_design_review: Mapped[bool] = mapped_column(Boolean, default=False)


class GateOverride(IdMixin, Base):
    """A transition made although an enforced gate was not met, with who, when and why."""

    __tablename__ = "gate_overrides"

    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    action: Mapped[GateAction] = mapped_column(str_enum(GateAction))
    reason: Mapped[str] = mapped_column(Text)
    unmet: Mapped[str] = mapped_column(Text, default="")
    sprint_id: Mapped[int | None] = mapped_column(ForeignKey("sprints.id"), default=None)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ProductDataset(IdMixin, TimestampMixin, Base):
    """A dataset or table a product (feature store, data platform) serves, at a schema version;
    its freshness is promised by one of the product's FRESHNESS objectives (by key) or by all."""

    __tablename__ = "product_datasets"
    __table_args__ = (UniqueConstraint("product_id", "name"),)

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    schema_version: Mapped[str] = mapped_column(String(64))
    freshness_objective_key: Mapped[str | None] = mapped_column(String(100), default=None)


class ItemDataNeed(IdMixin, Base):
    """Data an item needs: a product's dataset (schema version, fresh) or a DATA item."""

    __tablename__ = "item_data_needs"

    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), default=None)
    dataset: Mapped[str | None] = mapped_column(String(200), default=None)
    schema_version: Mapped[str | None] = mapped_column(String(64), default=None)
    require_fresh: Mapped[bool] = mapped_column(Boolean, default=True)
    provider_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("backlog_items.id"), default=None
    )


class ExperimentDesign(IdMixin, TimestampMixin, Base):
    """What makes an experiment's result conclusive, its design review and, at its end, its
    result (a spike's: the decision and the report)."""

    __tablename__ = "experiment_designs"

    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_items.id"), unique=True)
    metric: Mapped[str | None] = mapped_column(String(100), default=None)
    baseline_value: Mapped[float | None] = mapped_column(Float, default=None)
    minimum_effect: Mapped[float | None] = mapped_column(Float, default=None)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    review_comments: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[ResultOutcome | None] = mapped_column(str_enum(ResultOutcome), default=None)
    observed_value: Mapped[float | None] = mapped_column(Float, default=None)
    decision: Mapped[str | None] = mapped_column(Text, default=None)
    report_url: Mapped[str | None] = mapped_column(String(500), default=None)
    result_notes: Mapped[str] = mapped_column(Text, default="")
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)


class WipLimit(IdMixin, TimestampMixin, Base):
    """How many of a team's items may be in one status at once (Kanban and hybrid teams);
    advisory (moving past it warns) or enforced (refused unless a lead overrides it)."""

    __tablename__ = "wip_limits"
    __table_args__ = (UniqueConstraint("team_id", "status"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    status: Mapped[ItemStatus] = mapped_column(str_enum(ItemStatus))
    max_items: Mapped[int] = mapped_column(Integer)
    enforced: Mapped[bool] = mapped_column(Boolean, default=False)
