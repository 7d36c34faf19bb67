"""Part 3: the API over real HTTP on PostgreSQL, driven by locust with concurrent clients.

Loads an organisation (the demo, or the large synthetic one) into its own PostgreSQL database
(kept between runs and reloaded only when the migrations or the organisation changed), starts
`syncpoint serve` with its production worker processes and the hand-written floor server, then
runs every scenario at 1 and at 16 clients and reports requests/s, p50/p95/p99, failures, SQL
statements per request, the API processes' peak memory and each figure's ratio to its floor.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import event, func, select, text
from strawberry.relay import to_base64

from syncpoint import migrate
from syncpoint.api import create_app
from syncpoint.auth.service import create_token
from syncpoint.core.auth import Role
from syncpoint.core.db import make_engine, make_sessionmaker
from syncpoint.core.settings import Settings
from syncpoint.dependencies.models import integration_point_items as ipi
from syncpoint.forums.models import ForumMember

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
SERVER_ADDRESS = "127.0.0.1"

# Nested connections name their page, as clients must to stay under the cost limit (an
# unbounded one is priced at the maximum page: 100 teams x 100 members is refused).
TEAMS = """{ teams(first: 100) { edges { node { id name group { name }
  members(first: 20) { edges { node { person { name } role } } } } } } }"""
BLOCKERS = """{ blockers(first: 100, orderBy: IMPACT) { edges { node { id title severity
  item { key } team { name } owner { name } impact { itemCount teamCount }
  escalationPath { fromLevel toLevel } } } } }"""
MAP = """{ dependencyMap(level: TEAM) { nodes { id label openCount lateCount }
  edges { source target count worstFlag flags } } }"""
# What the director's map page asks: every edge also names its dependencies.
MAP_PAGE = MAP.replace("worstFlag flags }", "worstFlag flags dependencyIds }")
RISK = """query($id: ID!) { integrationPointRisk(id: $id) { atRisk
  teams { teamId readyDate lateByDays atRisk } flags { code message } } }"""
AGENDA = """query($id: ID!) { agenda(forumId: $id) { usedMinutes
  entries { section title reason minutes } } }"""
TYPENAME = "{ __typename }"


@dataclass
class Scenario:
    name: str
    path: str = "/graphql"
    query: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    floor_of: str | None = None

    def body(self) -> str:
        if self.query is None:
            return ""
        return json.dumps({"query": self.query, "variables": self.variables})


@dataclass
class Result:
    scenario: str
    clients: int
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    statements: int | None = None
    ratio_p95: float | None = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((SERVER_ADDRESS, 0))
        return int(sock.getsockname()[1])


async def _prepare(url: str, scale: str, seed: int, reload: bool) -> dict[str, Any]:
    """Load the organisation if needed; return a token and the ids the scenarios use."""
    admin = url.rsplit("/", 1)[0] + "/postgres"
    name = url.rsplit("/", 1)[1]
    engine = make_engine(admin, pool=False)
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        exists = await conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        )
        if exists and reload:
            await conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            exists = None
        if not exists:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    settings = Settings(database_url=url)
    await asyncio.to_thread(migrate.upgrade, settings, "head", url=url)
    engine = make_engine(url)
    sessionmaker = make_sessionmaker(engine)
    from syncpoint.demo import database_is_empty, load_demo
    from syncpoint.demo.large import LARGE, generate, load_large

    load_seconds = None
    async with sessionmaker() as session:
        if await database_is_empty(session):
            start = time.perf_counter()
            if scale == "large":
                await load_large(session, generate(LARGE, seed, date.today()))
            else:
                await load_demo(session)
            await session.commit()
            load_seconds = time.perf_counter() - start
        found = await scenario_ids(session)
        await session.commit()
    await engine.dispose()
    return {**found, "load_seconds": load_seconds}


async def scenario_ids(session: Any) -> dict[str, str]:
    """An ADMIN token, the busiest forum and the integration point with the most items: what
    the scenarios (and `benchmarks.profile_large`) ask about."""
    issued = await create_token(session, role=Role.ADMIN, person_id=None, days=1)
    forum = await session.scalar(
        select(ForumMember.forum_id)
        .group_by(ForumMember.forum_id)
        .order_by(func.count().desc(), ForumMember.forum_id)
        .limit(1)
    )
    point = await session.scalar(
        select(ipi.c.integration_point_id)
        .group_by(ipi.c.integration_point_id)
        .order_by(func.count().desc(), ipi.c.integration_point_id)
        .limit(1)
    )
    return {
        "token": issued.secret,
        "forum": to_base64("Forum", forum),
        "point": to_base64("IntegrationPoint", point),
    }


def _scenarios(ids: dict[str, Any]) -> list[Scenario]:
    return [
        Scenario("teams(first: 100) + group + members", query=TEAMS),
        Scenario(
            "floor: teams SQL + JSON",
            path="/floor/teams",
            floor_of="teams(first: 100) + group + members",
        ),
        Scenario("blockers(first: 100, IMPACT)", query=BLOCKERS),
        Scenario(
            "floor: blockers SQL + JSON",
            path="/floor/blockers",
            floor_of="blockers(first: 100, IMPACT)",
        ),
        Scenario("dependencyMap(TEAM) with flags", query=MAP),
        Scenario("integrationPointRisk", query=RISK, variables={"id": ids["point"]}),
        Scenario("agenda(busiest forum)", query=AGENDA, variables={"id": ids["forum"]}),
        Scenario("{ __typename }", query=TYPENAME),
    ]


class _Memory:
    """Samples the resident memory of a process and its children; keeps each one's peak."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            try:
                for proc in [self.root, *self.root.children(recursive=True)]:
                    rss = proc.memory_info().rss
                    self.peaks[proc.pid] = max(self.peaks.get(proc.pid, 0), rss)
            except psutil.Error:
                continue

    def __enter__(self) -> _Memory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _start(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://{SERVER_ADDRESS}:{port}/healthz", timeout=1)
            return proc
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"{command[0]} exited: {proc.stderr.read().decode()[-2000:]}"
                ) from None
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{' '.join(command)} did not answer on port {port}")


