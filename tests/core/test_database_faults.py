"""Database faults answer 503 DATABASE_UNAVAILABLE with a Retry-After, never CONFLICT for a read,
never plain-text 500, never SQL; killed PostgreSQL connections lose no acknowledged write."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.engine import make_url

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
