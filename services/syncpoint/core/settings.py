"""Runtime configuration, read from `SYNCPOINT_*` environment variables (and a `.env` file)."""

from __future__ import annotations

import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from syncpoint.core.auth import Role


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


def _default_migrations_dir() -> Path:
    # services/syncpoint/core/settings.py -> repository root / migrations (editable install).
    return Path(__file__).resolve().parents[3] / "migrations"


DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./syncpoint.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SYNCPOINT_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
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
    audit_retention_days: int | None = Field(
        default=None,
        ge=1,
        description="Days `syncpoint audit prune` keeps audit entries; unset keeps them forever.",
    )
    analysis_cache_size: int = Field(
        default=8,
        ge=0,
        description="Analysis results kept per API process, keyed by data version, asOf day and "
        "parameters (0: recompute on every request).",
    )
    response_cache_size: int = Field(
        default=32,
        ge=0,
        description="Whole responses of analysis queries (dependencyMap, flags, agenda, ...) "
        "kept per API process, keyed by data version, day, document, variables and caller "
        "(0: off).",
    )
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

    # Experiment tracking (work/mlflow.py): where `syncpoint mlflow sync` pulls linked runs from.
    mlflow_tracking_uri: str | None = Field(
        default=None, description="The MLflow tracking server, e.g. http://mlflow:5000."
    )
    mlflow_item_tag: str = Field(
        default="syncpoint.item", description="The run tag naming the item key a run belongs to."
    )
    mlflow_timeout_s: float = Field(default=10.0, gt=0, description="Per HTTP request.")

    # OpenID Connect single sign-on (off unless an issuer and audience are set).
    oidc_issuer: str | None = Field(default=None, description="The `iss` JWTs must carry.")
    oidc_audience: str | None = Field(default=None, description="The `aud` JWTs must carry.")
    oidc_jwks_url: str | None = Field(
        default=None, description="The issuer's JWKS; default <issuer>/.well-known/jwks.json."
    )
    oidc_algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256"])
    oidc_person_claim: str = Field(default="email", description="Claim naming the person.")
    oidc_groups_claim: str = Field(default="groups", description="Claim listing groups.")
    oidc_role_map: dict[str, str] = Field(
        default_factory=dict, description='Group -> role, e.g. {"sp-admins": "ADMIN"}.'
    )
    oidc_default_role: Role | None = Field(
        default=None, description="Role of a person in no mapped group (unset: refused)."
    )
    oidc_leeway_seconds: int = Field(default=30, ge=0, le=600)

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_audience)

    demo_tokens_file: Path = Field(
        default=Path(".demo-tokens"),
        description="Where `syncpoint demo-tokens` keeps the tokens it printed (mode 0600), to "
        "print them again while they are valid.",
    )

    @property
    def database_url_is_default(self) -> bool:
        """No SYNCPOINT_DATABASE_URL was given (environment or .env): ./syncpoint.db is meant."""
        return "database_url" not in self.model_fields_set

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite database's file, absolute (None for PostgreSQL or an in-memory SQLite)."""
        if not self.is_sqlite:
            return None
        name = make_url(self.database_url).database
        return Path(name).resolve() if name and name != ":memory:" else None

    # Request limits (issue 11: no request can stall the service).
    max_query_depth: int = Field(default=13, ge=1, description="Nested field levels.")
    max_query_aliases: int = Field(default=30, ge=0, description="Aliases, fragments expanded.")
    max_query_fields: int = Field(default=2000, ge=1, description="Fields, fragments expanded.")
    max_query_cost: int = Field(
        default=50_000,
        ge=1,
        description="Cost limit of one operation: 1 per field, connections multiply their "
        "selection by first/last, analysis fields cost analysis_cost per distinct asOf.",
    )
    analysis_cost: int = Field(
        default=2_000, ge=0, description="Cost of one analysis (per 50 teams, at least once)."
    )
    rate_limit_per_minute: int = Field(
        default=200_000,
        ge=1,
        description="Cost points each token (or anonymous client address) may spend per minute.",
    )
    rate_limit_storage: str = Field(
        default="memory://",
        description="Where rate-limit budgets live: memory:// (one process) or redis://host:port "
        "(shared by every API process).",
    )
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, description="Request body cap.")
    max_json_depth: int = Field(default=64, ge=2, description="Nesting cap of a JSON body.")
    max_string_length: int = Field(
        default=100_000, ge=1, description="Length cap of any string argument or variable."
    )
    request_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Work on a request is cancelled after this (504)."
    )
    # Scale (issue 10): overload answers 503 fast instead of queueing for the pool.
    db_pool_size: int = Field(default=10, ge=1, description="Pooled connections per process.")
    db_pool_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How long a request waits for a pooled connection before it answers 503 "
        "DATABASE_UNAVAILABLE with Retry-After.",
    )
    max_concurrent_requests: int = Field(
        default=8,
        ge=0,
        description="Requests at work at once per process (0: no limit); the rest wait their "
        "turn, so memory stays bounded however many clients call at once (issue 10).",
    )
    admission_wait_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How long a request waits for its turn before it answers 503 OVERLOADED "
        "with Retry-After.",
    )
    warm_analysis: bool | None = Field(
        default=None,
        description="Compute today's analysis at start-up, so the first request does not pay "
        "for it; default on in production.",
    )
    gc_collect_above_mib: int | None = Field(
        default=None,
        ge=0,
        description="Run a full garbage collection after a request when the process's resident "
        "memory is over this many MiB (at most every 5 s); default 768 in production, else off "
        "(0). Cyclic garbage of large responses otherwise waits millions of allocations.",
    )
    gc_young_threshold: int | None = Field(
        default=None,
        ge=0,
        description="Allocations between young garbage collections in a server process; "
        "default 50,000 in production, else Python's own (700; 0 keeps it). A large response "
        "allocates ~200,000 objects, and at 700 the collector re-scans them hundreds of times "
        "per request: 3x the CPU of the request itself (issue 10).",
    )
    anonymous_introspection: bool | None = Field(
        default=None,
        description="Introspection and field suggestions for anonymous callers; default on "
        "except in production.",
    )

    @property
    def anonymous_introspection_allowed(self) -> bool:
        if self.anonymous_introspection is not None:
            return self.anonymous_introspection
        return not self.is_production

    @property
    def collector_threshold(self) -> int:
        if self.gc_young_threshold is not None:
            return self.gc_young_threshold
        return 50_000 if self.is_production else 0

    @property
    def collect_above_mib(self) -> int:
        if self.gc_collect_above_mib is not None:
            return self.gc_collect_above_mib
        return 768 if self.is_production else 0

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
