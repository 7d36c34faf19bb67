"""The demo organisation: a realistic ML organisation that every capability extends."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor, Role
from syncpoint.core.clock import today
from syncpoint.demo.gates import load_gates
from syncpoint.demo.org import load_org
from syncpoint.demo.products import load_products
from syncpoint.demo.sos import load_sos
from syncpoint.demo.work import load_work
from syncpoint.teams.models import Group


async def database_is_empty(session: AsyncSession) -> bool:
    """True when no organisation data exists yet (tokens alone do not count)."""
    return not await session.scalar(select(func.count()).select_from(Group))


async def load_demo(session: AsyncSession, as_of: date | None = None) -> str:
    """Load the whole demo, dated around `as_of` (default today), through the services."""
    actor = Actor(role=Role.ADMIN)
    day = as_of or today()
    org = await load_org(session, actor, day)
    work = await load_work(session, actor, org, day)
    products = await load_products(session, actor, org, day)
    await load_gates(session, actor, org, day)
    sos = await load_sos(session, actor, org, day)  # last: it blocks items the others made
    return f"{org.summary()}; {work.summary()}; {products.summary()}; {sos.summary()}"
