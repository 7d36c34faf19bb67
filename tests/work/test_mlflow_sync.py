"""Items linked to MLflow runs: a real tracking server (SQLite backend, a free local port) is
started, runs are logged with MLflow's client, and Syncpoint pulls their metrics over HTTP.

The server lives in its own environment (`make mlflow-server`: its graphene needs a graphql-core
strawberry cannot use), found at .mlflow-server/ or SYNCPOINT_TEST_MLFLOW_SERVER (the `mlflow`
command). Skipped with the reason when there is none, except under CI=true where that fails.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from syncpoint.core.auth import Role
from syncpoint.core.settings import Settings
from syncpoint.work import mlflow as mlflow_svc
from syncpoint.work.models import ItemKind, MetricObservation
from syncpoint.work.tracking_models import TrackingPoint, TrackingRun
from tests.conftest import api_client
from tests.support.factories import make_member, make_team
from tests.support.live import client, issue_token, live_app, live_url  # noqa: F401
from tests.support.work_factories import gid, make_item

ROOT = Path(__file__).resolve().parents[2]
TAG = "syncpoint.item"

LINK = """
mutation($input: LinkTrackingRunInput!) {
  linkTrackingRun(input: $input) {
    run { runId linkedBy runUrl status item { key } } errors { field code message }
  }
}"""

SYNC = """
mutation($input: SyncTrackingRunsInput!) {
  syncTrackingRuns(input: $input) {
    sync {
      runs { runId linkedBy }
      linked { runId item { key } }
      observations { runUrl values { metric value } }
      missingRunIds unknownItemKeys
    }
    errors { field code message }
  }
}"""

ITEM = """
query($key: String!, $id: ID!) {
  backlogItem(key: $key) {
    acceptanceCriteria { text met observedValue }
    observations(first: 50) { totalCount }
  }
  trackingRuns(itemId: $id, first: 10) { totalCount edges { node { runId syncedAt } } }
}"""

SET_CRITERIA = """
mutation($input: SetAcceptanceCriteriaInput!) {
  setAcceptanceCriteria(input: $input) { errors { field code } }
}"""


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the MLflow tests (make mlflow-server)", pytrace=False)
    pytest.skip(reason)


def _server_command() -> str | None:
    named = os.environ.get("SYNCPOINT_TEST_MLFLOW_SERVER")
    if named:
        return named
    local = ROOT / ".mlflow-server" / "bin" / "mlflow"
    return str(local) if local.exists() else shutil.which("mlflow-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _end_group(process: subprocess.Popen[bytes]) -> None:
    """End the server and every worker it started (its process group)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a live MLflow tracking server, for this test session."""
    try:
        from mlflow import MlflowClient  # noqa: F401 - the client the tests log runs with
    except ImportError:
        _unavailable("the MLflow client is not installed (pip install -e '.[dev]')")
    command = _server_command()
    if command is None:
        _unavailable("no MLflow tracking server: run `make mlflow-server`")
    assert command is not None
    home = tmp_path_factory.mktemp("mlflow")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (home / "server.log").open("w")
    process = subprocess.Popen(
        [
            command,
            "server",
            "--backend-store-uri",
            f"sqlite:///{home / 'mlflow.db'}",
            "--default-artifact-root",
            (home / "artifacts").as_uri(),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own process group: the server starts workers (uvicorn, job consumers) of its own,
        # which must end with it.
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                tail = (home / "server.log").read_text()[-2000:]
                pytest.fail(f"the MLflow server did not start:\n{tail}", pytrace=False)
            time.sleep(0.5)
        yield url
    finally:
        _end_group(process)
        log.close()


@pytest.fixture
def settings(mlflow_server: str) -> Settings:
    # A generous timeout: on a loaded machine the tracking server answers slowly.
    return Settings(
        environment="development",
        allow_anonymous_read=False,
        mlflow_tracking_uri=mlflow_server,
        mlflow_timeout_s=60,
    )


@pytest.fixture
def tracking(mlflow_server: str) -> Any:
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=mlflow_server)


def _run(client: Any, experiment: str, tags: dict[str, str] | None = None) -> str:
    found = client.get_experiment_by_name(experiment)
    experiment_id = found.experiment_id if found else client.create_experiment(experiment)
    return str(client.create_run(experiment_id, tags=tags or {}).info.run_id)


def _unique_key() -> str:
    """An item key no other test's run is tagged with: the tests share one tracking server per
    worker, and item keys restart with every test's fresh database."""
    return f"ML{uuid.uuid4().hex[:8].upper()}-1"


