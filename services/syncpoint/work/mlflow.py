"""Experiment tracking runs (MLflow) linked to backlog items, and their metrics pulled in.

An item is linked to a run by the run's id (`link_run`) or by a tag on the run naming the item's
key (`settings.mlflow_item_tag`, found by `sync_runs`). A sync pulls, over the tracking server's
REST API (runs/get, runs/search, metrics/get-history), the metric points logged since the last
sync (a watermark per run and metric) into metric observations, one per step, with the run's
URL, so acceptance criteria are judged on what the runs really logged. Running it twice adds
nothing the second time; two syncs of one run at once record each point once (every recorded
point is claimed in `tracking_points`, unique per run, metric, step and timestamp, by an insert
that ignores conflicts: only the points a sync claimed go into its observations). Never commits.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Access, Actor, policy
from syncpoint.core.errors import DomainError, DuplicateError, ErrorCode
from syncpoint.core.models import utcnow
from syncpoint.core.settings import Settings
from syncpoint.work.models import BacklogItem, MetricObservation
from syncpoint.work.service import TEAM_WORK, get_item
from syncpoint.work.tracking_models import RunLink, TrackingPoint, TrackingRun

LINK_RUN = policy("linkTrackingRun", **TEAM_WORK)
SYNC_RUNS = policy("syncTrackingRuns", **TEAM_WORK)

API = "/api/2.0/mlflow"
PAGE = 1000
MAX_METRIC_NAME = 100
CLAIM_BATCH = 500
"""Points claimed per INSERT (5 parameters each: well under SQLite's variable limit)."""


class TrackingUnavailable(DomainError):
    """The tracking server cannot be reached (or is not configured)."""

    code = ErrorCode.TRACKING_UNAVAILABLE


@dataclass(frozen=True, slots=True)
class Point:
    """One logged metric value."""

    key: str
    value: float
    timestamp: int
    step: int

    @property
    def mark(self) -> list[int]:
        return [self.step, self.timestamp]


@dataclass(frozen=True, slots=True)
class RunInfo:
    run_id: str
    experiment_id: str
    run_name: str | None
    status: str | None
    tags: dict[str, str]
    latest: list[Point]


def _point(raw: dict[str, Any]) -> Point | None:
    value = raw.get("value")
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None  # NaN/inf are logged by MLflow but are not observations
    return Point(
        key=str(raw["key"]),
        value=float(value),
        timestamp=int(raw.get("timestamp", 0)),
        step=int(raw.get("step", 0)),
    )


def _run_info(raw: dict[str, Any]) -> RunInfo:
    info, data = raw.get("info", {}), raw.get("data", {})
    points = [_point(m) for m in data.get("metrics", [])]
    return RunInfo(
        run_id=str(info["run_id"]),
        experiment_id=str(info.get("experiment_id", "")),
        run_name=info.get("run_name"),
        status=info.get("status"),
        tags={t["key"]: t.get("value", "") for t in data.get("tags", [])},
        latest=[p for p in points if p is not None],
    )


class TrackingClient:
    """The MLflow tracking server's REST API over httpx (async)."""

    def __init__(self, base_url: str, *, timeout: float = 10.0, transport: Any = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, transport=transport)

    @classmethod
    def from_settings(cls, settings: Settings) -> TrackingClient:
        if not settings.mlflow_tracking_uri:
            raise TrackingUnavailable(
                "No tracking server is configured: set SYNCPOINT_MLFLOW_TRACKING_URI."
            )
        return cls(settings.mlflow_tracking_uri, timeout=settings.mlflow_timeout_s)

    async def __aenter__(self) -> TrackingClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    def run_url(self, run: RunInfo) -> str:
        return f"{self.base_url}/#/experiments/{run.experiment_id}/runs/{run.run_id}"

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any] | None:
        """The JSON answer; None when the server says the resource does not exist."""
        try:
            response = await self._http.request(method, API + path, **kwargs)
        except httpx.HTTPError as exc:
            raise TrackingUnavailable(
                f"The tracking server at {self.base_url} cannot be reached ({type(exc).__name__})."
            ) from exc
        if response.status_code == 404 or (
            response.status_code == 400 and "RESOURCE_DOES_NOT_EXIST" in response.text
        ):
            return None
        if response.status_code >= 400:
            raise TrackingUnavailable(
                f"The tracking server at {self.base_url} answered {response.status_code} "
                f"to {path}: {response.text[:200]}"
            )
        body = response.json()
        return body if isinstance(body, dict) else {}

    async def get_run(self, run_id: str) -> RunInfo | None:
        body = await self._call("GET", "/runs/get", params={"run_id": run_id})
        return _run_info(body["run"]) if body and "run" in body else None

    async def experiment_ids(self) -> list[str]:
        ids: list[str] = []
        token: str | None = None
        while True:
            payload: dict[str, Any] = {"max_results": PAGE}
            if token:
                payload["page_token"] = token
            body = await self._call("POST", "/experiments/search", json=payload) or {}
            ids += [str(e["experiment_id"]) for e in body.get("experiments", [])]
            token = body.get("next_page_token")
            if not token:
                return ids

    async def runs_tagged(self, tag: str) -> list[RunInfo]:
        """Every run (all experiments) carrying `tag`, whatever its value."""
        experiments = await self.experiment_ids()
        if not experiments:
            return []
        runs: list[RunInfo] = []
        token: str | None = None
        while True:
            payload: dict[str, Any] = {
                "experiment_ids": experiments,
                "filter": f"tags.`{tag}` LIKE '%'",
                "max_results": PAGE,
            }
            if token:
                payload["page_token"] = token
            body = await self._call("POST", "/runs/search", json=payload) or {}
            runs += [_run_info(r) for r in body.get("runs", [])]
            token = body.get("next_page_token")
            if not token:
                return runs

    async def history(self, run_id: str, key: str) -> list[Point]:
        points: list[Point] = []
        token: str | None = None
        while True:
            params: dict[str, Any] = {"run_id": run_id, "metric_key": key, "max_results": 25000}
            if token:
                params["page_token"] = token
            body = await self._call("GET", "/metrics/get-history", params=params) or {}
            points += [p for p in map(_point, body.get("metrics", [])) if p is not None]
            token = body.get("next_page_token")
            if not token:
                return points


