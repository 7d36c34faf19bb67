"""Reservations of COMPUTE products and the contention they cause.

Contention is found by the interval sweep of analysis/contention.py. Every item in a contended
window gets one COMPUTE_CONTENTION blocker keyed `contention:<product>:<window start>:item:<item>`;
blockers whose window no longer contends (a cancellation, more capacity) are resolved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.contention import ContentionWindow, Reservation, find_contention
from syncpoint.analysis.model import CLOSED_STATUSES
from syncpoint.core.auth import Actor
from syncpoint.core.errors import DomainError, ErrorCode, Problems, check_version, require_found
from syncpoint.core.models import utcnow
from syncpoint.products import repository as repo
from syncpoint.products.common import CANCEL_RESERVATION, RESERVE_COMPUTE, live_product, live_team
from syncpoint.products.events import (
    CalledFor,
    Concern,
    SystemBlockersCalledFor,
    call_for_blockers,
)
from syncpoint.products.models import ComputeReservation, Product, ProductKind, ReservationStatus
from syncpoint.work.models import BacklogItem

MAX_RESERVATION = timedelta(days=366)


@dataclass
class ContentionCheck:
    windows: list[ContentionWindow]
    raised: list[int]
    resolved: list[int]


def contention_source_key(product_id: int, window: ContentionWindow, item_id: int) -> str:
    return f"contention:{product_id}:{window.start:%Y%m%dT%H%M%S}:item:{item_id}"


def _plain(row: ComputeReservation) -> Reservation:
    return Reservation(row.id, row.team_id, row.item_id, row.units, row.starts_at, row.ends_at)


async def contention(
    session: AsyncSession, product: Product, start: datetime | None, end: datetime | None
) -> list[ContentionWindow]:
    """Every maximal window of [start, end) in which active reservations exceed capacity."""
    if product.capacity_units is None:
        return []
    rows = await repo.active_reservations(session, product.id, start, end)
    return find_contention(
        [_plain(r) for r in rows], product.capacity_units, window_from=start, window_to=end
    )


async def contention_by_reservation(
    session: AsyncSession, reservation_ids: Sequence[int]
) -> list[list[ContentionWindow]]:
    """DataLoader batch: the contention windows (within its own span) each reservation is part
    of; one reservations query per product, whatever the number of reservations asked for."""
    rows = [r for r in await repo.reservations_by_ids(session, reservation_ids) if r is not None]
    by_product: defaultdict[int, list[ComputeReservation]] = defaultdict(list)
    for row in rows:
        by_product[row.product_id].append(row)
    products = await repo.products_by_ids(session, list(by_product))
    windows: dict[int, list[ContentionWindow]] = {}
    for product in products:
        if product is None or product.capacity_units is None:
            continue
        mine = by_product[product.id]
        start, end = min(r.starts_at for r in mine), max(r.ends_at for r in mine)
        neighbours = [
            _plain(r) for r in await repo.active_reservations(session, product.id, start, end)
        ]
        for row in mine:
            found = find_contention(
                neighbours, product.capacity_units, window_from=row.starts_at, window_to=row.ends_at
            )
            windows[row.id] = [w for w in found if row.id in w.reservation_ids]
    return [windows.get(rid, []) for rid in reservation_ids]


async def _item(session: AsyncSession, item_id: int, team_id: int) -> BacklogItem:
    item = await session.get(BacklogItem, item_id)
    require_found(item, "Backlog item", item_id, "itemId")
    assert item is not None
    if item.team_id != team_id:
        raise DomainError(f"{item.key} is not an item of the reserving team.", field="itemId")
    if item.status in CLOSED_STATUSES:
        raise DomainError(
            f"{item.key} is {item.status.value}.", field="itemId", code=ErrorCode.INVALID_STATE
        )
    return item


def _check_window(
    product: Product, units: int, starts_at: datetime, ends_at: datetime, problems: Problems
) -> None:
    if units <= 0:
        problems.add("units", "Reserve at least one unit.")
    elif product.capacity_units is not None and units > product.capacity_units:
        problems.add(
            "units",
            f"{units} units exceed the capacity of {product.name} ({product.capacity_units}).",
        )
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        problems.add("startsAt", "Give times with a time zone (e.g. ...Z).")
    elif ends_at <= starts_at:
        problems.add(
            "endsAt", "The reservation must end after it starts.", ErrorCode.INVALID_DATE_RANGE
        )
    elif ends_at - starts_at > MAX_RESERVATION:
        problems.add("endsAt", "A reservation lasts at most 366 days.")


async def reserve_compute(
    session: AsyncSession,
    actor: Actor,
    *,
    product_id: int,
    team_id: int,
    item_id: int,
    units: int,
    starts_at: datetime,
    ends_at: datetime,
    note: str = "",
    now: datetime | None = None,
) -> ComputeReservation:
    """Reserve units of a COMPUTE product for a team's item over [starts_at, ends_at); then raise
    contention blockers if the pool is now over-committed."""
    actor.require_team(RESERVE_COMPUTE, team_id)
    product = await live_product(session, product_id)
    if product.kind is not ProductKind.COMPUTE:
        raise DomainError(f"{product.name} is not a COMPUTE product.", field="productId")
    problems = Problems()
    with problems.catch():
        await live_team(session, team_id, "teamId")
    with problems.catch():
        await _item(session, item_id, team_id)
    _check_window(product, units, starts_at, ends_at, problems)
    problems.raise_if_any()
    reservation = ComputeReservation(
        product_id=product.id,
        team_id=team_id,
        item_id=item_id,
        units=units,
        starts_at=starts_at,
        ends_at=ends_at,
        status=ReservationStatus.ACTIVE,
        note=note.strip(),
        created_by_id=actor.person_id,
    )
    session.add(reservation)
    await session.flush()
    await evaluate_contention(session, product, now=now)
    return reservation


async def cancel_reservation(
    session: AsyncSession,
    actor: Actor,
    reservation_id: int,
    version: int,
    *,
    now: datetime | None = None,
) -> ComputeReservation:
    """Cancel an active reservation (the row stays); contention it caused is resolved."""
    reservation = await session.get(ComputeReservation, reservation_id)
    require_found(reservation, "Reservation", reservation_id)
    assert reservation is not None
    actor.require_team(CANCEL_RESERVATION, reservation.team_id)
    check_version(reservation.version, version, "Reservation")
    if reservation.status is not ReservationStatus.ACTIVE:
        raise DomainError(
            "This reservation is cancelled already.", field="id", code=ErrorCode.INVALID_STATE
        )
    reservation.status = ReservationStatus.CANCELLED
    reservation.cancelled_at = utcnow()
    reservation.cancelled_by_id = actor.person_id
    await session.flush()
    product = await live_product(session, reservation.product_id)
    await evaluate_contention(session, product, now=now)
    return reservation


async def evaluate_contention(
    session: AsyncSession, product: Product, *, now: datetime | None = None
) -> ContentionCheck:
    """Blockers for the product's current and future contention (from `now`, default now)."""
    # Not clipped at `now`: a window already running keeps its start, hence its blocker keys.
    rows = await repo.active_reservations(session, product.id, now or utcnow(), None)
    capacity = product.capacity_units
    windows = [] if capacity is None else find_contention([_plain(r) for r in rows], capacity)
    called_for = [
        CalledFor(
            source_key=contention_source_key(product.id, window, item_id),
            item_id=item_id,
            title=f"{product.name} over-committed from {window.start:%Y-%m-%d %H:%M}",
            description=(
                f"{window.peak_units} of {window.capacity} units reserved "
                f"(excess {window.excess}) from {window.start:%Y-%m-%d %H:%M} to "
                f"{window.end:%Y-%m-%d %H:%M} UTC by {len(window.team_ids)} team(s)."
            ),
        )
        for window in windows
        for item_id in window.item_ids
    ]
    outcome = await call_for_blockers(
        session,
        SystemBlockersCalledFor(
            Concern.COMPUTE_CONTENTION,
            f"contention:{product.id}:",
            called_for,
            note="The contention is gone.",
        ),
    )
    return ContentionCheck(windows, outcome.raised, outcome.resolved)
