"""Part 2: the demo organisation in a temporary SQLite database, end to end."""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

from benchmarks.report import Row, median_seconds
from syncpoint import migrate
from syncpoint.analysis.flags import evaluate
from syncpoint.api import create_app
from syncpoint.auth.service import create_token
from syncpoint.core.auth import Role
from syncpoint.core.db import make_engine, make_sessionmaker
from syncpoint.core.settings import Settings
from syncpoint.demo import load_demo
from syncpoint.insights.snapshot import load_analysis_input

AS_OF = date(2027, 1, 20)
REPEAT = 5
DEPENDENCY_MAP = """
query($level: MapLevel!, $asOf: Date) {
  dependencyMap(level: $level, asOf: $asOf) {
    nodes { id label openCount lateCount }
    edges { source target count worstFlag flags countsByType { blocking slowing ok } }
    cycles { labels }
    bottlenecks { name inDegree betweenness }
  }
}"""


def run() -> list[Row]:
    """Migrate and load the demo into a fresh SQLite file, then time the analysis path."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(database_url=url, allow_anonymous_read=False)
        start = time.perf_counter()
        migrate.upgrade(settings, "head", url=url)
        migrate_s = time.perf_counter() - start
        rows = asyncio.run(_measure(settings))
    return [Row("migrate temporary SQLite", migrate_s, "s"), *rows]


async def _measure(settings: Settings) -> list[Row]:
    engine = make_engine(settings.database_url)
    statements = [0]

    def count(*_args: Any) -> None:
        statements[0] += 1

    try:
        sessionmaker = make_sessionmaker(engine)
        async with sessionmaker() as session:
            start = time.perf_counter()
            await load_demo(session, AS_OF)
            issued = await create_token(session, role=Role.DIRECTOR, person_id=None, days=1)
            await session.commit()
            load_demo_s = time.perf_counter() - start
        async with sessionmaker() as session:
            event.listen(engine.sync_engine, "before_cursor_execute", count)
            start = time.perf_counter()
            inp = await load_analysis_input(session, today=AS_OF)
            snapshot_s = time.perf_counter() - start
            event.remove(engine.sync_engine, "before_cursor_execute", count)
        start = time.perf_counter()
        flags = evaluate(inp)
        evaluate_s = time.perf_counter() - start
        team = await _requests(settings, sessionmaker, issued.secret, "TEAM")
        item = await _requests(settings, sessionmaker, issued.secret, "ITEM")
    finally:
        await engine.dispose()
    shape = f"{len(inp.teams)} teams, {len(inp.items)} items, {len(inp.dependencies)} deps"
    return [
        Row("load_demo (through the services)", load_demo_s, "s"),
        Row("load_analysis_input (demo)", snapshot_s, "s", note=f"{statements[0]} SQL, {shape}"),
        Row("evaluate (demo)", evaluate_s, "s", note=f"{len(flags)} flags"),
        Row("snapshot + evaluate (demo)", snapshot_s + evaluate_s, "s", 1.0),
        Row("dependencyMap TEAM via ASGI, 1st", team[0], "s", 1.0, "cold: schema, caches"),
        Row(f"dependencyMap TEAM via ASGI, median of {REPEAT}", median_seconds(team[1:]), "s", 1.0),
        Row(f"dependencyMap ITEM via ASGI, median of {REPEAT}", median_seconds(item[1:]), "s", 1.0),
    ]


async def _requests(settings: Settings, sessionmaker: Any, token: str, level: str) -> list[float]:
    """Seconds per request: one cold request then REPEAT more."""
    app = create_app(settings, sessionmaker=sessionmaker)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    payload = {"query": DEPENDENCY_MAP, "variables": {"level": level, "asOf": AS_OF.isoformat()}}
    samples = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for _ in range(REPEAT + 1):
            start = time.perf_counter()
            response = await client.post("/graphql", json=payload, headers=headers)
            samples.append(time.perf_counter() - start)
            body = response.json()
            if response.status_code != 200 or body.get("errors"):
                raise RuntimeError(f"dependencyMap failed: {response.status_code} {body}")
    return samples
