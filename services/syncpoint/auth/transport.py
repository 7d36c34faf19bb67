"""One way in: how every transport (GraphQL over HTTP and WebSocket, the REST downloads, the
iCalendar feeds and the web pages) turns a request into an Actor, and how a refusal looks.

A credential is only ever an ``Authorization: Bearer <token>`` header (or, on a WebSocket, the
same value in the ``connection_init`` payload). A token in a URL is refused: URLs end up in
access logs, browser histories and Referer headers. A missing token makes the caller anonymous
(who may read when the setting allows it); an unknown, expired or revoked token is always 401.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.requests import HTTPConnection
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.auth.oidc import OidcVerifier
from syncpoint.auth.service import InvalidToken, authenticate
from syncpoint.core.auth import AUTHENTICATION_REQUIRED, Actor, check_operation, parse_bearer
from syncpoint.core.db import SerialSession
from syncpoint.core.errors import (
    AuthenticationRequired,
    ErrorCode,
    PermissionDenied,
    SyncpointError,
)

INVALID_TOKEN = "The token is unknown, expired or revoked."
TOKEN_IN_URL = (
    "Tokens are not accepted in URLs (they end up in logs): "
    "send Authorization: Bearer <token> instead."
)
# Keys of a graphql-transport-ws connection_init payload that may carry the credential.
CONNECTION_KEYS = ("Authorization", "authorization", "token")


class Refused(Exception):
    """The request may not proceed: ``status`` is 400, 401, 403 or 404, ``code`` an ErrorCode
    value. Every transport answers it with the same envelope (`refusal_body`)."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code

    @property
    def headers(self) -> dict[str, str] | None:
        return {"WWW-Authenticate": "Bearer"} if self.status == 401 else None


def refused_for(error: SyncpointError | InvalidToken) -> Refused:
    """The HTTP refusal of an error: 401 for a missing or bad token, 403 for a role or scope,
    404 when not found, else 400."""
    if isinstance(error, InvalidToken):
        return Refused(401, INVALID_TOKEN, ErrorCode.UNAUTHENTICATED.value)
    if isinstance(error, AuthenticationRequired):
        return Refused(401, error.message, ErrorCode.UNAUTHENTICATED.value)
    if isinstance(error, PermissionDenied):
        return Refused(403, error.message, ErrorCode.FORBIDDEN.value)
    status = 404 if error.code is ErrorCode.NOT_FOUND else 400
    return Refused(status, error.message, error.code.value)


def refusal_body(refused: Refused) -> dict[str, Any]:
    """The envelope of every refusal, shaped like a GraphQL error."""
    return {"errors": [{"message": refused.message, "extensions": {"code": refused.code}}]}


def refusal_response(refused: Refused) -> JSONResponse:
    return JSONResponse(refusal_body(refused), status_code=refused.status, headers=refused.headers)


def request_secret(connection: HTTPConnection) -> str | None:
    """The bearer secret of an HTTP request or WebSocket upgrade; refuses a token in the URL."""
    if "token" in connection.query_params:
        raise Refused(401, TOKEN_IN_URL, ErrorCode.UNAUTHENTICATED.value)
    return parse_bearer(connection.headers.get("authorization"))


def connection_secret(params: Mapping[str, Any] | None, headers: Mapping[str, str]) -> str | None:
    """The secret of a WebSocket: its connection_init payload (``{"Authorization": "Bearer
    ..."}``, or ``token``) first, else the upgrade request's ``Authorization`` header."""
    for key in CONNECTION_KEYS:
        value = (params or {}).get(key)
        if isinstance(value, str) and value.strip():
            if key == "token" and " " not in value.strip():
                return value.strip()
            return parse_bearer(value)
    return parse_bearer(headers.get("authorization"))


