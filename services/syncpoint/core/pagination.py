"""The one pagination engine: Relay cursor connections over a SQL SELECT or a sorted list.

A cursor encodes the values of the ordering keys of its row, behind a short tag naming the list's
order; the last key must be unique (the id), so the order is total and a page boundary is stable
under inserts. Three ways in, one cursor format, one `Connection` type:

- `paginate`: one page of a SQL SELECT (keyset pagination, never slicing in Python);
- `paginate_many`: the same page under each of many parents, in one statement (a window function
  per parent key), for the nested-page DataLoaders of `core/loaders.py`;
- `paginate_list`: one page of a list already sorted in Python (orders SQL cannot express).

A cursor that does not decode, belongs to another list, or holds values of the wrong type answers
BAD_PAGINATION, never a database error.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import enum
import json
import math
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import orjson
import strawberry
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay

from syncpoint.core.errors import BadPagination

NodeT = TypeVar("NodeT", bound=relay.Node)
T = TypeVar("T")
P = TypeVar("P")

MAX_PAGE = 100
_MAX_INT = 2**63


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


# --- cursors ---------------------------------------------------------------------------------


def _encode_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        kind, text = next(iter(value.items()))
        if kind == "t" and isinstance(text, str):
            return datetime.fromisoformat(text)
        if kind == "d" and isinstance(text, str):
            return date.fromisoformat(text)
    if value is None or isinstance(value, str | int | float):
        if isinstance(value, int) and not -_MAX_INT <= value < _MAX_INT:
            raise ValueError("integer out of range")
        return value
    raise ValueError("not a scalar")


def _as_cursor_value(value: Any) -> Any:
    """A key value as a cursor gives it back (an enum as its value, a datetime as one parsed
    from ISO text); plain ints, strings and floats are that already (the common case, checked
    by exact type: a StrEnum member is a str too)."""
    kind = type(value)
    if kind is int or kind is str or kind is float:
        return value
    return _decode_value(_encode_value(value))


def order_tag(keys: Sequence[SortKey]) -> str:
    """A short name of an order (which keys, which directions): a cursor carries its list's tag."""
    text = ",".join(f"{k.column}{' desc' if k.descending else ''}" for k in keys)
    return f"{zlib.crc32(text.encode()):08x}"


def encode_cursor(values: Sequence[Any], tag: str = "") -> str:
    # orjson: a page of 100 teams with 20 members each encodes 2,100 cursors (compact JSON,
    # UTF-8; the standard library's ASCII escapes decode the same).
    raw = orjson.dumps([tag, *(_encode_value(v) for v in values)])
    return base64.urlsafe_b64encode(raw).decode()


_MAX_CURSOR = 1000
_INT64 = 2**63


