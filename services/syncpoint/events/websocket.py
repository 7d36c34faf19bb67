"""GraphQL over WebSocket: the per-connection context and its authentication.

A WebSocket lives for hours, so it never holds a database session: each delivered event opens
its own short session (`scope()`), which every field resolved for that event uses through the
`session`/`loaders` properties (a context variable of the subscription's task). Queries and
mutations are served over HTTP only.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import BaseContext

from syncpoint.auth import transport
from syncpoint.core.auth import ANONYMOUS, Actor
from syncpoint.core.db import SerialSession
from syncpoint.core.errors import ErrorCode, SyncpointError
from syncpoint.core.graphql import SyncpointRouter
from syncpoint.core.loaders import Loaders
from syncpoint.core.settings import Settings
from syncpoint.events.bus import EventBus

_Scope = tuple[SerialSession, Loaders, dict[str, Any]]
_scope: ContextVar[_Scope | None] = ContextVar("sp_ws_scope", default=None)


class WebSocketOnlySubscriptions(SyncpointError):
    code = ErrorCode.INVALID


class SubscriptionContext(BaseContext):
    """The context of one WebSocket connection (shared by its subscriptions)."""

    def __init__(
        self,
        *,
        settings: Settings,
        sessionmaker: async_sessionmaker[SerialSession],
        bus: EventBus,
        actor: Actor = ANONYMOUS,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.sessionmaker = sessionmaker
        self.bus = bus
        self.actor = actor

    def _current(self) -> _Scope:
        current = _scope.get()
        if current is None:
            raise WebSocketOnlySubscriptions(
                "Over WebSocket only subscriptions are served; "
                "send queries and mutations over HTTP."
            )
        return current

    @property
    def session(self) -> SerialSession:
        return self._current()[0]

    @property
    def loaders(self) -> Loaders:
        return self._current()[1]

    @property
    def extras(self) -> dict[str, Any]:
        """Per-event caches (like an HTTP request's): nothing outlives one delivered event."""
        return self._current()[2]

    @asynccontextmanager
    async def scope(self) -> AsyncIterator[SerialSession]:
        """A fresh read-only session (and loaders) for one event, closed when the block ends."""
        async with self.sessionmaker() as session:
            token = _scope.set((session, Loaders(session), {}))
            try:
                yield session
            finally:
                # A generator finalised by the loop runs in another context: nothing to reset.
                with contextlib.suppress(ValueError):
                    _scope.reset(token)
                await session.rollback()


async def authenticate_connection(context: SubscriptionContext) -> bool:
    """Set the connection's actor (auth.transport: the connection_init payload, else the
    upgrade request's header); False when the connection is refused."""
    async with context.sessionmaker() as session:
        try:
            context.actor = await transport.authenticate_connection(
                session,
                context.connection_params,
                context.request,
                allow_anonymous_read=context.settings.allow_anonymous_read,
            )
        except transport.Refused:
            return False
        finally:
            await session.rollback()
    return True


class SubscriptionRouter(SyncpointRouter):
    """The GraphQL router plus the WebSocket hook: authenticate on connection_init (the
    `Authorization` entry of its payload, else the upgrade request's header); a missing
    (while anonymous reads are off) or invalid token closes the socket with 4403."""

    async def on_ws_connect(self, context: Any) -> Any:
        if isinstance(context, SubscriptionContext) and not await authenticate_connection(context):
            raise ConnectionRejectionError()
        return await super().on_ws_connect(context)
