"""The migrated database is what the models declare: Alembic's autogenerate comparison of the
schema the migrations build against the models' metadata finds nothing, on both databases."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from syncpoint.models_registry import Base


def _differences(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrations_build_exactly_the_models(engine):
    async with engine.connect() as conn:
        differences = await conn.run_sync(_differences)
    assert differences == []
