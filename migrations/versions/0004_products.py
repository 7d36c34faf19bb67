"""products: shared products, SLA versions and SLO objectives, SLI measurements, subscriptions,
requests and compute reservations; dependencies.provider_product_id and backlog_items.product_id

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:58:00.787263
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "FEATURE_STORE",
                "MODEL_SERVING",
                "DATA_PLATFORM",
                "COMPUTE",
                "EXPERIMENT_TRACKING",
                "OTHER",
                name="productkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_team_id", sa.Integer(), nullable=False),
        sa.Column("capacity_units", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_team_id"], ["teams.id"], name=op.f("fk_products_owner_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("slug", name=op.f("uq_products_slug")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_products_owner_team_id"), ["owner_team_id"], unique=False
        )

    op.create_table(
        "product_subscriptions",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["people.id"],
            name=op.f("fk_product_subscriptions_created_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_subscriptions_product_id_products"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_product_subscriptions_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_subscriptions")),
    )
    with op.batch_alter_table("product_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_product_subscriptions_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_product_subscriptions_team_id"), ["team_id"], unique=False
        )
        batch_op.create_index(
            "uq_product_subscriptions_active",
            ["product_id", "team_id"],
            unique=True,
            sqlite_where=sa.text("until IS NULL"),
            postgresql_where=sa.text("until IS NULL"),
        )

    op.create_table(
        "sla_versions",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("triage_days", sa.Integer(), nullable=True),
        sa.Column("delivery_days", sa.Integer(), nullable=True),
        sa.Column("delivery_sprints", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_sla_versions_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["people.id"], name=op.f("fk_sla_versions_published_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_versions")),
        sa.UniqueConstraint("product_id", "number", name=op.f("uq_sla_versions_product_id_number")),
    )
    with op.batch_alter_table("sla_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sla_versions_product_id"), ["product_id"], unique=False
        )

    op.create_table(
        "sli_measurements",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("objective_key", sa.String(length=100), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("good", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("client_key", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_sli_measurements_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["people.id"],
            name=op.f("fk_sli_measurements_recorded_by_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sli_measurements")),
        sa.UniqueConstraint(
            "product_id", "client_key", name=op.f("uq_sli_measurements_product_id_client_key")
        ),
    )
    with op.batch_alter_table("sli_measurements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sli_measurements_lookup",
            ["product_id", "objective_key", "observed_at"],
            unique=False,
        )

    op.create_table(
        "compute_reservations",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum("ACTIVE", "CANCELLED", name="reservationstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"],
            ["people.id"],
            name=op.f("fk_compute_reservations_cancelled_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["people.id"],
            name=op.f("fk_compute_reservations_created_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["backlog_items.id"],
            name=op.f("fk_compute_reservations_item_id_backlog_items"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_compute_reservations_product_id_products"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_compute_reservations_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compute_reservations")),
    )
    with op.batch_alter_table("compute_reservations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_compute_reservations_item_id"), ["item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_compute_reservations_team_id"), ["team_id"], unique=False
        )
        batch_op.create_index(
            "ix_compute_reservations_window", ["product_id", "starts_at"], unique=False
        )

    op.create_table(
        "slo_objectives",
        sa.Column("sla_version_id", sa.Integer(), nullable=False),
        sa.Column("objective_key", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "indicator",
            sa.Enum(
                "AVAILABILITY",
                "LATENCY",
                "FRESHNESS",
                "ERROR_RATE",
                "THROUGHPUT",
                name="indicatorkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column(
            "operator",
            sa.Enum(
                "LT", "LTE", "GT", "GTE", name="thresholdoperator", native_enum=False, length=32
            ),
            nullable=True,
        ),
        sa.Column("unit", sa.String(length=32), nullable=True),
        sa.Column("percentile", sa.Float(), nullable=True),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column(
            "window_type",
            sa.Enum("ROLLING", "CALENDAR", name="windowtype", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("calendar_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("calendar_time_zone", sa.String(length=64), nullable=True),
        sa.Column(
            "budgeting_method",
            sa.Enum(
                "OCCURRENCES", "TIMESLICES", name="budgetingmethod", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("timeslice_target", sa.Float(), nullable=True),
        sa.Column("timeslice_minutes", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sla_version_id"],
            ["sla_versions.id"],
            name=op.f("fk_slo_objectives_sla_version_id_sla_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slo_objectives")),
        sa.UniqueConstraint(
            "sla_version_id",
            "objective_key",
            name=op.f("uq_slo_objectives_sla_version_id_objective_key"),
        ),
    )
    with op.batch_alter_table("slo_objectives", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slo_objectives_sla_version_id"), ["sla_version_id"], unique=False
        )

    op.create_table(
        "product_requests",
        sa.Column("dependency_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("triaged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("triaged_by_id", sa.Integer(), nullable=True),
        sa.Column("triage_note", sa.Text(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_by_id", sa.Integer(), nullable=True),
        sa.Column("delivery_note", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivered_by_id"],
            ["people.id"],
            name=op.f("fk_product_requests_delivered_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["dependency_id"],
            ["dependencies.id"],
            name=op.f("fk_product_requests_dependency_id_dependencies"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_requests_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["triaged_by_id"], ["people.id"], name=op.f("fk_product_requests_triaged_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_requests")),
        sa.UniqueConstraint("dependency_id", name=op.f("uq_product_requests_dependency_id")),
    )
    with op.batch_alter_table("product_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_product_requests_product_id"), ["product_id"], unique=False
        )

    _add_product_reference("backlog_items", "product_id")
    _add_product_reference("dependencies", "provider_product_id")


# SQLite cannot ALTER constraints, and batch mode would re-create backlog_items and dependencies,
# which fails once other tables' rows reference them (foreign keys are enforced). A nullable column
# with an inline REFERENCES can be added, and dropped again, in place (SQLite >= 3.35).
def _add_product_reference(table: str, column: str) -> None:
    fk_name = f"fk_{table}_{column}_products"
    if op.get_bind().dialect.name == "sqlite":
        fk = sa.ForeignKey("products.id", name=fk_name)
        op.add_column(
            table, sa.Column(column, sa.Integer(), fk, nullable=True), inline_references=True
        )
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(fk_name, table, "products", [column], ["id"])
    op.create_index(f"ix_{table}_{column}", table, [column], unique=False)


def _drop_product_reference(table: str, column: str) -> None:
    op.drop_index(f"ix_{table}_{column}", table_name=table)
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(f"fk_{table}_{column}_products", table, type_="foreignkey")
    op.drop_column(table, column)


def downgrade() -> None:
    _drop_product_reference("dependencies", "provider_product_id")
    _drop_product_reference("backlog_items", "product_id")

    with op.batch_alter_table("product_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_requests_product_id"))

    op.drop_table("product_requests")
    with op.batch_alter_table("slo_objectives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slo_objectives_sla_version_id"))

    op.drop_table("slo_objectives")
    with op.batch_alter_table("compute_reservations", schema=None) as batch_op:
        batch_op.drop_index("ix_compute_reservations_window")
        batch_op.drop_index(batch_op.f("ix_compute_reservations_team_id"))
        batch_op.drop_index(batch_op.f("ix_compute_reservations_item_id"))

    op.drop_table("compute_reservations")
    with op.batch_alter_table("sli_measurements", schema=None) as batch_op:
        batch_op.drop_index("ix_sli_measurements_lookup")

    op.drop_table("sli_measurements")
    with op.batch_alter_table("sla_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_versions_product_id"))

    op.drop_table("sla_versions")
    with op.batch_alter_table("product_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_product_subscriptions_active",
            sqlite_where=sa.text("until IS NULL"),
            postgresql_where=sa.text("until IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_product_subscriptions_team_id"))
        batch_op.drop_index(batch_op.f("ix_product_subscriptions_product_id"))

    op.drop_table("product_subscriptions")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_products_owner_team_id"))

    op.drop_table("products")
