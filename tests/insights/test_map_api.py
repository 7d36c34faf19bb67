"""dependencyMap through GraphQL on the worked example: given / when / then, on both databases."""

from __future__ import annotations

import json
from datetime import date

from strawberry.relay import to_base64

from syncpoint.core import limits
from syncpoint.core.auth import Role
from syncpoint.insights.analyses import app_caches
from tests.support.factories import make_group
from tests.support.insights_factories import depend, item, scrum_team, worked_example

AS_OF = "2027-01-20"

TEAM_MAP = """
query($filter: DependencyMapFilter, $asOf: Date) {
  dependencyMap(filter: $filter, asOf: $asOf) {
    level asOf
    nodes { id key label kind topology openCount lateCount teamId }
    edges {
      source target count countsByType { blocking slowing ok } flags worstFlag dependencyIds
    }
    cycles { nodeIds labels }
    bottlenecks { name inDegree waitingDependencies team { name } }
  }
}"""

ITEM_MAP = """
query($asOf: Date, $format: MapFormat!) {
  dependencyMap(level: ITEM, asOf: $asOf) {
    level
    nodes { id label kind openCount lateCount teamId }
    edges { source target count flags worstFlag }
    export(format: $format)
  }
}"""

EDGE_IDS = """
query($filter: DependencyMapFilter, $asOf: Date, $level: MapLevel!) {
  dependencyMap(filter: $filter, level: $level, asOf: $asOf) {
    edges { source target count dependencyIds }
  }
}"""

DEPENDENCIES_BY_ID = """
query($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Dependency { id status consumerTeam { id } providerTeam { id } }
  }
}"""

DEPENDENCY_FLAGS = """
query($id: ID!, $asOf: Date) {
  dependencyFlags(id: $id, asOf: $asOf) { code severity subjectKind subjectId numbers message }
}"""


def gid(type_name: str, ident: int) -> str:
    return to_base64(type_name, ident)


def edges_by_pair(data: dict) -> dict[tuple[str, str], dict]:
    return {(e["source"], e["target"]): e for e in data["dependencyMap"]["edges"]}


async def test_team_map_shows_the_worked_example_with_counts_and_flags(api, session):
    ex = await worked_example(session)
    await api.login(Role.DIRECTOR)

    data = await api.gql(TEAM_MAP, {"asOf": AS_OF})

    found = data["dependencyMap"]
    assert (found["level"], found["asOf"]) == ("TEAM", AS_OF)
    features_to_ranking = edges_by_pair(data)[
        (gid("Team", ex.features.id), gid("Team", ex.ranking.id))
    ]
    assert features_to_ranking == {
        "source": gid("Team", ex.features.id),
        "target": gid("Team", ex.ranking.id),
        "count": 1,
        "countsByType": {"blocking": 1, "slowing": 0, "ok": 0},
        "flags": ["LATE", "CADENCE_MISALIGNED"],
        "worstFlag": "LATE",
        "dependencyIds": [gid("Dependency", ex.r7_needs_fs12.id)],
    }
    nodes = {n["label"]: n for n in found["nodes"]}
    assert nodes["Features"]["topology"] == "PLATFORM"
    assert (nodes["Ranking"]["openCount"], nodes["Ranking"]["lateCount"]) == (2, 2)
    assert nodes["Ranking"]["id"] == gid("Team", ex.ranking.id) == nodes["Ranking"]["teamId"]
    assert nodes["Ranking"]["key"] == f"team:{ex.ranking.id}"
    assert found["cycles"] == []
    assert [b["name"] for b in found["bottlenecks"]] == ["Ranking", "Features"]
    assert found["bottlenecks"][0]["team"] == {"name": "Ranking"}


async def test_the_late_dependency_explains_itself_in_words_and_numbers(api, session):
    ex = await worked_example(session)
    await api.login(Role.VIEWER)

    data = await api.gql(
        DEPENDENCY_FLAGS, {"id": gid("Dependency", ex.r7_needs_fs12.id), "asOf": AS_OF}
    )

    flags = {f["code"]: f for f in data["dependencyFlags"]}
    assert set(flags) == {"LATE", "CADENCE_MISALIGNED"}
    late = flags["LATE"]
    assert late["severity"] == "HIGH"
    assert late["subjectKind"] == "DEPENDENCY"
    assert late["subjectId"] == gid("Dependency", ex.r7_needs_fs12.id)
    assert late["numbers"]["lateByDays"] == 7
    assert late["numbers"]["neededBy"] == "2027-02-01"
    assert late["numbers"]["availableFrom"] == "2027-02-08"
    assert late["message"].endswith("delivers it on 2027-02-08: 7 days late.")
    misaligned = flags["CADENCE_MISALIGNED"]["numbers"]
    assert misaligned["offsetDays"] == 7
    assert misaligned["suggestedShiftDays"] == -7
    assert misaligned["suggestedAnchor"] == "2027-01-04"
    assert misaligned["handoffLagDays"] == 7
    assert misaligned["commonPeriodDays"] is None


