"""Plain HTTP access to the analysis (downloads, web pages): the same tokens and policy rows as
GraphQL, sent as a bearer header or, for links a browser follows, as ``?token=``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

from fastapi import Request
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from syncpoint.analysis.graph import MapLevel
from syncpoint.auth.service import InvalidToken, authenticate
from syncpoint.core.auth import ANONYMOUS, READ_OPERATIONS
from syncpoint.core.context import Context
from syncpoint.core.errors import DomainError, PermissionDenied
from syncpoint.core.ids import decode_id


class Refused(Exception):
    """The request may not proceed: ``status`` is 400, 401, 403 or 404."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def request_secret(request: Request) -> str | None:
    """The token of a request: ``Authorization: Bearer <token>`` first, then ``?token=``."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return secret.strip()
    return request.query_params.get("token") or None


async def request_context(request: Request) -> AsyncIterator[Context]:
    """A FastAPI dependency: one read-only session per request, closed at the end."""
    session = request.app.state.sessionmaker()
    try:
        yield Context(session=session, actor=ANONYMOUS, settings=request.app.state.settings)
    finally:
        await session.close()


async def authorise(request: Request, ctx: Context, operation: str) -> None:
    """Authenticate the caller into ``ctx.actor`` and check ``operation``'s policy row."""
    try:
        ctx.actor = await authenticate(ctx.session, request_secret(request))
    except InvalidToken as exc:
        raise Refused(401, "The token is unknown, expired or revoked.", "UNAUTHENTICATED") from exc
    if ctx.actor.is_anonymous:
        if operation in READ_OPERATIONS and ctx.settings.allow_anonymous_read:
            return
        raise Refused(
            401,
            "Authentication required: send Authorization: Bearer <token> or add ?token=<token>.",
            "UNAUTHENTICATED",
        )
    try:
        ctx.actor.require_access(operation)
    except PermissionDenied as exc:
        raise Refused(403, exc.message, "FORBIDDEN") from exc


def refused_from(error: DomainError) -> Refused:
    """A domain error of a plain HTTP request: 404 when not found, else 400."""
    status = 404 if error.code.value == "NOT_FOUND" else 400
    return Refused(status, error.message, error.code.value)


def parse_level(value: str | None) -> MapLevel:
    """``TEAM`` (default) or ``ITEM``, any case."""
    try:
        return MapLevel((value or "TEAM").upper())
    except ValueError as exc:
        raise Refused(400, f"level must be TEAM or ITEM, not {value!r}.", "INVALID") from exc


def parse_date(value: str | None, name: str) -> date | None:
    """An ISO date query parameter, or None when absent."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Refused(400, f"{name} must be an ISO date (YYYY-MM-DD).", "INVALID") from exc


def parse_group(value: str | None) -> int | None:
    """A Group global id query parameter, decoded; None when absent."""
    if not value:
        return None
    try:
        return decode_id(relay.GlobalID.from_id(value), "Group", "groupId")
    except GlobalIDValueError as exc:
        raise Refused(400, f"groupId {value!r} is not a global id.", "INVALID") from exc
    except DomainError as exc:
        raise refused_from(exc) from exc