def _plain(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    return isinstance(value, int) and -_INT64 <= value < _INT64


def _cursor_values(cursor: str, field: str) -> list[Any]:
    """The raw list inside a cursor; BAD_PAGINATION for anything that is not one of ours (too
    long, not base64 JSON, nested too deep)."""
    shown = cursor[:40]
    try:
        if len(cursor) > _MAX_CURSOR:
            raise ValueError("too long")
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadPagination(f"Cursor {shown!r} is not valid.", field=field) from exc
    if not isinstance(values, list) or not values:
        raise BadPagination(f"Cursor {shown!r} does not belong to this list.", field=field)
    return values


def decode_cursor(cursor: str, size: int, tag: str = "", field: str = "after") -> list[Any]:
    """The key values inside `cursor`; BAD_PAGINATION unless it was made for this list (its
    tag and size), with values the database can take."""
    shown = cursor[:40]
    values = _cursor_values(cursor, field)
    if len(values) != size + 1 or values[0] != tag:
        raise BadPagination(f"Cursor {shown!r} does not belong to this list.", field=field)
    try:
        decoded = [_decode_value(v) for v in values[1:]]
        if not all(_plain(v) or isinstance(v, date) for v in decoded):
            raise ValueError("not a key value")
    except (ValueError, TypeError, KeyError) as exc:
        raise BadPagination(f"Cursor {shown!r} is not valid.", field=field) from exc
    return decoded


def _check_tag(cursor: str, tag: str, field: str) -> None:
    if _cursor_values(cursor, field)[0] != tag:
        raise BadPagination(f"Cursor {cursor[:40]!r} does not belong to this list.", field=field)


def _python_type(key: SortKey) -> type | None:
    try:
        return key.column.type.python_type
    except (AttributeError, NotImplementedError):
        return None


def _typed(key: SortKey, value: Any, cursor: str, field: str) -> Any:
    """`value` as the type of `key`'s column, or BAD_PAGINATION (a crafted or foreign cursor)."""
    expected = _python_type(key)
    if value is None or expected is None:
        return value
    if issubclass(expected, enum.Enum):
        try:
            return expected(value)
        except ValueError as exc:
            raise BadPagination(f"Cursor {cursor!r} is not valid.", field=field) from exc
    if expected is float and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    fits = isinstance(value, expected) and not (isinstance(value, bool) and expected is not bool)
    if expected is date and isinstance(value, datetime):
        fits = False
    if not fits:
        raise BadPagination(f"Cursor {cursor!r} is not valid.", field=field)
    return value


def _key_values(keys: Sequence[SortKey], cursor: str, field: str) -> list[Any]:
    values = decode_cursor(cursor, len(keys), order_tag(keys), field)
    return [_typed(k, v, cursor, field) for k, v in zip(keys, values, strict=True)]


# --- arguments and page building -------------------------------------------------------------


def check_page_args(args: PageArgs, max_page: int = MAX_PAGE) -> tuple[int, bool]:
    """Validate first/last; returns (limit, backwards)."""
    if args.first is not None and args.last is not None:
        raise BadPagination("Give either first or last, not both.", field="first")
    for name, value in (("first", args.first), ("last", args.last)):
        if value is not None and not 0 <= value <= max_page:
            raise BadPagination(f"{name} must be between 0 and {max_page}.", field=name)
    backwards = args.last is not None or (args.before is not None and args.first is None)
    limit = args.last if args.last is not None else args.first
    return (max_page if limit is None else limit), backwards


def build_connection(
    rows: Sequence[tuple[Sequence[Any], NodeT]],
    *,
    tag: str,
    has_next_page: bool,
    has_previous_page: bool,
    count: Callable[[], Awaitable[int]],
) -> Connection[NodeT]:
    """A Connection of (key values, node) rows already in page order."""
    edges = [relay.Edge(cursor=encode_cursor(key, tag), node=node) for key, node in rows]
    page_info = relay.PageInfo(
        has_next_page=has_next_page,
        has_previous_page=has_previous_page,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(page_info=page_info, edges=edges, _count=count)


def _fixed(total: int) -> Callable[[], Awaitable[int]]:
    async def count() -> int:
        return total

    return count


# --- over SQL --------------------------------------------------------------------------------


def _after_condition(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    # (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ... with > flipped for descending keys.
    clauses = []
    for i, key in enumerate(keys):
        equal = [keys[j].column == values[j] for j in range(i)]
        beyond = key.column < values[i] if key.descending else key.column > values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def _bounded(stmt: Select[Any], keys: Sequence[SortKey], args: PageArgs) -> Select[Any]:
    """`stmt` restricted to the rows between the `after` and `before` cursors."""
    if args.after is not None:
        stmt = stmt.where(_after_condition(keys, _key_values(keys, args.after, "after")))
    if args.before is not None:
        flipped = [SortKey(k.column, not k.descending) for k in keys]
        stmt = stmt.where(_after_condition(flipped, _key_values(keys, args.before, "before")))
    return stmt


def _ordering(keys: Sequence[SortKey], backwards: bool) -> list[Any]:
    return [
        k.column.asc() if k.descending == backwards else k.column.desc()
        for k in keys  # descending XOR backwards sorts down
    ]


def _page_flags(args: PageArgs, backwards: bool, has_more: bool) -> tuple[bool, bool]:
    """(hasNextPage, hasPreviousPage) of a page that found `has_more` beyond its limit."""
    if backwards:
        return args.before is not None, has_more
    return has_more, args.after is not None


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    keys: Sequence[SortKey],
    args: PageArgs,
    convert: Callable[[Any], NodeT],
    *,
    max_page: int = MAX_PAGE,
) -> Connection[NodeT]:
    """One page of `stmt` ordered by `keys` (key values must be selectable from the row)."""
    limit, backwards = check_page_args(args, max_page)
    page_stmt = (
        _bounded(stmt, keys, args)
        .add_columns(*(k.column for k in keys))
        .order_by(None)
        .order_by(*_ordering(keys, backwards))
    )
    rows = list((await session.execute(page_stmt.limit(limit + 1))).all()) if limit else []
    has_more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())

    async def count() -> int:
        return int(await session.scalar(count_stmt) or 0)

    has_next, has_previous = _page_flags(args, backwards, has_more)
    return build_connection(
        [(tuple(row)[1:], convert(row[0])) for row in rows],
        tag=order_tag(keys),
        has_next_page=has_next,
        has_previous_page=has_previous,
        count=count,
    )


@dataclass(frozen=True, slots=True)
class ParentPage:
    """The rows of one parent's page (key values, row), and whether more follow the limit."""

    rows: list[tuple[tuple[Any, ...], Any]]
    has_more: bool


async def paginate_many(
    session: AsyncSession,
    stmt: Select[Any],
    parent: ColumnElement[Any] | InstrumentedAttribute[Any],
    parent_ids: Sequence[P],
    keys: Sequence[SortKey],
    args: PageArgs,
    *,
    max_page: int = MAX_PAGE,
) -> list[ParentPage]:
    """The page of `stmt` under every parent in `parent_ids`, in one statement.

    `stmt` selects one entity; `parent` is the column naming its parent. Rows are numbered per
    parent with `row_number() OVER (PARTITION BY parent ORDER BY keys)` and the first limit+1
    of each kept, so the cost does not grow with the number of parents or the page size.
    """
    limit, backwards = check_page_args(args, max_page)
    if not limit or not parent_ids:
        return [ParentPage([], False) for _ in parent_ids]
    entity = stmt.column_descriptions[0]["entity"]
    number = func.row_number().over(partition_by=parent, order_by=_ordering(keys, backwards))
    inner = (
        _bounded(stmt, keys, args)
        .where(parent.in_(list(parent_ids)))
        .order_by(None)
        .add_columns(
            parent.label("_page_parent"),
            number.label("_page_row"),
            *(k.column.label(f"_page_key{i}") for i, k in enumerate(keys)),
        )
        .subquery()
    )
    row = aliased(entity, inner)
    outer = (
        select(row, inner.c._page_parent, *(inner.c[f"_page_key{i}"] for i in range(len(keys))))
        .where(inner.c._page_row <= limit + 1)
        .order_by(inner.c._page_parent, inner.c._page_row)
    )
    grouped: dict[Any, list[tuple[tuple[Any, ...], Any]]] = {}
    for found in (await session.execute(outer)).all():
        grouped.setdefault(found[1], []).append((tuple(found[2:]), found[0]))
    pages = []
    for parent_id in parent_ids:
        rows = grouped.get(parent_id, [])
        page = rows[:limit]
        if backwards:
            page.reverse()
        pages.append(ParentPage(page, len(rows) > limit))
    return pages


async def count_many(
    session: AsyncSession,
    stmt: Select[Any],
    parent: ColumnElement[Any] | InstrumentedAttribute[Any],
    parent_ids: Sequence[P],
) -> list[int]:
    """The number of rows of `stmt` under every parent, in one grouped statement."""
    inner = (
        stmt.where(parent.in_(list(parent_ids)))
        .order_by(None)
        .add_columns(parent.label("_page_parent"))
        .subquery()
    )
    found = await session.execute(
        select(inner.c._page_parent, func.count()).group_by(inner.c._page_parent)
    )
    counts = {key: int(n) for key, n in found.all()}
    return [counts.get(parent_id, 0) for parent_id in parent_ids]


def parent_connection(
    page: ParentPage,
    keys: Sequence[SortKey],
    args: PageArgs,
    convert: Callable[[Any], NodeT],
    count: Callable[[], Awaitable[int]],
) -> Connection[NodeT]:
    """The Connection of one parent's page from `paginate_many`."""
    _limit, backwards = check_page_args(args, max_page=2**31)
    has_next, has_previous = _page_flags(args, backwards, page.has_more)
    return build_connection(
        [(key, convert(row)) for key, row in page.rows],
        tag=order_tag(keys),
        has_next_page=has_next,
        has_previous_page=has_previous,
        count=count,
    )


# --- over a sorted list ----------------------------------------------------------------------


def _list_position(
    keys: Sequence[tuple[Any, ...]], cursor: str, tag: str, field: str, side: str
) -> int:
    if not keys:  # nothing to position in, but the cursor must still be this list's
        _check_tag(cursor, tag, field)
        return 0
    values = tuple(decode_cursor(cursor, len(keys[0]), tag, field))
    sample = keys[0]
    for value, like in zip(values, sample, strict=True):
        numbers = isinstance(value, int | float) and isinstance(like, int | float)
        if None not in (value, like) and type(value) is not type(like) and not numbers:
            raise BadPagination(f"Cursor {cursor!r} is not valid.", field=field)
    search = bisect.bisect_right if side == "right" else bisect.bisect_left
    try:
        return search(keys, values)
    except TypeError as exc:
        raise BadPagination(f"Cursor {cursor!r} is not valid.", field=field) from exc


def paginate_list(
    rows: Sequence[tuple[tuple[Any, ...], T]],
    args: PageArgs,
    convert: Callable[[T], NodeT],
    *,
    tag: str,
    max_page: int = MAX_PAGE,
) -> Connection[NodeT]:
    """One page of `rows` (key, row), sorted ascending by a total key, with key cursors.

    `tag` names the order (a cursor of another list is refused). Key values must be JSON
    scalars, dates or datetimes.
    """
    limit, backwards = check_page_args(args, max_page)
    keys = [tuple(_as_cursor_value(v) for v in key) for key, _ in rows]
    lo, hi = 0, len(rows)
    if args.after is not None:
        lo = _list_position(keys, args.after, tag, "after", "right")
    if args.before is not None:
        hi = _list_position(keys, args.before, tag, "before", "left")
    window = list(range(lo, max(lo, hi)))
    chosen = (window[-limit:] if limit else []) if backwards else window[:limit]
    more = len(window) > len(chosen)
    return build_connection(
        [(keys[i], convert(rows[i][1])) for i in chosen],
        tag=tag,
        has_next_page=(more and not backwards) or hi < len(rows),
        has_previous_page=(more and backwards) or lo > 0,
        count=_fixed(len(rows)),
    )
