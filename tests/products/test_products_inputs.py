"""Products mutations through the pipeline: explicit nulls, every problem at once, constraints."""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError

from syncpoint.core.auth import Role
from syncpoint.core.constraints import integrity_user_error
from syncpoint.core.errors import ErrorCode
from syncpoint.products.models import ProductKind, ProductSubscription
from syncpoint.teams.models import Topology
from tests.products.test_compute import RESERVE, _input, _setup, gid
from tests.support.factories import make_team
from tests.support.products_factories import make_platform_team, make_product, subscribe

CREATE = """
mutation($input: CreateProductInput!) {
  createProduct(input: $input) { product { slug } errors { field code message } }
}"""

UPDATE = """
mutation($input: UpdateProductInput!) {
  updateProduct(input: $input) {
    product { name description capacityUnits archivedAt version }
    errors { field code message }
  }
}"""

PUBLISH = """
mutation($input: PublishSlaInput!) {
  publishSla(input: $input) { slaVersion { number } errors { field code message } }
}"""


def _found(payload: dict) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


async def test_explicit_null_on_product_fields_that_cannot_be_empty_is_required(api, session):
    # Given a product, when an admin sends null for its name, description, owner and archived
    product = await make_product(session, name="Feature store")
    await api.login(Role.ADMIN)
    base = {"id": gid("Product", product.id), "version": product.version}
    nulls = {"name": None, "description": None, "ownerTeamId": None, "archived": None}
    payload = (await api.gql(UPDATE, {"input": {**base, **nulls}}))["updateProduct"]
    # then each is a REQUIRED error on its field (once ignored or a server error); nothing changed
    assert payload["product"] is None
    assert _found(payload) == {(name, "REQUIRED") for name in nulls}
    await session.refresh(product)
    assert (product.name, product.version) == ("Feature store", 1)


async def test_explicit_null_capacity_clears_it_or_is_required_for_compute(api, session):
    store = await make_product(session)
    pool = await make_product(session, kind=ProductKind.COMPUTE, capacity=8)
    await api.login(Role.ADMIN)
    # A product that is not COMPUTE has no capacity: null is accepted
    cleared = (
        await api.gql(
            UPDATE,
            {"input": {"id": gid("Product", store.id), "version": 1, "capacityUnits": None}},
        )
    )["updateProduct"]
    assert cleared["errors"] == []
    assert cleared["product"]["capacityUnits"] is None
    # A COMPUTE pool needs one: the service refuses null as REQUIRED on the field
    refused = (
        await api.gql(
            UPDATE, {"input": {"id": gid("Product", pool.id), "version": 1, "capacityUnits": None}}
        )
    )["updateProduct"]
    assert _found(refused) == {("capacityUnits", "REQUIRED")}


async def test_a_refused_product_reports_every_problem_at_once(api, session):
    # Given a stream-aligned team (it may not own a product)
    team = await make_team(session, topology=Topology.STREAM_ALIGNED)
    await api.login(Role.ADMIN)
    # when an admin creates a COMPUTE product with a bad slug, a blank name and no capacity
    payload = (
        await api.gql(
            CREATE,
            {
                "input": {
                    "slug": "Not A Slug",
                    "name": "   ",
                    "kind": "COMPUTE",
                    "ownerTeamId": gid("Team", team.id),
                }
            },
        )
    )["createProduct"]
    # then all four problems come back together, each on its field
    assert payload["product"] is None
    assert _found(payload) == {
        ("slug", "INVALID"),
        ("name", "REQUIRED"),
        ("ownerTeamId", "INVALID"),
        ("capacityUnits", "REQUIRED"),
    }


async def test_a_refused_sla_reports_every_objective_problem_at_once(api, session):
    product = await make_product(session)
    await api.login(Role.ADMIN)
    bad = {
        "key": "Bad Key",
        "name": " ",
        "indicator": "LATENCY",
        "target": 1.5,
        "windowDays": 0,
    }
    good = {
        "key": "availability",
        "name": "Up",
        "indicator": "AVAILABILITY",
        "target": 0.99,
        "windowDays": 28,
    }
    payload = (
        await api.gql(
            PUBLISH,
            {
                "input": {
                    "productId": gid("Product", product.id),
                    "objectives": [bad, good, {**good, "name": "Up again"}],
                    "deliveryDays": 5,
                    "deliverySprints": 2,
                    "triageDays": 400,
                }
            },
        )
    )["publishSla"]
    assert payload["slaVersion"] is None
    assert _found(payload) == {
        ("objectives[0].key", "INVALID"),
        ("objectives[0].name", "REQUIRED"),
        ("objectives[0].target", "INVALID"),
        ("objectives[0].windowDays", "INVALID"),
        ("objectives[0].threshold", "REQUIRED"),
        ("objectives[2].key", "DUPLICATE"),
        ("triageDays", "INVALID"),
        ("deliverySprints", "INVALID"),
    }


async def test_a_refused_reservation_reports_every_problem_at_once(api, session):
    _owner, pool, teams, items = await _setup(session, capacity=16)
    await api.login(Role.ADMIN)
    # no units, ending before it starts, for an item of another team
    payload = (await api.gql(RESERVE, _input(pool, teams[0], items[1], 0, 10, 5)))["reserveCompute"]
    assert payload["reservation"] is None
    assert _found(payload) == {
        ("itemId", "INVALID"),
        ("units", "INVALID"),
        ("endsAt", "INVALID_DATE_RANGE"),
    }


async def test_a_second_active_subscription_breaks_a_unique_index_reported_duplicate(session):
    # Given an active subscription, when a second active row for the same pair is flushed
    owner = await make_platform_team(session)
    product = await make_product(session, owner=owner)
    consumer = await make_team(session)
    await subscribe(session, product, consumer)
    try:
        async with session.savepoint():
            session.add(
                ProductSubscription(
                    product_id=product.id, team_id=consumer.id, since=date(2026, 2, 1)
                )
            )
            await session.flush()
    except IntegrityError as exc:
        error = integrity_user_error(exc)
    else:
        raise AssertionError("two active subscriptions of one team to one product were stored")
    # then the unique index maps to DUPLICATE (not CONFLICT, not INTERNAL)
    assert error.code is ErrorCode.DUPLICATE
