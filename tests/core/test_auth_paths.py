"""One way in: every transport authenticates the same way and refuses the same way.

GraphQL over HTTP, GraphQL over WebSocket, the REST download, the iCalendar feeds and the web
page, each with a missing, bad, expired, revoked and good token; the `viewer` query; and no
route taking a token from its URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from httpx_ws import WebSocketDisconnect, aconnect_ws
from strawberry.relay import to_base64

from syncpoint.api import create_app
from syncpoint.auth.models import ApiToken
from syncpoint.auth.service import create_token, revoke_token
from syncpoint.core.auth import Role
from syncpoint.core.models import utcnow
from tests.scrum_of_scrums.wsclient import PROTOCOL, WAIT_SECONDS, client_for
from tests.support.factories import make_member, make_team

READ = "{ teams(first: 1) { totalCount } }"
MUTATION = 'mutation { createGroup(input: {name: "G", slug: "g"}) { errors { code } } }'
VIEWER = """{ viewer {
  role anonymous tokenId tokenPrefix expiresAt
  person { id name }
  scopes { id slug }
} }"""
STATES = ["missing", "bad", "expired", "revoked", "good"]
REFUSED = [s for s in STATES if s != "good"]
HTTP_TRANSPORTS = ["graphql", "export", "calendar", "calendar_feed", "web_page"]


async def _secrets(session: Any, role: Role = Role.DIRECTOR, *, feed: bool = False) -> dict:
    good = await create_token(session, role=role, person_id=None, days=1, feed=feed)
    expired = await create_token(session, role=role, person_id=None, days=1, feed=feed)
    row = await session.get(ApiToken, expired.token.id)
    row.expires_at = utcnow() - timedelta(minutes=1)
    revoked = await create_token(session, role=role, person_id=None, days=1, feed=feed)
    await revoke_token(session, revoked.token.id)
    await session.commit()
    bad = ("spf_" if feed else "sp_") + "not-a-token"
    return {
        "missing": None,
        "bad": bad,
        "expired": expired.secret,
        "revoked": revoked.secret,
        "good": good.secret,
    }


@pytest.fixture
async def world(session: Any) -> dict[str, Any]:
    """A team (for the sprint feed), API tokens and calendar feed keys in every state."""
    team = await make_team(session)
    return {
        "team": team,
        "tokens": await _secrets(session),
        "feed_keys": await _secrets(session, Role.VIEWER, feed=True),
    }


def _bearer(secret: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"} if secret else {}


async def _call(api: Any, world: dict[str, Any], transport: str, state: str) -> httpx.Response:
    """One read over an HTTP transport with the token in `state`."""
    http: httpx.AsyncClient = api.http
    secret = world["tokens"][state]
    slug = world["team"].slug
    if transport == "graphql":
        return await http.post("/graphql", json={"query": READ}, headers=_bearer(secret))
    if transport == "export":
        return await http.get("/exports/dependency-map.json", headers=_bearer(secret))
    if transport == "calendar":
        return await http.get(f"/calendar/teams/{slug}/sprints.ics", headers=_bearer(secret))
    if transport == "calendar_feed":
        key = world["feed_keys"][state]
        if key is None:  # a feed URL without its key is simply not a feed URL
            return await http.get(f"/calendar/feeds//teams/{slug}/sprints.ics")
        return await http.get(f"/calendar/feeds/{key}/teams/{slug}/sprints.ics")
    assert transport == "web_page"
    return await http.get("/web/map", headers=_bearer(secret))


def _envelope(response: httpx.Response) -> dict[str, Any]:
    """The error envelope: the JSON body, or the data block of an HTML page."""
    if response.headers["content-type"].startswith("text/html"):
        found = re.search(
            r'<script type="application/json" id="syncpoint-error">(.*?)</script>', response.text
        )
        assert found, response.text
        return dict(json.loads(found.group(1)))
    return dict(response.json())


def _assert_refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = _envelope(response)
    # Besides the envelope, a GraphQL answer reports its cost in `extensions` (issue 11).
    assert set(body) - {"extensions"} in ({"errors"}, {"data", "errors"}), body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == code, body
    assert isinstance(error["message"], str)
    assert error["message"]
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"
    else:
        assert "www-authenticate" not in response.headers


# ---- HTTP transports ---------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("transport", HTTP_TRANSPORTS)
async def test_every_http_transport_refuses_alike(api, world, transport, state):
    response = await _call(api, world, transport, state)

    if state == "good":
        assert response.status_code == 200, response.text
        assert "www-authenticate" not in response.headers
    elif transport == "calendar_feed" and state == "missing":
        assert response.status_code == 404  # no key, no feed route at all
    else:
        _assert_refused(response, 401, "UNAUTHENTICATED")


@pytest.mark.parametrize("state", ["bad", "expired", "revoked"])
@pytest.mark.parametrize("transport", HTTP_TRANSPORTS)
async def test_a_bad_token_is_401_even_when_anonymous_reads_are_on(
    api, world, settings, transport, state
):
    settings.allow_anonymous_read = True

    response = await _call(api, world, transport, state)

    _assert_refused(response, 401, "UNAUTHENTICATED")


@pytest.mark.parametrize("transport", ["graphql", "export", "calendar", "web_page"])
async def test_a_missing_token_reads_when_anonymous_reads_are_on(api, world, settings, transport):
    settings.allow_anonymous_read = True

    response = await _call(api, world, transport, "missing")

    assert response.status_code == 200, response.text


async def test_graphql_missing_token_on_a_mutation_is_401_even_with_anonymous_reads(api, settings):
    settings.allow_anonymous_read = True

    response = await api.http.post("/graphql", json={"query": MUTATION})

    _assert_refused(response, 401, "UNAUTHENTICATED")
    assert response.json()["data"] is None


async def test_a_forbidden_role_is_403_with_the_same_envelope(api, world):
    viewer = await api.login(Role.VIEWER)

    response = await api.http.post("/graphql", json={"query": MUTATION}, headers=_bearer(viewer))

    _assert_refused(response, 403, "FORBIDDEN")
    assert response.json()["errors"][0]["extensions"]["reason"] == "ROLE"


async def test_the_web_page_answers_json_to_a_json_client_and_a_sign_in_form_to_a_browser(api):
    as_json = await api.http.get("/web/map", headers={"Accept": "application/json"})
    as_html = await api.http.get("/web/map", headers={"Accept": "text/html,*/*;q=0.8"})

    _assert_refused(as_json, 401, "UNAUTHENTICATED")
    assert as_json.headers["content-type"] == "application/json"
    _assert_refused(as_html, 401, "UNAUTHENTICATED")
    assert '<form id="signin"' in as_html.text
    assert "sessionStorage" in as_html.text  # the token stays in the tab
    assert 'name="token"' in as_html.text
    assert "method=" not in as_html.text  # the form is never submitted into a URL


async def test_a_feed_key_opens_feeds_only_and_a_token_opens_no_feed_url(api, world):
    slug = world["team"].slug
    key, token = world["feed_keys"]["good"], world["tokens"]["good"]

    key_as_bearer = await api.http.post("/graphql", json={"query": READ}, headers=_bearer(key))
    key_on_export = await api.http.get("/exports/dependency-map.json", headers=_bearer(key))
    token_as_key = await api.http.get(f"/calendar/feeds/{token}/teams/{slug}/sprints.ics")

    _assert_refused(key_as_bearer, 401, "UNAUTHENTICATED")
    _assert_refused(key_on_export, 401, "UNAUTHENTICATED")
    _assert_refused(token_as_key, 401, "UNAUTHENTICATED")


# ---- tokens never in URLs ----------------------------------------------------------------------


async def test_no_route_accepts_a_token_in_its_url(api, world):
    token = world["tokens"]["good"]
    key = world["feed_keys"]["good"]
    slug = world["team"].slug
    query = {"token": token}

    attempts = {
        "graphql POST": await api.http.post("/graphql", params=query, json={"query": READ}),
        "graphql GET": await api.http.get("/graphql", params={"query": READ, **query}),
        "export": await api.http.get("/exports/dependency-map.json", params=query),
        "calendar": await api.http.get(f"/calendar/teams/{slug}/sprints.ics", params=query),
        "calendar feed": await api.http.get(
            f"/calendar/feeds/{key}/teams/{slug}/sprints.ics", params=query
        ),
        "web page": await api.http.get("/web/map", params=query),
    }

    for name, response in attempts.items():
        assert response.status_code == 401, name
        assert "URL" in _envelope(response)["errors"][0]["message"], name


def test_no_route_declares_a_token_query_parameter(settings, sessionmaker):
    app = create_app(settings, sessionmaker=sessionmaker)

    declared = {
        path: {p["name"] for op in ops.values() for p in op.get("parameters", [])}
        for path, ops in app.openapi()["paths"].items()
    }

    assert "/calendar/teams/{slug}/sprints.ics" in declared
    assert "/web/map" in declared
    assert not [path for path, names in declared.items() if "token" in names]


async def test_the_map_page_never_renders_or_links_a_token(api, world):
    token = world["tokens"]["good"]

    page = await api.http.get("/web/map", headers=_bearer(token))

    assert page.status_code == 200
    assert token not in page.text
    assert "token=" not in page.text
    assert "data-download" in page.text  # downloads go through fetch with the header


# ---- WebSocket -------------------------------------------------------------------------------


@asynccontextmanager
async def _connect(client: httpx.AsyncClient, url: str = "http://test/graphql", **kwargs: Any):
    async with aconnect_ws(
        url, client, subprotocols=[PROTOCOL], keepalive_ping_interval_seconds=None, **kwargs
    ) as ws:
        yield ws


async def _answer(
    client: httpx.AsyncClient,
    payload: dict[str, Any],
    headers: dict[str, str] | None = None,
    url: str = "http://test/graphql",
) -> str | int:
    """The connection_init answer: "ack" when acknowledged, else the close code."""
    codes: list[int] = []
    try:
        async with _connect(client, url, headers=headers or {}) as ws:
            await ws.send_json({"type": "connection_init", "payload": payload})
            message = await ws.receive_json(timeout=WAIT_SECONDS)
            return str(message["type"]).replace("connection_", "")
    except* WebSocketDisconnect as group:
        codes = [e.code for e in group.exceptions if isinstance(e, WebSocketDisconnect)]
    return codes[0]


Payload = Callable[[str | None], tuple[dict[str, Any], dict[str, str]]]
WS_WAYS: dict[str, Payload] = {
    "init Authorization": lambda s: ({"Authorization": f"Bearer {s}"} if s else {}, {}),
    "init authorization": lambda s: ({"authorization": f"Bearer {s}"} if s else {}, {}),
    "init token": lambda s: ({"token": s} if s else {}, {}),
    "upgrade header": lambda s: ({}, _bearer(s)),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("way", list(WS_WAYS))
async def test_websocket_authenticates_on_connection_init(
    sessionmaker, settings, session, world, way, state
):
    app = create_app(settings, sessionmaker=sessionmaker)
    payload, headers = WS_WAYS[way](world["tokens"][state])

    async with client_for(app) as client:
        answer = await _answer(client, payload, headers)

    assert answer == ("ack" if state == "good" else 4403)


async def test_websocket_anonymous_when_reads_are_on_but_never_with_a_bad_token(
    sessionmaker, settings, world
):
    settings.allow_anonymous_read = True
    app = create_app(settings, sessionmaker=sessionmaker)

    async with client_for(app) as client:
        anonymous = await _answer(client, {})
        bad = await _answer(client, {"Authorization": "Bearer sp_not-a-token"})

    assert (anonymous, bad) == ("ack", 4403)


async def test_websocket_refuses_a_token_in_the_upgrade_url(sessionmaker, settings, world):
    app = create_app(settings, sessionmaker=sessionmaker)
    token = world["tokens"]["good"]

    async with client_for(app) as client:
        in_url = await _answer(client, {}, url=f"http://test/graphql?token={token}")

    assert in_url == 4403


# ---- viewer ------------------------------------------------------------------------------------


async def test_viewer_is_the_token_person_role_scopes_and_expiry(api, session):
    team = await make_team(session)
    person = await make_member(session, team)
    issued = await create_token(session, role=Role.TEAM_MEMBER, person_id=person.id, days=3)
    await session.commit()

    data = await api.gql(VIEWER, token=issued.secret)

    viewer = data["viewer"]
    assert viewer["role"] == "TEAM_MEMBER"
    assert viewer["anonymous"] is False
    assert viewer["person"] == {"id": to_base64("Person", person.id), "name": person.name}
    assert viewer["scopes"] == [{"id": to_base64("Team", team.id), "slug": team.slug}]
    assert viewer["tokenId"] == to_base64("ApiToken", issued.token.id)
    assert viewer["tokenPrefix"] == issued.secret[:10]
    assert issued.token.expires_at is not None
    assert viewer["expiresAt"][:10] == issued.token.expires_at.date().isoformat()
    assert issued.secret not in json.dumps(data)


async def test_viewer_of_a_service_token_has_no_person(api):
    token = await api.login(Role.DIRECTOR)

    viewer = (await api.gql(VIEWER, token=token))["viewer"]

    assert (viewer["role"], viewer["person"], viewer["scopes"]) == ("DIRECTOR", None, [])


async def test_viewer_when_anonymous(api, settings):
    refused = await api.http.post("/graphql", json={"query": VIEWER})
    settings.allow_anonymous_read = True
    allowed = await api.gql(VIEWER)

    _assert_refused(refused, 401, "UNAUTHENTICATED")
    assert allowed["viewer"] == {
        "role": None,
        "anonymous": True,
        "tokenId": None,
        "tokenPrefix": None,
        "expiresAt": None,
        "person": None,
        "scopes": [],
    }


async def test_graphiql_loads_without_a_token_and_queries_over_get_are_refused_alike(api):
    ide = await api.http.get("/graphql", headers={"Accept": "text/html"})
    over_get = await api.http.get("/graphql", params={"query": READ})

    assert ide.status_code == 200  # the IDE sends the token as a header it is given
    _assert_refused(over_get, 401, "UNAUTHENTICATED")


async def test_a_feed_key_is_always_a_viewer(session):
    from syncpoint.core.errors import DomainError

    key = await create_token(session, role=Role.VIEWER, person_id=None, feed=True)

    assert key.secret.startswith("spf_")
    assert key.token.role is Role.VIEWER
    with pytest.raises(DomainError, match="read-only"):
        await create_token(session, role=Role.DIRECTOR, person_id=None, feed=True)
