"""Whole responses of analysis queries are kept per data version (insights/responses.py): a
repeated map costs the token and version reads only, a change answers anew, and no caller is
ever answered from another caller's response."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
from graphql import parse

from syncpoint.core.auth import Role
from syncpoint.insights.responses import DECISIONS, ResponseCache, cacheable, written
from tests.support.insights_factories import depend, item, worked_example

AS_OF = "2027-01-20"
TEAM_MAP = """
query($asOf: Date) { dependencyMap(asOf: $asOf) { edges { source target count worstFlag } } }"""


def total(data: dict[str, Any]) -> int:
    return sum(e["count"] for e in data["dependencyMap"]["edges"])


async def test_a_repeated_map_is_answered_from_the_kept_response_until_the_data_changes(
    api, session, count_statements
):
    # given a director who asked for the map once
    ex = await worked_example(session)
    await api.login(Role.DIRECTOR)
    first = await api.gql(TEAM_MAP, {"asOf": AS_OF})

    count_statements.count = 0
    await api.gql("{ __typename }")
    bare = count_statements.count  # the token (and the test harness's savepoint)

    # when the same map is asked again: the data version is read, nothing else
    count_statements.count = 0
    again = await api.gql(TEAM_MAP, {"asOf": AS_OF})
    assert again == first
    assert count_statements.count == bare + 1

    # when a dependency is added and committed: the next answer has it
    consumer = await item(session, ex.search, "S-40", "More", sprint_start=date(2027, 2, 3))
    provider = await item(session, ex.features, "FS-40", "More", sprint_start=date(2027, 1, 25))
    await depend(session, consumer, provider)
    await session.commit()
    after = await api.gql(TEAM_MAP, {"asOf": AS_OF})
    assert total(after) == total(first) + 1

    # and other variables are another response, computed (not the kept one)
    count_statements.count = 0
    await api.gql(TEAM_MAP, {"asOf": "2027-03-01"})
    assert count_statements.count > bare + 1


async def test_a_caller_is_never_answered_with_another_callers_response(api, session, settings):
    await worked_example(session)
    await api.login(Role.DIRECTOR)
    await api.gql(TEAM_MAP, {"asOf": AS_OF})

    # an anonymous caller, where anonymous reads are off, is refused as before
    assert settings.allow_anonymous_read is False
    api.token = None
    response = await api.post(TEAM_MAP, {"asOf": AS_OF})
    body = response.json()
    assert body.get("data") is None or body["data"].get("dependencyMap") is None
    assert body["errors"][0]["extensions"]["code"] in {"UNAUTHENTICATED", "FORBIDDEN"}


def test_only_queries_of_kept_roots_naming_nothing_unversioned_are_kept() -> None:
    def kept(document: str, name: str | None = None) -> bool:
        return cacheable(parse(document), name)

    assert kept("{ dependencyMap { nodes { id } } }")
    assert kept("{ __typename flags(first: 5) { totalCount } }")
    assert kept("query A { ...Root } fragment Root on Query { agenda(forumId: 1) { usedMinutes } }")
    assert kept(
        "query A { blastRadius(itemId: 1) { itemIds } } query B { teams { totalCount } }", "A"
    )
    # other roots, mutations, ambiguous operations, unknown fragments
    assert kept("{ dependencyMap { nodes { id } } teams { totalCount } }")
    assert kept("{ dependencyMap { nodes { id } } blockers { totalCount } }")
    # an age judged against the clock, in the document or in the variables
    assert not kept("{ blockers(filter: {olderThanDays: 3}) { totalCount } }")
    filtered = "query($f: BlockerFilterInput) { blockers(filter: $f) { totalCount } }"
    assert kept(filtered)
    assert not cacheable(parse(filtered), None, {"f": {"olderThanDays": 3}})
    assert cacheable(parse(filtered), None, {"f": {"severities": ["HIGH"]}})
    assert not kept("{ teams { totalCount } products { totalCount } }")
    assert not kept("mutation { dependencyMap }")
    assert not kept("query A { flags { totalCount } } query B { flags { totalCount } }")
    assert not kept("{ ...Missing }")
    # the audit log and the caller's own token are not covered by the data version
    assert not kept("{ dependencyMap { nodes { team { history { totalCount } } } } }")
    assert not kept("{ flags { totalCount } ...F } fragment F on Query { viewer { role } }")


def test_the_cache_keeps_the_most_recently_used_responses() -> None:
    cache = ResponseCache(2)
    cache.put("a", {"n": 1})
    cache.put("b", {"n": 2})
    assert cache.get("a") == {"n": 1}  # a is now the most recent
    cache.put("c", {"n": 3})
    assert cache.get("b") is None
    assert cache.get("a") == {"n": 1}
    assert len(cache) == 2


def test_a_kept_response_is_its_json_written_once() -> None:
    data = {"dependencyMap": {"edges": [{"source": "VGVhbTox", "count": 3, "flags": ["LATE"]}]}}
    kept = written(data)
    assert kept is not None
    assert all(isinstance(v, orjson.Fragment) for v in kept.values())
    assert orjson.loads(orjson.dumps({"data": kept})) == {"data": data}
    # what orjson cannot write (an integer past 64 bits) is not kept
    assert written({"n": 2**70}) is None


def test_whether_a_document_may_be_kept_is_decided_once_per_document_and_variables() -> None:
    cache = ResponseCache(2)
    asked: list[str] = []

    def decide(name: str) -> bool:
        asked.append(name)
        return name == "map"

    assert cache.decision(("map", None, "{}"), lambda: decide("map")) is True
    assert cache.decision(("map", None, "{}"), lambda: decide("map")) is True
    assert cache.decision(("viewer", None, "{}"), lambda: decide("viewer")) is False
    assert asked == ["map", "viewer"]
    for n in range(DECISIONS):  # the oldest decisions are forgotten first
        cache.decision((f"q{n}", None, "{}"), lambda: False)
    cache.decision(("map", None, "{}"), lambda: decide("map"))
    assert asked == ["map", "viewer", "map"]


# Fields whose resolvers read the clock (products' compliance and the data readiness judged
# "now"): no kept response may reach them.
CLOCK_FIELDS = {"compliance", "dataReadiness", "sprintPlan", "qualityReport"}


def _reachable_fields(root: str) -> set[str]:
    from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLUnionType

    from syncpoint.schema import build_schema

    schema = build_schema()._schema

    def named(t: Any) -> Any:
        while hasattr(t, "of_type"):
            t = t.of_type
        return t

    query = schema.query_type
    assert query is not None
    names: set[str] = set()
    seen: set[str] = set()
    todo = [named(query.fields[root].type).name]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        t = schema.type_map[name]
        if isinstance(t, GraphQLUnionType):
            todo += [p.name for p in t.types]
        if isinstance(t, GraphQLInterfaceType):
            todo += [p.name for p in schema.get_possible_types(t)]
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, f in t.fields.items():
                names.add(field_name)
                todo.append(named(f.type).name)
    return names


def test_no_kept_root_reaches_a_field_that_reads_the_clock() -> None:
    from syncpoint.insights.responses import CACHEABLE_ROOTS

    for root in sorted(CACHEABLE_ROOTS):
        assert not _reachable_fields(root) & CLOCK_FIELDS, root
    # the check can fail: products reach compliance
    assert "compliance" in _reachable_fields("products")
