"""The demo organisation: a realistic ML organisation that every capability extends."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor, Role
from syncpoint.core.clock import today
from syncpoint.demo.org import load_org
from syncpoint.teams.models import Group


async def database_is_empty(session: AsyncSession) -> bool:
    """True when no organisation data exists yet (tokens alone do not count)."""
    return not await session.scalar(select(func.count()).select_from(Group))


async def load_demo(session: AsyncSession, as_of: date | None = None) -> str:
    """Load the whole demo, dated around `as_of` (default today), through the services."""
    actor = Actor(role=Role.ADMIN)
    org = await load_org(session, actor, as_of or today())
    return org.summary()
