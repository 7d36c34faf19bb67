"""cadenceAlignment, blastRadius, criticalPath and integrationPointRisk through GraphQL."""

from __future__ import annotations

from datetime import date

from strawberry.relay import to_base64

from syncpoint.core.auth import Role
from syncpoint.teams.models import Framework
from syncpoint.work import service as work
from syncpoint.work.models import ItemKind, ItemStatus
from tests.support.factories import ADMIN, make_team
from tests.support.insights_factories import worked_example

AS_OF = "2027-01-20"

ALIGNMENT = """
query($a: ID!, $b: ID!, $on: Date) {
  cadenceAlignment(teamA: $a, teamB: $b, on: $on) {
    on teamALengthDays teamBLengthDays gcdDays offsetDays commonPeriodDays aligned misaligned
    suggestedShiftDays suggestedAnchor sentence teamA { name } teamB { name }
  }
}"""

BLAST_RADIUS = """
query($id: ID!, $asOf: Date) {
  blastRadius(itemId: $id, asOf: $asOf) {
    itemId itemCount teamCount itemIds items { key } teams { name }
  }
}"""

CRITICAL_PATH = """
query($id: ID!, $asOf: Date) {
  criticalPath(integrationPointId: $id, asOf: $asOf) {
    name date hops totalLateDays
    steps { itemId label availableFrom lateByDays team { name } }
  }
}"""

RISK = """
query($id: ID!, $asOf: Date) {
  integrationPointRisk(id: $id, asOf: $asOf) {
    name date asOf atRisk
    teams {
      team { name } readyDate lateByDays boundaryBefore boundaryAfter atRisk
      itemIds unplannedItemIds flags { code severity }
    }
    flags { code severity subjectKind message }
  }
}"""


def gid(type_name: str, ident: int) -> str:
    return to_base64(type_name, ident)


async def test_alignment_of_the_worked_example_suggests_moving_features_back_a_week(api, session):
    ex = await worked_example(session)
    await api.login(Role.VIEWER)

    data = await api.gql(
        ALIGNMENT,
        {"a": gid("Team", ex.features.id), "b": gid("Team", ex.ranking.id), "on": AS_OF},
    )

    found = data["cadenceAlignment"]
    assert found == {
        "on": AS_OF,
        "teamALengthDays": 14,
        "teamBLengthDays": 14,
        "gcdDays": 14,
        "offsetDays": 7,
        "commonPeriodDays": None,
        "aligned": False,
        "misaligned": True,
        "suggestedShiftDays": -7,
        "suggestedAnchor": "2027-01-04",
        "sentence": found["sentence"],
        "teamA": {"name": "Features"},
        "teamB": {"name": "Ranking"},
    }
    assert "never coincide" in found["sentence"]


async def test_alignment_of_10_and_14_day_cadences(api, session):
    ex = await worked_example(session)
    await api.login(Role.VIEWER)

    search_features = await api.gql(
        ALIGNMENT, {"a": gid("Team", ex.search.id), "b": gid("Team", ex.features.id), "on": AS_OF}
    )
    search_ranking = await api.gql(
        ALIGNMENT, {"a": gid("Team", ex.search.id), "b": gid("Team", ex.ranking.id), "on": AS_OF}
    )

    odd = search_features["cadenceAlignment"]
    # Anchors 01-04 and 01-11: 7 days apart, odd, and gcd(10, 14) = 2: never on one boundary.
    assert (odd["gcdDays"], odd["offsetDays"], odd["commonPeriodDays"]) == (2, 1, None)
    assert (odd["suggestedShiftDays"], odd["suggestedAnchor"]) == (-1, "2027-01-03")
    even = search_ranking["cadenceAlignment"]
    assert (even["offsetDays"], even["commonPeriodDays"], even["suggestedShiftDays"]) == (0, 70, 0)
    assert (even["aligned"], even["misaligned"]) == (False, True)
    assert "only a common sprint length" in even["sentence"]


async def test_alignment_with_a_kanban_team_is_refused_with_a_reason(api, session):
    ex = await worked_example(session)
    flow = await make_team(session, name="Data Flow", framework=Framework.KANBAN)
    await api.login(Role.VIEWER)

    errors = await api.errors(
        ALIGNMENT, {"a": gid("Team", ex.search.id), "b": gid("Team", flow.id), "on": AS_OF}
    )
    unknown = await api.errors(
        ALIGNMENT, {"a": gid("Team", 999_999), "b": gid("Team", ex.search.id), "on": AS_OF}
    )

    assert errors[0]["extensions"]["code"] == "INVALID_STATE"
    assert errors[0]["extensions"]["field"] == "teamB"
    assert "Data Flow has no sprint cadence" in errors[0]["message"]
    assert (unknown[0]["extensions"]["code"], unknown[0]["extensions"]["field"]) == (
        "NOT_FOUND",
        "teamA",
    )


