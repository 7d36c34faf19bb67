"""Request limits at the HTTP edge (body, JSON nesting, string variables, time, disconnect),
introspection for anonymous callers in production, variable mistakes as client errors, and the
GraphQL-over-HTTP media types."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from syncpoint.api import create_app
from syncpoint.auth import transport as transport_module
from syncpoint.core.auth import Role
from syncpoint.core.limits import RateLimits, RequestLimits
from syncpoint.core.settings import Settings

GRAPHQL_RESPONSE = "application/graphql-response+json"
INTROSPECTION = "{ __schema { queryType { name } } }"
TYPO = "{ teamz(first: 1) { totalCount } }"
VARIABLE_MISTAKES = [
    ("query($s: String!) { team(slug: $s) { name } }", {}),
    ("query($s: String!) { team(slug: $s) { name } }", {"s": 5}),
    ("query($l: MapLevel!) { dependencyMap(level: $l) { nodes { label } } }", {"l": "NOPE"}),
    ("query($d: Date) { flags(asOf: $d) { totalCount } }", {"d": "2026-13-45"}),
]


@asynccontextmanager
async def client_for(settings: Settings, sessionmaker: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, sessionmaker=sessionmaker)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def code_of(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


async def test_a_body_over_the_cap_is_refused_before_it_is_parsed(api):
    await api.login(Role.VIEWER)
    # A 400 KB body (whitespace around a small query) is fine
    response = await api.post("{ __typename }" + " " * 400_000)
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"__typename": "Query"}
    # over 1 MiB it is refused, parsed or not
    response = await api.post("{ __typename }" + " " * (1024 * 1024))
    assert response.status_code == 413
    assert code_of(response) == "PAYLOAD_TOO_LARGE"
    response = await api.http.post(
        "/graphql", content=b"[" * (2 * 1024 * 1024), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


async def test_deep_json_is_a_client_error_not_a_recursion_error(api):
    await api.login(Role.VIEWER)
    for depth in (65, 100_000):
        body = '{"query": "{ __typename }", "variables": {"x": ' + "[" * depth + "]" * depth + "}}"
        response = await api.http.post(
            "/graphql",
            content=body.encode(),
            headers={"content-type": "application/json", "authorization": f"Bearer {api.token}"},
        )
        assert response.status_code == 400, depth
        assert code_of(response) == "JSON_TOO_DEEP"
    # the variables of a GET too
    deep = "[" * 10_000 + "]" * 10_000
    response = await api.http.get(
        "/graphql",
        params={"query": "{ __typename }", "variables": '{"x": ' + deep + "}"},
        headers={"authorization": f"Bearer {api.token}"},
    )
    assert response.status_code == 400
    assert code_of(response) == "JSON_TOO_DEEP"
    # 60 levels are fine
    response = await api.post("{ __typename }", {"x": json.loads("[" * 60 + "]" * 60)})
    assert response.status_code == 200


async def test_a_long_string_variable_is_a_client_error(api):
    await api.login(Role.VIEWER)
    response = await api.post(
        "query($s: String!) { team(slug: $s) { name } }", {"s": "x" * 100_001}
    )
    assert response.status_code == 400
    assert code_of(response) == "BAD_USER_INPUT"


async def test_a_request_over_its_time_limit_is_cancelled_and_answered(
    api, settings, monkeypatch: pytest.MonkeyPatch
):
    # Given authentication that never finishes, and a 0.2 s limit
    settings.request_timeout_seconds = 0.2
    cancelled = asyncio.Event()

    async def never(*_args: Any, **_kwargs: Any) -> Any:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    monkeypatch.setattr(transport_module, "authenticate", never)
    # when a request is sent, it is answered 504 TIMEOUT and its work was cancelled
    response = await api.post("{ __typename }")
    assert response.status_code == 504
    assert code_of(response) == "TIMEOUT"
    assert cancelled.is_set()


async def test_the_work_is_cancelled_when_the_client_disconnects():
    # Given an application that waits forever, behind the middleware
    started, cancelled, hang_up = asyncio.Event(), asyncio.Event(), asyncio.Event()
    sent: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    messages = [{"type": "http.request", "body": b"{}", "more_body": False}]

    async def receive() -> Any:
        if messages:
            return messages.pop(0)
        await hang_up.wait()
        return {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        sent.append(message)

    settings = Settings()
    middleware = RequestLimits(app, settings, RateLimits("memory://", 100))
    scope = {"type": "http", "path": "/other", "method": "POST", "headers": [], "client": None}
    task = asyncio.create_task(middleware(scope, receive, send))
    await started.wait()
    # when the client hangs up, the work is cancelled and nothing is sent
    hang_up.set()
    await task
    assert cancelled.is_set()
    assert sent == []


async def test_introspection_and_suggestions_are_off_for_anonymous_callers_in_production(
    sessionmaker, session
):
    production = Settings(environment="production", allow_anonymous_read=True)
    async with client_for(production, sessionmaker) as client:
        response = await client.post("/graphql", json={"query": INTROSPECTION})
        errors = response.json()["errors"]
        assert {e["extensions"]["code"] for e in errors} == {"GRAPHQL_VALIDATION_FAILED"}
        assert "introspection has been disabled" in errors[0]["message"]
        assert response.json()["data"] is None
        [typo] = (await client.post("/graphql", json={"query": TYPO})).json()["errors"]
        assert "Cannot query field 'teamz'" in typo["message"]
        assert "Did you mean" not in typo["message"]
    # a token holder keeps both
    from tests.support.api import ApiClient

    async with client_for(production, sessionmaker) as client:
        viewer = ApiClient(client, session)
        await viewer.login(Role.VIEWER)
        assert (await viewer.gql(INTROSPECTION))["__schema"]["queryType"]["name"] == "Query"
        [typo] = await viewer.errors(TYPO)
        assert "Did you mean 'team' or 'teams'?" in typo["message"]
    # and the setting opens them to anonymous callers
    opened = Settings(
        environment="production", allow_anonymous_read=True, anonymous_introspection=True
    )
    async with client_for(opened, sessionmaker) as client:
        response = await client.post("/graphql", json={"query": INTROSPECTION})
        assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"
    # in development they are open by default
    assert Settings(environment="development").anonymous_introspection_allowed


async def test_variable_mistakes_are_client_errors_unmasked_in_production(
    sessionmaker, session, caplog: pytest.LogCaptureFixture
):
    from tests.support.api import ApiClient

    production = Settings(environment="production")
    async with client_for(production, sessionmaker) as client:
        viewer = ApiClient(client, session)
        await viewer.login(Role.VIEWER)
        with caplog.at_level(logging.WARNING):
            for query, variables in VARIABLE_MISTAKES:
                # application/json: 200 with the error
                response = await viewer.post(query, variables)
                assert response.status_code == 200, (query, variables)
                [error] = response.json()["errors"]
                assert error["extensions"]["code"] == "BAD_USER_INPUT", error
                assert error["message"].startswith("Variable '$"), error
                # application/graphql-response+json: 400 without data
                response = await client.post(
                    "/graphql",
                    json={"query": query, "variables": variables},
                    headers={
                        "accept": GRAPHQL_RESPONSE,
                        "authorization": f"Bearer {viewer.token}",
                    },
                )
                assert response.status_code == 400
                assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
                assert "data" not in response.json()
                assert code_of(response) == "BAD_USER_INPUT"
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_graphql_response_media_type_keeps_200_for_executed_operations(api):
    await api.login(Role.VIEWER)
    headers = {"accept": GRAPHQL_RESPONSE, "authorization": f"Bearer {api.token}"}
    response = await api.http.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    response = await api.http.post("/graphql", json={"query": "{ nosuch }"}, headers=headers)
    assert response.status_code == 400
    assert "data" not in response.json()
    # an execution error (here permission) is still a 200 with data
    response = await api.http.post(
        "/graphql",
        json={"query": '{ __typename team(slug: "none") { name } }'},
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 200
    body = response.json()
    assert "data" in body
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_disconnect_after_the_response_leaves_the_cleanup_alone():
    # Given an application that cleans up (closes its session) after sending its response
    cleanup_may_finish, cleaned = asyncio.Event(), asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok", "more_body": False})
        await cleanup_may_finish.wait()
        cleaned.set()

    messages = [{"type": "http.request", "body": b"", "more_body": False}]

    async def release_later() -> None:
        for _ in range(20):  # some turns of the event loop after the disconnect was seen
            await asyncio.sleep(0)
        cleanup_may_finish.set()

    releases: list[asyncio.Task[None]] = []

    async def receive() -> Any:
        if messages:
            return messages.pop(0)
        releases.append(asyncio.create_task(release_later()))
        return {"type": "http.disconnect"}  # as servers answer once the response is complete

    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    middleware = RequestLimits(app, Settings(), RateLimits("memory://", 100))
    scope = {"type": "http", "path": "/other", "method": "GET", "headers": [], "client": None}
    await middleware(scope, receive, send)
    # then the cleanup ran to its end
    assert cleaned.is_set()
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