@dataclass(slots=True)
class SyncReport:
    """What one sync did."""

    runs: list[TrackingRun] = field(default_factory=list)
    linked: list[TrackingRun] = field(default_factory=list)
    observations: list[MetricObservation] = field(default_factory=list)
    missing_runs: list[str] = field(default_factory=list)
    """Linked run ids the server no longer knows."""
    unknown_keys: list[str] = field(default_factory=list)
    """Tag values naming no item (of the teams synced)."""


async def link_run(
    session: AsyncSession, actor: Actor, client: TrackingClient, item_id: int, run_id: str
) -> TrackingRun:
    """Link an item to a tracking run by the run's id (checked on the server)."""
    item = await get_item(session, item_id, "itemId")
    actor.require_team(LINK_RUN, item.team_id)
    run_id = run_id.strip()
    if not run_id or len(run_id) > 64:
        raise DomainError("runId must be 1 to 64 characters.", field="runId")
    existing = await session.scalar(select(TrackingRun).where(TrackingRun.run_id == run_id))
    if existing is not None:
        raise DuplicateError(f"Run {run_id} is already linked.", field="runId")
    run = await client.get_run(run_id)
    if run is None:
        raise DomainError(
            f"The tracking server has no run {run_id}.", field="runId", code=ErrorCode.NOT_FOUND
        )
    link = TrackingRun(
        item_id=item.id,
        run_id=run_id,
        linked_by=RunLink.RUN_ID,
        run_url=client.run_url(run)[:500],
        run_name=(run.run_name or "")[:250] or None,
        status=(run.status or "")[:20] or None,
        watermarks={},
        linked_at=utcnow(),
        linked_by_id=actor.person_id,
    )
    session.add(link)
    await session.flush()
    return link


def _scope(actor: Actor, team_id: int | None) -> set[int] | None:
    """The teams a sync covers (None: every team)."""
    if team_id is not None:
        actor.require_team(SYNC_RUNS, team_id)
        return {team_id}
    if actor.require_access(SYNC_RUNS) is Access.OWN:
        return set(actor.team_ids)
    return None


async def _link_tagged(
    session: AsyncSession,
    client: TrackingClient,
    tag: str,
    teams: set[int] | None,
    known: set[str],
    report: SyncReport,
) -> None:
    tagged = [r for r in await client.runs_tagged(tag) if r.run_id not in known]
    keys = {r.tags.get(tag, "").strip() for r in tagged} - {""}
    if not keys:
        return
    stmt = select(BacklogItem).where(BacklogItem.key.in_(sorted(keys)))
    if teams is not None:
        stmt = stmt.where(BacklogItem.team_id.in_(sorted(teams)))
    items = {i.key: i for i in (await session.scalars(stmt)).all()}
    for run in tagged:
        key = run.tags.get(tag, "").strip()
        item = items.get(key)
        if item is None:
            if key and key not in report.unknown_keys:
                report.unknown_keys.append(key)
            continue
        link = TrackingRun(
            item_id=item.id,
            run_id=run.run_id,
            linked_by=RunLink.TAG,
            run_url=client.run_url(run)[:500],
            run_name=(run.run_name or "")[:250] or None,
            status=(run.status or "")[:20] or None,
            watermarks={},
            linked_at=utcnow(),
        )
        session.add(link)
        known.add(run.run_id)
        report.linked.append(link)
    await session.flush()


