"""Every hostile or careless value from the probe answers a coded client error, on both
databases: never INTERNAL, never a 5xx."""

from __future__ import annotations

import base64

from syncpoint.core.auth import Role
from tests.support.factories import make_group, make_team
from tests.support.work_factories import gid

FLAGS = "query($asOf: Date) { flags(asOf: $asOf, first: 1) { totalCount } }"
FLAGS_LITERAL = '{ flags(asOf: "9999-12-31", first: 1) { totalCount } }'
NODE = "query($id: ID!) { node(id: $id) { id } }"
PEOPLE = "query($search: String) { people(search: $search, first: 5) { totalCount } }"
ITEMS = "query($ids: [ID!]) { backlogItems(filter: {teamIds: $ids}, first: 5) { totalCount } }"
ITEMS_AFTER = "query($after: String) { backlogItems(first: 5, after: $after) { totalCount } }"
CREATE_TEAM = """
mutation($input: CreateTeamInput!) {
  createTeam(input: $input) { team { slug } errors { field code } }
}"""
CREATE_PERSON = """
mutation($input: CreatePersonInput!) {
  createPerson(input: $input) { person { name } errors { field code } }
}"""
CREATE_ITEM = """
mutation($input: CreateBacklogItemInput!) {
  createBacklogItem(input: $input) { item { key } errors { field code } }
}"""


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def top_level_codes(api, query: str, variables: dict | None = None) -> set[str]:
    response = await api.post(query, variables)
    assert response.status_code < 500, response.text
    body = response.json()
    assert body.get("errors"), body
    return {e["extensions"]["code"] for e in body["errors"]}


async def test_dates_outside_1900_to_2999_are_an_invalid_date_range(api):
    await api.login(Role.ADMIN)
    assert await top_level_codes(api, FLAGS, {"asOf": "9999-12-31"}) == {"INVALID_DATE_RANGE"}
    assert await top_level_codes(api, FLAGS, {"asOf": "0001-01-01"}) == {"INVALID_DATE_RANGE"}
    literal = await top_level_codes(api, FLAGS_LITERAL)
    assert literal == {"INVALID_DATE_RANGE"}
    assert await top_level_codes(api, FLAGS, {"asOf": "yesterday"}) == {"BAD_USER_INPUT"}


async def test_global_ids_with_foreign_or_too_many_digits_are_not_found(api):
    await api.login(Role.ADMIN)
    for node_id in ("١٢", "1" * 20, "99999999999999999999999", "-1"):
        data = await api.gql(NODE, {"id": b64(f"Team:{node_id}")})
        assert data == {"node": None}, node_id
    data = await api.gql(NODE, {"id": "not base64 at all"})
    assert data == {"node": None}


async def test_crafted_cursors_are_bad_pagination(api):
    await api.login(Role.ADMIN)
    for cursor in ("garbage", b64("{}"), b64('{"k": [1e400]}'), b64("\x00" * 50), b64("[" * 5000)):
        codes = await top_level_codes(api, ITEMS_AFTER, {"after": cursor})
        assert codes == {"BAD_PAGINATION"}, cursor


async def test_a_60_kb_search_is_too_long_and_wildcards_match_themselves(api, session):
    await api.login(Role.ADMIN)
    assert await top_level_codes(api, PEOPLE, {"search": "%_" * 30_000}) == {"TOO_LONG"}
    data = await api.gql(PEOPLE, {"search": "%"})
    assert data["people"]["totalCount"] == 0  # nobody's name holds a '%'


async def test_more_than_a_thousand_team_ids_are_refused(api):
    await api.login(Role.ADMIN)
    ids = [gid("Team", n) for n in range(1, 40_000)]
    assert await top_level_codes(api, ITEMS, {"ids": ids}) == {"BAD_PAGINATION"}


async def test_a_300_character_time_zone_is_invalid(api, session):
    group = await make_group(session)
    await api.login(Role.ADMIN)
    team_input = {
        "slug": "tz-team",
        "name": "Tz",
        "groupId": gid("Group", group.id),
        "topology": "STREAM_ALIGNED",
        "framework": "SCRUM",
        "timeZone": "Europe/" + "x" * 300,
    }
    payload = (await api.gql(CREATE_TEAM, {"input": team_input}))["createTeam"]
    assert payload["errors"] == [{"field": "timeZone", "code": "INVALID_TIMEZONE"}]


async def test_a_nul_in_a_name_is_refused(api):
    await api.login(Role.ADMIN)
    person = {"name": "Ada\x00Lovelace", "email": "ada@example.com"}
    payload = (await api.gql(CREATE_PERSON, {"input": person}))["createPerson"]
    assert payload == {"person": None, "errors": [{"field": "name", "code": "BAD_USER_INPUT"}]}


async def test_item_texts_are_capped(api, session):
    team = await make_team(session)
    await api.login(Role.ADMIN)
    base = {"teamId": gid("Team", team.id), "title": "Big", "kind": "EXPERIMENT", "timeCapDays": 5}
    # Over the item texts' 20,000-character cap, under the request limits' caps (a 1 MB text
    # is refused before it reaches the service: 413 PAYLOAD_TOO_LARGE, see test_request_limits).
    big = "x" * 25_000
    fields = {"description": big, "hypothesis": big, "evaluationMethod": big}
    payload = (await api.gql(CREATE_ITEM, {"input": {**base, **fields}}))["createBacklogItem"]
    assert payload["item"] is None
    assert sorted(payload["errors"], key=lambda e: e["field"]) == [
        {"field": "description", "code": "TOO_LONG"},
        {"field": "evaluationMethod", "code": "TOO_LONG"},
        {"field": "hypothesis", "code": "TOO_LONG"},
    ]


async def test_a_deeply_nested_json_body_is_a_client_error(api):
    body = ("[" * 100_000 + "]" * 100_000).encode()
    response = await api.http.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500


async def test_a_nul_in_a_search_or_a_slug_is_a_client_error(api, backend):
    await api.login(Role.ADMIN)
    assert await top_level_codes(api, PEOPLE, {"search": "a\x00b"}) == {"BAD_USER_INPUT"}
    response = await api.post("query($s: String!) { team(slug: $s) { name } }", {"s": "a\x00b"})
    body = response.json()
    assert response.status_code == 200
    if backend == "postgresql":  # PostgreSQL refuses NUL in text; SQLite finds no such team
        assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
    else:
        assert {k: v for k, v in body.items() if k != "extensions"} == {"data": {"team": None}}
