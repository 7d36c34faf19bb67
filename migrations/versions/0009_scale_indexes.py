"""indexes shaped by the hot queries of a large organisation (issue 10): the open blockers'
IMPACT columns, the current members of a page of teams, the teams page order

Revision ID: 0009_scale_indexes
Revises: 0008
Create Date: 2026-12-02 14:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_scale_indexes"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_blockers_status_raised_at_id",
        "blockers",
        ["status", "raised_at", "id"],
        postgresql_include=["item_id", "team_id", "severity"],
    )
    op.create_index(
        "ix_memberships_current_team_role",
        "memberships",
        ["team_id", "role", "id"],
        sqlite_where=sa.text("ended_on IS NULL"),
        postgresql_where=sa.text("ended_on IS NULL"),
    )
    op.create_index("ix_teams_name_id", "teams", ["name", "id"])


def downgrade() -> None:
    op.drop_index("ix_teams_name_id", table_name="teams")
    op.drop_index("ix_memberships_current_team_role", table_name="memberships")
    op.drop_index("ix_blockers_status_raised_at_id", table_name="blockers")
