"""blockers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:55:24.491640
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blockers",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "WAITING_FOR_DATA",
                "DATA_QUALITY",
                "PIPELINE_FAILURE",
                "TRAINING_RUNNING",
                "COMPUTE_CONTENTION",
                "DEPENDENCY",
                "SLA_BREACH",
                "ACCESS",
                "REVIEW",
                "OTHER",
                name="blockercategory",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "severity",
            sa.Enum(
                "CRITICAL",
                "HIGH",
                "MEDIUM",
                "LOW",
                name="blockerseverity",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column(
            "escalation_level",
            sa.Enum(
                "TEAM",
                "SCRUM_OF_SCRUMS",
                "EXECUTIVE",
                name="escalationlevel",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "roam",
            sa.Enum(
                "RESOLVED",
                "OWNED",
                "ACCEPTED",
                "MITIGATED",
                name="roamstate",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "status",
            sa.Enum("OPEN", "RESOLVED", name="blockerstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "item_status_before",
            sa.Enum(
                "BACKLOG",
                "READY",
                "IN_PROGRESS",
                "BLOCKED",
                "DONE",
                "DROPPED",
                name="itemstatus",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("source_key", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["backlog_items.id"], name=op.f("fk_blockers_item_id_backlog_items")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["people.id"], name=op.f("fk_blockers_owner_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"], ["people.id"], name=op.f("fk_blockers_raised_by_id_people")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_blockers_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blockers")),
    )
    with op.batch_alter_table("blockers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_blockers_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_blockers_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_blockers_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            "uq_blockers_open_source",
            ["source_key"],
            unique=True,
            sqlite_where=sa.text("status = 'OPEN' AND source_key IS NOT NULL"),
            postgresql_where=sa.text("status = 'OPEN' AND source_key IS NOT NULL"),
        )

    op.create_table(
        "blocker_events",
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name=op.f("fk_blocker_events_actor_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["blocker_id"], ["blockers.id"], name=op.f("fk_blocker_events_blocker_id_blockers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocker_events")),
    )
    with op.batch_alter_table("blocker_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blocker_events_blocker_id"), ["blocker_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("blocker_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blocker_events_blocker_id"))

    op.drop_table("blocker_events")
    with op.batch_alter_table("blockers", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_blockers_open_source",
            sqlite_where=sa.text("status = 'OPEN' AND source_key IS NOT NULL"),
            postgresql_where=sa.text("status = 'OPEN' AND source_key IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_blockers_team_id"))
        batch_op.drop_index(batch_op.f("ix_blockers_status"))
        batch_op.drop_index(batch_op.f("ix_blockers_item_id"))

    op.drop_table("blockers")
