"""SLI measurements: idempotent batches, compliance, SLA_BREACH blockers raised once and closed
on recovery (both DBs)."""

from __future__ import annotations

from sqlalchemy import func, select
from strawberry.relay import to_base64

from syncpoint.analysis.model import ItemStatus
from syncpoint.blockers.models import Blocker, BlockerCategory, BlockerStatus
from syncpoint.core.auth import Role
from syncpoint.products.health import product_health
from syncpoint.products.models import SliMeasurement
from syncpoint.products.slo import MeasurementInput, record_measurements
from syncpoint.teams.models import MembershipRole
from syncpoint.work.models import BacklogItem
from tests.support.factories import ADMIN, make_member, make_team
from tests.support.products_factories import (
    consumer_in_progress,
    hours_ago,
    make_item,
    make_platform_team,
    make_product,
    publish,
    request,
    subscribe,
)

RECORD = """
mutation($input: RecordMeasurementsInput!) {
  recordMeasurements(input: $input) {
    result {
      recorded unchanged raisedBlockerIds resolvedBlockerIds
      compliance { objective { key } sli errorBudgetRemaining burnRate status breached }
    }
    errors { field code message }
  }
}"""

COMPLIANCE = """
query($slug: String!) {
  product(slug: $slug) { compliance { objective { key } status sli good total } }
}"""


def gid(type_name: str, ident: int) -> str:
    return to_base64(type_name, ident)


def ratio(key: str, good: int, total: int, hours: float) -> dict:
    return {
        "objectiveKey": "availability",
        "observedAt": hours_ago(hours).isoformat(),
        "clientKey": key,
        "good": good,
        "total": total,
    }


async def _owner_login(api, session, product_owner_team):
    person = await make_member(session, product_owner_team, MembershipRole.PRODUCT_OWNER)
    await api.login(Role.PLATFORM_OWNER, person.id)


async def _record(api, product, measurements) -> dict:
    variables = {"input": {"productId": gid("Product", product.id), "measurements": measurements}}
    return (await api.gql(RECORD, variables))["recordMeasurements"]


async def _blockers(session, item_ids) -> list[tuple[int, BlockerStatus]]:
    rows = await session.execute(
        select(Blocker.item_id, Blocker.status)
        .where(Blocker.item_id.in_(item_ids), Blocker.category == BlockerCategory.SLA_BREACH)
        .order_by(Blocker.item_id, Blocker.id)
    )
    return [(item_id, status) for item_id, status in rows]


async def _status(session, item_id) -> ItemStatus:
    return await session.scalar(select(BacklogItem.status).where(BacklogItem.id == item_id))


async def test_resending_a_batch_changes_nothing(api, session):
    owner = await make_platform_team(session)
    product = await make_product(session, owner=owner)
    await publish(session, product)
    await _owner_login(api, session, owner)
    batch = [ratio(f"run-{i}", 990 + i, 1000, hours=i + 1) for i in range(3)]

    first = await _record(api, product, batch)
    again = await _record(api, product, batch)

    assert (first["result"]["recorded"], first["result"]["unchanged"]) == (3, 0)
    assert (again["result"]["recorded"], again["result"]["unchanged"]) == (0, 3)
    assert again["result"]["raisedBlockerIds"] == []
    stored = await session.scalar(
        select(func.count())
        .select_from(SliMeasurement)
        .where(SliMeasurement.product_id == product.id)
    )
    assert stored == 3
    compliance = (await api.gql(COMPLIANCE, {"slug": product.slug}))["product"]["compliance"]
    availability = next(c for c in compliance if c["objective"]["key"] == "availability")
    assert (availability["good"], availability["total"]) == (2973.0, 3000.0)
    freshness = next(c for c in compliance if c["objective"]["key"] == "freshness")
    assert freshness["status"] == "NO_DATA"


async def test_a_reused_client_key_with_other_data_refuses_the_whole_batch(api, session):
    owner = await make_platform_team(session)
    product = await make_product(session, owner=owner)
    await publish(session, product)
    await _owner_login(api, session, owner)
    await _record(api, product, [ratio("run-1", 10, 10, hours=1)])

    refused = await _record(
        api, product, [ratio("run-2", 10, 10, hours=2), ratio("run-1", 9, 10, hours=1)]
    )

    assert refused["errors"][0]["field"] == "measurements[1].clientKey"
    assert refused["errors"][0]["code"] == "DUPLICATE"
    stored = await session.scalar(
        select(func.count())
        .select_from(SliMeasurement)
        .where(SliMeasurement.product_id == product.id)
    )
    assert stored == 1


