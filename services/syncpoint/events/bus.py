"""Event buses: where committed blocker events go and how subscribers receive them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from types import TracebackType

from sqlalchemy.orm import Session

from syncpoint.events.messages import BlockerEventMessage

log = logging.getLogger("syncpoint.events")

# A subscriber this far behind is too slow to keep up; it loses its oldest events, not the bus.
QUEUE_SIZE = 1000


class Subscription:
    """One subscriber's queue of messages; use as `async with bus.subscribe() as sub`."""

    def __init__(self, bus: LocalBus) -> None:
        self._bus = bus
        self._queue: asyncio.Queue[BlockerEventMessage] = asyncio.Queue(maxsize=QUEUE_SIZE)

    async def __aenter__(self) -> Subscription:
        self._bus._subscribers.add(self)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._bus._subscribers.discard(self)

    def offer(self, message: BlockerEventMessage) -> None:
        if self._queue.full():
            self._queue.get_nowait()
            log.warning("subscriber too slow: dropped its oldest blocker event")
        self._queue.put_nowait(message)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> BlockerEventMessage:
        return await self._queue.get()


class EventBus:
    """Interface of a bus. `publish_in_transaction` runs in the session's before-commit hook,
    `publish_committed` after the commit; a bus implements the one that fits its transport."""

    def subscribe(self) -> Subscription:
        raise NotImplementedError

    @property
    def subscriber_count(self) -> int:
        """Subscriptions open in this process (readiness checks, tests)."""
        return 0

    def publish_in_transaction(
        self, session: Session, messages: Sequence[BlockerEventMessage]
    ) -> None:
        """Called just before the outermost commit (may emit SQL on `session`)."""

    def publish_committed(self, messages: Sequence[BlockerEventMessage]) -> None:
        """Called right after the outermost commit succeeded."""

    async def start(self) -> None:
        """Open what the bus needs (the app's lifespan calls this)."""

    async def stop(self) -> None:
        """Release it."""


class LocalBus(EventBus):
    """In-process broadcast: every subscription of this process gets every committed message."""

    def __init__(self) -> None:
        self._subscribers: set[Subscription] = set()

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def subscribe(self) -> Subscription:
        return Subscription(self)

    def deliver(self, messages: Sequence[BlockerEventMessage]) -> None:
        """Hand messages to every current subscriber (never blocks)."""
        for subscription in list(self._subscribers):
            for message in messages:
                subscription.offer(message)

    def publish_committed(self, messages: Sequence[BlockerEventMessage]) -> None:
        self.deliver(messages)


def make_event_bus(database_url: str) -> EventBus:
    """LISTEN/NOTIFY on PostgreSQL (reaches every API process), in-process otherwise."""
    if database_url.startswith("postgresql"):
        from syncpoint.events.postgres import PostgresBus

        return PostgresBus(database_url)
    return LocalBus()
