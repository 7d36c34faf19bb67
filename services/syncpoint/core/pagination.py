"""Relay cursor connections over a SQL SELECT (keyset pagination, never slicing in Python).

A cursor encodes the values of the ordering keys of its row; the last key must be unique (the id),
so the order is total and a page boundary is stable under inserts.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import strawberry
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay

from syncpoint.core.errors import BadPagination

NodeT = TypeVar("NodeT", bound=relay.Node)


@strawberry.type(name="Connection", description="A page of a list, with cursors and a total count.")
class Connection(relay.Connection[relay.NodeType]):
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Number of items in the whole list (all pages).")
    async def total_count(self) -> int:
        return await self._count()


@dataclass(frozen=True, slots=True)
class SortKey:
    column: ColumnElement[Any] | InstrumentedAttribute[Any]
    descending: bool = False


@dataclass(frozen=True, slots=True)
class PageArgs:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "t" in value:
            return datetime.fromisoformat(value["t"])
        if "d" in value:
            return date.fromisoformat(value["d"])
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


_MAX_CURSOR = 1000
_INT64 = 2**63


def _plain(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    return isinstance(value, int) and -_INT64 <= value < _INT64


def decode_cursor(cursor: str, size: int) -> list[Any]:
    """The key values inside a cursor; BAD_PAGINATION for anything this list did not make
    (too long, not base64 JSON, deeply nested, wrong shape, values the database cannot take)."""
    shown = cursor[:40]
    try:
        if len(cursor) > _MAX_CURSOR:
            raise ValueError("too long")
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        if not isinstance(values, list) or len(values) != size:
            raise BadPagination(f"Cursor {shown!r} does not belong to this list.", field="after")
        decoded = [_decode_value(v) for v in values]
        if not all(_plain(v) or isinstance(v, date) for v in decoded):
            raise ValueError("not a key value")
    except (ValueError, TypeError, KeyError, RecursionError, UnicodeDecodeError) as exc:
        raise BadPagination(f"Cursor {shown!r} is not valid.", field="after") from exc
    return decoded


def _after_condition(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    # (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ... with > flipped for descending keys.
    clauses = []
    for i, key in enumerate(keys):
        equal = [keys[j].column == values[j] for j in range(i)]
        beyond = key.column < values[i] if key.descending else key.column > values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def check_page_args(args: PageArgs, max_page: int) -> tuple[int, bool]:
    """Validate first/last; returns (limit, backwards)."""
    if args.first is not None and args.last is not None:
        raise BadPagination("Give either first or last, not both.", field="first")
    for name, value in (("first", args.first), ("last", args.last)):
        if value is not None and not 0 <= value <= max_page:
            raise BadPagination(f"{name} must be between 0 and {max_page}.", field=name)
    backwards = args.last is not None or (args.before is not None and args.first is None)
    limit = args.last if args.last is not None else args.first
    return (max_page if limit is None else limit), backwards


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    keys: Sequence[SortKey],
    args: PageArgs,
    convert: Callable[[Any], NodeT],
    *,
    max_page: int = 100,
) -> Connection[NodeT]:
    """One page of `stmt` ordered by `keys` (key values must be selectable from the row)."""
    limit, backwards = check_page_args(args, max_page)
    page_stmt = stmt
    if args.after is not None:
        page_stmt = page_stmt.where(_after_condition(keys, decode_cursor(args.after, len(keys))))
    if args.before is not None:
        flipped = [SortKey(k.column, not k.descending) for k in keys]
        values = decode_cursor(args.before, len(keys))
        page_stmt = page_stmt.where(_after_condition(flipped, values))
    order_keys = [SortKey(k.column, k.descending != backwards) for k in keys]
    page_stmt = page_stmt.add_columns(*(k.column for k in keys)).order_by(
        *(k.column.desc() if k.descending else k.column.asc() for k in order_keys)
    )
    rows = list((await session.execute(page_stmt.limit(limit + 1))).all()) if limit else []
    has_more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    edges = [relay.Edge(cursor=encode_cursor(tuple(row)[1:]), node=convert(row[0])) for row in rows]
    count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())

    async def count() -> int:
        return int(await session.scalar(count_stmt) or 0)

    page_info = relay.PageInfo(
        has_next_page=has_more if not backwards else args.before is not None,
        has_previous_page=has_more if backwards else args.after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(page_info=page_info, edges=edges, _count=count)