async def _sync(api: Any, team_id: str | None = None) -> dict[str, Any]:
    data = await api.gql(SYNC, {"input": {"teamId": team_id} if team_id else {}})
    return dict(data["syncTrackingRuns"])


async def test_a_run_linked_by_id_brings_its_metrics_once_and_then_only_new_points(
    api, session, tracking
):
    # given an experiment with a criterion and an MLflow run that logged two evaluation steps
    team = await make_team(session)
    item = await make_item(session, team, kind=ItemKind.EXPERIMENT, key=_unique_key())
    item_id, team_id = gid("BacklogItem", item.id), gid("Team", team.id)
    run_id = _run(tracking, f"ranking-{item.key}")
    for step, (precision, recall) in enumerate([(0.88, 0.8), (0.91, 0.84)]):
        tracking.log_metric(run_id, "precision", precision, step=step)
        tracking.log_metric(run_id, "recall", recall, step=step)
    await api.login(Role.ADMIN)
    criterion = {"metric": "precision", "comparator": "GTE", "threshold": 0.92}
    await api.gql(
        SET_CRITERIA, {"input": {"itemId": item_id, "version": 1, "criteria": [criterion]}}
    )

    # when it is linked by the run's id and synced
    linked = (await api.gql(LINK, {"input": {"itemId": item_id, "runId": run_id}}))[
        "linkTrackingRun"
    ]
    assert linked["errors"] == []
    assert linked["run"]["linkedBy"] == "RUN_ID"
    assert linked["run"]["item"] == {"key": item.key}
    assert linked["run"]["runUrl"].endswith(f"/runs/{run_id}")
    first = await _sync(api, team_id)

    # then every step became one observation carrying the run's URL
    assert first["errors"] == []
    assert [r["runId"] for r in first["sync"]["runs"]] == [run_id]
    assert [o["values"] for o in first["sync"]["observations"]] == [
        [{"metric": "precision", "value": 0.88}, {"metric": "recall", "value": 0.8}],
        [{"metric": "precision", "value": 0.91}, {"metric": "recall", "value": 0.84}],
    ]
    assert {o["runUrl"] for o in first["sync"]["observations"]} == {linked["run"]["runUrl"]}
    data = await api.gql(ITEM, {"key": item.key, "id": item_id})
    assert data["backlogItem"]["observations"]["totalCount"] == 2
    assert data["backlogItem"]["acceptanceCriteria"][0]["met"] is False
    assert data["trackingRuns"]["edges"][0]["node"]["syncedAt"] is not None

    # when it is synced again: nothing new
    again = await _sync(api, team_id)
    assert again["sync"]["observations"] == []

    # when the run logs a third step: only that step comes in, and the criterion is met
    tracking.log_metric(run_id, "precision", 0.93, step=2)
    third = await _sync(api, team_id)
    assert [o["values"] for o in third["sync"]["observations"]] == [
        [{"metric": "precision", "value": 0.93}]
    ]
    data = await api.gql(ITEM, {"key": item.key, "id": item_id})
    assert data["backlogItem"]["observations"]["totalCount"] == 3
    assert data["backlogItem"]["acceptanceCriteria"][0] == {
        "text": "precision >= 0.92",
        "met": True,
        "observedValue": 0.93,
    }