def _wait_warm(port: int, workers: int, timeout_s: float = 300) -> float:
    """Seconds until every API worker has warmed today's analysis (readiness says so; a poll
    reaches one worker at random, so as many answers in a row as there are workers, twice)."""
    start = time.monotonic()
    in_a_row = 0
    while in_a_row < 2 * workers:
        if time.monotonic() - start > timeout_s:
            raise RuntimeError(f"the API did not warm its analysis within {timeout_s:.0f} s")
        state = httpx.get(f"http://{SERVER_ADDRESS}:{port}/readyz", timeout=30).json()
        in_a_row = in_a_row + 1 if state.get("analysis") in ("warm", "off") else 0
        time.sleep(0.2)
    return time.monotonic() - start


def _locust(scenario: Scenario, port: int, token: str, clients: int, seconds: int) -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "stats"
        env = {
            **os.environ,
            "BENCH_PATH": scenario.path,
            "BENCH_BODY": scenario.body(),
            "BENCH_TOKEN": token,
            "BENCH_NAME": scenario.name,
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "-u",
                str(clients),
                "-r",
                str(clients),
                "-t",
                f"{seconds}s",
                "--host",
                f"http://{SERVER_ADDRESS}:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "30",
                "--loglevel",
                "ERROR",
            ],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with open(f"{prefix}_stats.csv") as handle:
            row = next((r for r in csv.DictReader(handle) if r["Name"] == scenario.name), None)
    if row is None:  # not one request finished within the run
        nan = float("nan")
        return Result(scenario.name, clients, 0, 0, 0.0, nan, nan, nan)
    return Result(
        scenario.name,
        clients,
        int(row["Request Count"]),
        int(row["Failure Count"]),
        float(row["Requests/s"]),
        float(row["50%"]),
        float(row["95%"]),
        float(row["99%"]),
    )


