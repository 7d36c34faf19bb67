"""Live blocker events over graphql-transport-ws: published after commit, filtered by forum.

The single-app tests run on both databases (in-process bus); the two-app test runs on PostgreSQL
only: two app instances, each with its own engine and LISTEN connection, share one database, and
an event committed through one reaches a subscriber connected to the other.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import delete, select

from syncpoint import migrate
from syncpoint.api import create_app
from syncpoint.auth.models import ApiToken
from syncpoint.auth.service import create_token
from syncpoint.blockers.models import Blocker, BlockerEscalation, BlockerEvent
from syncpoint.core.auth import Role
from syncpoint.core.db import make_engine, make_sessionmaker
from syncpoint.core.settings import Settings
from syncpoint.events import LocalBus, attach_bus, collect
from syncpoint.events.messages import BlockerEventMessage
from syncpoint.forums.models import Forum, ForumMember
from syncpoint.teams.models import Group, Membership, Person, Team
from tests.conftest import migrated_url
from tests.scrum_of_scrums.wsclient import (
    client_for,
    close_code_on_connect,
    graphql_ws,
    next_message,
    subscribe,
    until_subscribed,
)
from tests.support.factories import make_team
from tests.support.sos_factories import make_forum
from tests.support.work_factories import gid

SUBSCRIPTION = """
subscription($forumId: ID!) {
  blockerEvents(forumId: $forumId) {
    kind field newValue
    blocker { title escalationLevel team { slug } }
  }
}"""

RAISE = """
mutation($input: RaiseBlockerInput!) {
  raiseBlocker(input: $input) { blocker { id version } errors { code } }
}"""

ESCALATE = """
mutation($input: EscalateBlockerInput!) {
  escalateBlocker(input: $input) { blocker { version } errors { code } }
}"""


async def _post(client: Any, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"])


def _raise(team: Team, title: str) -> dict[str, Any]:
    return {
        "input": {
            "teamId": gid("Team", team.id),
            "category": "DEPENDENCY",
            "severity": "HIGH",
            "title": title,
        }
    }


def _event(message: dict[str, Any]) -> tuple[str, str, str]:
    assert message["type"] == "next", message
    event = message["payload"]["data"]["blockerEvents"]
    return event["kind"], event["blocker"]["title"], event["blocker"]["team"]["slug"]


async def test_commit_publishes_and_a_rolled_back_savepoint_does_not(session):
    bus = LocalBus()
    attach_bus(session, bus)
    async with bus.subscribe() as received:
        with contextlib.suppress(RuntimeError):
            async with session.savepoint():
                collect(session, BlockerEventMessage(1, 1, 1, None, "RAISED"))
                raise RuntimeError("the mutation failed")
        collect(session, BlockerEventMessage(2, 2, 1, None, "RAISED"))
        assert received._queue.empty()  # nothing before the commit
        await session.commit()

        assert [received._queue.get_nowait().event_id] == [2]
        assert received._queue.empty()


@pytest.fixture
async def sqlite_app(tmp_path: Any) -> AsyncIterator[tuple[FastAPI, str]]:
    """An app on its own migrated SQLite file with its own engine: sessions on separate
    connections commit for real, as in production (the rolled-back test connection cannot be
    shared by a subscriber and concurrent requests)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    await asyncio.to_thread(migrate.upgrade, Settings(), "head", url=url)
    app = create_app(Settings(database_url=url, environment="development"))
    async with app.router.lifespan_context(app):
        yield app, url


async def test_forum_subscribers_get_their_teams_events_in_order(sqlite_app):
    app, url = sqlite_app
    engine = make_engine(url, pool=False)
    async with make_sessionmaker(engine)() as session:
        member_team, outsider = await make_team(session), await make_team(session)
        forum = await make_forum(session, [member_team])
        viewer = (await create_token(session, role=Role.VIEWER, person_id=None, days=1)).secret
        admin = (await create_token(session, role=Role.ADMIN, person_id=None, days=1)).secret
        await session.commit()
    await engine.dispose()

    async with client_for(app) as client, graphql_ws(client, viewer) as ws:
        await subscribe(ws, SUBSCRIPTION, {"forumId": gid("Forum", forum.id)})
        await until_subscribed(app)
        await _post(client, admin, RAISE, _raise(outsider, "not ours"))
        raised = (await _post(client, admin, RAISE, _raise(member_team, "ours")))["raiseBlocker"]
        await _post(
            client,
            admin,
            ESCALATE,
            {
                "input": {
                    "id": raised["blocker"]["id"],
                    "version": raised["blocker"]["version"],
                    "reason": "cross-team",
                }
            },
        )

        first, second = await next_message(ws), await next_message(ws)

    assert _event(first) == ("RAISED", "ours", member_team.slug)
    assert _event(second) == ("ESCALATED", "ours", member_team.slug)
    assert second["payload"]["data"]["blockerEvents"]["newValue"] == "SCRUM_OF_SCRUMS"


