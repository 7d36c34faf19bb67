"""Schema-wide GraphQL machinery: the request's transaction, error codes and masking, Relay nodes.

The commit lives in the router's `process_result` (run once after every HTTP operation, whatever
failed before execution) rather than in a schema extension, whose `on_operation` does not resume
after a parse error. Error codes are given in `SyncpointSchema.process_errors`, which strawberry
calls for every operation on every transport (HTTP and WebSocket).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import orjson
import strawberry
from cross_web import HTTPException
from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from graphql import GraphQLError, VariableDefinitionNode
from strawberry import relay
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.relay.types import GlobalIDValueError
from strawberry.types import ExecutionContext, ExecutionResult

from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.context import Info
from syncpoint.core.errors import ErrorCode, PermissionDenied, SyncpointError
from syncpoint.core.executor import PlainObjectExecutor
from syncpoint.core.faults import (
    DATABASE_ERROR_MESSAGE,
    DATABASE_UNAVAILABLE,
    UNAVAILABLE_MESSAGE,
    is_bad_value,
    is_database_error,
    is_database_fault,
    retry_headers,
)
from syncpoint.core.graphql_http import prefers_graphql_response, shape_response
from syncpoint.core.refusals import store_refusals
from syncpoint.core.transaction import DocumentTransaction, end_document
from syncpoint.core.validation_inputs import SCALAR_OVERRIDES

log = logging.getLogger("syncpoint.graphql")

NODE = read_policy("node")
NODES = read_policy("nodes")
MAX_NODES = 100


def code_error(error: GraphQLError, *, mask_unexpected: bool) -> None:
    """Give an error (in place) its stable `extensions.code`; log an unexpected one and, if
    asked, hide its details."""
    original = error.original_error
    # Input coercion wraps the scalar's own error in GraphQLErrors (variables and literals).
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    extensions = dict(error.extensions or {})
    if isinstance(original, SyncpointError):
        extensions["code"] = original.code.value
        if original.field:
            extensions["field"] = original.field
        if isinstance(original, PermissionDenied):
            extensions["reason"] = original.reason
    elif "code" in extensions:
        pass
    elif any(isinstance(node, VariableDefinitionNode) for node in error.nodes or ()):
        # The variables do not fit their definitions (missing, wrong type, unknown enum value):
        # the client's mistake, whatever graphql-core caught on the way (kept unmasked).
        extensions["code"] = "BAD_USER_INPUT"
    elif is_database_fault(original):
        log.warning("database unavailable in %s: %s", error.path, type(original).__name__)
        extensions["code"] = DATABASE_UNAVAILABLE
        error.message = UNAVAILABLE_MESSAGE
        error.original_error = None
    elif is_bad_value(original):
        extensions["code"] = ErrorCode.BAD_USER_INPUT.value
        error.message = "A value sent is not accepted by the database (e.g. a NUL character)."
        error.original_error = None
    elif is_database_error(original):
        # Never shown, even in development: the driver's message quotes SQL and parameters.
        log.error("database error in %s", error.path, exc_info=original)
        extensions["code"] = ErrorCode.INTERNAL.value
        error.message = DATABASE_ERROR_MESSAGE
        error.original_error = None
    elif isinstance(original, GlobalIDValueError):
        extensions["code"] = ErrorCode.INVALID.value
    elif original is None:
        # Raised by GraphQL itself: syntax, validation or input coercion of the document.
        extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
    else:
        log.error("unexpected error in %s", error.path, exc_info=original)
        extensions["code"] = ErrorCode.INTERNAL.value
        if mask_unexpected:
            error.message = "Unexpected error."
            error.original_error = None
    error.extensions = extensions


class SyncpointSchema(strawberry.Schema):
    """The schema, coding its errors where strawberry processes them: once per operation on
    every transport (HTTP and WebSocket alike), before the result is sent."""

    def __init__(self, *args: Any, mask_unexpected: bool = False, **kwargs: Any) -> None:
        kwargs["extensions"] = [*kwargs.get("extensions", ()), DocumentTransaction]
        kwargs["scalar_overrides"] = {**SCALAR_OVERRIDES, **kwargs.get("scalar_overrides", {})}
        # Plain objects (only attribute-reading leaf fields asked) completed in one pass.
        kwargs.setdefault("execution_context_class", PlainObjectExecutor)
        super().__init__(*args, **kwargs)
        self.mask_unexpected = mask_unexpected

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Expected errors (validation, permission) are the caller's business, not server
        # errors; only unexpected ones are logged (by code_error).
        for error in errors:
            code_error(error, mask_unexpected=self.mask_unexpected)


def refusal_status(result: ExecutionResult, *, graphql_response: bool = False) -> int | None:
    """The HTTP status of a refused operation: 401 when it needed a token (the caller sent
    none), 403 when every error is a permission refusal and nothing was answered. Under
    application/graphql-response+json a response with data is a 2xx, as that media type's
    specification requires: the refusals are then in its errors."""
    if graphql_response and result.data is not None:
        return None
    codes = [(error.extensions or {}).get("code") for error in result.errors or []]
    if ErrorCode.UNAUTHENTICATED.value in codes:
        return 401
    if codes and result.data is None and all(c == ErrorCode.FORBIDDEN.value for c in codes):
        return 403
    return None


class SyncpointRouter(GraphQLRouter[Any, None]):
    """GraphQL over HTTP with one transaction per request (core.transaction), ended after the
    operation; a refused operation answers 401 (with WWW-Authenticate: Bearer) or 403, as every
    route does, and a database fault 503 with a Retry-After."""

    # The IDE page, set by the app (GraphiQL from the package, not strawberry's CDN page).
    graphql_ide_page: Callable[[], HTMLResponse] | None = None

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        if self.graphql_ide_page is None:
            return await super().render_graphql_ide(request)
        return self.graphql_ide_page()

    async def get_sub_response(self, request: Request) -> Response:
        response = await super().get_sub_response(request)
        request.state.sub_response = response
        return response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        session = getattr(request.state, "session", None)
        if session is not None:
            result = await end_document(session, result)
            context = getattr(request.state, "context", None)
            if context is not None and context.refusals:
                await store_refusals(session, context.actor, context.refusals)
        status = refusal_status(
            result, graphql_response=prefers_graphql_response(request.headers.get("accept", ""))
        )
        sub_response: Response | None = getattr(request.state, "sub_response", None)
        if status is not None and sub_response is not None:
            sub_response.status_code = status
            if status == 401:
                sub_response.headers["WWW-Authenticate"] = "Bearer"
        return shape_response(request, result, await super().process_result(request, result))

    def encode_json(self, data: object) -> str | bytes:
        # orjson: the organisation's map is 2.3 MiB of JSON, which the standard library took
        # ~50 ms per request to write. A value orjson refuses (an integer past 64 bits in a JSON
        # scalar) falls back to the standard encoder. Text, not bytes: WebSocket frames are too.
        try:
            return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()
        except orjson.JSONEncodeError:
            return super().encode_json(data)

    def parse_json(self, data: str | bytes) -> Any:
        # A body nested too deep for the JSON parser is the client's error, not a 500.
        try:
            return super().parse_json(data)
        except RecursionError:
            raise HTTPException(400, "The request body is nested too deeply.") from None

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        responses = response_data if isinstance(response_data, list) else [response_data]
        errors: list[Any] = [e for r in responses for e in (r.get("errors") or ())]
        if any((e.get("extensions") or {}).get("code") == DATABASE_UNAVAILABLE for e in errors):
            sub_response.status_code = 503
            sub_response.headers.update(retry_headers())
        return super().create_response(response_data, sub_response)


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Fetch any object by its global id.", permission_classes=[allowed(NODE)]
    )
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        return await _resolve(info, id)

    @strawberry.field(
        description=f"Fetch up to {MAX_NODES} objects by global id (null where not found).",
        permission_classes=[allowed(NODES)],
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[relay.Node | None]:
        if len(ids) > MAX_NODES:
            raise SyncpointError(
                f"At most {MAX_NODES} ids at once.", field="ids", code=ErrorCode.BAD_PAGINATION
            )
        # Resolved together so each type's DataLoader fetches all its ids in one batch.
        return list(await asyncio.gather(*(_resolve(info, gid) for gid in ids)))


async def _resolve(info: Info, raw: str) -> Any:
    # Ids are read here, not as GlobalID arguments: an id that is not even base64 is simply not
    # found (null beside the other fields), instead of failing the whole document.
    try:
        return await relay.GlobalID.from_id(raw).resolve_node(info, required=False)
    except GlobalIDValueError:
        # An id of an unknown type, or of a type that is not a Node, is simply not found.
        return None
