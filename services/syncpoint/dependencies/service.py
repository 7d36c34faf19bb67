"""Rules of dependencies between items and of integration points. Never commits.

A dependency is declared by its consumer (the team that needs something); either side may then
change, resolve or cancel it. Cycles are allowed on purpose: the analysis flags them (rule 6).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Access, Actor, policy
from syncpoint.core.errors import (
    DomainError,
    DuplicateError,
    ErrorCode,
    Invalid,
    Problems,
    UserError,
    check_version,
    require_found,
)
from syncpoint.core.models import utcnow
from syncpoint.dependencies import repository as repo
from syncpoint.dependencies.models import (
    Dependency,
    DependencyStatus,
    DependencyType,
    IntegrationPoint,
)
from syncpoint.products.models import Product
from syncpoint.work import repository as work_repo
from syncpoint.work.models import BacklogItem
from syncpoint.work.service import TEAM_WORK, get_item

CREATE_DEPENDENCY = policy("createDependency", **TEAM_WORK)
UPDATE_DEPENDENCY = policy("updateDependency", **TEAM_WORK)
RESOLVE_DEPENDENCY = policy("resolveDependency", **TEAM_WORK)
CANCEL_DEPENDENCY = policy("cancelDependency", **TEAM_WORK)
_MILESTONES = {**TEAM_WORK, "director": Access.ANY}
CREATE_INTEGRATION_POINT = policy("createIntegrationPoint", **_MILESTONES)
UPDATE_INTEGRATION_POINT = policy("updateIntegrationPoint", **_MILESTONES)
ADD_INTEGRATION_ITEMS = policy("addItemsToIntegrationPoint", **_MILESTONES)
REMOVE_INTEGRATION_ITEMS = policy("removeItemsFromIntegrationPoint", **_MILESTONES)

MAX_ITEMS_PER_CALL = 100


async def create_dependency(
    session: AsyncSession,
    actor: Actor,
    *,
    consumer_item_id: int,
    provider_item_id: int | None,
    type: DependencyType,
    needed_by: date | None = None,
    description: str = "",
    provider_product_id: int | None = None,
) -> Dependency:
    """The consumer item declares it needs the provider item, or a product (a request); one
    open dependency per pair."""
    consumer = await get_item(session, consumer_item_id, "consumerItemId")
    actor.require_team(CREATE_DEPENDENCY, consumer.team_id)
    if provider_item_id is None and provider_product_id is None:
        raise DomainError(
            "Name the provider item (or the product).",
            field="providerItemId",
            code=ErrorCode.REQUIRED,
        )
    if provider_item_id is not None and provider_product_id is not None:
        raise DomainError("Name a provider item or a product, not both.", field="providerProductId")
    if provider_item_id is not None:
        await _check_provider_item(session, consumer, provider_item_id)
    else:
        assert provider_product_id is not None
        await _check_provider_product(session, consumer, provider_product_id)
    dependency = build_dependency(
        actor,
        consumer=consumer,
        provider_item_id=provider_item_id,
        type=type,
        needed_by=needed_by,
        description=description,
        provider_product_id=provider_product_id,
    )
    session.add(dependency)
    await session.flush()
    return dependency


def build_dependency(
    actor: Actor,
    *,
    consumer: BacklogItem,
    provider_item_id: int | None,
    type: DependencyType,
    needed_by: date | None = None,
    description: str = "",
    provider_product_id: int | None = None,
) -> Dependency:
    """A new open dependency checked by the rules that need no lookup, not added to a session:
    the bulk import knows the provider exists and which pairs have an open dependency."""
    actor.require_team(CREATE_DEPENDENCY, consumer.team_id)
    if provider_item_id is None and provider_product_id is None:
        raise DomainError(
            "Name the provider item (or the product).",
            field="providerItemId",
            code=ErrorCode.REQUIRED,
        )
    if provider_item_id is not None and provider_product_id is not None:
        raise DomainError("Name a provider item or a product, not both.", field="providerProductId")
    if provider_item_id is not None and provider_item_id == consumer.id:
        raise DomainError(
            "An item cannot depend on itself.",
            field="providerItemId",
            code=ErrorCode.SELF_REFERENCE,
        )
    return Dependency(
        consumer_item_id=consumer.id,
        provider_item_id=provider_item_id,
        provider_product_id=provider_product_id,
        type=type,
        status=DependencyStatus.OPEN,
        needed_by=needed_by,
        description=description.strip(),
        created_by_id=actor.person_id,
    )


async def _check_provider_item(
    session: AsyncSession, consumer: BacklogItem, provider_item_id: int
) -> None:
    if provider_item_id == consumer.id:
        raise DomainError(
            "An item cannot depend on itself.",
            field="providerItemId",
            code=ErrorCode.SELF_REFERENCE,
        )
    provider = await get_item(session, provider_item_id, "providerItemId")
    if await repo.open_duplicate(session, consumer.id, provider_item_id=provider.id):
        raise DuplicateError(
            f"{consumer.key} already has an open dependency on {provider.key}.",
            field="providerItemId",
        )


async def _check_provider_product(
    session: AsyncSession, consumer: BacklogItem, product_id: int
) -> None:
    product = await session.get(Product, product_id)
    require_found(product, "Product", product_id, "providerProductId")
    if await repo.open_duplicate(session, consumer.id, provider_product_id=product_id):
        raise DuplicateError(
            f"{consumer.key} already has an open request to this product.",
            field="providerProductId",
        )


async def _dependency(
    session: AsyncSession, actor: Actor, operation: str, dependency_id: int, version: int
) -> Dependency:
    dependency = await session.get(Dependency, dependency_id)
    require_found(dependency, "Dependency", dependency_id)
    assert dependency is not None
    ends = [dependency.consumer_item_id]
    if dependency.provider_item_id is not None:
        ends.append(dependency.provider_item_id)
    teams = {item.team_id for item in await work_repo.items_by_ids(session, ends) if item}
    if dependency.provider_product_id is not None:
        product = await session.get(Product, dependency.provider_product_id)
        if product is not None:
            teams.add(product.owner_team_id)
    actor.require_any_team(operation, teams)
    check_version(dependency.version, version, "Dependency")
    if dependency.status is not DependencyStatus.OPEN:
        raise DomainError(
            f"The dependency is {dependency.status.value}; only open ones change.",
            field="id",
            code=ErrorCode.INVALID_STATE,
        )
    return dependency


async def update_dependency(
    session: AsyncSession,
    actor: Actor,
    dependency_id: int,
    version: int,
    changes: Mapping[str, Any],
) -> Dependency:
    """Change an open dependency's type, explicit needed-by date or description."""
    dependency = await _dependency(session, actor, UPDATE_DEPENDENCY, dependency_id, version)
    if "type" in changes and changes["type"] is not None:
        dependency.type = changes["type"]
    if "needed_by" in changes:
        dependency.needed_by = changes["needed_by"]
    if "description" in changes:
        dependency.description = (changes["description"] or "").strip()
    await session.flush()
    return dependency


