"""Admission: a bounded number of requests at work per process, the others waiting their turn,
and a coded 503 with `Retry-After` for one that waits too long (issue 10: the process stays
within its memory however many clients call at once)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from syncpoint.api import create_app
from syncpoint.auth import transport as transport_module
from syncpoint.core.limits import RateLimits, RequestLimits
from syncpoint.core.settings import Settings

BODY = b'{"query": "{ __typename }"}'


class Sent(list[Any]):
    """The messages a request was answered with; `send` is its ASGI send."""

    async def send(self, message: Any) -> None:
        self.append(message)


def _request(path: str = "/graphql") -> tuple[dict[str, Any], Any, Sent]:
    scope = {
        "type": "http",
        "path": path,
        "method": "POST",
        "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1),
    }
    messages = [{"type": "http.request", "body": BODY, "more_body": False}]
    hang_up = asyncio.Event()

    async def receive() -> Any:
        if messages:
            return messages.pop(0)
        await hang_up.wait()
        return {"type": "http.disconnect"}

    return scope, receive, Sent()


def _status(sent: list[Any]) -> int:
    return int(next(m["status"] for m in sent if m["type"] == "http.response.start"))


def _body(sent: list[Any]) -> bytes:
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


async def _ok(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def test_no_more_requests_are_at_work_than_the_limit_and_every_one_is_answered():
    # Given an application that notes how many requests it holds at once, behind a limit of 2
    at_work = most = 0

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal at_work, most
        at_work += 1
        most = max(most, at_work)
        await asyncio.sleep(0.01)
        at_work -= 1
        await _ok(scope, receive, send)

    settings = Settings(max_concurrent_requests=2, admission_wait_seconds=5)
    middleware = RequestLimits(app, settings, RateLimits("memory://", 10**6))
    # when 12 requests arrive at once
    requests = [_request() for _ in range(12)]
    await asyncio.gather(
        *(middleware(scope, receive, sent.send) for scope, receive, sent in requests)
    )
    # then never more than 2 were at work, and every one was answered 200
    assert most == 2
    assert [_status(sent) for _, _, sent in requests] == [200] * 12


async def test_a_request_that_finds_no_turn_in_time_is_answered_503_overloaded():
    # Given one turn, held by a request that waits until released
    release, inside = asyncio.Event(), asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["path"] == "/graphql" and not release.is_set():
            inside.set()
            await release.wait()
        await _ok(scope, receive, send)

    settings = Settings(max_concurrent_requests=1, admission_wait_seconds=0.05)
    middleware = RequestLimits(app, settings, RateLimits("memory://", 10**6))
    first = _request()
    holder = asyncio.create_task(middleware(*first[:2], first[2].send))
    await inside.wait()
    # when a second request arrives
    scope, receive, sent = _request()
    await middleware(scope, receive, sent.send)
    # then it is answered 503 OVERLOADED with Retry-After, and the first was left alone
    assert _status(sent) == 503
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert (b"retry-after", b"1") in start["headers"]
    assert b'"code": "OVERLOADED"' in _body(sent)
    assert not holder.done()
    # and the health probes answer meanwhile
    probe = _request("/healthz")
    await middleware(*probe[:2], probe[2].send)
    assert _status(probe[2]) == 200
    # and once the first is answered, the turn is free again
    release.set()
    await holder
    assert _status(first[2]) == 200
    again = _request()
    await middleware(*again[:2], again[2].send)
    assert _status(again[2]) == 200


async def test_a_turn_is_given_back_when_the_work_fails_or_times_out():
    # Given one turn and an application that fails, then one that never finishes
    async def fails(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("boom")

    settings = Settings(
        max_concurrent_requests=1, admission_wait_seconds=0.05, request_timeout_seconds=0.05
    )
    middleware = RequestLimits(fails, settings, RateLimits("memory://", 10**6))
    scope, receive, sent = _request()
    with pytest.raises(RuntimeError):
        await middleware(scope, receive, sent.send)

    async def never(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.Event().wait()

    middleware.app = never
    scope, receive, sent = _request()
    await middleware(scope, receive, sent.send)
    assert _status(sent) == 504
    # then the next request still gets the turn
    middleware.app = _ok
    scope, receive, sent = _request()
    await middleware(scope, receive, sent.send)
    assert _status(sent) == 200


async def test_no_limit_when_it_is_zero():
    # Given a limit of 0 (off) and an application that holds every request until 5 are in
    count, all_in = 0, asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal count
        count += 1
        if count == 5:
            all_in.set()
        await all_in.wait()
        await _ok(scope, receive, send)

    settings = Settings(max_concurrent_requests=0, admission_wait_seconds=0.05)
    middleware = RequestLimits(app, settings, RateLimits("memory://", 10**6))
    requests = [_request() for _ in range(5)]
    await asyncio.wait_for(
        asyncio.gather(*(middleware(s, r, sent.send) for s, r, sent in requests)), 5
    )
    assert [_status(sent) for _, _, sent in requests] == [200] * 5


async def test_the_api_answers_overloaded_through_its_own_settings(
    sessionmaker, monkeypatch: pytest.MonkeyPatch
):
    # Given the API with one turn, and authentication held open for the first request
    release, inside = asyncio.Event(), asyncio.Event()
    real = transport_module.authenticate

    async def held(*args: Any, **kwargs: Any) -> Any:
        if not release.is_set():
            inside.set()
            await release.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(transport_module, "authenticate", held)
    settings = Settings(
        environment="development",
        allow_anonymous_read=True,
        max_concurrent_requests=1,
        admission_wait_seconds=0.1,
    )
    app = create_app(settings, sessionmaker=sessionmaker)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        first = asyncio.create_task(client.post("/graphql", json={"query": "{ __typename }"}))
        await inside.wait()
        # when a second GraphQL request arrives while the first is at work
        second = await client.post("/graphql", json={"query": "{ __typename }"})
        # then it is refused with a coded, retryable error, and the probe still answers
        assert second.status_code == 503
        assert second.headers["retry-after"] == "1"
        assert second.json()["errors"][0]["extensions"]["code"] == "OVERLOADED"
        assert (await client.get("/healthz")).status_code == 200
        release.set()
        answered = await first
        assert answered.status_code == 200
        assert answered.json()["data"] == {"__typename": "Query"}