async def actor_for(
    session: AsyncSession,
    secret: str | None,
    *,
    feed: bool = False,
    oidc: OidcVerifier | None = None,
) -> Actor:
    """The Actor of a secret (anonymous when None); a bad token is Refused (401). ``feed``:
    the secret is a calendar feed key (auth.service), accepted by the feed routes only; ``oidc``
    (the app's verifier, when single sign-on is configured) also accepts the issuer's JWTs."""
    try:
        return await authenticate(session, secret, oidc=oidc, feed=feed)
    except InvalidToken as exc:
        raise refused_for(exc) from exc


async def authenticate_connection(
    session: AsyncSession,
    params: Mapping[str, Any] | None,
    upgrade: HTTPConnection | None,
    *,
    allow_anonymous_read: bool,
) -> Actor:
    """The Actor of a WebSocket at connection_init. It carries only subscriptions (reads), so
    an anonymous connection is accepted only when anonymous reads are; Refused otherwise."""
    headers: Mapping[str, str] = {}
    oidc = None
    if upgrade is not None:
        if "token" in upgrade.query_params:
            raise Refused(401, TOKEN_IN_URL, ErrorCode.UNAUTHENTICATED.value)
        headers = upgrade.headers
        oidc = upgrade.app.state.oidc
    actor = await actor_for(session, connection_secret(params, headers), oidc=oidc)
    if actor.is_anonymous and not allow_anonymous_read:
        raise refused_for(AuthenticationRequired(AUTHENTICATION_REQUIRED))
    return actor


async def authenticate_request(connection: HTTPConnection, session: AsyncSession) -> Actor:
    """The Actor of an HTTP request (GraphQL, REST, pages): the one path every route takes."""
    return await actor_for(session, request_secret(connection), oidc=connection.app.state.oidc)


def authorize(connection: HTTPConnection, actor: Actor, operation: str) -> None:
    """Check the operation's policy row and the anonymous-read setting; Refused (401/403)."""
    settings = connection.app.state.settings
    try:
        check_operation(actor, operation, allow_anonymous_read=settings.allow_anonymous_read)
    except (AuthenticationRequired, PermissionDenied) as exc:
        raise refused_for(exc) from exc


async def read_session(request: Request) -> AsyncIterator[SerialSession]:
    """A FastAPI dependency: one read-only session per plain HTTP request, closed at the end."""
    session: SerialSession = request.app.state.sessionmaker()
    try:
        yield session
    finally:
        await session.close()


async def current_actor(request: Request, session: SerialSession = Depends(read_session)) -> Actor:
    """A FastAPI dependency: the authenticated caller (anonymous when no token is sent)."""
    return await authenticate_request(request, session)


def authorized(operation: str) -> Callable[..., Awaitable[Actor]]:
    """A FastAPI dependency for a route that runs ``operation``: the caller, once allowed."""

    async def dependency(request: Request, actor: Actor = Depends(current_actor)) -> Actor:
        authorize(request, actor, operation)
        return actor

    dependency.__name__ = f"authorized_{operation}"
    return dependency


def feed_authorized(operation: str) -> Callable[..., Awaitable[Actor]]:
    """A FastAPI dependency for a calendar feed URL ``.../feeds/{key}/...``: the feed key's
    read-only actor, once allowed. The key is a revocable secret made for URLs, not a token."""

    async def dependency(
        request: Request, key: str, session: SerialSession = Depends(read_session)
    ) -> Actor:
        if "token" in request.query_params:
            raise Refused(401, TOKEN_IN_URL, ErrorCode.UNAUTHENTICATED.value)
        actor = await actor_for(session, key, feed=True)
        authorize(request, actor, operation)
        return actor

    dependency.__name__ = f"feed_authorized_{operation}"
    return dependency


def install_refusals(app: FastAPI) -> None:
    """Answer every Refused (and a stray InvalidToken) with the shared envelope."""

    async def on_refused(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Refused)
        return refusal_response(exc)

    async def on_invalid_token(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InvalidToken)
        return refusal_response(refused_for(exc))

    app.add_exception_handler(Refused, on_refused)
    app.add_exception_handler(InvalidToken, on_invalid_token)