async def close_dependency(
    session: AsyncSession,
    actor: Actor,
    dependency_id: int,
    version: int,
    status: DependencyStatus,
) -> Dependency:
    """Mark an open dependency SATISFIED (resolve) or CANCELLED (cancel)."""
    operation = RESOLVE_DEPENDENCY if status is DependencyStatus.SATISFIED else CANCEL_DEPENDENCY
    dependency = await _dependency(session, actor, operation, dependency_id, version)
    dependency.status = status
    await session.flush()
    return dependency


# ---- integration points -------------------------------------------------------------------------


async def _items(
    session: AsyncSession, item_ids: Sequence[int], problems: Problems | None = None
) -> list[BacklogItem]:
    """The items of `item_ids`; every missing one is a problem (raised unless collected)."""
    found = problems if problems is not None else Problems()
    unique = list(dict.fromkeys(item_ids))
    if len(unique) > MAX_ITEMS_PER_CALL:
        raise DomainError(f"At most {MAX_ITEMS_PER_CALL} items at once.", field="itemIds")
    rows = await work_repo.items_by_ids(session, unique)
    for item_id, row in zip(unique, rows, strict=True):
        if row is None:
            found.add("itemIds", f"Backlog item {item_id} does not exist.", ErrorCode.NOT_FOUND)
    if problems is None:
        found.raise_if_any()
    return [row for row in rows if row is not None]


