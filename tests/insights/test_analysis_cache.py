"""The analysis is computed once per data version and shared: across requests of one app, and
across API processes on one PostgreSQL (the version is a database row every commit bumps)."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from strawberry.relay import to_base64

from syncpoint import migrate
from syncpoint.api import create_app
from syncpoint.auth.service import create_token
from syncpoint.core import data_version
from syncpoint.core.auth import Role
from syncpoint.core.db import make_engine, make_sessionmaker
from syncpoint.core.settings import Settings
from syncpoint.insights import result
from syncpoint.insights.analyses import AnalysisCache
from tests.conftest import migrated_url
from tests.support.factories import make_team
from tests.support.insights_factories import item, worked_example

AS_OF = "2027-01-20"

TEAM_MAP = """
query($asOf: Date) { dependencyMap(asOf: $asOf) { edges { source target count } } }"""

DEPENDENCY_LATE = """
query($id: ID!, $asOf: Date) { node(id: $id) { ... on Dependency { isLate(asOf: $asOf) } } }"""

CREATE_DEPENDENCY = """
mutation($input: CreateDependencyInput!) {
  createDependency(input: $input) { dependency { id } errors { code message } }
}"""


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts engine evaluations: one entry per `evaluate` call or incremental `reevaluate`
    (a change re-evaluated from the previous version's flags), the thread it ran in."""
    calls: list[int] = []
    real, real_incremental = result.evaluate, result.reevaluate

    def counting(*args: Any) -> Any:
        calls.append(threading.get_ident())
        return real(*args)

    def counting_incremental(*args: Any) -> Any:
        calls.append(threading.get_ident())
        return real_incremental(*args)

    monkeypatch.setattr(result, "evaluate", counting)
    monkeypatch.setattr(result, "reevaluate", counting_incremental)
    return calls


def total_count(data: dict[str, Any]) -> int:
    return sum(edge["count"] for edge in data["dependencyMap"]["edges"])


# --- the data version row ---------------------------------------------------------------------


async def test_a_committed_write_bumps_the_version_and_a_read_does_not(session):
    before = await data_version.current_version(session)
    await session.commit()  # nothing written
    unchanged = await data_version.current_version(session)

    await make_team(session, name="Versioned")
    assert data_version.pending_writes(session) > 0
    await session.commit()
    after = await data_version.current_version(session)

    assert unchanged == before
    assert after == before + 1
    assert data_version.pending_writes(session) == 0


async def test_writes_to_unversioned_tables_do_not_bump(session, monkeypatch):
    monkeypatch.setattr(data_version, "_UNVERSIONED", {"teams", "groups"})
    before = await data_version.current_version(session)

    await make_team(session, name="Unversioned")
    await session.commit()

    assert await data_version.current_version(session) == before


# --- one app: reuse, recompute after a change, own uncommitted writes never shared -----------


async def test_an_unchanged_version_reuses_the_result_and_a_mutation_recomputes(
    api, session, evaluations
):
    ex = await worked_example(session)
    await api.login(Role.ADMIN)

    first = await api.gql(TEAM_MAP, {"asOf": AS_OF})
    again = await api.gql(TEAM_MAP, {"asOf": AS_OF})
    late = await api.gql(
        DEPENDENCY_LATE, {"id": to_base64("Dependency", ex.r7_needs_fs12.id), "asOf": AS_OF}
    )
    assert len(evaluations) == 1  # three requests, one evaluation
    assert evaluations[0] != threading.get_ident()  # in a worker thread, not on the loop
    assert late["node"]["isLate"] is True

    extra = await item(session, ex.search, "S-9", "Extra")
    await session.commit()  # committed outside any request: the version moves on
    created = await api.gql(
        CREATE_DEPENDENCY,
        {
            "input": {
                "consumerItemId": to_base64("BacklogItem", extra.id),
                "providerItemId": to_base64("BacklogItem", ex.fs12.id),
                "type": "BLOCKING",
            }
        },
    )
    assert created["createDependency"]["errors"] == []
    after = await api.gql(TEAM_MAP, {"asOf": AS_OF})

    assert first == again
    assert total_count(after) == total_count(first) + 1
    assert len(evaluations) == 2


async def test_concurrent_requests_for_one_key_wait_for_one_computation():
    cache = AnalysisCache(4)
    runs: list[int] = []
    release = asyncio.Event()

    async def compute() -> str:
        runs.append(1)
        await release.wait()
        return "result"

    waiting = [asyncio.create_task(cache.get(("v1", "day"), compute)) for _ in range(5)]
    await asyncio.sleep(0)
    release.set()

    assert await asyncio.gather(*waiting) == ["result"] * 5
    assert runs == [1]
    assert await cache.get(("v1", "day"), compute) == "result"
    assert runs == [1]


