"""Item keys are allocated without races: concurrent creations in one team all succeed with
distinct keys; a key set by hand moves the counter past it."""

from __future__ import annotations

import asyncio

from syncpoint.core.auth import Role
from syncpoint.work.service import key_prefix
from tests.support.factories import make_member, make_team
from tests.support.live import client, issue_token, live_app, live_url  # noqa: F401
from tests.support.work_factories import gid, make_item

CREATE = """
mutation($input: CreateBacklogItemInput!) {
  createBacklogItem(input: $input) { item { key } errors { field code } }
}"""

CLIENTS = 50


def create_input(team_id: int, title: str, **extra: str) -> dict:
    return {"input": {"teamId": gid("Team", team_id), "title": title, "kind": "DATA", **extra}}


async def test_fifty_concurrent_creations_in_one_team_get_distinct_keys(live_url):  # noqa: F811
    async with live_app(live_url) as (app, _engine):
        async with app.state.sessionmaker() as session:
            team = await make_team(session)
            members = [await make_member(session, team) for _ in range(CLIENTS)]
            await session.commit()
        tokens = [await issue_token(app, Role.TEAM_MEMBER, m.id) for m in members]
        clients = [client(app, token) for token in tokens]

        async def create(i: int) -> dict:
            payload = create_input(team.id, f"Item {i}")
            response = await clients[i].post(
                "/graphql", json={"query": CREATE, "variables": payload}
            )
            return {"status": response.status_code, **response.json()}

        try:
            results = await asyncio.gather(*(create(i) for i in range(CLIENTS)))
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))

    assert [r for r in results if r["status"] != 200 or "errors" in r] == []
    assert [r for r in results if r["data"]["createBacklogItem"]["errors"]] == []
    keys = [r["data"]["createBacklogItem"]["item"]["key"] for r in results]
    prefix = key_prefix(team.slug)
    assert sorted(keys) == sorted(f"{prefix}-{n}" for n in range(1, CLIENTS + 1))


async def test_a_key_set_by_hand_moves_the_counter_past_it(api, session):
    team = await make_team(session)
    prefix = key_prefix(team.slug)
    first = await make_item(session, team)
    await make_item(session, team, key=f"{prefix}-7")
    await api.login(Role.ADMIN)
    data = await api.gql(CREATE, create_input(team.id, "After the manual key"))
    assert first.key == f"{prefix}-1"
    assert data["createBacklogItem"]["item"]["key"] == f"{prefix}-8"
