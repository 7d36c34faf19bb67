"""Runtime configuration, read from `SYNCPOINT_*` environment variables (and a `.env` file)."""

from __future__ import annotations

import os
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
    sqlite_busy_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="How long a SQLite writer waits for the write lock before the request "
        "answers DATABASE_UNAVAILABLE (writers queue for the lock, one at a time).",
    )
    workers: int | None = Field(
        default=None,
        ge=1,
        description="API worker processes of `syncpoint serve`; default one per core in "
        "production, one in development (and always one on SQLite, whose live updates are "
        "in-process).",
    )

    @property
    def is_production(self) -> bool:
        return self.environment == Environment.PRODUCTION

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def worker_count(self) -> int:
        if self.workers is not None:
            return self.workers
        if self.is_production and not self.is_sqlite:
            return os.cpu_count() or 1
        return 1


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
