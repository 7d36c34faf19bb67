"""Domain events: a handler runs on the publisher's session and answers; an event nobody
handles is a bug, not a silent no-op."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

import syncpoint.models_registry  # noqa: F401 - every context, hence every handler
from syncpoint.core.events import Event, UnhandledEvent, handlers_of, handles, publish
from syncpoint.products.events import SystemBlockersCalledFor

SESSION = cast(AsyncSession, object())


@dataclass(frozen=True)
class Nobody(Event[None]):
    pass


@dataclass(frozen=True)
class Asked(Event[str]):
    name: str


seen: list[Any] = []


@handles(Asked)
async def _answer(session: AsyncSession, event: Asked) -> str:
    seen.append(session)
    return f"hello {event.name}"


async def test_a_handler_answers_on_the_publishers_session():
    assert await publish(SESSION, Asked("ada")) == ["hello ada"]
    assert seen[-1] is SESSION


async def test_an_event_nobody_handles_is_refused():
    with pytest.raises(UnhandledEvent, match="Nobody"):
        await publish(SESSION, Nobody())


def test_blockers_handle_what_products_call_for():
    assert [h.__module__ for h in handlers_of(SystemBlockersCalledFor)] == [
        "syncpoint.blockers.handlers"
    ]