async def test_invalid_measurements_are_refused_with_codes(api, session):
    owner = await make_platform_team(session)
    product = await make_product(session, owner=owner)
    await publish(session, product)
    await _owner_login(api, session, owner)
    fresh = {"objectiveKey": "freshness", "observedAt": hours_ago(1).isoformat(), "clientKey": "f"}
    cases = [
        ([{**ratio("a", 1, 1, 1), "objectiveKey": "nope"}], "measurements[0].objectiveKey"),
        ([ratio("a", 11, 10, 1)], "measurements[0].good"),
        ([ratio("a", 0, 0, 1)], "measurements[0].good"),
        ([{**ratio("a", 1, 1, 1), "value": 3.0}], "measurements[0].good"),
        ([{**fresh, "good": 1, "total": 1}], "measurements[0].value"),
        ([ratio("a", 1, 1, -5)], "measurements[0].observedAt"),
        ([], "measurements"),
    ]
    for batch, field in cases:
        payload = await _record(api, product, batch)
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, "INVALID")], batch


async def test_breach_raises_one_blocker_per_affected_item_and_recovery_closes_it(api, session):
    owner = await make_platform_team(session)
    product = await make_product(session, owner=owner)
    await publish(session, product)
    _team, affected = await consumer_in_progress(session, product)
    _team2, also = await consumer_in_progress(session, product)
    # Not affected: not subscribed; subscribed but not started; subscribed, no dependency.
    stranger = await make_item(session, await make_team(session), status=ItemStatus.IN_PROGRESS)
    await request(session, stranger, product)
    idle_team = await make_team(session)
    await subscribe(session, product, idle_team)
    idle = await make_item(session, idle_team)
    await request(session, idle, product)
    unrelated = await make_item(session, idle_team, status=ItemStatus.IN_PROGRESS)
    ids = [affected.id, also.id, stranger.id, idle.id, unrelated.id]
    await _owner_login(api, session, owner)

    breach = await _record(api, product, [ratio("bad-1", 900, 1000, hours=3)])
    still = await _record(api, product, [ratio("bad-2", 950, 1000, hours=2)])
    blocked = await _blockers(session, ids)
    item_status = await _status(session, affected.id)
    recovered = await _record(api, product, [ratio("good-1", 100_000, 100_000, hours=1)])

    assert len(breach["result"]["raisedBlockerIds"]) == 2
    availability = breach["result"]["compliance"][0]
    assert availability["breached"] is True
    assert availability["errorBudgetRemaining"] < 0
    assert still["result"]["raisedBlockerIds"] == []
    assert blocked == [(affected.id, BlockerStatus.OPEN), (also.id, BlockerStatus.OPEN)]
    assert item_status is ItemStatus.BLOCKED
    assert recovered["result"]["compliance"][0]["status"] == "OK"
    assert len(recovered["result"]["resolvedBlockerIds"]) == 2
    assert await _blockers(session, ids) == [
        (affected.id, BlockerStatus.RESOLVED),
        (also.id, BlockerStatus.RESOLVED),
    ]
    assert await _status(session, affected.id) is ItemStatus.IN_PROGRESS


async def test_only_the_owner_team_records_measurements(api, session):
    owner = await make_platform_team(session)
    product = await make_product(session, owner=owner)
    await publish(session, product)
    other = await make_platform_team(session)
    await _owner_login(api, session, other)
    variables = {
        "input": {"productId": gid("Product", product.id), "measurements": [ratio("a", 1, 1, 1)]}
    }

    scope = await api.errors(RECORD, variables)
    member = await make_member(session, owner)
    await api.login(Role.TEAM_MEMBER, member.id)
    role = await api.errors(RECORD, variables)

    assert scope[0]["extensions"] == {"code": "FORBIDDEN", "reason": "SCOPE"}
    assert role[0]["extensions"] == {"code": "FORBIDDEN", "reason": "ROLE"}


async def test_product_health_reports_breaches_to_consumers_only(session):
    product = await make_product(session)
    await publish(session, product)
    team, _item = await consumer_in_progress(session, product)
    outsider = await make_team(session)
    batch = [
        MeasurementInput("availability", hours_ago(2), "h-1", good=900, total=1000),
        MeasurementInput("freshness", hours_ago(2), "h-2", value=12.0),
    ]
    await record_measurements(session, ADMIN, product.id, batch)

    mine = await product_health(session, [team.id])
    theirs = await product_health(session, [outsider.id])

    assert [h.product.id for h in mine] == [product.id]
    assert [s.objective.objective_key for s in mine[0].breaches] == ["availability"]
    assert mine[0].needs_attention
    assert mine[0].consumer_team_ids == (team.id,)
    assert theirs == []
