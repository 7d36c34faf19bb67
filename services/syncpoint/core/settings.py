"""Runtime configuration, read from `SYNCPOINT_*` environment variables (and a `.env` file)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


def _default_migrations_dir() -> Path:
    # services/syncpoint/core/settings.py -> repository root / migrations (editable install).
    return Path(__file__).resolve().parents[3] / "migrations"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SYNCPOINT_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///./syncpoint.db",
        description="SQLAlchemy async URL: SQLite (aiosqlite) by default, PostgreSQL (asyncpg) "
        "in production.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    environment: Environment = Environment.DEVELOPMENT
    allow_anonymous_read: bool = Field(
        default=False, description="Let requests without a token run queries (never mutations)."
    )
    max_page_size: int = Field(default=100, ge=1, le=1000)
    token_default_days: int = Field(default=90, ge=1)
    migrations_dir: Path = Field(default_factory=_default_migrations_dir)
    sql_echo: bool = False

    @property
    def is_production(self) -> bool:
        return self.environment == Environment.PRODUCTION

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
