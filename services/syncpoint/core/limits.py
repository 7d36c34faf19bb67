"""Limits that keep one request from stalling the service.

- `RequestLimits`, an ASGI middleware: the body is capped (413) before it is parsed, a JSON body
  is nesting-capped (400) and its string variables length-capped; each GraphQL request spends
  from its caller's per-minute budget (429 with `Retry-After` when empty, `RateLimit-*` headers
  always); the work is cancelled after a time limit (504) or when the client hangs up.
- `Admission`, inside `RequestLimits`: at most `SYNCPOINT_MAX_CONCURRENT_REQUESTS` requests at
  work per process, the others waiting their turn in arrival order; one that waits longer than
  `SYNCPOINT_ADMISSION_WAIT_SECONDS` answers 503 `OVERLOADED` with `Retry-After`. The event loop
  runs one request at a time anyway, so more at once adds no throughput, only memory: each large
  response built anew holds tens of MiB until it is written.
- `QueryCost`, a schema extension: adds the `DocumentLimits` validation rule (and, for anonymous
  callers when so configured, refuses introspection and hides field suggestions), then before
  execution computes the operation's cost with its variables, refuses it over the limit and
  spends it from the budget; every response reports `extensions.cost`.

Budgets live in the `limits` library's storage: in memory for one process, Redis when
`SYNCPOINT_RATE_LIMIT_STORAGE=redis://...` so that every API process shares them.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import math
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from graphql import (
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    get_operation_ast,
)
from limits import RateLimitItemPerMinute
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from syncpoint.core.collector import MemoryGuard
from syncpoint.core.errors import BadPagination
from syncpoint.core.settings import Settings, get_settings
from syncpoint.core.validation import DocumentLimits, Measure, limit_error

log = logging.getLogger("syncpoint.limits")

BUDGET = "syncpoint_budget"
GRAPHQL_PATH = "/graphql"
TEAMS_PER_ANALYSIS = 50
ORG_SIZE_TTL = 60.0
_SUGGESTION = re.compile(r" Did you mean .*\?$")


class RateLimits:
    """Per-caller budgets of cost points per minute (a sliding window counter: a leaky
    bucket's smoothness without one storage entry per point)."""

    def __init__(self, storage_url: str, per_minute: int) -> None:
        uri = storage_url if storage_url.startswith("async+") else f"async+{storage_url}"
        self.storage = storage_from_string(uri)
        self.limiter = SlidingWindowCounterRateLimiter(self.storage)
        self.item = RateLimitItemPerMinute(per_minute)
        self.per_minute = per_minute

    async def spend(self, key: str, cost: int) -> bool:
        """Take `cost` points; False (nothing taken) when the budget cannot cover it. A storage
        failure lets the request through (logged): limits must not take the service down."""
        if cost <= 0:
            return True
        try:
            return await self.limiter.hit(self.item, key, cost=cost)
        except Exception:
            log.warning("rate-limit storage unavailable; request let through", exc_info=True)
            return True

    async def status(self, key: str) -> tuple[int, int]:
        """(remaining points, seconds until the budget is whole again)."""
        try:
            stats = await self.limiter.get_window_stats(self.item, key)
        except Exception:
            return self.per_minute, 0
        return max(0, stats.remaining), max(0, math.ceil(stats.reset_time - time.time()))


@dataclass
class Budget:
    """One request's view of its caller's budget; the middleware reads it for the headers."""

    rate: RateLimits
    key: str
    anonymous: bool
    remaining: int = 0
    reset: int = 0
    cost: int | None = None
    refused: bool = False

    async def spend(self, cost: int) -> bool:
        ok = await self.rate.spend(self.key, cost)
        self.remaining, self.reset = await self.rate.status(self.key)
        self.refused = self.refused or not ok
        return ok


def caller_key(scope: Scope) -> tuple[str, bool]:
    """A token's budget is keyed by a hash of it; an anonymous caller's by its address."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, secret = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and secret.strip():
                return "token:" + hashlib.sha256(secret.strip().encode()).hexdigest()[:32], False
    client = scope.get("client") or ("unknown", 0)
    return f"addr:{client[0]}", True


def _error_body(message: str, code: str, **extra: Any) -> bytes:
    return json.dumps(
        {"errors": [{"message": message, "extensions": {"code": code, **extra}}]}
    ).encode()


async def _respond(
    send: Send,
    status: int,
    message: str,
    code: str,
    headers: list[tuple[bytes, bytes]] | None = None,
    **extra: Any,
) -> None:
    body = _error_body(message, code, **extra)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def json_depth(value: Any, limit: int) -> bool:
    """Whether `value` nests deeper than `limit` (iterative: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def longest_string(value: Any) -> int:
    longest, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            longest = max(longest, len(item))
        elif isinstance(item, dict):
            stack.extend(item.values())
            stack.extend(k for k in item if isinstance(k, str))
        elif isinstance(item, list):
            stack.extend(item)
    return longest


def rate_headers(budget: Budget) -> list[tuple[bytes, bytes]]:
    return [
        (b"ratelimit-limit", str(budget.rate.per_minute).encode()),
        (b"ratelimit-remaining", str(budget.remaining).encode()),
        (b"ratelimit-reset", str(budget.reset).encode()),
        (b"ratelimit-policy", f"{budget.rate.per_minute};w=60".encode()),
    ]


# Probes must answer a busy process (an orchestrator restarts one whose liveness times out),
# and static files cost nothing to serve.
UNADMITTED_PATHS = ("/healthz", "/readyz", "/static/")


class Admission:
    """Turns to be at work, `limit` at a time per process and event loop (0: no limit)."""

    def __init__(self, limit: int, wait_seconds: float) -> None:
        self.limit = limit
        self.wait_seconds = wait_seconds
        self._loop: asyncio.AbstractEventLoop | None = None
        self._turns: asyncio.Semaphore | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._turns is None or self._loop is not loop:
            self._loop, self._turns = loop, asyncio.Semaphore(self.limit)
        return self._turns

    async def acquire(self) -> bool:
        """Wait for a turn; False when none came within the wait."""
        if not self.limit:
            return True
        try:
            await asyncio.wait_for(self._semaphore().acquire(), self.wait_seconds)
        except TimeoutError:
            return False
        return True

    def release(self) -> None:
        if self.limit:
            self._semaphore().release()


class RequestLimits:
    """The ASGI middleware (see the module's docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings, rate: RateLimits) -> None:
        self.app = app
        self.settings = settings
        self.rate = rate
        self.admission = Admission(
            settings.max_concurrent_requests, settings.admission_wait_seconds
        )
        self.memory = MemoryGuard(settings.collect_above_mib)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = self.settings
        length = dict(scope.get("headers", ())).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > settings.max_body_bytes:
            await self._too_large(send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > settings.max_body_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        budget: Budget | None = None
        if scope["path"].rstrip("/") == GRAPHQL_PATH:
            if refusal := self._check_json(scope, body):
                await _respond(send, 400, *refusal)
                return
            key, anonymous = caller_key(scope)
            budget = Budget(self.rate, key, anonymous)
            if not await budget.spend(1):
                await self._rate_limited(send, budget)
                return
            scope.setdefault("state", {})[BUDGET] = budget
        if scope["path"].startswith(UNADMITTED_PATHS):
            await self._run(scope, body, receive, send, budget)
            return
        if not await self.admission.acquire():
            await self._overloaded(send)
            return
        try:
            await self._run(scope, body, receive, send, budget)
        finally:
            self.admission.release()
            self.memory.after_request()

    def _check_json(self, scope: Scope, body: bytes) -> tuple[str, str] | None:
        """A JSON body (or a GET's JSON `variables`/`extensions`) too deep or with an
        over-long string variable; text that is not JSON is left to the GraphQL view."""
        limit = self.settings.max_json_depth
        too_deep = (f"The JSON body nests deeper than {limit} levels.", "JSON_TOO_DEEP")
        if scope["method"] == "GET":
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            texts = [v for name in ("variables", "extensions") for v in query.get(name, ())]
        else:
            content_type = dict(scope.get("headers", ())).get(b"content-type", b"")
            texts = [body.decode("utf-8", "replace")] if b"json" in content_type and body else []
        for text_ in texts:
            try:
                data = json.loads(text_)
            except RecursionError:
                return too_deep
            except ValueError:
                continue  # answered by the GraphQL view (400, not JSON)
            if json_depth(data, limit):
                return too_deep
            variables = data.get("variables") if scope["method"] != "GET" else data
            if isinstance(data, dict) and longest_string(variables) > (
                cap := self.settings.max_string_length
            ):
                return (f"A string variable is longer than {cap} characters.", "BAD_USER_INPUT")
        return None

    async def _run(
        self, scope: Scope, body: bytes, receive: Receive, send: Send, budget: Budget | None
    ) -> None:
        disconnected = asyncio.Event()
        started = finished = delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await disconnected.wait()
            return {"type": "http.disconnect"}

        async def guarded_send(message: Message) -> None:
            nonlocal started, finished
            if message["type"] == "http.response.body" and not message.get("more_body"):
                finished = True
            if message["type"] == "http.response.start":
                started = True
                if budget is not None:
                    headers = [
                        (k, v)
                        for k, v in message.get("headers", ())
                        if not k.startswith(b"ratelimit")
                    ]
                    headers += rate_headers(budget)
                    status = message["status"]
                    if budget.refused:
                        status = 429
                        headers.append((b"retry-after", str(max(1, budget.reset)).encode()))
                    message = {**message, "status": status, "headers": headers}
            await send(message)

        async def watch() -> None:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    if finished:
                        # Servers report a disconnect once the response is complete too: the
                        # work left (closing the session) must not be cancelled.
                        await asyncio.Event().wait()
                    disconnected.set()
                    return

        work = asyncio.ensure_future(self.app(scope, replay, guarded_send))
        watcher = asyncio.ensure_future(watch())
        try:
            done, _ = await asyncio.wait(
                {work, watcher},
                timeout=self.settings.request_timeout_seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            watcher.cancel()
        if work in done:
            work.result()
            return
        work.cancel()
        try:
            await work
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("error while cancelling a request")
        if watcher in done and disconnected.is_set():
            log.info("client disconnected; request %s cancelled", scope["path"])
            return
        log.warning(
            "request %s exceeded %ss; cancelled",
            scope["path"],
            self.settings.request_timeout_seconds,
        )
        if not started:
            await _respond(
                send,
                504,
                f"The request took longer than {self.settings.request_timeout_seconds:g}s "
                "and was cancelled.",
                "TIMEOUT",
            )

    async def _overloaded(self, send: Send) -> None:
        log.warning(
            "request refused: %d at work, no turn within %ss",
            self.admission.limit,
            self.admission.wait_seconds,
        )
        await _respond(
            send,
            503,
            f"The server is busy: {self.admission.limit} requests are at work and this one "
            f"found no turn within {self.admission.wait_seconds:g}s; nothing was changed. "
            "Try again.",
            "OVERLOADED",
            [(b"retry-after", b"1")],
        )

    async def _too_large(self, send: Send) -> None:
        cap = self.settings.max_body_bytes
        await _respond(
            send,
            413,
            f"The request body is larger than {cap} bytes.",
            "PAYLOAD_TOO_LARGE",
            limit=cap,
        )

    async def _rate_limited(self, send: Send, budget: Budget) -> None:
        headers = [*rate_headers(budget), (b"retry-after", str(max(1, budget.reset)).encode())]
        await _respond(
            send,
            429,
            f"The budget of {budget.rate.per_minute} points per minute is spent; "
            f"retry in {max(1, budget.reset)}s.",
            "RATE_LIMITED",
            headers,
        )


_org_sizes: dict[str, tuple[float, int]] = {}


async def organisation_size(context: Any) -> int:
    """The number of teams (cached for a minute per database): scales analysis costs."""
    session = getattr(context, "session", None)
    if session is None:
        return 0
    bind = session.bind
    key = str(getattr(bind, "engine", bind).url) if bind is not None else ""
    now = time.monotonic()
    cached = _org_sizes.get(key)
    if cached is not None and now - cached[0] < ORG_SIZE_TTL:
        return cached[1]
    try:
        count = int((await session.execute(text("SELECT count(*) FROM teams"))).scalar_one())
    except Exception:
        log.warning("organisation size unavailable; analyses costed as one unit", exc_info=True)
        return 0
    _org_sizes[key] = (now, count)
    return count


def request_budget(context: Any) -> Budget | None:
    request = getattr(context, "request", None)
    state = getattr(request, "scope", {}).get("state") if request is not None else None
    return state.get(BUDGET) if isinstance(state, dict) else None


@functools.cache
def document_limits_rule(
    max_depth: int, max_aliases: int, max_fields: int, max_string: int
) -> type[DocumentLimits]:
    """One rule class per configuration, so the validation cache's key stays stable."""
    return DocumentLimits.configured(
        max_depth=max_depth, max_aliases=max_aliases, max_fields=max_fields, max_string=max_string
    )


class QueryCost(SchemaExtension):
    """Document limits, the query cost and its budget (see the module's docstring). The
    settings are the request context's (`context.settings`), so one schema serves every app."""

    def __init__(self) -> None:
        self.cost: int | None = None

    @property
    def settings(self) -> Settings:
        found = getattr(self.execution_context.context, "settings", None)
        return found if isinstance(found, Settings) else get_settings()

    @property
    def rule(self) -> type[DocumentLimits]:
        settings = self.settings
        return document_limits_rule(
            settings.max_query_depth,
            settings.max_query_aliases,
            settings.max_query_fields,
            settings.max_string_length,
        )

    def _anonymous_restricted(self) -> bool:
        if self.settings.anonymous_introspection_allowed:
            return False
        actor = getattr(self.execution_context.context, "actor", None)
        return actor is None or bool(actor.is_anonymous)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        rules = (*context.validation_rules, self.rule)
        restricted = self._anonymous_restricted()
        if restricted:
            rules = (*rules, NoSchemaIntrospectionCustomRule)
        context.validation_rules = rules
        yield
        if restricted:
            for error in context.pre_execution_errors or ():
                error.message = _SUGGESTION.sub("", error.message)

    async def on_execute(self) -> Any:
        context = self.execution_context
        document = context.graphql_document
        operation = _operation(document, context.operation_name)
        if operation is not None:
            try:
                self.cost = await self._cost(operation)
            except BadPagination as exc:
                error = GraphQLError(exc.message, original_error=exc)
                error.extensions = {"code": exc.code.value, "field": exc.field}
                context.result = ExecutionResult(data=None, errors=[error])
                yield
                return
            limit = self.settings.max_query_cost
            budget = request_budget(context.context)
            if self.cost > limit:
                context.result = ExecutionResult(
                    data=None,
                    errors=[
                        limit_error(
                            f"The query costs {self.cost}; at most {limit} is allowed. "
                            "Ask for smaller pages or fewer analyses.",
                            "QUERY_TOO_COMPLEX",
                            cost=self.cost,
                            limit=limit,
                        )
                    ],
                )
            elif budget is not None and not await budget.spend(self.cost - 1):
                context.result = ExecutionResult(
                    data=None,
                    errors=[
                        limit_error(
                            f"The query costs {self.cost} and the budget of "
                            f"{budget.rate.per_minute} points per minute has "
                            f"{budget.remaining} left; retry in {max(1, budget.reset)}s.",
                            "RATE_LIMITED",
                            cost=self.cost,
                            remaining=budget.remaining,
                            retryAfter=max(1, budget.reset),
                        )
                    ],
                )
        yield

    async def _cost(self, operation: OperationDefinitionNode) -> int:
        context = self.execution_context
        assert context.graphql_document is not None
        measure = Measure.of(
            context.schema._schema,
            context.graphql_document,
            variables=context.variables or {},
            default_page=self.settings.max_page_size,
        )
        shape = measure.operation(operation)
        if measure.bad_pages:
            # Refused as the pagination engine would refuse it, before anything runs or costs.
            field, argument, value = measure.bad_pages[0]
            raise BadPagination(
                f"{argument} must be between 0 and {self.settings.max_page_size} "
                f"(got {value} on {field}).",
                field=argument,
            )
        if not shape.analyses:
            return shape.cost
        teams = await organisation_size(context.context)
        unit = self.settings.analysis_cost * max(1, math.ceil(teams / TEAMS_PER_ANALYSIS))
        return shape.cost + unit * len(shape.analyses)

    def get_results(self) -> dict[str, Any]:
        budget = request_budget(self.execution_context.context)
        cost: dict[str, Any] = {
            "requested": self.cost if self.cost is not None else 0,
            "limit": self.settings.max_query_cost,
        }
        if budget is not None:
            cost["remaining"] = budget.remaining
            cost["budgetPerMinute"] = budget.rate.per_minute
            cost["resetSeconds"] = budget.reset
        return {"cost": cost}


def _operation(document: Any, name: str | None) -> OperationDefinitionNode | None:
    return get_operation_ast(document, name) if document is not None else None


def install(app: Any, settings: Settings) -> None:
    """Install the request middlewares (the one place they are added)."""
    from syncpoint.core.graphql_http import GraphQLResponseMedia

    app.add_middleware(GraphQLResponseMedia)
    app.add_middleware(
        RequestLimits,
        settings=settings,
        rate=RateLimits(settings.rate_limit_storage, settings.rate_limit_per_minute),
    )
