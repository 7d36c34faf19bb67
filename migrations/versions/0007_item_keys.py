"""item key counters: one row per key prefix, bumped atomically (no max+1 race), backfilled
from the existing items' keys

Revision ID: 0007_item_keys
Revises: 0006_data_version
Create Date: 2026-12-02 13:50:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_item_keys"
# INTEGRATOR: re-chain onto "0006_data_version" when that migration is merged.
down_revision: str | None = "0006_data_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NUMBERED = re.compile(r"^(.+)-(\d{1,9})$")


def upgrade() -> None:
    counters = op.create_table(
        "item_key_counters",
        sa.Column("prefix", sa.String(length=40), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_item_key_counters")),
    )
    last: dict[str, int] = {}
    for (key,) in op.get_bind().execute(sa.text("SELECT key FROM backlog_items")):
        match = _NUMBERED.match(key)
        if match:
            prefix, number = match.group(1), int(match.group(2))
            last[prefix] = max(last.get(prefix, 0), number)
    if last:
        op.bulk_insert(counters, [{"prefix": p, "last_number": n} for p, n in last.items()])


def downgrade() -> None:
    op.drop_table("item_key_counters")
