"""experiment tracking runs linked to backlog items, with per-metric watermarks (MLflow sync);
a forum's joint backlog of cross-cutting refinement items and their participating teams

Revision ID: 0011_sprint_review
Revises: 0010_quality_gates
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_sprint_review"
down_revision: str | None = "0010_quality_gates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tracking_runs",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column(
            "linked_by",
            sa.Enum("RUN_ID", "TAG", name="runlink", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("run_url", sa.String(length=500), nullable=True),
        sa.Column("run_name", sa.String(length=250), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("watermarks", sa.JSON(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["backlog_items.id"],
            name=op.f("fk_tracking_runs_item_id_backlog_items"),
        ),
        sa.ForeignKeyConstraint(
            ["linked_by_id"], ["people.id"], name=op.f("fk_tracking_runs_linked_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_runs")),
        sa.UniqueConstraint("run_id", name=op.f("uq_tracking_runs_run_id")),
    )
    with op.batch_alter_table("tracking_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tracking_runs_item_id"), ["item_id"], unique=False)

    op.create_table(
        "refinement_items",
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lead_team_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "PROPOSED",
                "REFINING",
                "REFINED",
                "DROPPED",
                name="refinementstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_refinement_items_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forums.id"], name=op.f("fk_refinement_items_forum_id_forums")
        ),
        sa.ForeignKeyConstraint(
            ["lead_team_id"], ["teams.id"], name=op.f("fk_refinement_items_lead_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refinement_items")),
    )
    with op.batch_alter_table("refinement_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_refinement_items_forum_id"), ["forum_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_refinement_items_lead_team_id"), ["lead_team_id"], unique=False
        )
    op.create_table(
        "refinement_participants",
        sa.Column("refinement_item_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["backlog_items.id"],
            name=op.f("fk_refinement_participants_item_id_backlog_items"),
        ),
        sa.ForeignKeyConstraint(
            ["refinement_item_id"],
            ["refinement_items.id"],
            name=op.f("fk_refinement_participants_refinement_item_id_refinement_items"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_refinement_participants_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refinement_participants")),
        sa.UniqueConstraint(
            "refinement_item_id",
            "team_id",
            name=op.f("uq_refinement_participants_refinement_item_id_team_id"),
        ),
    )
    with op.batch_alter_table("refinement_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_refinement_participants_refinement_item_id"),
            ["refinement_item_id"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("refinement_participants")
    op.drop_table("refinement_items")
    with op.batch_alter_table("tracking_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracking_runs_item_id"))
    op.drop_table("tracking_runs")
