"""Cursor pages over a list already ordered in Python (the IMPACT order cannot be SQL).

The approach: load the filtered blockers in one query, compute every one's impact from one
analysis input (a fixed number of queries), sort by a total key (impact, severity, age, id) and
page over that order. A cursor holds its row's key, not an offset, so paging on after a change
neither repeats nor skips rows whose key did not change.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from strawberry import relay

from syncpoint.core.pagination import (
    Connection,
    PageArgs,
    check_page_args,
    decode_cursor,
    encode_cursor,
)

T = TypeVar("T")
N = TypeVar("N", bound=relay.Node)


def paginate_sorted(
    rows: Sequence[tuple[tuple[Any, ...], T]],
    args: PageArgs,
    convert: Callable[[T], N],
    *,
    max_page: int,
) -> Connection[N]:
    """One page of `rows` (key, row), sorted ascending by key, with key cursors."""
    limit, backwards = check_page_args(args, max_page)
    keys = [key for key, _ in rows]
    size = len(keys[0]) if keys else 0
    lo, hi = 0, len(rows)
    if args.after is not None and keys:
        lo = bisect.bisect_right(keys, tuple(decode_cursor(args.after, size)))
    if args.before is not None and keys:
        hi = bisect.bisect_left(keys, tuple(decode_cursor(args.before, size)))
    window = rows[lo : max(lo, hi)]
    page = window[-limit:] if backwards and limit else window[:limit]
    edges = [relay.Edge(cursor=encode_cursor(list(key)), node=convert(row)) for key, row in page]
    total = len(rows)

    async def count() -> int:
        return total

    page_info = relay.PageInfo(
        has_next_page=len(window) > len(page) and not backwards or hi < len(rows),
        has_previous_page=len(window) > len(page) and backwards or lo > 0,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(page_info=page_info, edges=edges, _count=count)
