"""COMPUTE products: reservations, contention by sweep, COMPUTE_CONTENTION blockers (both DBs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from strawberry.relay import to_base64

from syncpoint.blockers.models import Blocker, BlockerCategory, BlockerStatus
from syncpoint.core.auth import Role
from syncpoint.products.health import product_health
from syncpoint.products.models import ProductKind
from syncpoint.teams.models import MembershipRole
from tests.support.factories import make_member, make_team
from tests.support.products_factories import make_item, make_platform_team, make_product

RESERVE = """
mutation($input: ReserveComputeInput!) {
  reserveCompute(input: $input) {
    reservation { id version units status contention { excess } }
    errors { field code }
  }
}"""

CANCEL = """
mutation($input: CancelReservationInput!) {
  cancelReservation(input: $input) { reservation { status } errors { field code } }
}"""

CONTENTION = """
query($slug: String!, $from: DateTime!, $to: DateTime!) {
  product(slug: $slug) {
    contention(from: $from, to: $to) {
      startsAt endsAt capacity peakUnits excess teams { slug } items { key }
    }
    reservations(from: $from, to: $to, first: 10) { totalCount }
  }
}"""

UPDATE = """
mutation($input: UpdateProductInput!) {
  updateProduct(input: $input) { product { capacityUnits version } errors { field code } }
}"""

# Reservations lie in the future: contention blockers concern what is still to come.
BASE = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)


def at(hours: int) -> str:
    return (BASE + timedelta(hours=hours)).isoformat()


def gid(type_name: str, ident: int) -> str:
    return to_base64(type_name, ident)


async def _setup(session, capacity: int = 16):
    owner = await make_platform_team(session)
    pool = await make_product(session, owner=owner, kind=ProductKind.COMPUTE, capacity=capacity)
    teams = [await make_team(session), await make_team(session)]
    items = [await make_item(session, team) for team in teams]
    return owner, pool, teams, items


def _input(pool, team, item, units, start, end) -> dict:
    return {
        "input": {
            "productId": gid("Product", pool.id),
            "teamId": gid("Team", team.id),
            "itemId": gid("BacklogItem", item.id),
            "units": units,
            "startsAt": at(start),
            "endsAt": at(end),
        }
    }


async def _open_contention_blockers(session, item_ids) -> list[int]:
    rows = await session.scalars(
        select(Blocker.item_id)
        .where(
            Blocker.item_id.in_(item_ids),
            Blocker.category == BlockerCategory.COMPUTE_CONTENTION,
            Blocker.status == BlockerStatus.OPEN,
        )
        .order_by(Blocker.item_id)
    )
    return list(rows)


async def test_overlap_contends_with_window_teams_excess_and_blockers(api, session):
    _owner, pool, teams, items = await _setup(session)
    await api.login(Role.ADMIN)

    first = await api.gql(RESERVE, _input(pool, teams[0], items[0], 10, 0, 10))
    second = await api.gql(RESERVE, _input(pool, teams[1], items[1], 8, 5, 15))
    found = await api.gql(CONTENTION, {"slug": pool.slug, "from": at(-24), "to": at(48)})

    assert first["reserveCompute"]["reservation"]["contention"] == []
    assert second["reserveCompute"]["reservation"]["contention"] == [{"excess": 2}]
    windows = found["product"]["contention"]
    assert len(windows) == 1
    window = windows[0]
    assert (window["startsAt"], window["endsAt"]) == (at(5), at(10))
    assert (window["capacity"], window["peakUnits"], window["excess"]) == (16, 18, 2)
    assert sorted(t["slug"] for t in window["teams"]) == sorted(t.slug for t in teams)
    assert found["product"]["reservations"]["totalCount"] == 2
    assert await _open_contention_blockers(session, [i.id for i in items]) == sorted(
        i.id for i in items
    )


async def test_touching_reservations_do_not_contend(api, session):
    _owner, pool, teams, items = await _setup(session)
    await api.login(Role.ADMIN)

    await api.gql(RESERVE, _input(pool, teams[0], items[0], 10, 0, 10))
    await api.gql(RESERVE, _input(pool, teams[1], items[1], 10, 10, 20))
    found = await api.gql(CONTENTION, {"slug": pool.slug, "from": at(-24), "to": at(48)})

    assert found["product"]["contention"] == []
    assert await _open_contention_blockers(session, [i.id for i in items]) == []


async def test_cancelling_or_more_capacity_resolves_the_contention(api, session):
    _owner, pool, teams, items = await _setup(session)
    await api.login(Role.ADMIN)
    await api.gql(RESERVE, _input(pool, teams[0], items[0], 10, 0, 10))
    third = await make_item(session, teams[0])
    second = (await api.gql(RESERVE, _input(pool, teams[1], items[1], 8, 5, 15)))["reserveCompute"][
        "reservation"
    ]
    await api.gql(RESERVE, _input(pool, teams[0], third, 8, 20, 30))
    await api.gql(RESERVE, _input(pool, teams[1], items[1], 9, 25, 28))
    item_ids = [items[0].id, items[1].id, third.id]
    before = await _open_contention_blockers(session, item_ids)

    cancelled = await api.gql(CANCEL, {"input": {"id": second["id"], "version": second["version"]}})
    after_cancel = await _open_contention_blockers(session, item_ids)
    grown = await api.gql(
        UPDATE,
        {"input": {"id": gid("Product", pool.id), "version": pool.version, "capacityUnits": 17}},
    )

    # items[1] takes part in both windows: one blocker per window and item.
    assert before == sorted([*item_ids, items[1].id])
    assert cancelled["cancelReservation"]["reservation"]["status"] == "CANCELLED"
    assert after_cancel == sorted([items[1].id, third.id])
    assert grown["updateProduct"]["errors"] == []
    assert await _open_contention_blockers(session, item_ids) == []


async def test_invalid_reservations_are_refused_with_codes(api, session):
    _owner, pool, teams, items = await _setup(session, capacity=16)
    store = await make_product(session)
    await api.login(Role.ADMIN)
    cases = [
        (_input(pool, teams[0], items[0], 0, 0, 10), "units", "INVALID"),
        (_input(pool, teams[0], items[0], 17, 0, 10), "units", "INVALID"),
        (_input(pool, teams[0], items[0], 4, 10, 10), "endsAt", "INVALID_DATE_RANGE"),
        (_input(pool, teams[0], items[0], 4, 10, 5), "endsAt", "INVALID_DATE_RANGE"),
        (_input(store, teams[0], items[0], 4, 0, 10), "productId", "INVALID"),
        (_input(pool, teams[0], items[1], 4, 0, 10), "itemId", "INVALID"),
    ]
    for variables, field, code in cases:
        payload = (await api.gql(RESERVE, variables))["reserveCompute"]
        assert payload["reservation"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)], variables
    found = await api.gql(CONTENTION, {"slug": pool.slug, "from": at(-24), "to": at(48)})
    assert found["product"]["reservations"]["totalCount"] == 0


async def test_members_reserve_for_their_own_team_and_the_owner_sets_capacity(api, session):
    owner, pool, teams, items = await _setup(session)
    member = await make_member(session, teams[0])
    platform = await make_member(session, owner, MembershipRole.PRODUCT_OWNER)
    resize = {"input": {"id": gid("Product", pool.id), "version": 1, "capacityUnits": 20}}
    await api.login(Role.TEAM_MEMBER, member.id)

    mine = await api.gql(RESERVE, _input(pool, teams[0], items[0], 2, 0, 1))
    theirs = await api.errors(RESERVE, _input(pool, teams[1], items[1], 2, 0, 1))
    member_resize = await api.errors(UPDATE, resize)
    await api.login(Role.PLATFORM_OWNER, platform.id)
    owner_resize = await api.gql(UPDATE, resize)

    assert mine["reserveCompute"]["errors"] == []
    assert theirs[0]["extensions"] == {"code": "FORBIDDEN", "reason": "SCOPE"}
    assert member_resize[0]["extensions"] == {"code": "FORBIDDEN", "reason": "ROLE"}
    assert owner_resize["updateProduct"]["product"] == {"capacityUnits": 20, "version": 2}


async def test_product_health_lists_coming_contention(api, session):
    _owner, pool, teams, items = await _setup(session)
    await api.login(Role.ADMIN)
    await api.gql(RESERVE, _input(pool, teams[0], items[0], 10, 0, 10))
    await api.gql(RESERVE, _input(pool, teams[1], items[1], 8, 5, 15))

    health = {h.product.id: h for h in await product_health(session)}

    assert [(w.peak_units, w.excess) for w in health[pool.id].contention] == [(18, 2)]


RESERVATION_PAGE = """
query($slug: String!, $first: Int!) {
  product(slug: $slug) {
    reservations(first: $first) { edges { node { units contention { excess peakUnits } } } }
  }
}"""


async def test_reservation_contention_statements_do_not_grow_with_the_page(
    api, session, count_statements
):
    _owner, pool, teams, items = await _setup(session, capacity=4)
    await api.login(Role.ADMIN)
    for hour in range(0, 24, 2):  # overlapping pairs: each reservation contends with a neighbour
        payload = await api.gql(RESERVE, _input(pool, teams[0], items[0], 3, hour, hour + 3))
        assert payload["reserveCompute"]["errors"] == []

    async def statements(first: int) -> tuple[int, list[dict]]:
        count_statements.count = 0
        data = await api.gql(RESERVATION_PAGE, {"slug": pool.slug, "first": first})
        return count_statements.count, data["product"]["reservations"]["edges"]

    small, small_edges = await statements(2)
    large, large_edges = await statements(12)
    assert len(large_edges) == 12
    assert all(edge["node"]["contention"] for edge in large_edges)
    assert large_edges[0]["node"]["contention"][0]["excess"] == 2
    assert small == large, (small, large)
    assert small_edges == large_edges[:2]
