"""Profile the large responses in process (ASGI, no HTTP): time and SQL statements per request,
cold (first request of a data version) and warm (`--no-keep`: built anew, as after a change).
`python -m benchmarks.profile_large URL`; `--pyinstrument NAME` prints a pyinstrument profile
of one warm request of that scenario."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

import httpx
from sqlalchemy import event

from benchmarks.http_load import (
    AGENDA,
    BLOCKERS,
    MAP,
    MAP_PAGE,
    RISK,
    TEAMS,
    TYPENAME,
    scenario_ids,
)
from syncpoint.api import create_app
from syncpoint.core.collector import tune_collector
from syncpoint.core.db import make_engine, make_sessionmaker
from syncpoint.core.settings import Settings


async def _ids(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        found = await scenario_ids(session)
        await session.commit()
    await engine.dispose()
    return found


async def main(
    url: str, profile: str | None, warm_start: bool, gc_threshold: int, keep: bool
) -> None:
    ids = await _ids(url)
    queries = {
        "teams": (TEAMS, {}),
        "blockers": (BLOCKERS, {}),
        "map": (MAP, {}),
        "map_page": (MAP_PAGE, {}),
        "risk": (RISK, {"id": ids["point"]}),
        "agenda": (AGENDA, {"id": ids["forum"]}),
        "typename": (TYPENAME, {}),
    }
    engine = make_engine(url)
    count = [0]

    def on_execute(*_args: Any) -> None:
        count[0] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    env = "production" if warm_start else "development"
    settings = Settings(
        database_url=url,
        environment=env,
        max_query_cost=10**9,
        rate_limit_per_minute=10**9,
        response_cache_size=32 if keep else 0,
    )
    app = create_app(settings, engine=engine)
    tune_collector(gc_threshold)  # as `syncpoint serve` does in production
    headers = {"Authorization": f"Bearer {ids['token']}", "Content-Type": "application/json"}
    transport = httpx.ASGITransport(app=app)
    start = time.perf_counter()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://p", timeout=600) as client,
    ):
        sys.stdout.write(f"start-up {time.perf_counter() - start:.2f} s\n")
        for name, (query, variables) in queries.items():
            body = json.dumps({"query": query, "variables": variables})
            for label in ("first", "again"):
                count[0] = 0
                t0 = time.perf_counter()
                if profile == name and label == "again":
                    from pyinstrument import Profiler

                    with Profiler(async_mode="enabled") as prof:
                        resp = await client.post("/graphql", content=body, headers=headers)
                    sys.stdout.write(prof.output_text(unicode=False, color=False, show_all=False))
                else:
                    resp = await client.post("/graphql", content=body, headers=headers)
                ms = (time.perf_counter() - t0) * 1000
                ok = resp.status_code == 200 and "errors" not in resp.json()
                sys.stdout.write(
                    f"{name:9} {label:6} {ms:9.1f} ms  {count[0]:4} statements  "
                    f"{len(resp.content) / 1024:8.1f} KiB {'ok' if ok else resp.text[:300]}\n"
                )
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--pyinstrument")
    parser.add_argument("--warm-start", action="store_true")
    parser.add_argument(
        "--gc-threshold", type=int, default=50_000, help="young GC threshold (0: Python's 700)"
    )
    parser.add_argument(
        "--no-keep",
        action="store_true",
        help="no response cache: every request builds its response anew (as after a change)",
    )
    args = parser.parse_args()
    asyncio.run(
        main(args.url, args.pyinstrument, args.warm_start, args.gc_threshold, not args.no_keep)
    )
