"""Database faults answer 503 DATABASE_UNAVAILABLE with a Retry-After, never CONFLICT for a read,
never plain-text 500, never SQL; killed PostgreSQL connections lose no acknowledged write."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from syncpoint.blockers.models import Blocker
from syncpoint.core.auth import Role
from tests.support.factories import make_member, make_team
from tests.support.live import client, issue_token, live_app, live_url  # noqa: F401
from tests.support.work_factories import gid

RAISE = """
mutation($input: RaiseBlockerInput!) {
  raiseBlocker(input: $input) { blocker { id title } errors { field code } }
}"""

TEAM_AND_BOGUS_NODE = """
query($slug: String!) { team(slug: $slug) { name } nodes(ids: ["bogus"]) { id } }"""


def raise_input(team_id: int, title: str) -> dict:
    return {
        "input": {
            "teamId": gid("Team", team_id),
            "category": "DATA_QUALITY",
            "severity": "HIGH",
            "title": title,
        }
    }


async def given_member(app):
    async with app.state.sessionmaker() as session:
        team = await make_team(session)
        member = await make_member(session, team)
        await session.commit()
    return team, await issue_token(app, Role.TEAM_MEMBER, member.id)


async def test_a_locked_sqlite_database_answers_503_retryable_without_sql(live_url, backend):  # noqa: F811
    if backend != "sqlite":
        pytest.skip("SQLite's file lock")
    async with live_app(live_url, busy_timeout_s=0.2) as (app, _engine):
        team, token = await given_member(app)
        # Another process holds the write lock for longer than the busy timeout.
        other = sqlite3.connect(make_url(live_url).database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            async with client(app, token) as http:
                response = await http.post(
                    "/graphql", json={"query": RAISE, "variables": raise_input(team.id, "Locked")}
                )
        finally:
            other.rollback()
            other.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    errors = response.json()["errors"]
    assert {e["extensions"]["code"] for e in errors} == {"DATABASE_UNAVAILABLE"}
    assert not any("SQL" in e["message"] or "INSERT" in e["message"] for e in errors)


async def test_a_bad_id_beside_a_read_answers_beside_the_data_never_conflict(live_url):  # noqa: F811
    async with live_app(live_url) as (app, _engine):
        team, token = await given_member(app)
        async with client(app, token) as http:
            body = (
                await http.post(
                    "/graphql",
                    json={"query": TEAM_AND_BOGUS_NODE, "variables": {"slug": team.slug}},
                )
            ).json()
    assert body["data"]["team"] == {"name": team.name}
    assert body["data"]["nodes"] == [None]
    assert "errors" not in body or all(
        e["extensions"]["code"] not in ("CONFLICT", "INTERNAL") for e in body["errors"]
    )


KILL_OTHERS = text(
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)
TEAM_QUERY = "query($slug: String!) { team(slug: $slug) { name } }"


async def test_killed_postgres_connections_lose_no_acknowledged_write(live_url, backend):  # noqa: F811
    if backend != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    async with live_app(live_url) as (app, _engine):
        team, token = await given_member(app)
        acknowledged: list[str] = []
        answers: list[tuple[int, dict, str | None]] = []
        stop = asyncio.Event()

        async def writer(http, n: int) -> None:
            for i in range(12):
                title = f"fault {n}-{i}"
                response = await http.post(
                    "/graphql", json={"query": RAISE, "variables": raise_input(team.id, title)}
                )
                body = response.json()
                answers.append((response.status_code, body, response.headers.get("Retry-After")))
                if response.status_code == 200 and body["data"]["raiseBlocker"]["blocker"]:
                    acknowledged.append(title)

        async def reader(http) -> None:
            while not stop.is_set():
                response = await http.post(
                    "/graphql", json={"query": TEAM_QUERY, "variables": {"slug": team.slug}}
                )
                answers.append(
                    (response.status_code, response.json(), response.headers.get("Retry-After"))
                )

        async def killer() -> int:
            from syncpoint.core.db import make_engine

            engine = make_engine(live_url, pool=False)
            killed = 0
            try:
                while not stop.is_set():
                    async with engine.connect() as conn:
                        killed += int(await conn.scalar(KILL_OTHERS) or 0)
                    await asyncio.sleep(0.05)  # pacing of the fault injection, not a timing test
            finally:
                await engine.dispose()
            return killed

        async with client(app, token) as http:
            kill_task = asyncio.create_task(killer())
            read_task = asyncio.create_task(reader(http))
            await asyncio.gather(*(writer(http, n) for n in range(4)))
            stop.set()
            await read_task
            killed = await kill_task
            # Recovered without a restart: the next request is served.
            after = await http.post(
                "/graphql", json={"query": RAISE, "variables": raise_input(team.id, "after")}
            )
        assert after.status_code == 200, after.text
        assert after.json()["data"]["raiseBlocker"]["blocker"]["title"] == "after"

        async with app.state.sessionmaker() as session:
            stored = list(
                (
                    await session.execute(
                        select(Blocker.title, func.count())
                        .where(Blocker.team_id == team.id)
                        .group_by(Blocker.title)
                    )
                ).all()
            )
    counts = dict(stored)
    assert killed > 0
    assert all(counts.get(title) == 1 for title in acknowledged)  # none lost
    assert all(n == 1 for n in counts.values())  # none applied twice
    for status, body, retry_after in answers:
        if status == 200 and "errors" not in body:
            continue
        codes = {e["extensions"]["code"] for e in body["errors"]}
        assert (status, codes, retry_after) == (503, {"DATABASE_UNAVAILABLE"}, "1"), body