async def test_item_map_draws_items_and_exports_parseable_json(api, session):
    ex = await worked_example(session)
    await api.login(Role.DIRECTOR)

    data = await api.gql(ITEM_MAP, {"asOf": AS_OF, "format": "JSON"})

    found = data["dependencyMap"]
    labels = {n["id"]: n["label"] for n in found["nodes"]}
    assert labels == {
        gid("BacklogItem", ex.r7.id): "R-7 Rank by freshness",
        gid("BacklogItem", ex.fs12.id): "FS-12 Freshness features",
        gid("BacklogItem", ex.s3.id): "S-3 Fresh results",
    }
    assert {n["kind"] for n in found["nodes"]} == {"ITEM"}
    edge = edges_by_pair(data)[(gid("BacklogItem", ex.fs12.id), gid("BacklogItem", ex.r7.id))]
    assert (edge["count"], edge["worstFlag"]) == (1, "LATE")
    exported = json.loads(found["export"])
    assert exported["level"] == "ITEM"
    assert {(e["source"], e["target"]) for e in exported["edges"]} == {
        (f"item:{ex.fs12.id}", f"item:{ex.r7.id}"),
        (f"item:{ex.r7.id}", f"item:{ex.s3.id}"),
    }


async def test_dot_export_field_is_a_graphviz_digraph(api, session):
    await worked_example(session)
    await api.login(Role.DIRECTOR)

    data = await api.gql(ITEM_MAP, {"asOf": AS_OF, "format": "DOT"})

    assert data["dependencyMap"]["export"].startswith("digraph dependency_map {")


async def test_filters_narrow_the_map_by_group_team_window_and_flag(api, session):
    ex = await worked_example(session)
    other = await make_group(session, name="Ads")
    bidding = await scrum_team(session, "Bidding", 14, date(2027, 1, 4), group=other)
    pacing = await scrum_team(session, "Pacing", 14, date(2027, 1, 4), group=other)
    b1 = await item(session, bidding, "B-1", "Bid model", sprint_start=date(2027, 3, 1))
    p1 = await item(session, pacing, "P-1", "Pacing signal", sprint_start=date(2027, 1, 4))
    await depend(session, b1, p1)
    await api.login(Role.DIRECTOR)
    pairs = {
        "all": {},
        "group": {"groupId": gid("Group", ex.group.id)},
        "team": {"teamIds": [gid("Team", ex.search.id)]},
        "window": {"from": "2027-02-10", "to": "2027-03-31"},
        "late": {"flags": ["LATE"]},
    }

    found = {}
    for name, flt in pairs.items():
        data = await api.gql(TEAM_MAP, {"asOf": AS_OF, "filter": flt})
        found[name] = {(e["source"], e["target"]) for e in data["dependencyMap"]["edges"]}

    features_ranking = (gid("Team", ex.features.id), gid("Team", ex.ranking.id))
    ranking_search = (gid("Team", ex.ranking.id), gid("Team", ex.search.id))
    pacing_bidding = (gid("Team", pacing.id), gid("Team", bidding.id))
    assert found["all"] == {features_ranking, ranking_search, pacing_bidding}
    assert found["group"] == {features_ranking, ranking_search}
    assert found["team"] == {ranking_search}
    assert found["window"] == {ranking_search, pacing_bidding}
    assert found["late"] == {features_ranking, ranking_search}


LATE_MAP = """
query($asOf: Date) {
  dependencyMap(filter: {flags: [LATE]}, asOf: $asOf) {
    bottlenecks { name inDegree waitingDependencies team { name } }
    export(format: JSON)
  }
}"""


async def test_a_flag_filtered_map_names_the_bottlenecks_of_its_own_graph(api, session):
    """Asked separately from the drawing (the page asks them only to highlight), and in the
    map's JSON export, worked out over the LATE dependencies alone."""
    await worked_example(session)
    await api.login(Role.DIRECTOR)

    data = await api.gql(LATE_MAP, {"asOf": AS_OF})

    found = data["dependencyMap"]
    # the worked example's two LATE dependencies: Features -> Ranking -> Search
    assert [(b["name"], b["inDegree"]) for b in found["bottlenecks"]] == [
        ("Ranking", 1),
        ("Features", 1),
    ]
    exported = json.loads(found["export"])["bottlenecks"]
    assert [b["in_degree"] for b in exported] == [1, 1]
    assert len(exported) == len(found["bottlenecks"])


async def test_an_unknown_group_or_a_reversed_window_is_a_clear_error(api, session):
    await worked_example(session)
    await api.login(Role.DIRECTOR)

    missing = await api.errors(TEAM_MAP, {"filter": {"groupId": gid("Group", 999_999)}})
    reversed_window = await api.errors(
        TEAM_MAP, {"filter": {"from": "2027-03-01", "to": "2027-02-01"}}
    )

    assert missing[0]["extensions"]["code"] == "NOT_FOUND"
    assert missing[0]["extensions"]["field"] == "filter.groupId"
    assert reversed_window[0]["extensions"]["code"] == "INVALID_DATE_RANGE"


