"""Query cost: 1 per field, connections multiply their selection by the page asked for, analyses
cost a setting scaled by the organisation's size once per distinct `asOf`; over the limit is
refused before execution; every response reports its cost and the budget left."""

from __future__ import annotations

from typing import Any

import pytest

from syncpoint.core import limits
from syncpoint.core.auth import Role
from tests.support.factories import make_team

TEAMS = "query Teams($n: Int) { teams(first: $n) { edges { node { name } } } }"
FLAGS_ONE_DATE = (
    "{ " + " ".join(f'f{i}: flags(asOf: "2026-03-01") {{ totalCount }}' for i in range(30)) + " }"
)
FLAGS_MANY_DATES = (
    "{ "
    + " ".join(f'f{i}: flags(asOf: "2026-03-{i + 1:02d}") {{ totalCount }}' for i in range(30))
    + " }"
)
ONE_FLAGS = '{ flags(asOf: "2026-03-01") { totalCount } }'
# teams(first: n): 1 + n * (edges 1 + node 1 + name 1)
COST_OF_TEAMS = {10: 31, 5: 16, None: 301}


@pytest.fixture(autouse=True)
def fresh_org_size() -> None:
    limits._org_sizes.clear()


async def test_connections_multiply_by_the_page_asked_for(api):
    await api.login(Role.VIEWER)
    for n, expected in COST_OF_TEAMS.items():
        body = (await api.post(TEAMS, {"n": n} if n is not None else {})).json()
        assert "errors" not in body, body
        cost = body["extensions"]["cost"]
        assert cost["requested"] == expected, n
        assert cost["limit"] == 50_000
        assert 0 < cost["remaining"] < 200_000


async def test_over_the_limit_is_refused_naming_cost_and_limit(api, settings):
    settings.max_query_cost = 30
    await api.login(Role.VIEWER)
    body = (await api.post(TEAMS, {"n": 10})).json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": 31, "limit": 30}
    assert "costs 31" in error["message"]
    assert "at most 30" in error["message"]
    assert body["extensions"]["cost"]["requested"] == 31


async def test_each_distinct_as_of_costs_again_and_is_refused_before_execution(
    api, monkeypatch: pytest.MonkeyPatch
):
    # Given a count of the analyses computed
    from syncpoint.insights.analyses import Analyses

    computed: list[Any] = []
    original = Analyses.analysis

    async def counting(self: Analyses, as_of: Any = None) -> Any:
        computed.append(as_of)
        return await original(self, as_of)

    monkeypatch.setattr(Analyses, "analysis", counting)
    await api.login(Role.VIEWER)
    # when 30 aliases of flags ask for one date, the analysis is charged once and it runs
    body = (await api.post(FLAGS_ONE_DATE)).json()
    assert "errors" not in body, body
    assert body["extensions"]["cost"]["requested"] == 30 * 101 + 2_000
    ran = len(computed)
    assert ran > 0
    # when they ask for 30 dates, each date is charged, and nothing is computed
    body = (await api.post(FLAGS_MANY_DATES)).json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"] == 30 * 101 + 30 * 2_000
    assert len(computed) == ran


async def test_analysis_cost_follows_the_setting_and_the_organisation_size(api, session, settings):
    settings.analysis_cost = 1_000
    await api.login(Role.VIEWER)
    body = (await api.post(ONE_FLAGS)).json()
    assert body["extensions"]["cost"]["requested"] == 101 + 1_000
    # Given an organisation of 51 teams (two units of 50)
    for _ in range(51):
        await make_team(session)
    await session.commit()
    limits._org_sizes.clear()
    body = (await api.post(ONE_FLAGS)).json()
    assert body["extensions"]["cost"]["requested"] == 101 + 2 * 1_000


async def test_every_response_reports_its_cost(api):
    await api.login(Role.VIEWER)
    for document in ("{ __typename }", "{ nosuchfield }", "{ unparsable"):
        body = (await api.post(document)).json()
        cost = body["extensions"]["cost"]
        assert set(cost) >= {"requested", "limit", "remaining"}, document
        assert cost["limit"] == 50_000


def test_every_analysis_field_named_exists_in_the_schema():
    from syncpoint.core.validation import ANALYSIS_FIELDS
    from syncpoint.schema import build_schema

    schema = build_schema()._schema
    for coordinate in ANALYSIS_FIELDS:
        type_name, field = coordinate.split(".")
        assert field in schema.get_type(type_name).fields, coordinate  # type: ignore[union-attr]
