"""work, cadences and sprints, dependencies and integration points

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:54:23.438414
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "integration_points",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_points")),
    )
    op.create_table(
        "cadences",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("length_days", sa.Integer(), nullable=False),
        sa.Column("anchor", sa.Date(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_cadences_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_cadences_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cadences")),
        sa.UniqueConstraint(
            "team_id", "effective_from", name=op.f("uq_cadences_team_id_effective_from")
        ),
    )
    with op.batch_alter_table("cadences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cadences_team_id"), ["team_id"], unique=False)

    op.create_table(
        "checklist_items",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("READY", "DONE", name="checklistkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_checklist_items_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_items")),
    )
    with op.batch_alter_table("checklist_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklist_items_team_id"), ["team_id"], unique=False)

    op.create_table(
        "service_level_expectations",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("percentile", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_service_level_expectations_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_level_expectations")),
        sa.UniqueConstraint(
            "team_id",
            "effective_from",
            name=op.f("uq_service_level_expectations_team_id_effective_from"),
        ),
    )
    with op.batch_alter_table("service_level_expectations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_level_expectations_team_id"), ["team_id"], unique=False
        )

    op.create_table(
        "sprints",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("explicit", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "PLANNED", "ACTIVE", "CLOSED", name="sprintstate", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_sprints_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sprints")),
        sa.UniqueConstraint("team_id", "start_date", name=op.f("uq_sprints_team_id_start_date")),
    )
    with op.batch_alter_table("sprints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sprints_team_id"), ["team_id"], unique=False)

    op.create_table(
        "backlog_items",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "DATA",
                "EXPERIMENT",
                "SPIKE",
                "ENGINEERING",
                "TECH_DEBT",
                name="itemkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
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
            nullable=False,
        ),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("effort", sa.Integer(), nullable=True),
        sa.Column("estimate", sa.Float(), nullable=True),
        sa.Column("hypothesis", sa.Text(), nullable=True),
        sa.Column("evaluation_method", sa.Text(), nullable=True),
        sa.Column("time_cap_days", sa.Integer(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("finished_on", sa.Date(), nullable=True),
        sa.Column("sprint_id", sa.Integer(), nullable=True),
        sa.Column("carry_over_count", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sprint_id"], ["sprints.id"], name=op.f("fk_backlog_items_sprint_id_sprints")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_backlog_items_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backlog_items")),
        sa.UniqueConstraint("key", name=op.f("uq_backlog_items_key")),
    )
    with op.batch_alter_table("backlog_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_backlog_items_sprint_id"), ["sprint_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_backlog_items_team_id"), ["team_id"], unique=False)

    op.create_table(
        "acceptance_criteria",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("metric", sa.String(length=100), nullable=False),
        sa.Column(
            "comparator",
            sa.Enum(
                "GTE", "GT", "LTE", "LT", "EQ", name="comparator", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("condition_metric", sa.String(length=100), nullable=True),
        sa.Column(
            "condition_comparator",
            sa.Enum(
                "GTE", "GT", "LTE", "LT", "EQ", name="comparator", native_enum=False, length=32
            ),
            nullable=True,
        ),
        sa.Column("condition_threshold", sa.Float(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["backlog_items.id"],
            name=op.f("fk_acceptance_criteria_item_id_backlog_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acceptance_criteria")),
    )
    with op.batch_alter_table("acceptance_criteria", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_acceptance_criteria_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "carry_overs",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("from_sprint_id", sa.Integer(), nullable=False),
        sa.Column("to_sprint_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name=op.f("fk_carry_overs_actor_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["from_sprint_id"], ["sprints.id"], name=op.f("fk_carry_overs_from_sprint_id_sprints")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["backlog_items.id"], name=op.f("fk_carry_overs_item_id_backlog_items")
        ),
        sa.ForeignKeyConstraint(
            ["to_sprint_id"], ["sprints.id"], name=op.f("fk_carry_overs_to_sprint_id_sprints")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carry_overs")),
    )
    with op.batch_alter_table("carry_overs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carry_overs_item_id"), ["item_id"], unique=False)

    op.create_table(
        "dependencies",
        sa.Column("consumer_item_id", sa.Integer(), nullable=False),
        sa.Column("provider_item_id", sa.Integer(), nullable=True),
        sa.Column(
            "type",
            sa.Enum(
                "BLOCKING", "SLOWING", "OK", name="dependencytype", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "OPEN",
                "SATISFIED",
                "CANCELLED",
                name="dependencystatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("needed_by", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_item_id"],
            ["backlog_items.id"],
            name=op.f("fk_dependencies_consumer_item_id_backlog_items"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_dependencies_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["provider_item_id"],
            ["backlog_items.id"],
            name=op.f("fk_dependencies_provider_item_id_backlog_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dependencies")),
    )
    with op.batch_alter_table("dependencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dependencies_consumer_item_id"), ["consumer_item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dependencies_provider_item_id"), ["provider_item_id"], unique=False
        )

    op.create_table(
        "integration_point_items",
        sa.Column("integration_point_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["integration_point_id"],
            ["integration_points.id"],
            name=op.f("fk_integration_point_items_integration_point_id_integration_points"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["backlog_items.id"],
            name=op.f("fk_integration_point_items_item_id_backlog_items"),
        ),
        sa.PrimaryKeyConstraint(
            "integration_point_id", "item_id", name=op.f("pk_integration_point_items")
        ),
    )
    with op.batch_alter_table("integration_point_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_integration_point_items_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "item_changes",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name=op.f("fk_item_changes_actor_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["backlog_items.id"], name=op.f("fk_item_changes_item_id_backlog_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_changes")),
    )
    with op.batch_alter_table("item_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_changes_item_id"), ["item_id"], unique=False)

    op.create_table(
        "item_checks",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("met_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["checklist_items.id"],
            name=op.f("fk_item_checks_check_id_checklist_items"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["backlog_items.id"], name=op.f("fk_item_checks_item_id_backlog_items")
        ),
        sa.ForeignKeyConstraint(
            ["met_by_id"], ["people.id"], name=op.f("fk_item_checks_met_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_checks")),
        sa.UniqueConstraint("item_id", "check_id", name=op.f("uq_item_checks_item_id_check_id")),
    )
    with op.batch_alter_table("item_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_checks_item_id"), ["item_id"], unique=False)

    op.create_table(
        "metric_observations",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("run_url", sa.String(length=500), nullable=True),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["backlog_items.id"],
            name=op.f("fk_metric_observations_item_id_backlog_items"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["people.id"],
            name=op.f("fk_metric_observations_recorded_by_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_observations")),
    )
    with op.batch_alter_table("metric_observations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_metric_observations_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "sprint_outcomes",
        sa.Column("sprint_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "DONE",
                "CARRIED_OVER",
                "RETURNED",
                "DROPPED",
                name="sprintoutcomekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["backlog_items.id"], name=op.f("fk_sprint_outcomes_item_id_backlog_items")
        ),
        sa.ForeignKeyConstraint(
            ["sprint_id"], ["sprints.id"], name=op.f("fk_sprint_outcomes_sprint_id_sprints")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sprint_outcomes")),
        sa.UniqueConstraint(
            "sprint_id", "item_id", name=op.f("uq_sprint_outcomes_sprint_id_item_id")
        ),
    )
    with op.batch_alter_table("sprint_outcomes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sprint_outcomes_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sprint_outcomes_sprint_id"), ["sprint_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sprint_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sprint_outcomes_sprint_id"))
        batch_op.drop_index(batch_op.f("ix_sprint_outcomes_item_id"))

    op.drop_table("sprint_outcomes")
    with op.batch_alter_table("metric_observations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metric_observations_item_id"))

    op.drop_table("metric_observations")
    with op.batch_alter_table("item_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_checks_item_id"))

    op.drop_table("item_checks")
    with op.batch_alter_table("item_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_changes_item_id"))

    op.drop_table("item_changes")
    with op.batch_alter_table("integration_point_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integration_point_items_item_id"))

    op.drop_table("integration_point_items")
    with op.batch_alter_table("dependencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dependencies_provider_item_id"))
        batch_op.drop_index(batch_op.f("ix_dependencies_consumer_item_id"))

    op.drop_table("dependencies")
    with op.batch_alter_table("carry_overs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carry_overs_item_id"))

    op.drop_table("carry_overs")
    with op.batch_alter_table("acceptance_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acceptance_criteria_item_id"))

    op.drop_table("acceptance_criteria")
    with op.batch_alter_table("backlog_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_backlog_items_team_id"))
        batch_op.drop_index(batch_op.f("ix_backlog_items_sprint_id"))

    op.drop_table("backlog_items")
    with op.batch_alter_table("sprints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sprints_team_id"))

    op.drop_table("sprints")
    with op.batch_alter_table("service_level_expectations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_level_expectations_team_id"))

    op.drop_table("service_level_expectations")
    with op.batch_alter_table("checklist_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_items_team_id"))

    op.drop_table("checklist_items")
    with op.batch_alter_table("cadences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cadences_team_id"))

    op.drop_table("cadences")
    op.drop_table("integration_points")
