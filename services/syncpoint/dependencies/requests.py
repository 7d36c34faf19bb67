"""A product's requests are the dependencies on it: the owner team triages and delivers them
(delivery satisfies the consumer's dependency). They live here, above products, because they
change a Dependency; products keep only the request row (ProductRequest) and the policies."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor
from syncpoint.core.errors import DomainError, ErrorCode, require_found
from syncpoint.core.models import utcnow
from syncpoint.dependencies.models import Dependency, DependencyStatus
from syncpoint.products import repository as products_repo
from syncpoint.products.common import DELIVER_REQUEST, TRIAGE_REQUEST, get_product
from syncpoint.products.models import ProductRequest


async def _request(
    session: AsyncSession, actor: Actor, operation: str, dependency_id: int
) -> tuple[Dependency, ProductRequest]:
    dependency = await session.get(Dependency, dependency_id)
    require_found(dependency, "Dependency", dependency_id, "dependencyId")
    assert dependency is not None
    if dependency.provider_product_id is None:
        raise DomainError("This dependency is not a request to a product.", field="dependencyId")
    product = await get_product(session, dependency.provider_product_id)
    actor.require_team(operation, product.owner_team_id)
    row = (await products_repo.request_rows_by_dependency(session, [dependency.id]))[0]
    if row is None:
        row = ProductRequest(dependency_id=dependency.id, product_id=product.id)
        session.add(row)
    return dependency, row


async def triage_request(
    session: AsyncSession, actor: Actor, dependency_id: int, note: str = ""
) -> ProductRequest:
    """The owner team acknowledges a request (the triage clock of the turnaround SLA stops)."""
    _dependency, row = await _request(session, actor, TRIAGE_REQUEST, dependency_id)
    if row.triaged_at is not None:
        raise DomainError(
            "This request is triaged already.", field="dependencyId", code=ErrorCode.INVALID_STATE
        )
    row.triaged_at, row.triaged_by_id, row.triage_note = utcnow(), actor.person_id, note.strip()
    await session.flush()
    return row


async def deliver_request(
    session: AsyncSession, actor: Actor, dependency_id: int, note: str = ""
) -> ProductRequest:
    """The owner team delivers a request: it is triaged (if not yet) and delivered, and the
    consumer's dependency becomes SATISFIED."""
    dependency, row = await _request(session, actor, DELIVER_REQUEST, dependency_id)
    if row.delivered_at is not None:
        raise DomainError(
            "This request is delivered already.",
            field="dependencyId",
            code=ErrorCode.INVALID_STATE,
        )
    now = utcnow()
    if row.triaged_at is None:
        row.triaged_at, row.triaged_by_id = now, actor.person_id
    row.delivered_at, row.delivered_by_id, row.delivery_note = now, actor.person_id, note.strip()
    if dependency.status is DependencyStatus.OPEN:
        dependency.status = DependencyStatus.SATISFIED
    await session.flush()
    return row
