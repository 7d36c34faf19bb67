"""Dependency and integration point inputs through the pipeline: explicit nulls and every
problem at once."""

from __future__ import annotations

from datetime import date

from syncpoint.core.auth import Role
from tests.support.factories import make_team
from tests.support.work_factories import gid, make_dependency, make_item

UPDATE = """
mutation($input: UpdateDependencyInput!) {
  updateDependency(input: $input) {
    dependency { type neededBy description version } errors { field code }
  }
}"""

CREATE = """
mutation($input: CreateDependencyInput!) {
  createDependency(input: $input) { dependency { id } errors { field code } }
}"""

CREATE_POINT = """
mutation($input: CreateIntegrationPointInput!) {
  createIntegrationPoint(input: $input) { integrationPoint { id version } errors { field code } }
}"""

UPDATE_POINT = """
mutation($input: UpdateIntegrationPointInput!) {
  updateIntegrationPoint(input: $input) {
    integrationPoint { name date description version } errors { field code }
  }
}"""

REMOVE_ITEMS = """
mutation($input: IntegrationPointItemsInput!) {
  removeItemsFromIntegrationPoint(input: $input) {
    integrationPoint { version } errors { field code }
  }
}"""


def _fields(payload: dict) -> list[tuple[str, str]]:
    return sorted((e["field"], e["code"]) for e in payload["errors"])


async def test_explicit_null_on_a_dependency_is_required_or_clears(api, session):
    # Given a dependency with an explicit needed-by date
    team = await make_team(session)
    consumer, provider = await make_item(session, team), await make_item(session, team)
    dependency = await make_dependency(session, consumer, provider, needed_by=date(2027, 2, 1))
    await api.login(Role.ADMIN)
    ident = {"id": gid("Dependency", dependency.id), "version": dependency.version}
    # when type and description are sent as null, then both are REQUIRED, nothing changes
    refused = (await api.gql(UPDATE, {"input": {**ident, "type": None, "description": None}}))[
        "updateDependency"
    ]
    assert refused["dependency"] is None
    assert _fields(refused) == [("description", "REQUIRED"), ("type", "REQUIRED")]
    # and neededBy: null clears the explicit date
    cleared = (await api.gql(UPDATE, {"input": {**ident, "neededBy": None}}))["updateDependency"]
    assert cleared["errors"] == []
    assert cleared["dependency"]["neededBy"] is None
    assert cleared["dependency"]["type"] == "BLOCKING"


async def test_every_bad_reference_of_a_dependency_at_once(api, session):
    await api.login(Role.ADMIN)
    payload = (
        await api.gql(
            CREATE,
            {
                "input": {
                    "consumerItemId": gid("Team", 1),
                    "providerProductId": gid("BacklogItem", 1),
                    "type": "BLOCKING",
                    "neededBy": None,
                }
            },
        )
    )["createDependency"]
    assert _fields(payload) == [("consumerItemId", "NOT_FOUND"), ("providerProductId", "NOT_FOUND")]


async def test_integration_point_nulls_and_every_problem_at_once(api, session):
    team = await make_team(session)
    item = await make_item(session, team)
    await api.login(Role.ADMIN)
    # A blank name and two unknown items: three errors in one answer.
    refused = (
        await api.gql(
            CREATE_POINT,
            {
                "input": {
                    "name": " ",
                    "date": "2027-03-01",
                    "itemIds": [gid("BacklogItem", 987654321), gid("BacklogItem", 987654322)],
                }
            },
        )
    )["createIntegrationPoint"]
    assert _fields(refused) == [
        ("itemIds", "NOT_FOUND"),
        ("itemIds", "NOT_FOUND"),
        ("name", "REQUIRED"),
    ]
    created = (
        await api.gql(
            CREATE_POINT,
            {
                "input": {
                    "name": "Launch",
                    "date": "2027-03-01",
                    "itemIds": [gid("BacklogItem", item.id)],
                }
            },
        )
    )["createIntegrationPoint"]["integrationPoint"]
    ident = {"id": created["id"], "version": created["version"]}
    # name, date and description cannot be null: REQUIRED on each, `date` by its GraphQL name
    nulls = {"name": None, "date": None, "description": None}
    payload = (await api.gql(UPDATE_POINT, {"input": {**ident, **nulls}}))["updateIntegrationPoint"]
    assert _fields(payload) == [
        ("date", "REQUIRED"),
        ("description", "REQUIRED"),
        ("name", "REQUIRED"),
    ]
    moved = (await api.gql(UPDATE_POINT, {"input": {**ident, "date": "2027-03-08"}}))[
        "updateIntegrationPoint"
    ]
    assert moved["integrationPoint"]["date"] == "2027-03-08"
    assert moved["integrationPoint"]["name"] == "Launch"
    # Removing two items that take no part names both.
    others = [gid("BacklogItem", (await make_item(session, team)).id) for _ in range(2)]
    removed = (
        await api.gql(
            REMOVE_ITEMS,
            {"input": {"id": created["id"], "version": 2, "itemIds": others}},
        )
    )["removeItemsFromIntegrationPoint"]
    assert _fields(removed) == [("itemIds", "NOT_FOUND"), ("itemIds", "NOT_FOUND")]
