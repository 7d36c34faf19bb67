"""The `blockers` query: filters, IMPACT/AGE/SEVERITY orders, cursor pages, fixed query count."""

from __future__ import annotations

from datetime import timedelta

from syncpoint.blockers import actions
from syncpoint.blockers.models import BlockerCategory, BlockerSeverity
from syncpoint.core.auth import Role
from syncpoint.core.models import utcnow
from syncpoint.products import service as products
from tests.support.factories import ADMIN, make_team
from tests.support.products_factories import make_platform_team, make_product
from tests.support.sos_factories import escalate, make_forum, raise_on
from tests.support.work_factories import gid, make_dependency, make_item

PAGE = """
query($first: Int, $after: String, $order: BlockerOrder!, $filter: BlockerFilter) {
  blockers(first: $first, after: $after, orderBy: $order, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { title ageDays impact { itemCount teamCount teams { slug } } } }
  }
}"""

TITLES = """
query($filter: BlockerFilter, $order: BlockerOrder!) {
  blockers(filter: $filter, orderBy: $order, first: 50) { edges { node { title } } }
}"""


async def _graph(session):
    """Provider P (team A) feeds C1 (team B) and C2 (team C); C2 feeds C3 (team C)."""
    a, b, c = await make_team(session), await make_team(session), await make_team(session)
    p, c1, c2, c3 = (
        await make_item(session, a),
        await make_item(session, b),
        await make_item(session, c),
        await make_item(session, c),
    )
    await make_dependency(session, c1, p)
    await make_dependency(session, c2, p)
    await make_dependency(session, c3, c2)
    return (a, b, c), (p, c1, c2, c3)


async def test_impact_order_pages_through_every_blocker_once(api, session):
    (a, b, c), (p, c1, c2, c3) = await _graph(session)
    await raise_on(session, c1, title="c1-low", severity=BlockerSeverity.LOW)
    await raise_on(session, c2, title="c2", severity=BlockerSeverity.LOW)  # 1 item, 0 teams
    await raise_on(session, p, title="p", severity=BlockerSeverity.LOW)  # 3 items, 2 teams
    await raise_on(session, a, title="team-a")  # A's open items: P -> same radius as P
    await raise_on(session, c1, title="c1-critical", severity=BlockerSeverity.CRITICAL)
    await api.login(Role.VIEWER)

    titles, after, impacts = [], None, {}
    while True:
        page = (await api.gql(PAGE, {"first": 2, "after": after, "order": "IMPACT"}))["blockers"]
        assert page["totalCount"] == 5
        for edge in page["edges"]:
            node = edge["node"]
            titles.append(node["title"])
            impacts[node["title"]] = (node["impact"]["teamCount"], node["impact"]["itemCount"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # team-a (HIGH) beats p (LOW) on severity at equal impact; c1-critical before c1-low.
    assert titles == ["team-a", "p", "c2", "c1-critical", "c1-low"]
    assert impacts == {
        "team-a": (2, 3),
        "p": (2, 3),
        "c2": (0, 1),
        "c1-critical": (0, 0),
        "c1-low": (0, 0),
    }


async def test_impact_order_reads_a_fixed_number_of_statements(api, session, count_statements):
    (a, b, c), items = await _graph(session)
    for item in items:
        await raise_on(session, item)
    await api.login(Role.VIEWER)
    await api.gql(PAGE, {"first": 2, "order": "IMPACT"})  # the analysis, now cached for both

    count_statements.count = 0
    await api.gql(PAGE, {"first": 1, "order": "IMPACT"})
    one = count_statements.count
    count_statements.count = 0
    await api.gql(PAGE, {"first": 4, "order": "IMPACT"})

    assert count_statements.count == one


async def test_age_and_severity_orders(api, session):
    team = await make_team(session)
    old = await raise_on(session, team, title="old", severity=BlockerSeverity.LOW)
    old.raised_at = utcnow() - timedelta(days=10)
    await raise_on(session, team, title="new-critical", severity=BlockerSeverity.CRITICAL)
    await raise_on(session, team, title="new-medium", severity=BlockerSeverity.MEDIUM)
    await session.flush()
    await api.login(Role.VIEWER)

    by_age = await api.gql(TITLES, {"order": "AGE"})
    by_severity = await api.gql(TITLES, {"order": "SEVERITY"})
    older = await api.gql(TITLES, {"order": "AGE", "filter": {"olderThanDays": 7}})

    assert [e["node"]["title"] for e in by_age["blockers"]["edges"]] == [
        "old",
        "new-critical",
        "new-medium",
    ]
    assert [e["node"]["title"] for e in by_severity["blockers"]["edges"]] == [
        "new-critical",
        "new-medium",
        "old",
    ]
    assert [e["node"]["title"] for e in older["blockers"]["edges"]] == ["old"]


async def test_filters(api, session):
    inside, outside = await make_team(session), await make_platform_team(session)
    org = await make_forum(session)
    forum = await make_forum(session, [inside], parent=org)
    owner_item = await make_item(session, outside)
    product = await make_product(session, owner=outside)
    await products.set_item_product(session, ADMIN, owner_item.id, product.id)
    await raise_on(session, inside, title="inside-data", category=BlockerCategory.WAITING_FOR_DATA)
    held = await escalate(
        session,
        await raise_on(
            session, inside, title="inside-escalated", severity=BlockerSeverity.CRITICAL
        ),
    )
    await raise_on(session, owner_item, title="product-backlog", severity=BlockerSeverity.LOW)
    resolved = await raise_on(session, outside, title="resolved")
    await actions.resolve_blocker(session, ADMIN, resolved.id, resolved.version)
    await api.login(Role.VIEWER)

    async def titles(flt):
        data = await api.gql(TITLES, {"filter": flt, "order": "AGE"})
        return sorted(e["node"]["title"] for e in data["blockers"]["edges"])

    assert await titles({"forumId": gid("Forum", forum.id)}) == ["inside-data", "inside-escalated"]
    assert await titles({"forumId": gid("Forum", org.id)}) == ["inside-data", "inside-escalated"]
    assert await titles({"escalationLevels": ["SCRUM_OF_SCRUMS"]}) == ["inside-escalated"]
    assert await titles({"categories": ["WAITING_FOR_DATA"], "severities": ["HIGH"]}) == [
        "inside-data"
    ]
    assert await titles({"teamIds": [gid("Team", outside.id)]}) == ["product-backlog"]
    assert await titles({"productId": gid("Product", product.id)}) == ["product-backlog"]
    assert await titles({"status": "RESOLVED"}) == ["resolved"]
    assert held.forum_id == forum.id
