"""WIP limits per status of Kanban and hybrid teams; the metric points recorded from tracking
runs, unique per run, metric, step and timestamp (concurrent syncs record each point once)

Revision ID: 0012_wip_limits
Revises: 0011_sprint_review
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_wip_limits"
down_revision: str | None = "0011_sprint_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("BACKLOG", "READY", "IN_PROGRESS", "BLOCKED", "DONE", "DROPPED")


def upgrade() -> None:
    op.create_table(
        "wip_limits",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="itemstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("max_items", sa.Integer(), nullable=False),
        sa.Column("enforced", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_wip_limits_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wip_limits")),
        sa.UniqueConstraint("team_id", "status", name=op.f("uq_wip_limits_team_id_status")),
    )
    with op.batch_alter_table("wip_limits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wip_limits_team_id"), ["team_id"], unique=False)

    op.create_table(
        "tracking_points",
        sa.Column("tracking_run_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=100), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tracking_run_id"],
            ["tracking_runs.id"],
            name=op.f("fk_tracking_points_tracking_run_id_tracking_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_points")),
        sa.UniqueConstraint(
            "tracking_run_id",
            "metric",
            "step",
            "timestamp",
            name=op.f("uq_tracking_points_tracking_run_id_metric_step_timestamp"),
        ),
    )


def downgrade() -> None:
    op.drop_table("tracking_points")
    with op.batch_alter_table("wip_limits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wip_limits_team_id"))
    op.drop_table("wip_limits")
