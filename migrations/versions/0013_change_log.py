"""data_changes: the change log of the data version, the tables and rows each version touched
(an analysis of an older version re-reads only those rows)

Revision ID: 0013_change_log
Revises: 0012_wip_limits
Create Date: 2026-12-02 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_change_log"
down_revision: str | None = "0012_wip_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=True),
        sa.Column("row_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_changes")),
    )
    op.create_index(op.f("ix_data_changes_version"), "data_changes", ["version"])


def downgrade() -> None:
    op.drop_index(op.f("ix_data_changes_version"), table_name="data_changes")
    op.drop_table("data_changes")
