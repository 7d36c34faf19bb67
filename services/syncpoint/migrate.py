"""Alembic, driven from code: the only way Syncpoint's schema is created (SQLite and PostgreSQL)."""

from __future__ import annotations

import sys

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from syncpoint.core.settings import Settings


def alembic_config(settings: Settings, url: str | None = None) -> Config:
    # Alembic binds its default stdout at import; pass the current one so output can be captured.
    cfg = Config(stdout=sys.stdout)
    cfg.set_main_option("script_location", str(settings.migrations_dir))
    cfg.attributes["database_url"] = url or settings.database_url
    return cfg


def migration_heads(settings: Settings) -> set[str]:
    """Revision ids at the head of the migration scripts."""
    return set(ScriptDirectory.from_config(alembic_config(settings)).get_heads())


def upgrade(settings: Settings, revision: str = "head", url: str | None = None) -> None:
    command.upgrade(alembic_config(settings, url), revision)


def downgrade(settings: Settings, revision: str, url: str | None = None) -> None:
    command.downgrade(alembic_config(settings, url), revision)


def current(settings: Settings, url: str | None = None) -> None:
    command.current(alembic_config(settings, url), verbose=False)
