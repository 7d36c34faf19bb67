"""In-process domain events: one context announces what happened, another reacts, in the same
transaction (the handlers run on the publisher's session, before the request commits).

This is how two contexts talk without importing each other both ways: the publisher owns the
event type and knows no handler; the handler's context imports the event type (it depends on
the publisher, never the reverse). An event whose `needs_handler` is set refuses to go
unheard: publishing it with no handler registered is a bug (the handling context was never
imported), reported as such rather than silently dropping the reaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

R = TypeVar("R")
E = TypeVar("E", bound="Event[Any]")

Handler = Callable[[AsyncSession, E], Awaitable[R]]


class Event(Generic[R]):
    """Base of every domain event; `R` is what each handler answers (None for most)."""

    needs_handler: ClassVar[bool] = True


_handlers: dict[type[Event[Any]], list[Handler[Any, Any]]] = {}


def handles(event_type: type[E]) -> Callable[[Handler[E, R]], Handler[E, R]]:
    """Register the decorated coroutine `(session, event)` as a handler of `event_type`."""

    def register(fn: Handler[E, R]) -> Handler[E, R]:
        registered = _handlers.setdefault(event_type, [])
        if fn not in registered:
            registered.append(fn)
        return fn

    return register


def handlers_of(event_type: type[Event[Any]]) -> list[Handler[Any, Any]]:
    return list(_handlers.get(event_type, ()))


class UnhandledEvent(RuntimeError):
    """An event that needs a handler was published while none was registered."""


async def publish(session: AsyncSession, event: Event[R]) -> list[R]:
    """Run every handler of `event` in registration order on `session`; their answers."""
    handlers = _handlers.get(type(event), [])
    if not handlers and event.needs_handler:
        raise UnhandledEvent(
            f"No handler is registered for {type(event).__qualname__}: the context that "
            "handles it was not imported (syncpoint.models_registry imports them all)."
        )
    return [await handler(session, event) for handler in handlers]