async def test_a_failed_computation_is_not_kept():
    cache = AnalysisCache(4)
    attempts: list[int] = []

    async def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("database went away")
        return "result"

    with pytest.raises(RuntimeError):
        await cache.get(("v1",), flaky)

    assert await cache.get(("v1",), flaky) == "result"
    assert len(attempts) == 2


async def test_the_cache_keeps_at_most_its_size():
    cache = AnalysisCache(2)

    async def value() -> int:
        return 1

    for version in range(5):
        await cache.get((version,), value)

    assert len(cache) == 2


# --- two API processes on one PostgreSQL ------------------------------------------------------


@dataclass
class Instance:
    client: httpx.AsyncClient
    token: str

    async def gql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        body = response.json()
        assert "errors" not in body, body["errors"]
        return dict(body["data"])


@pytest.fixture
async def shared_postgres(database_urls: dict[str, Any]) -> AsyncIterator[str]:
    """A migrated PostgreSQL database of its own: the two apps really commit into it."""
    base = await asyncio.to_thread(migrated_url, database_urls, "postgresql")
    name = f"syncpoint_analysis_cache_{os.getpid()}"  # parallel runs never share it
    admin = make_engine(base, pool=False)
    async with admin.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        await conn.execute(text(f"CREATE DATABASE {name}"))
    url = base.rsplit("/", 1)[0] + f"/{name}"
    await asyncio.to_thread(migrate.upgrade, Settings(), "head", url=url)
    try:
        yield url
    finally:
        async with admin.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await admin.dispose()


async def test_two_apps_on_one_postgresql_share_the_truth(shared_postgres, evaluations):
    settings = Settings(environment="development", allow_anonymous_read=False)
    engines = [make_engine(shared_postgres), make_engine(shared_postgres)]
    async with make_sessionmaker(engines[0])() as session:
        ex = await worked_example(session)
        extra = await item(session, ex.search, "S-9", "Extra")
        issued = await create_token(session, role=Role.ADMIN, person_id=None, days=1)
        token = issued.secret
        await session.commit()
    apps = [create_app(settings, engine=engine) for engine in engines]
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        for app in apps
    ]
    one, two = (Instance(client, token) for client in clients)
    try:
        before = await asyncio.gather(*(two.gql(TEAM_MAP, {"asOf": AS_OF}) for _ in range(3)))
        assert len(evaluations) == 1  # concurrent requests on one app: one computation
        assert before[0] == before[1] == before[2]
        await one.gql(TEAM_MAP, {"asOf": AS_OF})
        assert len(evaluations) == 2  # the other process computes its own once

        created = await one.gql(
            CREATE_DEPENDENCY,
            {
                "input": {
                    "consumerItemId": to_base64("BacklogItem", extra.id),
                    "providerItemId": to_base64("BacklogItem", ex.fs12.id),
                    "type": "BLOCKING",
                }
            },
        )
        assert created["createDependency"]["errors"] == []
        after = await two.gql(TEAM_MAP, {"asOf": AS_OF})
        still = await two.gql(TEAM_MAP, {"asOf": AS_OF})

        assert total_count(after) == total_count(before[0]) + 1
        assert still == after
        assert len(evaluations) == 3  # recomputed once for the new version, then reused
    finally:
        for client in clients:
            await client.aclose()
        for engine in engines:
            await engine.dispose()


async def test_a_request_never_waits_on_a_newer_version_another_request_computes():
    cache = AnalysisCache(4)
    release = asyncio.Event()

    async def old() -> str:
        return "v1 result"

    async def slow_new() -> str:
        await release.wait()
        return "v2 result"

    assert await cache.get((1, "day"), old, stale=True) == "v1 result"
    computing = asyncio.create_task(cache.get((2, "day"), slow_new, stale=True))
    await asyncio.sleep(0)
    # Another request of version 2 meanwhile: answered with version 1's result, not blocked.
    assert await cache.get((2, "day"), slow_new, stale=True) == "v1 result"
    assert cache.latest(("day",)) == (1, "v1 result")
    release.set()
    assert await computing == "v2 result"
    assert await cache.get((2, "day"), slow_new, stale=True) == "v2 result"
    assert cache.latest(("day",)) == (2, "v2 result")
