"""The pagination engine: key cursors over SQL, over many parents at once, and over a sorted
list; bounds; crafted and foreign cursors refused with BAD_PAGINATION (both databases)."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import pytest
from sqlalchemy import select

from syncpoint.core.auth import Role
from syncpoint.core.errors import BadPagination
from syncpoint.core.pagination import (
    Connection,
    PageArgs,
    SortKey,
    count_many,
    decode_cursor,
    encode_cursor,
    order_tag,
    paginate,
    paginate_list,
    paginate_many,
)
from syncpoint.teams.models import Membership, Team
from tests.support.api import nodes
from tests.support.factories import make_group, make_member, make_team

BY_NAME = [SortKey(Team.name), SortKey(Team.id)]
BY_START = [SortKey(Membership.started_on, descending=True), SortKey(Membership.id)]


def names(page: Connection[Any]) -> list[str]:
    return [edge.node.name for edge in page.edges]


async def _teams(session: Any, count: int) -> list[Team]:
    group = await make_group(session)
    return [await make_team(session, group=group, name=f"Team {n:02d}") for n in range(count)]


async def _page(session: Any, args: PageArgs, max_page: int = 100) -> Connection[Any]:
    stmt = select(Team).where(Team.name.like("Team %"))
    return await paginate(session, stmt, BY_NAME, args, lambda t: t, max_page=max_page)


def _crafted(values: list[Any], tag: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([tag, *values]).encode()).decode()


async def test_walking_forwards_and_backwards_visits_every_row_once_in_order(session):
    made = await _teams(session, 7)
    expected = sorted(t.name for t in made)

    forwards, after = [], None
    while True:
        page = await _page(session, PageArgs(first=3, after=after))
        forwards += names(page)
        assert await page.total_count() == 7
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    backwards, before = [], None
    while True:
        page = await _page(session, PageArgs(last=3, before=before))
        backwards = names(page) + backwards
        if not page.page_info.has_previous_page:
            break
        before = page.page_info.start_cursor

    assert forwards == backwards == expected


async def test_page_bounds_are_checked(session):
    await _teams(session, 2)
    with pytest.raises(BadPagination) as too_many:
        await _page(session, PageArgs(first=11), max_page=10)
    with pytest.raises(BadPagination):
        await _page(session, PageArgs(first=-1))
    with pytest.raises(BadPagination):
        await _page(session, PageArgs(first=1, last=1))
    assert too_many.value.field == "first"
    assert names(await _page(session, PageArgs(first=0))) == []
    assert len(names(await _page(session, PageArgs(first=10), max_page=10))) == 2


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 !",
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        encode_cursor(["Team 01", 1], "another list"),  # foreign: another order's cursor
        encode_cursor([1], order_tag([SortKey(Team.id)])),  # foreign: the id order's cursor
        _crafted([1, "Team 01"], order_tag(BY_NAME)),  # crafted: values of the wrong types
        _crafted(["Team 01", 2**70], order_tag(BY_NAME)),  # crafted: an id no column holds
        _crafted(["Team 01", {"t": "yesterday"}], order_tag(BY_NAME)),
        _crafted([["Team 01"], 1], order_tag(BY_NAME)),
    ],
)
async def test_crafted_and_foreign_cursors_are_refused(session, cursor):
    await _teams(session, 2)
    with pytest.raises(BadPagination):
        await _page(session, PageArgs(first=1, after=cursor))
    with pytest.raises(BadPagination):
        await _page(session, PageArgs(last=1, before=cursor))


def test_cursor_values_round_trip_dates_and_datetimes():
    from datetime import date, datetime

    values = ["x", 3, 1.5, None, date(2027, 3, 1), datetime(2027, 3, 1, 9, 30)]
    assert decode_cursor(encode_cursor(values, "t"), len(values), "t") == values


async def test_pages_under_many_parents_match_one_page_each_in_one_statement(
    session, count_statements
):
    teams = await _teams(session, 3)
    for team, size in zip(teams, (0, 2, 5), strict=True):
        for _ in range(size):
            await make_member(session, team)
    ids = [t.id for t in teams]
    stmt = select(Membership)
    args = PageArgs(first=2)

    count_statements.count = 0
    pages = await paginate_many(session, stmt, Membership.team_id, ids, BY_START, args)
    counts = await count_many(session, stmt, Membership.team_id, ids)
    assert count_statements.count == 2

    for team_id, page, count in zip(ids, pages, counts, strict=True):
        one = await paginate(
            session, stmt.where(Membership.team_id == team_id), BY_START, args, lambda m: m
        )
        assert [row.id for _key, row in page.rows] == [e.node.id for e in one.edges]
        assert page.has_more == one.page_info.has_next_page
        assert count == await one.total_count()
    assert counts == [0, 2, 5]

    after = encode_cursor(pages[2].rows[-1][0], order_tag(BY_START))
    rest = await paginate_many(
        session, stmt, Membership.team_id, ids, BY_START, PageArgs(first=10, after=after)
    )
    assert len(rest[2].rows) == 3


def test_a_sorted_list_pages_by_key_and_refuses_other_lists_cursors():
    rows = [((-n, f"b{n}"), n) for n in range(5)]
    rows.sort()

    def page(args: PageArgs) -> Connection[Any]:
        return paginate_list(rows, args, lambda n: n, tag="numbers")

    first = page(PageArgs(first=2))
    second = page(PageArgs(first=2, after=first.page_info.end_cursor))
    last = page(PageArgs(last=2))

    assert [e.node for e in first.edges] == [4, 3]
    assert [e.node for e in second.edges] == [2, 1]
    assert [e.node for e in last.edges] == [1, 0]
    assert asyncio.run(first.total_count()) == 5
    assert second.page_info.has_next_page
    assert second.page_info.has_previous_page
    for cursor in (encode_cursor([-1, "b1"], "letters"), _crafted(["b1", -1], "numbers")):
        with pytest.raises(BadPagination):
            page(PageArgs(first=2, after=cursor))
    with pytest.raises(BadPagination):
        paginate_list([], PageArgs(after=encode_cursor([1], "letters")), lambda n: n, tag="x")


TEAMS_PAGE = """
query($after: String, $first: Int, $n: Int, $membersAfter: String) {
  teams(first: $first, after: $after) { edges { cursor node {
    members(first: $n, after: $membersAfter) { totalCount edges { cursor node { role } } }
  } } }
}"""


async def test_the_api_answers_bad_pagination_for_crafted_cursors_and_oversized_pages(api, session):
    team = await make_team(session)
    await make_member(session, team)
    await api.login(Role.VIEWER)
    page = (await api.gql(TEAMS_PAGE, {"first": 1, "n": 1}))["teams"]
    member_cursor = nodes(page)[0]["members"]["edges"][0]["cursor"]
    team_cursor = page["edges"][0]["cursor"]
    member_tag = json.loads(base64.urlsafe_b64decode(member_cursor))[0]

    foreign = await api.errors(TEAMS_PAGE, {"first": 1, "after": member_cursor})
    crafted = await api.errors(
        TEAMS_PAGE, {"first": 1, "after": _crafted([1, "x"], order_tag(BY_NAME))}
    )
    nested_foreign = await api.errors(TEAMS_PAGE, {"first": 1, "membersAfter": team_cursor})
    nested_crafted = await api.errors(
        TEAMS_PAGE, {"first": 1, "membersAfter": _crafted(["LEAD", "x"], member_tag)}
    )
    too_many_nested = await api.errors(TEAMS_PAGE, {"first": 1, "n": 101})
    too_many = await api.errors(TEAMS_PAGE, {"first": 101})

    for errors in (foreign, crafted, nested_foreign, nested_crafted, too_many_nested, too_many):
        assert errors[0]["extensions"]["code"] == "BAD_PAGINATION", errors
