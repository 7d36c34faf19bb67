"""scrum of scrums: forums, members with representatives, meetings, notes, decisions, action
items, the blocker escalation path; blockers.forum_id and blockers.escalated_at

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 19:02:12.812622
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forums",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("meeting_weekdays", sa.JSON(), nullable=False),
        sa.Column("meeting_time", sa.Time(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["facilitator_id"], ["people.id"], name=op.f("fk_forums_facilitator_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["forums.id"], name=op.f("fk_forums_parent_id_forums")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forums")),
    )
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forums_facilitator_id"), ["facilitator_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_forums_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "forum_members",
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("representative_id", sa.Integer(), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forums.id"], name=op.f("fk_forum_members_forum_id_forums")
        ),
        sa.ForeignKeyConstraint(
            ["representative_id"],
            ["people.id"],
            name=op.f("fk_forum_members_representative_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_forum_members_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_members")),
    )
    with op.batch_alter_table("forum_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_members_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_forum_members_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            "uq_forum_members_active",
            ["forum_id", "team_id"],
            unique=True,
            sqlite_where=sa.text("removed_on IS NULL"),
            postgresql_where=sa.text("removed_on IS NULL"),
        )

    op.create_table(
        "meetings",
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("held_by_id", sa.Integer(), nullable=True),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forums.id"], name=op.f("fk_meetings_forum_id_forums")
        ),
        sa.ForeignKeyConstraint(
            ["held_by_id"], ["people.id"], name=op.f("fk_meetings_held_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("forum_id", "date", name=op.f("uq_meetings_forum_id_date")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_forum_id"), ["forum_id"], unique=False)

    op.create_table(
        "meeting_notes",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("entry_key", sa.String(length=80), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_meeting_notes_author_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_notes_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_notes")),
    )
    with op.batch_alter_table("meeting_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_notes_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "action_items",
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("OPEN", "DONE", name="actionitemstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("entry_key", sa.String(length=80), nullable=True),
        sa.Column("blocker_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.Column("completion_note", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocker_id"], ["blockers.id"], name=op.f("fk_action_items_blocker_id_blockers")
        ),
        sa.ForeignKeyConstraint(
            ["completed_by_id"], ["people.id"], name=op.f("fk_action_items_completed_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_action_items_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forums.id"], name=op.f("fk_action_items_forum_id_forums")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_action_items_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["people.id"], name=op.f("fk_action_items_owner_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_items_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_action_items_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_action_items_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_items_status"), ["status"], unique=False)

    op.create_table(
        "blocker_escalations",
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_level",
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
            "to_level",
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
        sa.Column("from_forum_id", sa.Integer(), nullable=True),
        sa.Column("to_forum_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name=op.f("fk_blocker_escalations_actor_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["blocker_id"], ["blockers.id"], name=op.f("fk_blocker_escalations_blocker_id_blockers")
        ),
        sa.ForeignKeyConstraint(
            ["from_forum_id"],
            ["forums.id"],
            name=op.f("fk_blocker_escalations_from_forum_id_forums"),
        ),
        sa.ForeignKeyConstraint(
            ["to_forum_id"], ["forums.id"], name=op.f("fk_blocker_escalations_to_forum_id_forums")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocker_escalations")),
    )
    with op.batch_alter_table("blocker_escalations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blocker_escalations_blocker_id"), ["blocker_id"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("entry_key", sa.String(length=80), nullable=True),
        sa.Column("blocker_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocker_id"], ["blockers.id"], name=op.f("fk_decisions_blocker_id_blockers")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["people.id"], name=op.f("fk_decisions_decided_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_decisions_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_meeting_id"), ["meeting_id"], unique=False)

    _add_forum_reference()
    op.add_column("blockers", sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))


# SQLite cannot ALTER constraints, and batch mode would re-create `blockers`, which fails once
# blocker_events rows reference it (foreign keys are enforced). A nullable column with an inline
# REFERENCES is added, and dropped again, in place (SQLite >= 3.35), as in 0004.
_FK = "fk_blockers_forum_id_forums"


def _add_forum_reference() -> None:
    if op.get_bind().dialect.name == "sqlite":
        fk = sa.ForeignKey("forums.id", name=_FK)
        op.add_column(
            "blockers",
            sa.Column("forum_id", sa.Integer(), fk, nullable=True),
            inline_references=True,
        )
    else:
        op.add_column("blockers", sa.Column("forum_id", sa.Integer(), nullable=True))
        op.create_foreign_key(_FK, "blockers", "forums", ["forum_id"], ["id"])
    op.create_index("ix_blockers_forum_id", "blockers", ["forum_id"], unique=False)


def _drop_forum_reference() -> None:
    op.drop_index("ix_blockers_forum_id", table_name="blockers")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(_FK, "blockers", type_="foreignkey")
    op.drop_column("blockers", "forum_id")


def downgrade() -> None:
    op.drop_column("blockers", "escalated_at")
    _drop_forum_reference()

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_meeting_id"))

    op.drop_table("decisions")
    with op.batch_alter_table("blocker_escalations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blocker_escalations_blocker_id"))

    op.drop_table("blocker_escalations")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_status"))
        batch_op.drop_index(batch_op.f("ix_action_items_owner_id"))
        batch_op.drop_index(batch_op.f("ix_action_items_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_action_items_forum_id"))

    op.drop_table("action_items")
    with op.batch_alter_table("meeting_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_notes_meeting_id"))

    op.drop_table("meeting_notes")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_forum_id"))

    op.drop_table("meetings")
    with op.batch_alter_table("forum_members", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_forum_members_active",
            sqlite_where=sa.text("removed_on IS NULL"),
            postgresql_where=sa.text("removed_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_forum_members_team_id"))
        batch_op.drop_index(batch_op.f("ix_forum_members_forum_id"))

    op.drop_table("forum_members")
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forums_parent_id"))
        batch_op.drop_index(batch_op.f("ix_forums_facilitator_id"))

    op.drop_table("forums")
