"""Rules of products: ownership, consumers, the product backlog and its requests, turnaround.
Functions take (session, actor, ...) and never commit (policies: products/common.py). Requests
(the dependencies on a product) are triaged and delivered in dependencies/requests.py."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor
from syncpoint.core.clock import today
from syncpoint.core.errors import (
    DomainError,
    DuplicateError,
    ErrorCode,
    Problems,
    check_version,
    require_found,
)
from syncpoint.core.models import utcnow
from syncpoint.products import repository as repo
from syncpoint.products.common import (
    CREATE_PRODUCT,
    SET_ITEM_PRODUCT,
    SUBSCRIBE,
    UNSUBSCRIBE,
    UPDATE_PRODUCT,
    get_product,
    live_product,
    live_team,
)
from syncpoint.products.compute import evaluate_contention
from syncpoint.products.models import (
    Product,
    ProductKind,
    ProductSubscription,
)
from syncpoint.teams.models import Team, Topology
from syncpoint.work.models import BacklogItem

OWNER_TOPOLOGIES = (Topology.PLATFORM, Topology.COMPLICATED_SUBSYSTEM)
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
MAX_CAPACITY = 1_000_000


async def _owner_team(session: AsyncSession, team_id: int) -> Team:
    return _check_owner(await live_team(session, team_id, "ownerTeamId"))


def _name(value: str) -> str:
    value = value.strip()
    if not value:
        raise DomainError("Name must not be empty.", field="name", code=ErrorCode.REQUIRED)
    if len(value) > 200:
        raise DomainError("Name must be at most 200 characters.", field="name")
    return value


def _capacity(kind: ProductKind, capacity: int | None) -> int | None:
    if kind is not ProductKind.COMPUTE:
        if capacity is not None:
            raise DomainError("Only COMPUTE products have a capacity.", field="capacityUnits")
        return None
    if capacity is None:
        raise DomainError(
            "A COMPUTE product needs its capacity in units (e.g. 16 GPUs).",
            field="capacityUnits",
            code=ErrorCode.REQUIRED,
        )
    if not 1 <= capacity <= MAX_CAPACITY:
        raise DomainError(f"Capacity must be 1 to {MAX_CAPACITY} units.", field="capacityUnits")
    return capacity


async def create_product(
    session: AsyncSession,
    actor: Actor,
    *,
    slug: str,
    name: str,
    kind: ProductKind,
    owner_team_id: int,
    description: str = "",
    capacity_units: int | None = None,
) -> Product:
    """Create a product owned by a platform or complicated-subsystem team; every problem of
    the request is reported at once."""
    actor.require_team(CREATE_PRODUCT, owner_team_id)
    problems = Problems()
    if _slug_checked(slug, problems) and await repo.slug_taken(session, slug):
        problems.add("slug", f"A product with slug {slug!r} exists already.", ErrorCode.DUPLICATE)
    with problems.catch():
        await _owner_team(session, owner_team_id)
    product = build_product(
        actor,
        slug=slug,
        name=name,
        kind=kind,
        owner=None,
        owner_team_id=owner_team_id,
        description=description,
        capacity_units=capacity_units,
        problems=problems,
        slug_checked=True,
    )
    session.add(product)
    await session.flush()
    return product


def _slug_checked(slug: str, problems: Problems) -> bool:
    if SLUG_RE.match(slug):
        return True
    problems.add("slug", f"Slug {slug!r} must be 1-64 lower-case letters, digits or inner hyphens.")
    return False


def _check_owner(team: Team) -> Team:
    if team.topology not in OWNER_TOPOLOGIES:
        raise DomainError(
            f"{team.name} is a {team.topology.value} team; a product is owned by a PLATFORM or "
            "COMPLICATED_SUBSYSTEM team.",
            field="ownerTeamId",
            code=ErrorCode.INVALID,
        )
    return team


def build_product(
    actor: Actor,
    *,
    slug: str,
    name: str,
    kind: ProductKind,
    owner: Team | None,
    owner_team_id: int,
    description: str = "",
    capacity_units: int | None = None,
    problems: Problems | None = None,
    slug_checked: bool = False,
) -> Product:
    """A new product checked by the rules that need no lookup (with `owner`, the owner team's
    topology too), not added to a session: the bulk import knows which slugs are taken.
    Every problem is reported at once, after those the caller found first (`problems`)."""
    actor.require_team(CREATE_PRODUCT, owner_team_id)
    found = problems if problems is not None else Problems()
    if not slug_checked:
        _slug_checked(slug, found)
    product = Product(slug=slug, kind=kind, description=description, owner_team_id=owner_team_id)
    if owner is not None:
        with found.catch():
            _check_owner(owner)
    with found.catch():
        product.name = _name(name)
    with found.catch():
        product.capacity_units = _capacity(kind, capacity_units)
    found.raise_if_any()
    return product


async def update_product(
    session: AsyncSession, actor: Actor, product_id: int, version: int, changes: Mapping[str, Any]
) -> Product:
    """Rename or re-describe a product, change its capacity, hand it to another owner team or
    archive it. A capacity change re-checks contention."""
    product = await get_product(session, product_id, "id")
    actor.require_team(UPDATE_PRODUCT, product.owner_team_id)
    check_version(product.version, version, "Product")
    problems = Problems()
    if "owner_team_id" in changes and changes["owner_team_id"] != product.owner_team_id:
        actor.require_team(UPDATE_PRODUCT, changes["owner_team_id"])
        with problems.catch():
            product.owner_team_id = (await _owner_team(session, changes["owner_team_id"])).id
    if "name" in changes:
        with problems.catch():
            product.name = _name(changes["name"])
    if "description" in changes:
        product.description = changes["description"] or ""
    if "capacity_units" in changes:
        with problems.catch():
            product.capacity_units = _capacity(product.kind, changes["capacity_units"])
    problems.raise_if_any()
    if "archived" in changes:
        product.archived_at = (product.archived_at or utcnow()) if changes["archived"] else None
    await session.flush()
    if "capacity_units" in changes and product.kind is ProductKind.COMPUTE:
        await evaluate_contention(session, product)
    return product


async def set_item_product(
    session: AsyncSession, actor: Actor, item_id: int, product_id: int | None
) -> BacklogItem:
    """Put an owner-team item on a product's backlog (or take it off with None)."""
    actor.require_access(SET_ITEM_PRODUCT)
    item = await session.get(BacklogItem, item_id)
    require_found(item, "Backlog item", item_id, "itemId")
    assert item is not None
    current = item.product_id
    for pid in {p for p in (current, product_id) if p is not None}:
        product = await get_product(session, pid)
        actor.require_team(SET_ITEM_PRODUCT, product.owner_team_id)
        if pid == product_id and item.team_id != product.owner_team_id:
            raise DomainError(
                f"{item.key} belongs to another team; a product's backlog holds its owner "
                "team's items (consumers ask through a dependency on the product).",
                field="itemId",
            )
    item.product_id = product_id
    await session.flush()
    return item