async def test_a_run_tagged_with_an_item_key_is_linked_by_the_sync(api, session, tracking):
    # given a run tagged with an item's key and one tagged with a key no item has
    team = await make_team(session)
    item = await make_item(session, team, kind=ItemKind.EXPERIMENT, key=_unique_key())
    tagged = _run(tracking, f"tagged-{item.key}", {TAG: item.key})
    tracking.log_metric(tagged, "auc", 0.81)
    stray_key = f"NOPE-{item.id}"
    _run(tracking, f"stray-{item.key}", {TAG: stray_key})
    await api.login(Role.ADMIN)

    # when every team is synced
    result = await _sync(api)

    # then the tagged run is linked to its item and its metric observed; the stray key named
    assert result["errors"] == []
    assert {"runId": tagged, "item": {"key": item.key}} in result["sync"]["linked"]
    assert stray_key in result["sync"]["unknownItemKeys"]
    observed = [o for o in result["sync"]["observations"] if o["runUrl"].endswith(tagged)]
    assert [o["values"] for o in observed] == [[{"metric": "auc", "value": 0.81}]]
    runs = await api.gql(ITEM, {"key": item.key, "id": gid("BacklogItem", item.id)})
    assert [e["node"]["runId"] for e in runs["trackingRuns"]["edges"]] == [tagged]

    # and a second sync neither links it again nor observes it twice
    again = await _sync(api)
    assert tagged not in [r["runId"] for r in again["sync"]["linked"]]
    assert not [o for o in again["sync"]["observations"] if o["runUrl"].endswith(tagged)]


async def test_two_concurrent_syncs_of_one_run_record_each_point_once(
    backend,
    live_url,  # noqa: F811
    mlflow_server,
    tracking,
    monkeypatch,
):
    # given a committed item linked to a run that logged three steps of two metrics
    async with live_app(live_url, mlflow_tracking_uri=mlflow_server, mlflow_timeout_s=60) as (
        app,
        _engine,
    ):
        async with app.state.sessionmaker() as session:
            team = await make_team(session)
            item = await make_item(session, team, kind=ItemKind.EXPERIMENT, key=_unique_key())
            await session.commit()
        run_id = _run(tracking, f"concurrent-{item.key}")
        for step in range(3):
            tracking.log_metric(run_id, "precision", 0.8 + step / 100, step=step)
            tracking.log_metric(run_id, "recall", 0.7 + step / 100, step=step)
        token = await issue_token(app, Role.ADMIN)
        first, second = client(app, token), client(app, token)
        linked = await first.post(
            "/graphql",
            json={
                "query": LINK,
                "variables": {"input": {"itemId": gid("BacklogItem", item.id), "runId": run_id}},
            },
        )
        assert linked.json()["data"]["linkTrackingRun"]["errors"] == []
        if backend == "postgresql":
            # Both syncs read the run's watermarks before either records a point (PostgreSQL
            # lets them overlap; SQLite's writers take the write lock up front, one after
            # the other, so there the second simply finds the first's points).
            barrier = asyncio.Barrier(2)
            get_run = mlflow_svc.TrackingClient.get_run

            async def meet_then_get(self: Any, wanted: str) -> Any:
                if wanted == run_id:
                    await asyncio.wait_for(barrier.wait(), 60)
                return await get_run(self, wanted)

            monkeypatch.setattr(mlflow_svc.TrackingClient, "get_run", meet_then_get)

        # when two clients sync the item's team at the same time
        async def sync(api: httpx.AsyncClient) -> dict[str, Any]:
            variables = {"input": {"teamId": gid("Team", team.id)}}
            response = await api.post("/graphql", json={"query": SYNC, "variables": variables})
            return dict(response.json()["data"]["syncTrackingRuns"])

        try:
            results = await asyncio.gather(sync(first), sync(second))
        finally:
            await asyncio.gather(first.aclose(), second.aclose())

        # then both succeed and, between them, every step was observed once
        assert [r["errors"] for r in results] == [[], []]
        observed = [o["values"] for r in results for o in r["sync"]["observations"]]
        assert sorted(observed, key=lambda v: v[0]["value"]) == [
            [
                {"metric": "precision", "value": 0.8 + step / 100},
                {"metric": "recall", "value": 0.7 + step / 100},
            ]
            for step in range(3)
        ]
        async with app.state.sessionmaker() as session:
            stored = await session.scalar(
                select(func.count())
                .select_from(MetricObservation)
                .where(MetricObservation.item_id == item.id)
            )
            points = await session.scalar(
                select(func.count())
                .select_from(TrackingPoint)
                .join(TrackingRun, TrackingRun.id == TrackingPoint.tracking_run_id)
                .where(TrackingRun.run_id == run_id)
            )
        assert (stored, points) == (3, 6)


