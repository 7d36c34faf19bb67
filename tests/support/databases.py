"""Test databases for parallel runs: one PostgreSQL database per pytest-xdist worker, named
`<database>_<worker>` after SYNCPOINT_TEST_POSTGRES_URL, created when missing; at the end only the
databases this run created are dropped. SQLite files live in a per-worker temporary directory."""

from __future__ import annotations

import asyncio
import os
from functools import cached_property

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from syncpoint.core.db import make_engine

# "gw0", "gw1", ... under `pytest -n`; empty when the suite runs in one process.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


class PostgresDatabases:
    """Databases on the server of `base_url`, managed through its `postgres` database."""

    def __init__(self, base_url: str) -> None:
        self.base = make_url(base_url)
        self.created: list[str] = []

    @cached_property
    def worker_url(self) -> str:
        """This worker's database: the base one itself without xdist, `<base>_gwN` with it."""
        if not WORKER:
            return _render(self.base)
        return self.ensure(f"{self.base.database}_{WORKER}")

    def url(self, name: str) -> str:
        return _render(self.base.set(database=name))

    def _admin(self, *statements: str) -> list[object]:
        async def run() -> list[object]:
            engine = make_engine(self.url("postgres"), pool=False)
            try:
                async with engine.connect() as conn:
                    conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                    results = [await conn.execute(text(s)) for s in statements]
                    return [r.scalar() if r.returns_rows else None for r in results]
            finally:
                await engine.dispose()

        return asyncio.run(run())

    def exists(self, name: str) -> bool:
        (found,) = self._admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        return found is not None

    def ensure(self, name: str) -> str:
        """Create database `name` unless it exists; its URL."""
        if not self.exists(name):
            self._admin(f'CREATE DATABASE "{name}"')
            self.created.append(name)
        return self.url(name)

    def fresh(self, name: str) -> str:
        """An empty database `name`, owned by this run (a leftover of an interrupted run is
        replaced): it is dropped at the end."""
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
        if name not in self.created:
            self.created.append(name)
        return self.url(name)

    def drop_created(self) -> None:
        """Drop the databases this run created, newest first."""
        while self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{self.created.pop()}" WITH (FORCE)')
