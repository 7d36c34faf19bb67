"""Publishing SLAs: immutable versions, what changed, validation, turnaround (both DBs)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from strawberry.relay import to_base64

from syncpoint.cadence import service as cadence
from syncpoint.core.auth import Role
from syncpoint.products.models import ImmutableRowError, SloObjective
from syncpoint.products.objectives import Turnaround
from syncpoint.products.turnaround import product_infos, turnaround_days_by_product
from syncpoint.teams.models import Framework, MembershipRole, Topology
from tests.support.factories import ADMIN, make_member, make_team
from tests.support.products_factories import (
    AVAILABILITY,
    FRESHNESS,
    make_platform_team,
    make_product,
    publish,
)

PUBLISH = """
mutation($input: PublishSlaInput!) {
  publishSla(input: $input) {
    slaVersion { number source triageDays deliveryDays objectives { key target threshold unit } }
    errors { field code message }
  }
}"""

HISTORY = """
query($slug: String!) {
  product(slug: $slug) {
    currentSla {
      number
      changesFromPrevious {
        previousNumber
        added { key } removed { key }
        changed { key fields { field from to } }
        turnaround { field from to }
      }
    }
    first: sla(number: 1) { number objectives { key target threshold } deliveryDays }
    slaHistory(first: 10) { totalCount edges { node { number } } }
  }
}"""


def gid(type_name: str, ident: int) -> str:
    return to_base64(type_name, ident)


def objective(key: str, **values):
    base = {"key": key, "name": key.title(), "indicator": "AVAILABILITY", "target": 0.99}
    return {**base, "windowDays": 28, **values}


async def test_publishing_again_adds_a_version_and_keeps_the_old_one(api, session):
    owner = await make_platform_team(session)
    product = await make_product(session, owner=owner)
    person = await make_member(session, owner, MembershipRole.PRODUCT_OWNER)
    await api.login(Role.PLATFORM_OWNER, person.id)
    freshness = objective("freshness", indicator="FRESHNESS", target=0.95, threshold=60, unit="min")
    v1 = {
        "productId": gid("Product", product.id),
        "objectives": [objective("availability"), freshness, objective("errors")],
        "triageDays": 2,
        "deliveryDays": 14,
    }
    v2 = {
        **v1,
        "objectives": [objective("availability"), {**freshness, "threshold": 30}, objective("p99")],
        "deliveryDays": 10,
    }

    first = (await api.gql(PUBLISH, {"input": v1}))["publishSla"]
    second = (await api.gql(PUBLISH, {"input": v2}))["publishSla"]
    history = (await api.gql(HISTORY, {"slug": product.slug}))["product"]

    assert first["slaVersion"]["number"] == 1
    assert second["slaVersion"]["number"] == 2
    assert history["first"]["deliveryDays"] == 14
    assert {o["key"]: o["threshold"] for o in history["first"]["objectives"]} == {
        "availability": None,
        "freshness": 60.0,
        "errors": None,
    }
    assert [e["node"]["number"] for e in history["slaHistory"]["edges"]] == [2, 1]
    changes = history["currentSla"]["changesFromPrevious"]
    assert changes["previousNumber"] == 1
    assert changes["added"] == [{"key": "p99"}]
    assert changes["removed"] == [{"key": "errors"}]
    assert changes["changed"] == [
        {"key": "freshness", "fields": [{"field": "threshold", "from": "60.0", "to": "30.0"}]}
    ]
    assert changes["turnaround"] == [{"field": "deliveryDays", "from": "14", "to": "10"}]


async def test_a_published_version_cannot_be_rewritten(session):
    product = await make_product(session)
    version = await publish(session, product)

    version.notes = "rewritten history"

    with pytest.raises(ImmutableRowError):
        await session.flush()


async def test_a_published_objective_cannot_be_deleted(session):
    product = await make_product(session)
    version = await publish(session, product)
    row = await session.scalar(
        select(SloObjective).where(SloObjective.sla_version_id == version.id)
    )

    await session.delete(row)

    with pytest.raises(ImmutableRowError):
        await session.flush()


async def test_invalid_slas_are_refused_with_codes(api, session):
    product = await make_product(session)
    await api.login(Role.ADMIN)
    base = {"productId": gid("Product", product.id)}
    latency = objective("latency", indicator="LATENCY", threshold=300)
    cases = [
        ({**base, "objectives": [objective("a", target=1.5)]}, "objectives[0].target", "INVALID"),
        (
            {**base, "objectives": [objective("a"), objective("a")]},
            "objectives[1].key",
            "DUPLICATE",
        ),
        ({**base, "objectives": [objective("Bad Key")]}, "objectives[0].key", "INVALID"),
        ({**base, "objectives": [latency]}, "objectives[0].percentile", "REQUIRED"),
        (
            {**base, "objectives": [objective("f", indicator="FRESHNESS")]},
            "objectives[0].threshold",
            "REQUIRED",
        ),
        (
            {**base, "objectives": [objective("a", windowType="CALENDAR")]},
            "objectives[0].calendarStart",
            "REQUIRED",
        ),
        (
            {**base, "objectives": [objective("a", budgetingMethod="TIMESLICES")]},
            "objectives[0].timesliceMinutes",
            "REQUIRED",
        ),
        (
            {**base, "objectives": [objective("a", windowDays=0)]},
            "objectives[0].windowDays",
            "INVALID",
        ),
        ({**base, "deliveryDays": 3, "deliverySprints": 1}, "deliverySprints", "INVALID"),
        (base, "objectives", "REQUIRED"),
    ]
    for values, field, code in cases:
        payload = (await api.gql(PUBLISH, {"input": values}))["publishSla"]
        assert payload["slaVersion"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)], values
    history = (await api.gql(HISTORY, {"slug": product.slug}))["product"]
    assert history["slaHistory"]["totalCount"] == 0


async def test_turnaround_in_sprints_follows_the_owner_cadence(session):
    owner = await make_team(session, topology=Topology.PLATFORM, framework=Framework.SCRUM)
    await cadence.set_cadence(
        session, ADMIN, team_id=owner.id, length_days=10, anchor=date(2027, 1, 4)
    )
    product = await make_product(session, owner=owner)
    silent = await make_product(session)
    await publish(session, product, [AVAILABILITY], Turnaround(triage_days=1, delivery_sprints=2))
    await publish(session, silent, [FRESHNESS], Turnaround())

    days = await turnaround_days_by_product(session, [product.id, silent.id], on=date(2027, 2, 1))
    infos = {i.id: i for i in await product_infos(session, on=date(2027, 2, 1))}

    assert days == {product.id: 20, silent.id: None}
    assert infos[product.id].turnaround_days == 20
    assert infos[product.id].owner_team_id == owner.id
