"""Data readiness at planning: an item's data needs (a product's dataset at a schema version and
fresh, or a DATA item) judged; an advisory DoR warns on planItem, an enforced one refuses; the
sprint plan shows data readiness, compute reservations with contention and dependency flags."""

from __future__ import annotations

from datetime import UTC, date, datetime

from syncpoint.core.auth import Role
from syncpoint.products.compute import reserve_compute
from syncpoint.products.models import ProductKind
from syncpoint.products.slo import MeasurementInput, record_measurements
from syncpoint.work import service as work
from syncpoint.work.models import ItemKind, ItemStatus
from tests.support.factories import ADMIN, make_team
from tests.support.products_factories import FRESHNESS, hours_ago, make_product, publish
from tests.support.work_factories import gid, make_cadence, make_dependency, make_item, sprint_gid

ANCHOR = date(2027, 1, 4)

DATASET = """
mutation($input: DeclareProductDatasetInput!) {
  declareProductDataset(input: $input) { dataset { name schemaVersion } errors { field code } }
}"""

NEED = """
mutation($input: DeclareDataNeedInput!) {
  declareDataNeed(input: $input) {
    need { id dataset schemaVersion providerItem { key } } errors { field code }
  }
}"""

REMOVE = """
mutation($input: RemoveDataNeedInput!) {
  removeDataNeed(input: $input) { item { key } errors { field code } }
}"""

READINESS = """
query($item: ID!) { dataReadiness(itemId: $item) { state ready reason } }
"""

SET_GATE = """
mutation($input: SetQualityGateInput!) { setQualityGate(input: $input) { errors { code } } }
"""

PLAN = """
mutation($input: PlanItemInput!) {
  planItem(input: $input) { item { key } warnings { code message } errors { field code message } }
}"""

SPRINT_PLAN = """
query($team: ID!, $sprint: ID!) {
  sprintPlan(teamId: $team, sprintId: $sprint) {
    sprint { startDate }
    dataNotReady { key }
    items {
      item { key } dataReady data { state }
      reservations { units contention { peakUnits capacity } }
      flags { code }
    }
  }
}"""


async def _need(api, item, **fields) -> dict:
    data = await api.gql(NEED, {"input": {"itemId": gid("BacklogItem", item.id), **fields}})
    return data["declareDataNeed"]


async def _readiness(api, item) -> list[dict]:
    data = await api.gql(READINESS, {"item": gid("BacklogItem", item.id)})
    return data["dataReadiness"]


async def test_data_needs_are_judged_against_datasets_schema_freshness_and_providers(api, session):
    product = await make_product(session)
    await publish(session, product, [FRESHNESS])
    team = await make_team(session)
    item = await make_item(session, team)
    provider = await make_item(session, team, kind=ItemKind.DATA, key="DR-P")
    product_id = gid("Product", product.id)
    await api.login(Role.ADMIN)
    declared = await api.gql(
        DATASET,
        {"input": {"productId": product_id, "name": "user_embeddings", "schemaVersion": "v3"}},
    )
    assert declared["declareProductDataset"] == {
        "dataset": {"name": "user_embeddings", "schemaVersion": "v3"},
        "errors": [],
    }

    ok = await _need(api, item, productId=product_id, dataset="user_embeddings", schemaVersion="v3")
    assert ok["errors"] == []
    await _need(api, item, productId=product_id, dataset="clicks_raw")
    await _need(api, item, productId=product_id, dataset="user_embeddings", schemaVersion="v2")
    from_item = await _need(api, item, providerItemId=gid("BacklogItem", provider.id))
    assert from_item["need"]["providerItem"] == {"key": "DR-P"}

    assert await _readiness(api, item) == [
        {"state": "READY", "ready": True, "reason": "Dataset user_embeddings is ready."},
        {
            "state": "DATASET_UNKNOWN",
            "ready": False,
            "reason": "Dataset clicks_raw is unknown to its product.",
        },
        {
            "state": "SCHEMA_MISMATCH",
            "ready": False,
            "reason": "Dataset user_embeddings is at schema v3, not v2.",
        },
        {
            "state": "PROVIDER_NOT_DONE",
            "ready": False,
            "reason": "The data comes from DR-P, which is BACKLOG, not DONE.",
        },
    ]

    stale = [MeasurementInput("freshness", hours_ago(2), "stale-1", value=120.0)]
    await record_measurements(session, ADMIN, product.id, stale)
    await work.change_status(session, ADMIN, provider.id, provider.version, ItemStatus.DONE)
    states = [c["state"] for c in await _readiness(api, item)]
    assert states == ["FRESHNESS_BREACHED", "DATASET_UNKNOWN", "SCHEMA_MISMATCH", "READY"]

    removed = await api.gql(REMOVE, {"input": {"id": ok["need"]["id"]}})
    assert removed["removeDataNeed"] == {"item": {"key": item.key}, "errors": []}
    assert len(await _readiness(api, item)) == 3


