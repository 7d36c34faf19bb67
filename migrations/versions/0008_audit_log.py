"""audit log: accepted changes and refused actions, with the objects they touched;
api_tokens.system_actor (a token without a person names the system that acts with it)

Revision ID: 0008
Revises: 0007_item_keys
Create Date: 2026-12-02 13:06:01.777229
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007_item_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("system_actor", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("CHANGE", "REFUSAL", name="auditkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("operation", sa.String(length=100), nullable=False),
        sa.Column("actor_person_id", sa.Integer(), nullable=True),
        sa.Column("actor_token_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=32), nullable=True),
        sa.Column("actor_system", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_log_actor_person_id_at", ["actor_person_id", "at"], unique=False
        )
        batch_op.create_index("ix_audit_log_at_id", ["at", "id"], unique=False)
        batch_op.create_index("ix_audit_log_operation_at", ["operation", "at"], unique=False)

    op.create_table(
        "audit_log_objects",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["audit_log.id"],
            name=op.f("fk_audit_log_objects_entry_id_audit_log"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "entry_id", "object_type", "object_id", name=op.f("pk_audit_log_objects")
        ),
    )
    with op.batch_alter_table("audit_log_objects", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_log_objects_object", ["object_type", "object_id", "entry_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_log_objects", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_objects_object")

    op.drop_table("audit_log_objects")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_operation_at")
        batch_op.drop_index("ix_audit_log_at_id")
        batch_op.drop_index("ix_audit_log_actor_person_id_at")

    op.drop_table("audit_log")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("system_actor")