async def _point(
    session: AsyncSession, point_id: int, version: int
) -> tuple[IntegrationPoint, list[int]]:
    point = await session.get(IntegrationPoint, point_id)
    require_found(point, "Integration point", point_id)
    assert point is not None
    if point.archived_at is not None:
        raise DomainError("The integration point is archived.", field="id", code=ErrorCode.ARCHIVED)
    check_version(point.version, version, "Integration point")
    linked = (await repo.item_ids_by_integration_point(session, [point.id]))[0]
    return point, linked


async def _teams_of(session: AsyncSession, item_ids: Sequence[int]) -> set[int]:
    return {item.team_id for item in await work_repo.items_by_ids(session, item_ids) if item}


def _name(value: str) -> str:
    value = value.strip()
    if not value:
        raise DomainError("Name must not be empty.", field="name", code=ErrorCode.REQUIRED)
    if len(value) > 200:
        raise DomainError("Name must be at most 200 characters.", field="name")
    return value


async def create_integration_point(
    session: AsyncSession,
    actor: Actor,
    *,
    name: str,
    day: date,
    description: str = "",
    item_ids: Sequence[int] = (),
) -> IntegrationPoint:
    """A dated milestone where the named items of several teams come together."""
    actor.require_access(CREATE_INTEGRATION_POINT)
    problems = Problems()  # a bad name and every unknown item at once
    try:
        name = _name(name)
    except DomainError as exc:
        problems.errors.extend(exc.to_user_errors())
    items = await _items(session, item_ids, problems)
    problems.raise_if_any()
    actor.require_any_team(CREATE_INTEGRATION_POINT, {item.team_id for item in items})
    point = IntegrationPoint(name=name, date=day, description=description.strip())
    session.add(point)
    await session.flush()
    await repo.link_items(session, point.id, [item.id for item in items])
    return point


async def update_integration_point(
    session: AsyncSession, actor: Actor, point_id: int, version: int, changes: Mapping[str, Any]
) -> IntegrationPoint:
    """Rename, re-date or re-describe an integration point."""
    actor.require_access(UPDATE_INTEGRATION_POINT)
    point, linked = await _point(session, point_id, version)
    actor.require_any_team(UPDATE_INTEGRATION_POINT, await _teams_of(session, linked))
    if "name" in changes and changes["name"] is not None:
        point.name = _name(changes["name"])
    if "date" in changes and changes["date"] is not None:
        point.date = changes["date"]
    if "description" in changes:
        point.description = (changes["description"] or "").strip()
    point.updated_at = utcnow()
    await session.flush()
    return point


async def add_items(
    session: AsyncSession, actor: Actor, point_id: int, version: int, item_ids: Sequence[int]
) -> IntegrationPoint:
    """Add participating items (those already in are left as they are)."""
    actor.require_access(ADD_INTEGRATION_ITEMS)
    point, linked = await _point(session, point_id, version)
    items = await _items(session, item_ids)
    teams = await _teams_of(session, linked) | {item.team_id for item in items}
    actor.require_any_team(ADD_INTEGRATION_ITEMS, teams)
    await repo.link_items(session, point.id, [i.id for i in items if i.id not in set(linked)])
    point.updated_at = utcnow()  # bumps the version: the item list is part of the point
    await session.flush()
    return point


async def remove_items(
    session: AsyncSession, actor: Actor, point_id: int, version: int, item_ids: Sequence[int]
) -> IntegrationPoint:
    """Remove participating items."""
    actor.require_access(REMOVE_INTEGRATION_ITEMS)
    point, linked = await _point(session, point_id, version)
    actor.require_any_team(REMOVE_INTEGRATION_ITEMS, await _teams_of(session, linked))
    missing = [i for i in dict.fromkeys(item_ids) if i not in set(linked)]
    if missing:
        raise Invalid(
            [
                UserError(
                    field="itemIds",
                    message=f"Item {item_id} does not take part in this integration point.",
                    code=ErrorCode.NOT_FOUND,
                )
                for item_id in missing
            ]
        )
    await repo.unlink_items(session, point.id, list(dict.fromkeys(item_ids)))
    point.updated_at = utcnow()
    await session.flush()
    return point
