"""GraphQL over HTTP's media types (https://graphql.github.io/graphql-over-http/).

A client that accepts `application/graphql-response+json` (and prefers it to
`application/json`) is answered with it, and with the status codes it prescribes: a request
error (the document does not parse or validate, the variables do not coerce, the operation was
refused before execution) is a 400 without a `data` entry. Under `application/json` every
GraphQL result stays a 200, as that media type's clients expect.
"""

from __future__ import annotations

from typing import Any, TypeVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

GRAPHQL_RESPONSE = "application/graphql-response+json"
STATUS = "syncpoint_graphql_status"
GRAPHQL_PATH = "/graphql"
R = TypeVar("R")


def prefers_graphql_response(accept: str) -> bool:
    """Whether an `Accept` header ranks the GraphQL response media type first (ties go to the
    type listed first; a missing header means `application/json`)."""
    best: tuple[float, int] | None = None
    winner = ""
    for index, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        media = media.lower()
        if media not in (GRAPHQL_RESPONSE, "application/json", "application/*", "*/*"):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        rank = (q, -index)
        if q > 0 and (best is None or rank > best):
            best, winner = rank, media
    return winner == GRAPHQL_RESPONSE


def is_request_error(result: Any) -> bool:
    """No execution happened: no data and every error outside any field's path."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


def shape_response(request: Any, result: Any, response: R) -> R:
    """Drop `data` and mark the 400 of a request error answered as graphql-response+json."""
    if prefers_graphql_response(request.headers.get("accept", "")) and is_request_error(result):
        if isinstance(response, dict):
            response.pop("data", None)
        request.scope.setdefault("state", {})[STATUS] = 400
    return response


class GraphQLResponseMedia:
    """ASGI middleware answering /graphql with the media type the client prefers (and the
    status `shape_response` chose)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != GRAPHQL_PATH:
            await self.app(scope, receive, send)
            return
        accept = dict(scope.get("headers", ())).get(b"accept", b"").decode("latin-1")
        if not prefers_graphql_response(accept):
            await self.app(scope, receive, send)
            return

        async def send_as_graphql_response(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"application/json"):
                    headers = [(k, v) for k, v in headers if k != b"content-type"]
                    headers.append((b"content-type", f"{GRAPHQL_RESPONSE}; charset=utf-8".encode()))
                    status = message["status"]
                    chosen = scope.get("state", {}).get(STATUS)
                    if status == 200 and chosen:
                        status = chosen
                    message = {**message, "headers": headers, "status": status}
            await send(message)

        await self.app(scope, receive, send_as_graphql_response)