async def _statements(
    url: str, scenarios: list[Scenario], token: str, explained: dict[str, str] | None = None
) -> dict[str, int]:
    """SQL statements one request of each scenario sends (counted on the engine, in process);
    with ``explained``, the EXPLAIN (ANALYZE, BUFFERS) of them is put there by scenario."""
    engine = make_engine(url)
    count = [0]
    seen: list[tuple[str, Any]] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        count[0] += 1
        seen.append((statement, parameters))

    # The path a request takes when nothing is kept (the first after a change): no response
    # cache, and no start-up warming whose statements would be counted with the request's.
    settings = Settings(
        database_url=url,
        environment="production",
        rate_limit_per_minute=10**9,
        response_cache_size=0,
        warm_analysis=False,
    )
    app = create_app(settings, engine=engine)
    counts: dict[str, int] = {}
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for scenario in scenarios:
            if scenario.query is None:
                continue
            await client.post("/graphql", content=scenario.body(), headers=headers)  # warm
            event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
            count[0] = 0
            seen.clear()
            await client.post("/graphql", content=scenario.body(), headers=headers)
            event.remove(engine.sync_engine, "before_cursor_execute", on_execute)
            counts[scenario.name] = count[0]
            if explained is not None:
                explained[scenario.name] = await _explain(engine, list(seen))
    await engine.dispose()
    return counts


@asynccontextmanager
async def _one_item_moved(sessions: Any) -> AsyncIterator[None]:
    """Move the first depended-on item with a sprint to another sprint of its team (committed,
    as an edit through the API would be), and move it back afterwards."""
    from syncpoint.dependencies.models import Dependency
    from syncpoint.work.models import BacklogItem

    async with sessions() as session:
        item = await session.scalar(
            select(BacklogItem)
            .join(Dependency, Dependency.provider_item_id == BacklogItem.id)
            .where(BacklogItem.sprint_id.is_not(None))
            .order_by(BacklogItem.id)
            .limit(1)
        )
        assert item is not None
        item_id, before = item.id, item.sprint_id
        other = await session.scalar(
            select(func.min(BacklogItem.sprint_id)).where(
                BacklogItem.team_id == item.team_id, BacklogItem.sprint_id != before
            )
        )
        item.sprint_id = other
        await session.commit()
    try:
        yield
    finally:
        async with sessions() as session:
            moved = await session.get(BacklogItem, item_id)
            assert moved is not None
            moved.sprint_id = before
            await session.commit()


async def _one_item_changed(url: str) -> dict[str, float]:
    """Seconds to a fresh analysis after one depended-on item moves to another sprint of its
    team, end to end as an API process does it (version read, snapshot read, input built, diffed
    against the previous analysis, flags patched), against the full evaluation of the same
    data; the item is moved back afterwards."""
    from syncpoint.core.collector import tune_collector
    from syncpoint.insights.analyses import Analyses, AnalysisCache

    tune_collector(Settings(environment="production").collector_threshold)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    cache = AnalysisCache(4)
    try:
        async with sessions() as session:
            started = time.perf_counter()
            await Analyses(session, cache).analysis()
            full = time.perf_counter() - started
            await session.rollback()
        async with _one_item_moved(sessions), sessions() as session:
            started = time.perf_counter()
            await Analyses(session, cache).analysis()
            incremental = time.perf_counter() - started
            await session.rollback()
    finally:
        await engine.dispose()
    return {"full_s": round(full, 2), "one_item_s": round(incremental, 2)}


