"""Refused actions (security events), noted during a request and kept even when it rolls back.

The permission checks note each refusal on the request's context; after the request's own
transaction has ended (committed or rolled back), the GraphQL router hands them to the registered
sinks (the audit log) in a transaction of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from syncpoint.core.auth import Actor

log = logging.getLogger("syncpoint.security")


@dataclass(frozen=True, slots=True)
class Refusal:
    operation: str
    code: str  # UNAUTHENTICATED | FORBIDDEN
    reason: str  # ROLE | SCOPE | ...
    message: str


Sink = Callable[[Any, "Actor", list[Refusal]], Awaitable[None]]
_SINKS: list[Sink] = []


def refusal_sink(sink: Sink) -> Sink:
    """Register `sink(session, actor, refusals)`, run in the transaction that stores them."""
    _SINKS.append(sink)
    return sink


def note_refusal(context: Any, refusal: Refusal) -> None:
    """Note a refusal on a request's context (contexts without a list, e.g. WebSocket, log it)."""
    log.info("refused %s for %s: %s", refusal.operation, refusal.reason, refusal.message)
    noted = getattr(context, "refusals", None)
    if isinstance(noted, list):
        noted.append(refusal)


async def store_refusals(session: Any, actor: Actor, refusals: list[Refusal]) -> None:
    """Store `refusals` in their own transaction on `session` (whose request transaction has
    ended); a failure is logged, never turned into the request's answer."""
    if not refusals or not _SINKS:
        return
    try:
        for sink in _SINKS:
            await sink(session, actor, refusals)
        await session.commit()
    except Exception:
        log.exception("could not store %d security event(s)", len(refusals))
        await session.rollback()
