"""index of backlog items by carry-over count: the agenda's research carried over twice or
more is a handful of 100,000 items, found without scanning them all (issue 10)

Revision ID: 0014_agenda_indexes
Revises: 0013_change_log
Create Date: 2026-12-04 14:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_agenda_indexes"
down_revision: str | None = "0013_change_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_backlog_items_carry_over_count", "backlog_items", ["carry_over_count"])


def downgrade() -> None:
    op.drop_index("ix_backlog_items_carry_over_count", table_name="backlog_items")