def _newer(point: Point, mark: Sequence[int] | None) -> bool:
    return mark is None or point.mark > list(mark)


async def _claim(session: AsyncSession, link: TrackingRun, points: Sequence[Point]) -> list[Point]:
    """The points this sync records: those no other sync recorded first.

    INSERT ... ON CONFLICT DO NOTHING RETURNING, in a fixed order: a concurrent sync inserting
    the same point waits for this transaction and then skips it (PostgreSQL), or runs after it
    (SQLite takes the write lock up front); either way each point is recorded once."""
    table = TrackingPoint.__table__
    assert isinstance(table, Table)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    by_mark = {(p.key, p.step, p.timestamp): p for p in points}
    now = utcnow()
    claimed: list[Point] = []
    marks = sorted(by_mark)
    for start in range(0, len(marks), CLAIM_BATCH):
        rows = [
            {
                "tracking_run_id": link.id,
                "metric": key,
                "step": step,
                "timestamp": timestamp,
                "recorded_at": now,
            }
            for key, step, timestamp in marks[start : start + CLAIM_BATCH]
        ]
        inserted = await session.execute(
            dialect.insert(table)
            .values(rows)
            .on_conflict_do_nothing(
                index_elements=[
                    table.c.tracking_run_id,
                    table.c.metric,
                    table.c.step,
                    table.c.timestamp,
                ]
            )
            .returning(table.c.metric, table.c.step, table.c.timestamp)
        )
        claimed += [by_mark[(m, st, ts)] for m, st, ts in inserted.all()]
    return claimed


async def _pull(
    session: AsyncSession, actor: Actor, client: TrackingClient, link: TrackingRun
) -> list[MetricObservation] | None:
    """The observations of the points logged on `link`'s run since its watermarks (those this
    sync claimed); None when the server no longer has the run."""
    run = await client.get_run(link.run_id)
    if run is None:
        return None
    link.status = (run.status or "")[:20] or None
    link.run_url = client.run_url(run)[:500]
    marks: dict[str, Any] = dict(link.watermarks or {})
    fetched: list[Point] = []
    for latest in sorted(run.latest, key=lambda p: p.key):
        if len(latest.key) > MAX_METRIC_NAME or not _newer(latest, marks.get(latest.key)):
            continue
        new = [
            p for p in await client.history(run.run_id, latest.key) if _newer(p, marks.get(p.key))
        ]
        fetched += new
        if new:
            marks[latest.key] = max(p.mark for p in new)
    by_step: dict[int, dict[str, Point]] = defaultdict(dict)
    for point in await _claim(session, link, fetched):
        current = by_step[point.step].get(point.key)
        if current is None or point.timestamp >= current.timestamp:
            by_step[point.step][point.key] = point
    observations = []
    for step in sorted(by_step):
        points = by_step[step]
        at = max(p.timestamp for p in points.values())
        observation = MetricObservation(
            item_id=link.item_id,
            values={key: p.value for key, p in sorted(points.items())},
            run_url=link.run_url,
            observed_at=datetime.fromtimestamp(at / 1000, UTC),
            recorded_by_id=actor.person_id,
        )
        session.add(observation)
        observations.append(observation)
    link.watermarks = marks  # a new dict: JSON columns see reassignment, not mutation
    link.synced_at = utcnow()
    return observations


async def sync_runs(
    session: AsyncSession,
    actor: Actor,
    client: TrackingClient,
    *,
    team_id: int | None = None,
    tag: str = "syncpoint.item",
) -> SyncReport:
    """Link runs tagged with an item key, then pull every linked run's new metric points (of
    one team, or every team the actor may sync) into metric observations."""
    teams = _scope(actor, team_id)
    stmt = select(TrackingRun).join(BacklogItem, BacklogItem.id == TrackingRun.item_id)
    if teams is not None:
        stmt = stmt.where(BacklogItem.team_id.in_(sorted(teams)))
    links = list((await session.scalars(stmt.order_by(TrackingRun.id))).all())
    report = SyncReport()
    # Every linked run, of any team: a run belongs to one item.
    known = set((await session.scalars(select(TrackingRun.run_id))).all())
    await _link_tagged(session, client, tag, teams, known, report)
    for link in [*links, *report.linked]:
        observations = await _pull(session, actor, client, link)
        if observations is None:
            report.missing_runs.append(link.run_id)
            continue
        report.runs.append(link)
        report.observations += observations
    await session.flush()
    return report
