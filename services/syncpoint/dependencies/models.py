"""SQLAlchemy models of dependencies and integration points."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from syncpoint.analysis.model import DependencyType
from syncpoint.core.models import Base, IdMixin, TimestampMixin, VersionedMixin, str_enum

__all__ = ["DependencyType"]


class DependencyStatus(StrEnum):
    OPEN = "OPEN"
    SATISFIED = "SATISFIED"
    CANCELLED = "CANCELLED"


class Dependency(IdMixin, TimestampMixin, VersionedMixin, Base):
    """The consumer item needs the provider item (or, later, a product)."""

    __tablename__ = "dependencies"

    consumer_item_id: Mapped[int] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    provider_item_id: Mapped[int | None] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    # A request to a shared product (products context, migration 0004): the provider is the
    # product's owner team; without a provider item, available-from follows its turnaround SLA.
    provider_product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id"), index=True, default=None
    )
    type: Mapped[DependencyType] = mapped_column(str_enum(DependencyType))
    status: Mapped[DependencyStatus] = mapped_column(
        str_enum(DependencyStatus), default=DependencyStatus.OPEN
    )
    needed_by: Mapped[date | None] = mapped_column(default=None)
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)


integration_point_items = Table(
    "integration_point_items",
    Base.metadata,
    Column("integration_point_id", ForeignKey("integration_points.id"), primary_key=True),
    Column("item_id", ForeignKey("backlog_items.id"), primary_key=True, index=True),
)


class IntegrationPoint(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A dated milestone where deliverables of several teams must come together."""

    __tablename__ = "integration_points"

    name: Mapped[str] = mapped_column(String(200))
    date: Mapped[date]
    description: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[datetime | None] = mapped_column(default=None)