async def test_blast_radius_reaches_every_transitive_consumer(api, session):
    ex = await worked_example(session)
    await api.login(Role.DIRECTOR)

    upstream = await api.gql(BLAST_RADIUS, {"id": gid("BacklogItem", ex.fs12.id), "asOf": AS_OF})
    leaf = await api.gql(BLAST_RADIUS, {"id": gid("BacklogItem", ex.s3.id), "asOf": AS_OF})

    found = upstream["blastRadius"]
    assert (found["itemCount"], found["teamCount"]) == (2, 2)
    assert {i["key"] for i in found["items"]} == {"R-7", "S-3"}
    assert set(found["itemIds"]) == {gid("BacklogItem", ex.r7.id), gid("BacklogItem", ex.s3.id)}
    assert {t["name"] for t in found["teams"]} == {"Ranking", "Search"}
    assert leaf["blastRadius"]["itemCount"] == 0


async def test_blast_radius_of_an_unknown_item_is_not_found(api, session):
    await worked_example(session)
    await api.login(Role.DIRECTOR)

    missing = await api.errors(BLAST_RADIUS, {"id": gid("BacklogItem", 999_999), "asOf": AS_OF})
    wrong_type = await api.errors(BLAST_RADIUS, {"id": gid("Team", 1), "asOf": AS_OF})

    assert missing[0]["extensions"]["code"] == "NOT_FOUND"
    assert wrong_type[0]["extensions"]["code"] == "NOT_FOUND"


async def test_critical_path_runs_from_features_through_ranking_to_search(api, session):
    ex = await worked_example(session)
    await api.login(Role.DIRECTOR)

    data = await api.gql(
        CRITICAL_PATH, {"id": gid("IntegrationPoint", ex.launch.id), "asOf": AS_OF}
    )

    path = data["criticalPath"]
    assert (path["name"], path["date"], path["hops"]) == ("Launch", "2027-02-20", 2)
    assert [s["label"] for s in path["steps"]] == [
        "FS-12 Freshness features",
        "R-7 Rank by freshness",
        "S-3 Fresh results",
    ]
    # FS-12 is 7 days late for 2 days late for S-3, S-3 3 days late for the launch.
    assert [s["lateByDays"] for s in path["steps"]] == [7, 2, 3]
    assert path["totalLateDays"] == 12
    assert [s["team"]["name"] for s in path["steps"]] == ["Features", "Ranking", "Search"]


async def test_integration_point_risk_names_the_late_team_and_its_boundaries(api, session):
    ex = await worked_example(session)
    await api.login(Role.DIRECTOR)

    data = await api.gql(RISK, {"id": gid("IntegrationPoint", ex.launch.id), "asOf": AS_OF})

    risk = data["integrationPointRisk"]
    assert (risk["name"], risk["date"], risk["asOf"], risk["atRisk"]) == (
        "Launch",
        "2027-02-20",
        AS_OF,
        True,
    )
    teams = {t["team"]["name"]: t for t in risk["teams"]}
    assert teams["Ranking"]["readyDate"] == "2027-02-15"
    assert (teams["Ranking"]["atRisk"], teams["Ranking"]["flags"]) == (False, [])
    search = teams["Search"]
    assert (search["readyDate"], search["lateByDays"], search["atRisk"]) == (
        "2027-02-23",
        3,
        True,
    )
    assert (search["boundaryBefore"], search["boundaryAfter"]) == ("2027-02-13", "2027-02-23")
    assert search["flags"] == [{"code": "INTEGRATION_AT_RISK", "severity": "HIGH"}]
    assert search["itemIds"] == [gid("BacklogItem", ex.s3.id)]
    assert [f["code"] for f in risk["flags"]] == ["INTEGRATION_AT_RISK", "CADENCE_MISALIGNED"]


async def test_same_as_of_gives_the_same_answer_and_as_of_moves_the_clock(api, session):
    ex = await worked_example(session)
    spike = await work.create_item(
        session,
        ADMIN,
        team_id=ex.ranking.id,
        title="Try a two-tower model",
        kind=ItemKind.SPIKE,
        values={"time_cap_days": 10},
        key="R-9",
    )
    await work.change_status(
        session, ADMIN, spike.id, spike.version, ItemStatus.IN_PROGRESS, on=date(2027, 1, 5)
    )
    await api.login(Role.DIRECTOR)
    query = (
        "query($asOf: Date) { flags(asOf: $asOf) { totalCount edges { node { code message } } } }"
    )

    first = await api.gql(query, {"asOf": AS_OF})
    again = await api.gql(query, {"asOf": AS_OF})
    before_cap = await api.gql(query, {"asOf": "2027-01-10"})

    assert first == again
    codes = [e["node"]["code"] for e in first["flags"]["edges"]]
    assert "OVERRUN" in codes
    overrun = next(e["node"] for e in first["flags"]["edges"] if e["node"]["code"] == "OVERRUN")
    assert "5 days over its cap" in overrun["message"]
    assert "OVERRUN" not in [e["node"]["code"] for e in before_cap["flags"]["edges"]]