async def test_map_statements_do_not_grow_with_the_number_of_dependencies(
    api, session, count_statements
):
    ex = await worked_example(session)
    await api.login(Role.DIRECTOR)
    limits._org_sizes.clear()
    count_statements.count = 0
    await api.gql(TEAM_MAP, {"asOf": AS_OF})  # computed: nothing cached at this data version
    few = count_statements.count
    for n in range(6):
        consumer = await item(
            session, ex.search, f"S-{10 + n}", "More", sprint_start=date(2027, 2, 3)
        )
        provider = await item(
            session, ex.features, f"FS-{20 + n}", "More", sprint_start=date(2027, 1, 25)
        )
        await depend(session, consumer, provider)
    await session.commit()
    # Computed from scratch again (not patched from the first analysis through the change log,
    # whose statements tests/insights/test_change_log.py counts).
    for cache in app_caches(api.app) or ():
        cache.clear()
    limits._org_sizes.clear()  # counted in both requests, whatever ran before

    count_statements.count = 0
    data = await api.gql(TEAM_MAP, {"asOf": AS_OF})

    assert sum(e["count"] for e in data["dependencyMap"]["edges"]) == 8
    assert count_statements.count == few


async def test_an_edge_names_exactly_the_dependencies_its_count_is_made_of(api, session):
    # Given a second Ranking <- Features dependency, needed in March and not late
    ex = await worked_example(session)
    r9 = await item(session, ex.ranking, "R-9", "Rank by season", sprint_start=date(2027, 3, 1))
    fs14 = await item(session, ex.features, "FS-14", "Season", sprint_start=date(2027, 1, 25))
    r9_needs_fs14 = await depend(session, r9, fs14)
    await api.login(Role.DIRECTOR)
    ranking, features = gid("Team", ex.ranking.id), gid("Team", ex.features.id)
    both = {gid("Dependency", ex.r7_needs_fs12.id), gid("Dependency", r9_needs_fs14.id)}
    expected = {
        "all": ({}, both),
        "group": ({"groupId": gid("Group", ex.group.id)}, both),
        "team": ({"teamIds": [ranking]}, both),
        "window": (
            {"from": "2027-02-10", "to": "2027-03-31"},
            {gid("Dependency", r9_needs_fs14.id)},
        ),
        "late": ({"flags": ["LATE"]}, {gid("Dependency", ex.r7_needs_fs12.id)}),
    }

    for name, (flt, wanted) in expected.items():
        # When the team-level map is drawn under the filter
        data = await api.gql(EDGE_IDS, {"asOf": AS_OF, "filter": flt, "level": "TEAM"})

        # Then every edge's ids are as many as its count, and Features -> Ranking names
        # exactly the dependencies between the two teams that the filter keeps
        for edge in data["dependencyMap"]["edges"]:
            assert len(set(edge["dependencyIds"])) == edge["count"], name
        edge = edges_by_pair(data)[(features, ranking)]
        assert set(edge["dependencyIds"]) == wanted, name
        found = await api.gql(DEPENDENCIES_BY_ID, {"ids": edge["dependencyIds"]})
        for dep in found["nodes"]:
            assert (dep["providerTeam"]["id"], dep["consumerTeam"]["id"]) == (features, ranking)
            assert dep["status"] == "OPEN"


async def test_an_item_edge_names_the_dependency_between_its_two_items(api, session):
    ex = await worked_example(session)
    r9 = await item(session, ex.ranking, "R-9", "Rank by season", sprint_start=date(2027, 3, 1))
    fs14 = await item(session, ex.features, "FS-14", "Season", sprint_start=date(2027, 1, 25))
    r9_needs_fs14 = await depend(session, r9, fs14)
    await api.login(Role.DIRECTOR)
    window = {"from": "2027-02-10", "to": "2027-03-31"}

    whole = await api.gql(EDGE_IDS, {"asOf": AS_OF, "level": "ITEM"})
    narrowed = await api.gql(EDGE_IDS, {"asOf": AS_OF, "filter": window, "level": "ITEM"})

    for data in (whole, narrowed):
        for edge in data["dependencyMap"]["edges"]:
            assert len(edge["dependencyIds"]) == edge["count"] == 1
    fs12_r7 = (gid("BacklogItem", ex.fs12.id), gid("BacklogItem", ex.r7.id))
    fs14_r9 = (gid("BacklogItem", fs14.id), gid("BacklogItem", r9.id))
    assert edges_by_pair(whole)[fs12_r7]["dependencyIds"] == [
        gid("Dependency", ex.r7_needs_fs12.id)
    ]
    assert set(edges_by_pair(narrowed)) >= {fs14_r9}
    assert fs12_r7 not in edges_by_pair(narrowed)
    assert edges_by_pair(narrowed)[fs14_r9]["dependencyIds"] == [
        gid("Dependency", r9_needs_fs14.id)
    ]
