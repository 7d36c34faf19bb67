"""PostgreSQL LISTEN/NOTIFY: events reach subscribers connected to any API process.

Publishing: `pg_notify` runs inside the committing transaction, so PostgreSQL itself delivers
the notification exactly when (and only if) the transaction commits, in commit order.
Receiving: each process keeps one asyncpg connection LISTENing on the channel (reconnecting
after a loss) and fans notifications out to its local subscribers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from syncpoint.events.bus import EventBus, LocalBus, Subscription
from syncpoint.events.messages import CHANNEL, BlockerEventMessage

log = logging.getLogger("syncpoint.events")

RECONNECT_SECONDS = 2.0
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


def asyncpg_dsn(database_url: str) -> str:
    """The plain libpq URL asyncpg expects, from a SQLAlchemy `postgresql+asyncpg://` URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class PostgresBus(EventBus):
    """NOTIFY from the committing transaction, LISTEN on a dedicated connection per process."""

    def __init__(self, database_url: str, *, channel: str = CHANNEL) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._channel = channel
        self._local = LocalBus()
        self._task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    def subscribe(self) -> Subscription:
        return self._local.subscribe()

    @property
    def subscriber_count(self) -> int:
        return self._local.subscriber_count

    def publish_in_transaction(
        self, session: Session, messages: Sequence[BlockerEventMessage]
    ) -> None:
        for message in messages:
            session.execute(_NOTIFY, {"channel": self._channel, "payload": message.to_json()})

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._listen_forever(), name="syncpoint-listen")

    async def wait_listening(self) -> None:
        """Wait until the LISTEN connection is up (startup ordering in tests and readiness)."""
        await self._listening.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        message = BlockerEventMessage.from_json(payload)
        if message is None:
            log.warning("ignored a malformed notification on %s", self._channel)
            return
        self._local.deliver([message])

    async def _listen_forever(self) -> None:
        while True:
            try:
                await self._listen_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("LISTEN connection lost; reconnecting")
            self._listening.clear()
            await asyncio.sleep(RECONNECT_SECONDS)

    async def _listen_once(self) -> None:
        lost = asyncio.Event()
        conn = await asyncpg.connect(self._dsn)
        try:
            conn.add_termination_listener(lambda _c: lost.set())
            await conn.add_listener(self._channel, self._on_notify)
            self._listening.set()
            await lost.wait()
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(conn.close(timeout=2))