async def test_a_data_need_refuses_every_problem_at_once(api, session):
    team = await make_team(session)
    item = await make_item(session, team)
    not_data = await make_item(session, team)
    await api.login(Role.ADMIN)
    neither = await _need(api, item)
    assert neither["errors"] == [{"field": "dataset", "code": "REQUIRED"}]
    both = await _need(
        api,
        item,
        productId=gid("Product", 999999),
        providerItemId=gid("BacklogItem", not_data.id),
    )
    assert both["errors"] == [
        {"field": "dataset", "code": "REQUIRED"},
        {"field": "dataset", "code": "REQUIRED"},
        {"field": "productId", "code": "NOT_FOUND"},
        {"field": "providerItemId", "code": "INVALID"},
    ]


async def test_planning_warns_or_refuses_and_the_sprint_plan_shows_it_all(api, session):
    team = await make_team(session)
    await make_cadence(session, team, 14, ANCHOR)
    other = await make_team(session)
    gpu = await make_product(session, kind=ProductKind.COMPUTE, capacity=4)
    ready = await make_item(session, team, key="DR-1")
    waiting = await make_item(session, team, key="DR-2")
    refused = await make_item(session, team, key="DR-3")
    provider = await make_item(session, other, kind=ItemKind.DATA, key="DR-9")
    await make_dependency(session, waiting, provider)
    await api.login(Role.ADMIN)
    for item in (waiting, refused):
        await _need(api, item, providerItemId=gid("BacklogItem", provider.id))
    window = (datetime(2027, 1, 5, tzinfo=UTC), datetime(2027, 1, 8, tzinfo=UTC))
    training = await make_item(session, other)
    for item, team_ in ((ready, team), (training, other)):
        await reserve_compute(
            session,
            ADMIN,
            product_id=gpu.id,
            team_id=team_.id,
            item_id=item.id,
            units=3,
            starts_at=window[0],
            ends_at=window[1],
        )
    sprint = sprint_gid(team, ANCHOR)

    def plan(item) -> dict:
        version = item.version
        return {
            "input": {"itemId": gid("BacklogItem", item.id), "version": version, "sprintId": sprint}
        }

    assert (await api.gql(PLAN, plan(ready)))["planItem"] == {
        "item": {"key": "DR-1"},
        "warnings": [],
        "errors": [],
    }
    warned = (await api.gql(PLAN, plan(waiting)))["planItem"]
    assert warned["errors"] == []
    assert warned["warnings"] == [
        {
            "code": "DATA_NOT_READY",
            "message": "DR-2: The data comes from DR-9, which is BACKLOG, not DONE.",
        }
    ]
    await api.gql(
        SET_GATE, {"input": {"teamId": gid("Team", team.id), "kind": "READY", "enforced": True}}
    )
    answer = (await api.gql(PLAN, plan(refused)))["planItem"]
    assert answer["item"] is None
    assert answer["errors"] == [
        {
            "field": "sprintId",
            "code": "DATA_NOT_READY",
            "message": "DR-3: The data comes from DR-9, which is BACKLOG, not DONE.",
        }
    ]

    view = await api.gql(SPRINT_PLAN, {"team": gid("Team", team.id), "sprint": sprint})
    view = view["sprintPlan"]
    assert view["sprint"] == {"startDate": "2027-01-04"}
    assert view["dataNotReady"] == [{"key": "DR-2"}]
    by_key = {p["item"]["key"]: p for p in view["items"]}
    assert sorted(by_key) == ["DR-1", "DR-2"]
    assert by_key["DR-1"]["dataReady"] is True
    assert by_key["DR-1"]["reservations"] == [
        {"units": 3, "contention": [{"peakUnits": 6, "capacity": 4}]}
    ]
    assert by_key["DR-2"]["data"] == [{"state": "PROVIDER_NOT_DONE"}]
    assert by_key["DR-2"]["reservations"] == []
    assert "UNPLANNED_PROVIDER" in [f["code"] for f in by_key["DR-2"]["flags"]]
    assert by_key["DR-1"]["flags"] == []
