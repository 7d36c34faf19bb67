"""Warm the analysis at start-up: today's analysis is computed in a lifespan task, so the first
request finds it computed (or joins the computation) instead of starting one of its own. The
whole organisation's team map (what a director opens first) is drawn with it: at 500 teams its
team graph and betweenness took 1.5 s of the first map request."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

from syncpoint.analysis.graph import MapLevel
from syncpoint.insights.analyses import Analyses, app_caches
from syncpoint.insights.result import MapFilter

log = logging.getLogger("syncpoint.insights.warm")


def warming_enabled(app: Any) -> bool:
    settings = getattr(app.state, "settings", None)
    choice = getattr(settings, "warm_analysis", None)
    if choice is not None:
        return bool(choice)
    return bool(getattr(settings, "is_production", False))


async def warm(app: Any) -> None:
    """Compute today's analysis and its whole-organisation team map into the app's shared
    caches (a failure is only logged: the first request then computes them)."""
    caches = app_caches(app)
    sessionmaker = getattr(app.state, "sessionmaker", None)
    if caches is None or sessionmaker is None:
        return
    try:
        async with sessionmaker() as session:
            analyses = Analyses(session, caches[0], drawings=caches[1])
            analysis = await analyses.analysis()
            await analyses.dependency_map(analysis, MapLevel.TEAM, MapFilter())
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
