"""The reads an import needs: existing objects by natural key, loaded in few statements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.cadence.models import CarryOver, Sprint
from syncpoint.dependencies.models import Dependency, DependencyStatus
from syncpoint.products.models import Product, ProductSubscription
from syncpoint.teams.models import Group, Interaction, Membership, Person, Team
from syncpoint.work.models import BacklogItem


async def groups_by_slug(session: AsyncSession) -> dict[str, Group]:
    return {g.slug: g for g in await session.scalars(select(Group))}


async def teams_by_slug(session: AsyncSession) -> dict[str, Team]:
    return {t.slug: t for t in await session.scalars(select(Team))}


CHUNK = 500  # values per IN list: well under SQLite's and asyncpg's parameter limits


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[start : start + CHUNK] for start in range(0, len(values), CHUNK)]


async def people_by_email(
    session: AsyncSession, emails: Sequence[str] | None = None
) -> dict[str, Person]:
    """Everyone, or the people with these e-mails (case-insensitively, one SELECT per CHUNK)."""
    if emails is None:
        return {p.email.lower(): p for p in await session.scalars(select(Person))}
    found: dict[str, Person] = {}
    for chunk in _chunks(sorted({e.strip().lower() for e in emails})):
        rows = await session.scalars(select(Person).where(func.lower(Person.email).in_(chunk)))
        for person in rows:
            found[person.email.lower()] = person
    return found


async def products_by_slug(session: AsyncSession) -> dict[str, Product]:
    return {p.slug: p for p in await session.scalars(select(Product))}


async def active_memberships(
    session: AsyncSession, person_ids: Sequence[int] | None = None
) -> dict[tuple[int, int], Membership]:
    """Every active membership, or those of these people (one SELECT per CHUNK of them)."""
    if person_ids is None:
        rows = await session.scalars(select(Membership).where(Membership.ended_on.is_(None)))
        return {(m.person_id, m.team_id): m for m in rows}
    found: dict[tuple[int, int], Membership] = {}
    for chunk in _chunks(sorted(set(person_ids))):
        rows = await session.scalars(
            select(Membership).where(Membership.person_id.in_(chunk), Membership.ended_on.is_(None))
        )
        for m in rows:
            found[(m.person_id, m.team_id)] = m
    return found


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
    for chunk in _chunks(sorted(set(keys))):
        for item in await session.scalars(select(BacklogItem).where(BacklogItem.key.in_(chunk))):
            found[item.key] = item
    return found


async def open_dependencies_of(
    session: AsyncSession, consumer_item_ids: Sequence[int]
) -> dict[int, Dependency]:
    found: dict[int, Dependency] = {}
    for chunk in _chunks(sorted(set(consumer_item_ids))):
        rows = await session.scalars(
            select(Dependency).where(
                Dependency.consumer_item_id.in_(chunk),
                Dependency.status == DependencyStatus.OPEN,
            )
        )
        for dependency in rows:
            found[dependency.consumer_item_id] = dependency
    return found


async def open_dependency_pairs(
    session: AsyncSession, item_ids: Sequence[int]
) -> set[tuple[int, int | None]]:
    """(consumer item, provider item) of every open dependency whose consumer is one of these."""
    found: set[tuple[int, int | None]] = set()
    for chunk in _chunks(sorted(set(item_ids))):
        rows = await session.execute(
            select(Dependency.consumer_item_id, Dependency.provider_item_id).where(
                Dependency.consumer_item_id.in_(chunk),
                Dependency.status == DependencyStatus.OPEN,
            )
        )
        found.update((consumer, provider) for consumer, provider in rows)
    return found


async def carry_overs_of(
    session: AsyncSession, item_ids: Sequence[int]
) -> dict[int, set[tuple[int, int]]]:
    """Each item's carry-overs as (from sprint, to sprint) pairs."""
    found: dict[int, set[tuple[int, int]]] = {}
    for chunk in _chunks(sorted(set(item_ids))):
        rows = await session.execute(
            select(CarryOver.item_id, CarryOver.from_sprint_id, CarryOver.to_sprint_id).where(
                CarryOver.item_id.in_(chunk)
            )
        )
        for item_id, earlier, later in rows:
            found.setdefault(item_id, set()).add((earlier, later))
    return found


async def sprints_of(session: AsyncSession, team_ids: Sequence[int]) -> dict[int, list[Sprint]]:
    """Every stored sprint of these teams, by start date."""
    found: dict[int, list[Sprint]] = {team_id: [] for team_id in team_ids}
    for chunk in _chunks(sorted(set(team_ids))):
        rows = await session.scalars(
            select(Sprint).where(Sprint.team_id.in_(chunk)).order_by(Sprint.start_date, Sprint.id)
        )
        for sprint in rows:
            found[sprint.team_id].append(sprint)
    return found


async def count(session: AsyncSession, model: type[object]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)
