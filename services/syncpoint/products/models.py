"""SQLAlchemy models of shared products: SLAs and SLOs, consumers, measurements, compute."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from syncpoint.core.models import (
    ArchivableMixin,
    Base,
    IdMixin,
    TimestampMixin,
    VersionedMixin,
    str_enum,
    utcnow,
)


class ProductKind(StrEnum):
    FEATURE_STORE = "FEATURE_STORE"
    MODEL_SERVING = "MODEL_SERVING"
    DATA_PLATFORM = "DATA_PLATFORM"
    COMPUTE = "COMPUTE"
    EXPERIMENT_TRACKING = "EXPERIMENT_TRACKING"
    OTHER = "OTHER"


class IndicatorKind(StrEnum):
    AVAILABILITY = "AVAILABILITY"
    LATENCY = "LATENCY"
    FRESHNESS = "FRESHNESS"
    ERROR_RATE = "ERROR_RATE"
    THROUGHPUT = "THROUGHPUT"


class WindowType(StrEnum):
    ROLLING = "ROLLING"
    CALENDAR = "CALENDAR"


class BudgetingMethod(StrEnum):
    OCCURRENCES = "OCCURRENCES"
    TIMESLICES = "TIMESLICES"


class ThresholdOperator(StrEnum):
    """How a measured value compares with the objective's threshold to count as good."""

    LT = "LT"
    LTE = "LTE"
    GT = "GT"
    GTE = "GTE"


class ReservationStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"


class Product(IdMixin, TimestampMixin, VersionedMixin, ArchivableMixin, Base):
    """A shared product owned by a platform or complicated-subsystem team."""

    __tablename__ = "products"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ProductKind] = mapped_column(str_enum(ProductKind))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    # Only COMPUTE products have a capacity (e.g. GPUs in a shared pool).
    capacity_units: Mapped[int | None] = mapped_column(Integer, default=None)


class ProductSubscription(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A consumer team of a product; unsubscribing sets `until` and keeps the row."""

    __tablename__ = "product_subscriptions"
    __table_args__ = (
        Index(
            "uq_product_subscriptions_active",
            "product_id",
            "team_id",
            unique=True,
            sqlite_where=text("until IS NULL"),
            postgresql_where=text("until IS NULL"),
        ),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    since: Mapped[date]
    until: Mapped[date | None] = mapped_column(default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)


class SlaVersion(IdMixin, Base):
    """One published SLA of a product: immutable (publishing again adds a version)."""

    __tablename__ = "sla_versions"
    __table_args__ = (UniqueConstraint("product_id", "number"),)

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    # "MANUAL" or "OPENSLO" (imported).
    source: Mapped[str] = mapped_column(String(16), default="MANUAL")
    # The request-turnaround promise for the product's backlog.
    triage_days: Mapped[int | None] = mapped_column(Integer, default=None)
    delivery_days: Mapped[int | None] = mapped_column(Integer, default=None)
    delivery_sprints: Mapped[int | None] = mapped_column(Integer, default=None)


class SloObjective(IdMixin, Base):
    """A runtime objective of one SLA version. `objective_key` is stable across versions so
    measurements keep attaching to "the same" objective when the SLA is republished."""

    __tablename__ = "slo_objectives"
    __table_args__ = (UniqueConstraint("sla_version_id", "objective_key"),)

    sla_version_id: Mapped[int] = mapped_column(ForeignKey("sla_versions.id"), index=True)
    objective_key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    indicator: Mapped[IndicatorKind] = mapped_column(str_enum(IndicatorKind))
    target: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float, default=None)
    operator: Mapped[ThresholdOperator | None] = mapped_column(
        str_enum(ThresholdOperator), default=None
    )
    unit: Mapped[str | None] = mapped_column(String(32), default=None)
    percentile: Mapped[float | None] = mapped_column(Float, default=None)
    window_days: Mapped[int] = mapped_column(Integer)
    window_type: Mapped[WindowType] = mapped_column(str_enum(WindowType))
    calendar_start: Mapped[datetime | None] = mapped_column(default=None)
    calendar_time_zone: Mapped[str | None] = mapped_column(String(64), default=None)
    budgeting_method: Mapped[BudgetingMethod] = mapped_column(str_enum(BudgetingMethod))
    timeslice_target: Mapped[float | None] = mapped_column(Float, default=None)
    timeslice_minutes: Mapped[int | None] = mapped_column(Integer, default=None)


class SliMeasurement(IdMixin, Base):
    """One SLI observation: good/total event counts, or a measured value (latency, freshness)."""

    __tablename__ = "sli_measurements"
    __table_args__ = (
        UniqueConstraint("product_id", "client_key"),
        Index("ix_sli_measurements_lookup", "product_id", "objective_key", "observed_at"),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    objective_key: Mapped[str] = mapped_column(String(100))
    observed_at: Mapped[datetime]
    good: Mapped[int | None] = mapped_column(Integer, default=None)
    total: Mapped[int | None] = mapped_column(Integer, default=None)
    value: Mapped[float | None] = mapped_column(Float, default=None)
    client_key: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)


class ProductRequest(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Triage and delivery of a request, i.e. a dependency whose provider is a product.

    The dependency row (with `provider_product_id`) is the request itself; this row is created
    when the owner team first acts on it.
    """

    __tablename__ = "product_requests"

    dependency_id: Mapped[int] = mapped_column(ForeignKey("dependencies.id"), unique=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    triaged_at: Mapped[datetime | None] = mapped_column(default=None)
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    triage_note: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    delivery_note: Mapped[str] = mapped_column(Text, default="")


class ComputeReservation(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Units of a COMPUTE product reserved by a team for an item over [starts_at, ends_at)."""

    __tablename__ = "compute_reservations"
    __table_args__ = (Index("ix_compute_reservations_window", "product_id", "starts_at"),)

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    units: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[ReservationStatus] = mapped_column(
        str_enum(ReservationStatus), default=ReservationStatus.ACTIVE
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)


class ImmutableRowError(RuntimeError):
    """A published SLA version (or one of its objectives) was about to be changed or deleted."""


def _refuse_change(_mapper: object, _connection: object, target: object) -> None:
    raise ImmutableRowError(
        f"{type(target).__name__} rows are immutable once published; publish a new version."
    )


# Published promises never change: history must stay exactly as consumers saw it.
for _model in (SlaVersion, SloObjective):
    event.listen(_model, "before_update", _refuse_change)
    event.listen(_model, "before_delete", _refuse_change)