async def _map_after_change(url: str, token: str) -> dict[str, float]:
    """Seconds to answer the director's map (`dependencyMap(level: TEAM)` of the whole
    organisation, with flags) in one API process as `syncpoint serve` runs it (production
    settings, warmed at start-up, responses kept), in process without HTTP: the first request
    after start-up, a repeated one, and the first right after one depended-on item moved sprint
    (a new data version: the analysis patched, the map drawn and its response built anew)."""
    settings = Settings(database_url=url, environment="production", rate_limit_per_minute=10**9)
    app = create_app(settings)
    body = json.dumps({"query": MAP})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    timings: dict[str, float] = {}
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client,
    ):
        if app.state.warming is not None:
            await app.state.warming

        async def timed(name: str) -> None:
            started = time.perf_counter()
            answer = await client.post("/graphql", content=body, headers=headers)
            timings[name] = round(time.perf_counter() - started, 2)
            if answer.status_code != 200 or "errors" in answer.json():
                raise RuntimeError(f"dependencyMap failed: {answer.text[:500]}")

        await timed("first_s")
        await timed("kept_s")
        async with _one_item_moved(app.state.sessionmaker):
            await timed("after_change_s")
    return timings


async def _explain(engine: Any, statements: list[tuple[str, Any]]) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of each SELECT a request sent (the hot queries' plans)."""
    parts = []
    async with engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            params = tuple(parameters) if isinstance(parameters, list | tuple) else parameters
            try:
                result = await conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, params
                )
                plan = "\n".join(str(row[0]) for row in result)
            except Exception as exc:  # a plan that cannot be shown is reported, not fatal
                plan = f"(EXPLAIN failed: {type(exc).__name__})"
            parts.append(f"```sql\n{statement.strip()}\n```\n```\n{plan}\n```\n")
        await conn.rollback()
    return "\n".join(parts)


def run(
    scale: str, seconds: int, workers: int, seed: int = 1, reload: bool = False
) -> dict[str, Any]:
    """Run every scenario at 1 and 16 clients; write markdown and JSON under benchmarks/results."""
    base = os.environ.get(
        "SYNCPOINT_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432"
    )
    url = f"{base.rstrip('/')}/syncpoint_bench_{scale}"
    ids = asyncio.run(_prepare(url, scale, seed, reload))
    scenarios = _scenarios(ids)
    api_port, floor_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "SYNCPOINT_DATABASE_URL": url,
        "SYNCPOINT_ENVIRONMENT": "production",
        # One token drives every client: the per-token budget would otherwise answer most
        # requests RATE_LIMITED (a teams page costs 20,000 points), which measures nothing.
        "SYNCPOINT_RATE_LIMIT_PER_MINUTE": str(10**9),
        "BENCH_FLOOR_DSN": url,
    }
    bin_dir = Path(sys.executable).parent
    api = _start(
        [
            str(bin_dir / "syncpoint"),
            "serve",
            "--host",
            SERVER_ADDRESS,
            "--port",
            str(api_port),
            "--workers",
            str(workers),
        ],
        env,
        api_port,
    )
    floor = _start(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "benchmarks.floor:app",
            "--host",
            SERVER_ADDRESS,
            "--port",
            str(floor_port),
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        {**env, "PYTHONPATH": str(ROOT)},
        floor_port,
    )
    results: list[Result] = []
    # Steady state is what the scenarios measure: the start-up evaluation (each worker warms
    # today's analysis) is timed on its own, not left to slow the first scenario down.
    warm_seconds = _wait_warm(api_port, workers)
    try:
        with _Memory(api.pid) as memory:
            for scenario in scenarios:
                port = floor_port if scenario.floor_of else api_port
                for clients in (1, 16):
                    results.append(_locust(scenario, port, ids["token"], clients, seconds))
    finally:
        for proc in (api, floor):
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    explained: dict[str, str] = {}
    statements = asyncio.run(_statements(url, scenarios, ids["token"], explained))
    change = asyncio.run(_one_item_changed(url))
    map_change = asyncio.run(_map_after_change(url, ids["token"]))
    by_key = {(r.scenario, r.clients): r for r in results}
    for result in results:
        result.statements = statements.get(result.scenario)
        floor_name = next((s.name for s in scenarios if s.floor_of == result.scenario), None)
        floor_result = by_key.get((floor_name, result.clients)) if floor_name else None
        if floor_result and floor_result.p95_ms:
            result.ratio_p95 = round(result.p95_ms / floor_result.p95_ms, 1)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB",
        "scale": scale,
        "workers": workers,
        "seconds_per_run": seconds,
        "load_seconds": ids["load_seconds"],
        "warm_seconds": round(warm_seconds, 1),
        "analysis_full_s": change["full_s"],
        "analysis_one_item_s": change["one_item_s"],
        "map_first_s": map_change["first_s"],
        "map_kept_s": map_change["kept_s"],
        "map_after_change_s": map_change["after_change_s"],
        "response_cache_size": Settings(database_url=url).response_cache_size,
        "peak_rss_mib": {str(pid): round(rss / 2**20) for pid, rss in memory.peaks.items()},
        "results": [asdict(r) for r in results],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = scale if report["response_cache_size"] else f"{scale}-uncached"
    (RESULTS / f"http-{name}.json").write_text(json.dumps(report, indent=2))
    (RESULTS / f"http-{name}.md").write_text(markdown(report))
    (RESULTS / f"explain-{scale}.md").write_text(
        f"# EXPLAIN of each hot query ({report['date']})\n\n"
        + "\n".join(f"## {name}\n\n{plans}" for name, plans in explained.items() if plans)
    )
    return report