# ---- consumers ------------------------------------------------------------------------------


async def subscribe(
    session: AsyncSession,
    actor: Actor,
    *,
    product_id: int,
    team_id: int,
    since: date | None = None,
) -> ProductSubscription:
    """Make a team a consumer of a product from `since` (default today)."""
    actor.require_team(SUBSCRIBE, team_id)
    product = await live_product(session, product_id)
    await live_team(session, team_id, "teamId")
    subscription = build_subscription(actor, product=product, team_id=team_id, since=since)
    if await repo.active_subscription(session, product_id, team_id):
        raise DuplicateError("This team consumes the product already.", field="teamId")
    session.add(subscription)
    await session.flush()
    return subscription


def build_subscription(
    actor: Actor, *, product: Product, team_id: int, since: date | None = None
) -> ProductSubscription:
    """A new subscription checked by the rules that need no lookup, not added to a session (the
    bulk import knows the team is live and not yet subscribed)."""
    actor.require_team(SUBSCRIBE, team_id)
    if team_id == product.owner_team_id:
        raise DomainError(
            "The owner team does not consume its own product.",
            field="teamId",
            code=ErrorCode.SELF_REFERENCE,
        )
    return ProductSubscription(
        product_id=product.id,
        team_id=team_id,
        since=since or today(),
        created_by_id=actor.person_id,
    )


async def unsubscribe(
    session: AsyncSession,
    actor: Actor,
    subscription_id: int,
    version: int,
    until: date | None = None,
) -> ProductSubscription:
    """End a subscription on `until` (default today); the row stays as history."""
    subscription = await session.get(ProductSubscription, subscription_id)
    require_found(subscription, "Subscription", subscription_id)
    assert subscription is not None
    actor.require_team(UNSUBSCRIBE, subscription.team_id)
    check_version(subscription.version, version, "Subscription")
    if subscription.until is not None:
        raise DomainError(
            "This subscription has ended already.", field="id", code=ErrorCode.INVALID_STATE
        )
    end = until or today()
    if end < subscription.since:
        raise DomainError(
            f"until ({end}) is before since ({subscription.since}).",
            field="until",
            code=ErrorCode.INVALID_DATE_RANGE,
        )
    subscription.until = end
    await session.flush()
    return subscription
