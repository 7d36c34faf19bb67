"""Warm the analysis at start-up: today's analysis is computed in a lifespan task, so the first
request finds it computed (or joins the computation) instead of starting one of its own."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

from syncpoint.insights.analyses import Analyses, app_caches

log = logging.getLogger("syncpoint.insights.warm")


def warming_enabled(app: Any) -> bool:
    settings = getattr(app.state, "settings", None)
    choice = getattr(settings, "warm_analysis", None)
    if choice is not None:
        return bool(choice)
    return bool(getattr(settings, "is_production", False))


async def warm(app: Any) -> None:
    """Compute today's analysis into the app's shared cache (a failure is only logged: the
    first request then computes it)."""
    caches = app_caches(app)
    sessionmaker = getattr(app.state, "sessionmaker", None)
    if caches is None or sessionmaker is None:
        return
    try:
        async with sessionmaker() as session:
            await Analyses(session, caches[0], drawings=caches[1]).analysis()
            await session.rollback()
    except asyncio.CancelledError:
        raise
    except Exception:
        log.warning("warming the analysis failed; the first request computes it", exc_info=True)


def start_warming(app: Any) -> asyncio.Task[None] | None:
    """Start warming in the background when enabled (production by default)."""
    if not warming_enabled(app):
        return None
    return asyncio.create_task(warm(app), name="syncpoint-warm-analysis")


def warming_state(task: asyncio.Task[None] | None) -> str:
    """off (not warmed at start-up), warming, or warm (done: computed, or failed and logged)."""
    if task is None:
        return "off"
    return "warm" if task.done() else "warming"


async def stop_warming(task: asyncio.Task[None] | None) -> None:
    if task is not None and not task.done():
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