async def test_an_unknown_run_or_an_unreachable_server_is_a_coded_error(
    api, session, sessionmaker, tracking
):
    team = await make_team(session)
    item = await make_item(session, team, kind=ItemKind.EXPERIMENT)
    item_id = gid("BacklogItem", item.id)
    await api.login(Role.ADMIN)

    unknown = await api.gql(LINK, {"input": {"itemId": item_id, "runId": "0" * 32}})
    assert unknown["linkTrackingRun"]["errors"][0]["code"] == "NOT_FOUND"
    assert unknown["linkTrackingRun"]["errors"][0]["field"] == "runId"

    # a server nobody listens on
    down = Settings(
        environment="development",
        mlflow_tracking_uri=f"http://127.0.0.1:{_free_port()}",
        mlflow_timeout_s=2,
    )
    async with api_client(sessionmaker, down, session) as other:
        await other.login(Role.ADMIN)
        payload = (await other.gql(SYNC, {"input": {}}))["syncTrackingRuns"]
        assert payload["sync"] is None
        assert payload["errors"][0]["code"] == "TRACKING_UNAVAILABLE"
        assert "cannot be reached" in payload["errors"][0]["message"]
    unset = Settings(environment="development")
    async with api_client(sessionmaker, unset, session) as other:
        await other.login(Role.ADMIN)
        payload = (await other.gql(SYNC, {"input": {}}))["syncTrackingRuns"]
        assert payload["errors"][0]["code"] == "TRACKING_UNAVAILABLE"
        assert "SYNCPOINT_MLFLOW_TRACKING_URI" in payload["errors"][0]["message"]


async def test_a_member_syncs_only_their_own_teams(api, session, tracking):
    ours, theirs = await make_team(session), await make_team(session)
    person = await make_member(session, ours)
    await api.login(Role.TEAM_MEMBER, person.id)
    errors = await api.errors(SYNC, {"input": {"teamId": gid("Team", theirs.id)}})
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    own = await _sync(api, gid("Team", ours.id))
    assert own["errors"] == []


def test_the_cli_syncs_tagged_runs_once_and_says_when_the_server_is_down(
    tmp_path, monkeypatch, mlflow_server, tracking
):
    import asyncio

    from typer.testing import CliRunner

    from syncpoint.cli import app
    from syncpoint.core.db import make_engine, make_sessionmaker
    from syncpoint.core.settings import get_settings

    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SYNCPOINT_DATABASE_URL", url)
    monkeypatch.setenv("SYNCPOINT_MLFLOW_TRACKING_URI", mlflow_server)
    monkeypatch.setenv("SYNCPOINT_MLFLOW_TIMEOUT_S", "60")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0

        async def seed() -> str:
            engine = make_engine(url, pool=False)
            async with make_sessionmaker(engine)() as session:
                team = await make_team(session)
                # A key no other test's run is tagged with (they share one tracking server).
                item = await make_item(session, team, kind=ItemKind.EXPERIMENT, key=_unique_key())
                await session.commit()
                key = item.key
            await engine.dispose()
            return key

        key = asyncio.run(seed())
        run_id = _run(tracking, f"cli-{key}-{tmp_path.name}", {TAG: key})
        tracking.log_metric(run_id, "map", 0.33)

        first = runner.invoke(app, ["mlflow", "sync"])
        assert first.exit_code == 0, first.output
        assert "(1 newly linked by tag), 1 metric observations added" in first.output
        second = runner.invoke(app, ["mlflow", "sync"])
        assert second.exit_code == 0, second.output
        assert "(0 newly linked by tag), 0 metric observations added" in second.output

        monkeypatch.setenv("SYNCPOINT_MLFLOW_TRACKING_URI", f"http://127.0.0.1:{_free_port()}")
        get_settings.cache_clear()
        down = runner.invoke(app, ["mlflow", "sync"])
        assert down.exit_code == 1
        assert "TRACKING_UNAVAILABLE" in down.output
        assert "cannot be reached" in down.output
    finally:
        get_settings.cache_clear()
