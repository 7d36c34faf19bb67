"""flags: every open flag in scope, most severe first, in pages; and who may ask."""

from __future__ import annotations

from datetime import date

from strawberry.relay import to_base64

from syncpoint.core.auth import Role
from tests.support.insights_factories import depend, item, scrum_team, worked_example

AS_OF = "2027-01-20"
RANK = {"CRITICAL": 5, "HIGH": 4, "MEDIUM": 3, "LOW": 2, "INFO": 1}

FLAGS_PAGE = """
query($first: Int, $after: String, $filter: FlagFilter, $asOf: Date) {
  flags(first: $first, after: $after, filter: $filter, asOf: $asOf) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { code severity subjectId message teams { name } } }
  }
}"""

ANALYSIS_QUERIES = {
    "dependencyMap": "{ dependencyMap { edges { count } } }",
    "flags": "{ flags { totalCount } }",
    "cadenceAlignment": '{ cadenceAlignment(teamA: "VGVhbTox", teamB: "VGVhbToy") { gcdDays } }',
    "blastRadius": '{ blastRadius(itemId: "QmFja2xvZ0l0ZW06MQ==") { itemCount } }',
    "criticalPath": '{ criticalPath(integrationPointId: "SW50ZWdyYXRpb25Qb2ludDox") { hops } }',
    "integrationPointRisk": '{ integrationPointRisk(id: "SW50ZWdyYXRpb25Qb2ludDox") { atRisk } }',
    "dependencyFlags": '{ dependencyFlags(id: "RGVwZW5kZW5jeTox") { code } }',
}


def gid(type_name: str, ident: int) -> str:
    return to_base64(type_name, ident)


async def more_trouble(session, ex) -> None:
    """Two more late dependencies and a two-item cycle, so there are pages to walk."""
    for n in range(2):
        consumer = await item(
            session, ex.search, f"S-{20 + n}", "Late need", sprint_start=date(2027, 1, 24)
        )
        await depend(session, consumer, ex.fs12)
    mirror = await scrum_team(session, "Mirror", 14, date(2027, 1, 4))
    m1 = await item(session, mirror, "M-1", "Left", sprint_start=date(2027, 1, 18))
    m2 = await item(session, mirror, "M-2", "Right", sprint_start=date(2027, 1, 18))
    await depend(session, m1, m2)
    await depend(session, m2, m1)


async def walk(api, page_size: int, flt: dict | None = None) -> list[dict]:
    nodes, after = [], None
    while True:
        data = await api.gql(
            FLAGS_PAGE, {"first": page_size, "after": after, "filter": flt, "asOf": AS_OF}
        )
        page = data["flags"]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        assert len(page["edges"]) == page_size
        after = page["pageInfo"]["endCursor"]


async def test_walking_every_page_visits_each_flag_once_most_severe_first(api, session):
    ex = await worked_example(session)
    await more_trouble(session, ex)
    await api.login(Role.DIRECTOR)

    everything = (await api.gql(FLAGS_PAGE, {"asOf": AS_OF}))["flags"]
    walked = await walk(api, 3)

    assert everything["totalCount"] == len(everything["edges"]) > 6
    assert walked == [edge["node"] for edge in everything["edges"]]
    keys = [(n["code"], n["subjectId"], n["message"]) for n in walked]
    assert len(set(keys)) == len(keys)
    ranks = [RANK[n["severity"]] for n in walked]
    assert ranks == sorted(ranks, reverse=True)
    # 15 days late on a blocking need, and the blocking M-1 <-> M-2 deadlock, come first.
    critical = {n["code"] for n in walked if n["severity"] == "CRITICAL"}
    assert critical == {"LATE", "CYCLE"}
    assert walked[0]["severity"] == "CRITICAL"


async def test_filters_by_code_severity_team_and_group(api, session):
    ex = await worked_example(session)
    await more_trouble(session, ex)
    await api.login(Role.DIRECTOR)

    late = await walk(api, 100, {"codes": ["LATE"]})
    high = await walk(api, 100, {"severities": ["HIGH", "CRITICAL"]})
    features = await walk(api, 100, {"teamIds": [gid("Team", ex.features.id)]})
    discovery = await walk(api, 100, {"groupId": gid("Group", ex.group.id)})

    assert {n["code"] for n in late} == {"LATE"}
    assert len(late) == 6  # 2 in the example, 2 more on FS-12, M-1 and M-2 on each other
    assert {n["severity"] for n in high} <= {"HIGH", "CRITICAL"}
    assert all("Features" in [t["name"] for t in n["teams"]] for n in features)
    assert not any("Mirror" in n["message"] for n in discovery)
    assert len(discovery) > len(features)


async def test_page_size_is_capped_and_cursors_are_checked(api, session):
    await worked_example(session)
    await api.login(Role.DIRECTOR)

    too_many = await api.errors(FLAGS_PAGE, {"first": 101, "asOf": AS_OF})
    forged = await api.errors(FLAGS_PAGE, {"first": 2, "after": "bm9wZQ==", "asOf": AS_OF})

    assert too_many[0]["extensions"]["code"] == "BAD_PAGINATION"
    assert forged[0]["extensions"]["code"] == "BAD_PAGINATION"


async def test_anonymous_callers_are_refused_every_analysis(api):
    for name, query in ANALYSIS_QUERIES.items():
        errors = await api.errors(query)
        assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"], name


async def test_anonymous_read_setting_opens_the_map(api, session, settings):
    await worked_example(session)
    settings.allow_anonymous_read = True

    data = await api.gql(
        "query($asOf: Date) { dependencyMap(asOf: $asOf) { edges { count } } }", {"asOf": AS_OF}
    )

    assert sum(e["count"] for e in data["dependencyMap"]["edges"]) == 2
