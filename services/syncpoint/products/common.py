"""Shared by the products services: the declared policies of the context and object getters."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Access, policy
from syncpoint.core.errors import DomainError, ErrorCode, require_found
from syncpoint.products.models import Product
from syncpoint.teams.models import Team

# Who may do what (names are the GraphQL mutation names; see core/auth.py).
# Managing a product, its SLA and its capacity: the owner (platform) team.
_MANAGE = {"admin": Access.ANY, "platform_owner": Access.OWN}
# Consuming it (subscribing, reserving compute): the consumer team.
_CONSUME = {"admin": Access.ANY, "team_member": Access.OWN, "platform_owner": Access.OWN}
CREATE_PRODUCT = policy("createProduct", **_MANAGE, director=Access.ANY)
UPDATE_PRODUCT = policy("updateProduct", **_MANAGE)
SET_ITEM_PRODUCT = policy("setItemProduct", **_MANAGE)
PUBLISH_SLA = policy("publishSla", **_MANAGE)
IMPORT_OPENSLO = policy("importOpenSlo", **_MANAGE)
TRIAGE_REQUEST = policy("triageRequest", **_MANAGE)
DELIVER_REQUEST = policy("deliverRequest", **_MANAGE)
RECORD_MEASUREMENTS = policy("recordMeasurements", **_MANAGE)
SUBSCRIBE = policy("subscribeToProduct", **_CONSUME)
UNSUBSCRIBE = policy("unsubscribeFromProduct", **_CONSUME)
RESERVE_COMPUTE = policy("reserveCompute", **_CONSUME)
CANCEL_RESERVATION = policy("cancelReservation", **_CONSUME)


async def get_product(session: AsyncSession, product_id: int, field: str = "productId") -> Product:
    product = await session.get(Product, product_id)
    require_found(product, "Product", product_id, field)
    assert product is not None
    return product


async def live_product(session: AsyncSession, product_id: int, field: str = "productId") -> Product:
    product = await get_product(session, product_id, field)
    if product.archived_at is not None:
        raise DomainError(
            f"Product {product.slug} is archived.", field=field, code=ErrorCode.ARCHIVED
        )
    return product


async def live_team(session: AsyncSession, team_id: int, field: str) -> Team:
    team = await session.get(Team, team_id)
    require_found(team, "Team", team_id, field)
    assert team is not None
    if team.archived_at is not None:
        raise DomainError(f"Team {team.name} is archived.", field=field, code=ErrorCode.ARCHIVED)
    return team
