"""The reads an import needs: existing objects by natural key, loaded in few statements."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.dependencies.models import Dependency, DependencyStatus
from syncpoint.products.models import Product, ProductSubscription
from syncpoint.teams.models import Group, Interaction, Membership, Person, Team
from syncpoint.work.models import BacklogItem


async def groups_by_slug(session: AsyncSession) -> dict[str, Group]:
    return {g.slug: g for g in await session.scalars(select(Group))}


async def teams_by_slug(session: AsyncSession) -> dict[str, Team]:
    return {t.slug: t for t in await session.scalars(select(Team))}


async def people_by_email(session: AsyncSession) -> dict[str, Person]:
    return {p.email.lower(): p for p in await session.scalars(select(Person))}


async def products_by_slug(session: AsyncSession) -> dict[str, Product]:
    return {p.slug: p for p in await session.scalars(select(Product))}


async def active_memberships(session: AsyncSession) -> dict[tuple[int, int], Membership]:
    rows = await session.scalars(select(Membership).where(Membership.ended_on.is_(None)))
    return {(m.person_id, m.team_id): m for m in rows}


async def active_subscriptions(session: AsyncSession) -> set[tuple[int, int]]:
    rows = await session.execute(
        select(ProductSubscription.product_id, ProductSubscription.team_id).where(
            ProductSubscription.until.is_(None)
        )
    )
    return {(p, t) for p, t in rows}


async def open_interactions(session: AsyncSession) -> dict[tuple[int, int, str], Interaction]:
    rows = await session.scalars(select(Interaction).where(Interaction.ended_on.is_(None)))
    return {(i.team_id, i.partner_id, i.mode.value): i for i in rows}


async def items_by_key(session: AsyncSession, keys: Sequence[str]) -> dict[str, BacklogItem]:
    found: dict[str, BacklogItem] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for item in await session.scalars(select(BacklogItem).where(BacklogItem.key.in_(chunk))):
            found[item.key] = item
    return found


async def open_dependencies_of(
    session: AsyncSession, consumer_item_ids: Sequence[int]
) -> dict[int, Dependency]:
    found: dict[int, Dependency] = {}
    for start in range(0, len(consumer_item_ids), 500):
        chunk = consumer_item_ids[start : start + 500]
        rows = await session.scalars(
            select(Dependency).where(
                Dependency.consumer_item_id.in_(chunk),
                Dependency.status == DependencyStatus.OPEN,
            )
        )
        for dependency in rows:
            found[dependency.consumer_item_id] = dependency
    return found


async def count(session: AsyncSession, model: type[object]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)