def markdown(report: dict[str, Any]) -> str:
    """The report as the README's benchmark table."""
    peak = max(report["peak_rss_mib"].values(), default=0)
    lines = [
        f"HTTP on PostgreSQL, {report['scale']} organisation, {report['workers']} worker "
        f"processes, {report['seconds_per_run']} s per run; {report['date']}, {report['machine']}; "
        f"peak memory of one API process {peak} MiB; "
        + (
            f"responses kept per data version (SYNCPOINT_RESPONSE_CACHE_SIZE="
            f"{report['response_cache_size']}): a repeated request is a kept one."
            if report.get("response_cache_size", 1)
            else "response cache OFF (SYNCPOINT_RESPONSE_CACHE_SIZE=0): every request is built "
            "anew."
        )
        + (
            f" Organisation loaded in {report['load_seconds']:.1f} s."
            if report.get("load_seconds")
            else ""
        )
        + (
            f" Every worker warmed today's analysis {report['warm_seconds']:.1f} s after it "
            "answered (before the first scenario)."
            if report.get("warm_seconds") is not None
            else ""
        )
        + (
            f" In one process: today's analysis from the database in "
            f"{report['analysis_full_s']:.1f} s; after one depended-on item moved sprint, the "
            f"next analysis (version, snapshot, diff, patched flags) in "
            f"{report['analysis_one_item_s']:.2f} s."
            if report.get("analysis_one_item_s") is not None
            else ""
        )
        + (
            f" The whole organisation's `dependencyMap(TEAM)` in one process (production "
            f"settings, in process): first after start-up {report['map_first_s']:.2f} s, "
            f"repeated {report['map_kept_s']:.2f} s, right after one depended-on item moved "
            f"sprint {report['map_after_change_s']:.2f} s."
            if report.get("map_after_change_s") is not None
            else ""
        ),
        "",
        "| scenario | clients | req/s | p50 ms | p95 ms | p99 ms | failures | SQL/request "
        "| p95 / floor |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in report["results"]:
        ratio = "-" if r["ratio_p95"] is None else f"{r['ratio_p95']}x"
        sql = "-" if r["statements"] is None else str(r["statements"])
        lines.append(
            f"| {r['scenario']} | {r['clients']} | {r['rps']:.1f} | {r['p50_ms']:.0f} | "
            f"{r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['failures']} | {sql} | {ratio} |"
        )
    return "\n".join(lines) + "\n"
