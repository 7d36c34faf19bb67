"""Concurrent writers from many clients against one app all succeed (SQLite included: WAL, the
write lock taken up front, and a busy timeout make writers wait their turn)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from syncpoint.blockers.models import Blocker
from syncpoint.core.auth import Role
from tests.support.factories import make_member, make_team
from tests.support.live import client, issue_token, live_app, live_url  # noqa: F401
from tests.support.work_factories import gid

RAISE = """
mutation($input: RaiseBlockerInput!) {
  raiseBlocker(input: $input) { blocker { id title } errors { field code } }
}"""

WRITERS = 50


async def test_fifty_concurrent_raise_blocker_from_fifty_clients_all_succeed(live_url):  # noqa: F811
    async with live_app(live_url) as (app, _engine):
        async with app.state.sessionmaker() as session:
            team = await make_team(session)
            members = [await make_member(session, team) for _ in range(WRITERS)]
            await session.commit()
        tokens = [await issue_token(app, Role.TEAM_MEMBER, m.id) for m in members]
        clients = [client(app, token) for token in tokens]

        async def raise_one(i: int) -> dict:
            variables = {
                "input": {
                    "teamId": gid("Team", team.id),
                    "category": "DATA_QUALITY",
                    "severity": "HIGH",
                    "title": f"Concurrent {i}",
                }
            }
            response = await clients[i].post(
                "/graphql", json={"query": RAISE, "variables": variables}
            )
            return {"status": response.status_code, **response.json()}

        try:
            results = await asyncio.gather(*(raise_one(i) for i in range(WRITERS)))
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))

        assert [r for r in results if r["status"] != 200 or "errors" in r] == []
        assert all(r["data"]["raiseBlocker"]["errors"] == [] for r in results)
        titles = {r["data"]["raiseBlocker"]["blocker"]["title"] for r in results}
        assert titles == {f"Concurrent {i}" for i in range(WRITERS)}
        async with app.state.sessionmaker() as session:
            stored = await session.scalar(
                select(func.count()).select_from(Blocker).where(Blocker.team_id == team.id)
            )
        assert stored == WRITERS
