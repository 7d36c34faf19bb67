"""The request session: statements from concurrent tasks never overlap, and a mutation's SAVEPOINT
does not lock out work (such as a DataLoader batch) that runs in another task."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, text

from syncpoint.teams.models import Team
from tests.support.factories import make_team


async def test_another_task_can_use_the_session_inside_a_savepoint(session):
    team = await make_team(session)
    async with session.savepoint():
        other_task = asyncio.create_task(
            session.scalar(select(Team.slug).where(Team.id == team.id))
        )
        assert await asyncio.wait_for(other_task, timeout=10) == team.slug


async def test_concurrent_statements_are_serialised(session):
    results = await asyncio.gather(*(session.scalar(text(f"SELECT {i}")) for i in range(20)))
    assert results == list(range(20))


def test_every_async_method_of_the_session_is_serialised():
    # A coroutine method AsyncSession gains (a new SQLAlchemy release) must not bypass the lock.
    import inspect

    from sqlalchemy.ext.asyncio import AsyncSession

    from syncpoint.core.db import SerialSession

    names = [
        name
        for name in dir(AsyncSession)
        if not name.startswith("__")
        and not isinstance(inspect.getattr_static(AsyncSession, name), classmethod | staticmethod)
        and inspect.iscoroutinefunction(inspect.getattr_static(AsyncSession, name))
    ]
    assert {"execute", "commit", "get_one", "stream", "run_sync"} <= set(names)
    unguarded = [
        n for n in names if not getattr(getattr(SerialSession, n), "__serialised__", False)
    ]
    assert unguarded == []