async def test_subscription_errors_carry_stable_codes(sqlite_app):
    app, url = sqlite_app
    engine = make_engine(url, pool=False)
    async with make_sessionmaker(engine)() as session:
        viewer = (await create_token(session, role=Role.VIEWER, person_id=None, days=1)).secret
        await session.commit()
    await engine.dispose()

    async with client_for(app) as client, graphql_ws(client, viewer) as ws:
        await subscribe(ws, SUBSCRIPTION, {"forumId": gid("Forum", 987654)})
        unknown = await next_message(ws)
        await ws.send_json(
            {"id": "2", "type": "subscribe", "payload": {"query": "subscription { nope }"}}
        )
        malformed = await next_message(ws)
        while malformed.get("id") != "2":  # subscription 1 completes after its error
            malformed = await next_message(ws)

    errors = unknown["payload"] if unknown["type"] == "error" else unknown["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
    assert malformed["type"] == "error", malformed
    assert [e["extensions"]["code"] for e in malformed["payload"]] == ["GRAPHQL_VALIDATION_FAILED"]


async def test_an_invalid_token_closes_the_connection(sessionmaker, settings):
    app = create_app(settings, sessionmaker=sessionmaker)

    async with client_for(app) as client:
        code = await close_code_on_connect(client, "sp_not-a-token")

    assert code == 4403


# ---- two API processes on one PostgreSQL database ---------------------------------------------


async def _committed_fixture(url: str) -> dict[str, Any]:
    """Data committed for real (NOTIFY is delivered on commit only); removed by _cleanup."""
    engine = make_engine(url, pool=False)
    async with make_sessionmaker(engine)() as session:
        team = await make_team(session)
        forum = await make_forum(session, [team])
        viewer = await create_token(session, role=Role.VIEWER, person_id=None, days=1)
        admin = await create_token(session, role=Role.ADMIN, person_id=None, days=1)
        ids = {
            "team": team,
            "forum": forum,
            "group": team.group_id,
            "tokens": [viewer.token.id, admin.token.id],
            "viewer": viewer.secret,
            "admin": admin.secret,
        }
        await session.commit()
    await engine.dispose()
    return ids


async def _cleanup(url: str, data: dict[str, Any]) -> None:
    engine = make_engine(url, pool=False)
    async with make_sessionmaker(engine)() as session:
        team_id, forum_id = data["team"].id, data["forum"].id
        blockers = select(Blocker.id).where(Blocker.team_id == team_id)
        people = select(Membership.person_id).where(Membership.team_id == team_id)
        person_ids = list(await session.scalars(people))
        forum = await session.get(Forum, forum_id)
        facilitator = forum.facilitator_id if forum else None
        for stmt in (
            delete(BlockerEvent).where(BlockerEvent.blocker_id.in_(blockers)),
            delete(BlockerEscalation).where(BlockerEscalation.blocker_id.in_(blockers)),
            delete(Blocker).where(Blocker.team_id == team_id),
            delete(ForumMember).where(ForumMember.forum_id == forum_id),
            delete(Forum).where(Forum.id == forum_id),
            delete(ApiToken).where(ApiToken.id.in_(data["tokens"])),
            delete(Membership).where(Membership.team_id == team_id),
            delete(Person).where(Person.id.in_([*person_ids, facilitator])),
            delete(Team).where(Team.id == team_id),
            delete(Group).where(Group.id == data["group"]),
        ):
            await session.execute(stmt)
        await session.commit()
    await engine.dispose()


@pytest.mark.postgres_only
async def test_events_reach_a_subscriber_of_another_app_instance(database_urls):
    url = await asyncio.to_thread(migrated_url, database_urls, "postgresql")
    data = await _committed_fixture(url)
    settings = Settings(database_url=url, environment="development")
    publisher, listener = create_app(settings), create_app(settings)
    try:
        async with (
            publisher.router.lifespan_context(publisher),
            listener.router.lifespan_context(listener),
        ):
            await asyncio.wait_for(listener.state.events.wait_listening(), 10)
            async with (
                client_for(listener) as listening,
                client_for(publisher) as publishing,
                graphql_ws(listening, data["viewer"]) as ws,
            ):
                await subscribe(ws, SUBSCRIPTION, {"forumId": gid("Forum", data["forum"].id)})
                await until_subscribed(listener)
                await _post(publishing, data["admin"], RAISE, _raise(data["team"], "elsewhere"))

                message = await next_message(ws)

            assert publisher.state.events.subscriber_count == 0
    finally:
        await _cleanup(url, data)

    assert _event(message) == ("RAISED", "elsewhere", data["team"].slug)
