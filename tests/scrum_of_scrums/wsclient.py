"""A small graphql-transport-ws client over httpx-ws, for the subscription tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from httpx_ws import AsyncWebSocketSession, WebSocketDisconnect, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

PROTOCOL = "graphql-transport-ws"
WAIT_SECONDS = 10.0


@asynccontextmanager
async def client_for(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client that speaks HTTP and WebSocket to the app, in this event loop."""
    transport = ASGIWebSocketTransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@asynccontextmanager
async def graphql_ws(
    client: httpx.AsyncClient, token: str | None
) -> AsyncIterator[AsyncWebSocketSession]:
    """A connection that has been acknowledged (connection_init carries the token)."""
    async with aconnect_ws(
        "http://test/graphql",
        client,
        subprotocols=[PROTOCOL],
        keepalive_ping_interval_seconds=None,
    ) as ws:
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await ws.send_json({"type": "connection_init", "payload": payload})
        ack = await ws.receive_json(timeout=WAIT_SECONDS)
        assert ack["type"] == "connection_ack", ack
        yield ws


async def subscribe(ws: AsyncWebSocketSession, query: str, variables: dict[str, Any]) -> None:
    await ws.send_json(
        {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}
    )


async def next_message(ws: AsyncWebSocketSession) -> dict[str, Any]:
    """The next message that is not a ping (answered) or pong."""
    while True:
        message: dict[str, Any] = await ws.receive_json(timeout=WAIT_SECONDS)
        if message["type"] == "ping":
            await ws.send_json({"type": "pong"})
            continue
        if message["type"] != "pong":
            return message


async def until_subscribed(app: FastAPI, count: int = 1) -> None:
    """Wait (bounded) until the app's bus has `count` subscriptions: the server side is ready."""
    for _ in range(int(WAIT_SECONDS / 0.01)):
        if app.state.events.subscriber_count >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the subscription never registered on the bus")


async def close_code_on_connect(client: httpx.AsyncClient, token: str | None) -> int | None:
    """The close code the server answers connection_init with (None if it acknowledged)."""
    codes: list[int] = []
    try:
        async with graphql_ws(client, token):
            return None
    except* WebSocketDisconnect as group:
        codes = [e.code for e in group.exceptions if isinstance(e, WebSocketDisconnect)]
    return codes[0] if codes else None
