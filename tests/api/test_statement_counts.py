"""The deepest queries cost the same number of SQL statements whatever the page size and the
size of the organisation: nested connections load every parent's page in one statement."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from syncpoint.core.auth import Role
from syncpoint.core.loaders import Loaders
from syncpoint.core.settings import Settings
from syncpoint.demo import load_demo
from syncpoint.teams.models import MembershipRole
from tests.support.api import nodes
from tests.support.factories import make_group, make_member, make_team
from tests.support.sos_factories import make_forum, raise_on
from tests.support.work_factories import make_cadence, make_dependency, make_item

# The README's team, planning, product, forum and blocker queries, walked over every item of the
# list instead of one, with every nested list as a connection of $n.
TEAMS = """
query($n: Int!) {
  teams(first: 100) { totalCount edges { node {
    name groupPath { name }
    members(first: $n) { totalCount edges { node {
      role person { name memberships(first: $n) { totalCount edges { node { role } } } }
    } } }
    interactions { mode purpose isOverrun }
    wipLimits { status limit enforced }
    planning {
      cadence { lengthDays anchor }
      outgoingDependencies(first: $n) { totalCount edges { node {
        type consumer { key } provider { key team { name } }
        neededBy availableFrom lateByDays flags { message }
      } } }
      incomingDependencies(first: $n) { totalCount edges { node { id type } } }
    }
  } } }
}"""

PRODUCTS = """
query($n: Int!) {
  products(first: 100) { edges { node {
    name ownerTeam { name }
    currentSla { number triageDays objectives { name target } }
    consumers(first: $n) { totalCount edges { node { team { name } since } } }
    slaHistory(first: $n) { totalCount edges { node { number } } }
    backlog(first: $n) { totalCount edges { node { key title } } }
    requests(first: $n) { totalCount edges { node { id } } }
  } } }
}"""

FORUMS = """
query($n: Int!) {
  forums(first: 100) { edges { node {
    name
    members(first: $n) { totalCount edges { node { team { name } representative { name } } } }
    meetings(first: $n) { totalCount edges { node { date } } }
    actionItems(first: $n) { totalCount edges { node { title } } }
  } } }
}"""

BLOCKERS = """
query($n: Int!) {
  blockers(first: 100, orderBy: IMPACT) { edges { node {
    title category severity team { name }
    escalationPath { fromLevel toLevel reason }
    history(first: $n) { totalCount edges { node { kind actor { name } } } }
  } } }
}"""


@pytest.fixture
def settings() -> Settings:
    # These walks ask for every team with every nested page: far over the default cost limit
    # and rate budget,
    # which is not what they measure.
    return Settings(
        environment="development",
        allow_anonymous_read=False,
        max_query_cost=10**9,
        rate_limit_per_minute=10**9,
    )


QUERIES = {"teams": TEAMS, "products": PRODUCTS, "forums": FORUMS, "blockers": BLOCKERS}
SMALL_PAGE, LARGE_PAGE = 1, 25
PAGES = (SMALL_PAGE, LARGE_PAGE)


async def _grow(session: Any, teams: int) -> None:
    """`teams` more teams, each with members, dependencies both ways, a forum and a blocker."""
    group = await make_group(session)
    made = []
    for n in range(teams):
        team = await make_team(session, group=group)
        await make_cadence(session, team, 14, date(2026, 1, 5))
        for role in (MembershipRole.SCRUM_MASTER, MembershipRole.ML_ENGINEER):
            await make_member(session, team, role)
        items = [await make_item(session, team) for _ in range(3)]
        if made:
            for item in items:
                await make_dependency(session, item, made[-1][1][0])
        made.append((team, items))
        await raise_on(session, items[0], title=f"Blocked {n}")
    await make_forum(session, [team for team, _items in made])


async def _counts(api: Any, count_statements: Any, page: int) -> dict[str, int]:
    counts = {}
    for name, query in QUERIES.items():
        # The analysis behind flags is computed once per data version and then shared: warm it,
        # so every count is of a request that finds it computed.
        await api.gql(query, {"n": page})
        count_statements.count = 0
        data = await api.gql(query, {"n": page})
        counts[name] = count_statements.count
        assert data[name]["edges"], name  # the walk reads something
    return counts


async def test_deep_queries_cost_the_same_at_any_page_and_organisation_size(
    api, session, count_statements
):
    await load_demo(session)
    await session.commit()
    await api.login(Role.DIRECTOR)

    small_org = {
        page: await _counts(api, count_statements, page) for page in (SMALL_PAGE, LARGE_PAGE)
    }
    teams_before = (await api.gql(TEAMS, {"n": LARGE_PAGE}))["teams"]["totalCount"]
    await _grow(session, 6)
    await session.commit()
    large_org = {
        page: await _counts(api, count_statements, page) for page in (SMALL_PAGE, LARGE_PAGE)
    }

    walked = await api.gql(TEAMS, {"n": LARGE_PAGE})
    assert walked["teams"]["totalCount"] == teams_before + 6
    assert any(len(nodes(t["members"])) > SMALL_PAGE for t in nodes(walked["teams"]))
    assert small_org[SMALL_PAGE] == small_org[LARGE_PAGE], small_org
    assert large_org[SMALL_PAGE] == large_org[LARGE_PAGE], large_org
    assert small_org[SMALL_PAGE] == large_org[SMALL_PAGE], (small_org, large_org)


async def test_a_nested_page_is_the_first_n_of_each_parent_with_its_total(api, session):
    await load_demo(session)
    await session.commit()
    await api.login(Role.DIRECTOR)

    full = nodes((await api.gql(TEAMS, {"n": LARGE_PAGE}))["teams"])
    paged = nodes((await api.gql(TEAMS, {"n": SMALL_PAGE}))["teams"])

    for whole, part in zip(full, paged, strict=True):
        for connection in ("outgoingDependencies", "incomingDependencies"):
            everything, first = whole["planning"][connection], part["planning"][connection]
            assert first["totalCount"] == everything["totalCount"] == len(nodes(everything))
            assert nodes(first) == nodes(everything)[:SMALL_PAGE]
        names = [m["person"]["name"] for m in nodes(whole["members"])]
        assert [m["person"]["name"] for m in nodes(part["members"])] == names[:SMALL_PAGE]
        assert part["members"]["totalCount"] == whole["members"]["totalCount"] == len(names)
    assert any(t["planning"]["outgoingDependencies"]["totalCount"] > 1 for t in full)


IMPACT_PAGE = """
query($first: Int!, $after: String) {
  blockers(first: $first, after: $after, orderBy: IMPACT) {
    pageInfo { endCursor }
    edges { node { title item { key } team { name } owner { name }
      impact { itemCount teamCount } escalationPath { fromLevel toLevel } } }
  }
}"""
# The IMPACT path: authentication, the order's columns of the filtered blockers, the data version,
# the page's blockers, then one batched statement per relation the page asks for.
IMPACT_STATEMENTS = 10


async def _impact_page(api: Any, count_statements: Any, first: int, after: str | None) -> int:
    await api.gql(IMPACT_PAGE, {"first": first, "after": after})  # the analysis: computed once
    count_statements.count = 0
    data = await api.gql(IMPACT_PAGE, {"first": first, "after": after})
    assert data["blockers"]["edges"]
    return int(count_statements.count)


async def test_an_impact_page_costs_fixed_statements_at_any_page_and_size(
    api, session, count_statements, settings, monkeypatch
):
    # The path itself is counted, not a response kept from the warm-up (insights/responses.py).
    monkeypatch.setattr(settings, "response_cache_size", 0)
    await load_demo(session)
    await session.commit()
    await api.login(Role.DIRECTOR)
    first_page = await api.gql(IMPACT_PAGE, {"first": 2, "after": None})
    cursor = first_page["blockers"]["pageInfo"]["endCursor"]

    small = [
        await _impact_page(api, count_statements, 2, None),
        await _impact_page(api, count_statements, 25, None),
        await _impact_page(api, count_statements, 2, cursor),
    ]
    await _grow(session, 6)
    await session.commit()
    large = await _impact_page(api, count_statements, 25, None)

    assert small == [IMPACT_STATEMENTS] * 3, small
    assert large == IMPACT_STATEMENTS, large


MEMBERS_PAGE = """
query($n: Int!) {
  teams(first: 100) { edges { node { name group { name }
    members(first: $n) { edges { node { role %s } } } } } }
}"""
PERSON_DIRECT = "person { name }"
PERSON_IN_FRAGMENT = "...on Membership { person { name } }"
# The request's savepoint and its release (the test's connection), authentication, the teams
# page, their groups, every team's members page and, fetched with it, the members' people
# (core.loaders.Ahead: the statement the people's own batch would run).
MEMBERS_STATEMENTS = 7


async def test_a_members_page_fetches_its_people_ahead_in_one_statement(
    api, session, count_statements, settings, monkeypatch
):
    monkeypatch.setattr(settings, "response_cache_size", 0)  # the path, not a kept response
    awaited: list[int] = []  # the people resolved through an awaitable (not fetched ahead)
    converted = Loaders._converted

    async def counted(self: Loaders, batch_fn: Any, key: Any, convert: Any) -> Any:
        awaited.append(key)
        return await converted(self, batch_fn, key, convert)

    monkeypatch.setattr(Loaders, "_converted", counted)
    await load_demo(session)
    await _grow(session, 3)
    await session.commit()
    await api.login(Role.DIRECTOR)

    answers, counts = [], []
    for page in PAGES:
        for person in (PERSON_DIRECT, PERSON_IN_FRAGMENT):
            count_statements.count = 0
            answers.append(await api.gql(MEMBERS_PAGE % person, {"n": page}))
            counts.append(count_statements.count)

    assert counts == [MEMBERS_STATEMENTS] * 4, counts
    assert awaited == []
    assert answers[0] == answers[1]
    assert answers[2] == answers[3]
    people = [m["person"]["name"] for t in nodes(answers[2]["teams"]) for m in nodes(t["members"])]
    assert len(people) > len(nodes(answers[2]["teams"]))
    assert all(people)
    # A membership reached on its own (no page ahead of it) loads its person as before.
    found = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Membership { person { name } } } }",
        {"id": await _first_membership_id(api)},
    )
    assert found["node"]["person"]["name"] in people
    assert len(awaited) == 1


async def _first_membership_id(api: Any) -> str:
    page = await api.gql(
        "{ teams(first: 1) { edges { node { members(first: 1) { edges { node { id } } } } } } }"
    )
    return str(nodes(nodes(page["teams"])[0]["members"])[0]["id"])
