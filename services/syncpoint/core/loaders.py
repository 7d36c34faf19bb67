"""Per-request DataLoaders: created lazily per batch function, never shared between requests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from syncpoint.core.pagination import (
    Connection,
    PageArgs,
    ParentPage,
    SortKey,
    check_page_args,
    count_many,
    paginate_many,
    parent_connection,
)

if TYPE_CHECKING:  # core.context imports this module
    from syncpoint.core.context import Info

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")
M = TypeVar("M")
N = TypeVar("N", bound=relay.Node)

BatchFn = Callable[[AsyncSession, Sequence[K]], Awaitable[Sequence[V]]]


class Loaders:
    """The DataLoaders of one request, keyed by the repository batch function they wrap."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._loaders: dict[Any, DataLoader[Any, Any]] = {}

    def get(self, batch_fn: BatchFn[K, V]) -> DataLoader[K, V]:
        loader = self._loaders.get(batch_fn)
        if loader is None:
            loader = DataLoader(load_fn=partial(_call, batch_fn, self._session))
            self._loaders[batch_fn] = loader
        return loader

    def keyed(
        self, key: Hashable, load_fn: Callable[[AsyncSession, list[K]], Awaitable[list[V]]]
    ) -> DataLoader[K, V]:
        """The loader of this request registered under `key`, made from `load_fn` on first use."""
        loader = self._loaders.get(key)
        if loader is None:
            loader = DataLoader(load_fn=partial(load_fn, self._session))
            self._loaders[key] = loader
        return loader

    async def load(self, batch_fn: BatchFn[K, V], key: K) -> V:
        return await self.get(batch_fn).load(key)

    async def referenced(self, batch_fn: BatchFn[K, V | None], key: K) -> V:
        """The row a stored reference names: it exists (a foreign key holds it), so a missing
        one is a bug, reported as such rather than as an attribute error on None."""
        row = await self.get(batch_fn).load(key)
        if row is None:
            raise LookupError(f"{batch_fn.__name__}: no row {key!r}, yet a reference names it")
        return row

    def referenced_now(
        self, batch_fn: BatchFn[K, V | None], key: K, convert: Callable[[V], T]
    ) -> T | Awaitable[T]:
        """`convert(referenced(...))`, without an awaitable when the row is already loaded
        (primed by a page that fetched it ahead, or loaded earlier in the request): graphql-core
        then completes the field in line. Thousands of awaitables in one response (one per
        membership's person) cost more than the rows they load."""
        future = self.get(batch_fn).cache_map.get(key)
        if (
            future is not None
            and future.done()
            and not future.cancelled()
            and future.exception() is None
            and (row := future.result()) is not None
        ):
            return convert(row)
        return self._converted(batch_fn, key, convert)

    async def _converted(
        self, batch_fn: BatchFn[K, V | None], key: K, convert: Callable[[V], T]
    ) -> T:
        return convert(await self.referenced(batch_fn, key))

    def prime(self, batch_fn: BatchFn[K, V], rows: dict[K, V]) -> None:
        """Give the loader of `batch_fn` rows fetched ahead (kept ones are not replaced)."""
        self.get(batch_fn).prime_many(rows)

    async def load_many(self, batch_fn: BatchFn[K, V], keys: Sequence[K]) -> list[V]:
        return list(await self.get(batch_fn).load_many(list(keys)))

    def clear(self) -> None:
        """Forget cached results (after a mutation changed what they may have read)."""
        for loader in self._loaders.values():
            loader.clear_all()


async def _call(batch_fn: BatchFn[K, V], session: AsyncSession, keys: list[K]) -> list[V]:
    return list(await batch_fn(session, keys))


def rows_by_ids(model: type[M]) -> BatchFn[int, M | None]:
    """A batch function loading rows of `model` by primary key, in key order (None if absent)."""

    async def batch(session: AsyncSession, ids: Sequence[int]) -> list[M | None]:
        rows = await session.scalars(select(model).where(model.id.in_(ids)))  # type: ignore[attr-defined]
        return by_key(list(rows), ids)

    batch.__name__ = batch.__qualname__ = f"{model.__name__.lower()}_rows_by_ids"
    return batch


def rows_by_parent(
    model: type[M],
    key: str,
    *order_by: Any,
    where: Callable[[], Sequence[ColumnElement[bool]]] = tuple,
) -> BatchFn[int, list[M]]:
    """A batch function loading the rows of `model` under each parent id (`model.<key>`).

    Rows come in `order_by` order, grouped in the order of the parent ids (an empty list where
    none); `where` adds conditions (e.g. "not ended").
    """
    column = getattr(model, key)

    async def batch(session: AsyncSession, ids: Sequence[int]) -> list[list[M]]:
        stmt = select(model).where(column.in_(ids), *where()).order_by(*order_by)
        return group_by_key(list(await session.scalars(stmt)), ids, key)

    batch.__name__ = batch.__qualname__ = f"{model.__name__.lower()}_rows_by_{key}"
    return batch


@dataclass(frozen=True, slots=True)
class Ahead:
    """A reference of a nested page's rows fetched with the page: when the request asks the
    node's `field`, the rows `batch_fn` loads for `key(row)` of every row of every parent's page
    come in one statement right after the page's, and prime the request's loader of `batch_fn`
    (so the field resolves without an awaitable: `Loaders.referenced_now`). The statement is
    the one the field's own batch would run, so the count does not change."""

    field: str
    batch_fn: BatchFn[Any, Any]
    key: Callable[[Any], int]


def asks_node_field(info: Info, name: str) -> bool:
    """Whether the current connection field's selection asks `edges { node { <name> } }`
    (through fragments too)."""

    def fields(selections: Sequence[Selection]) -> list[SelectedField]:
        out: list[SelectedField] = []
        for selection in selections:
            if isinstance(selection, SelectedField):
                out.append(selection)
            elif isinstance(selection, FragmentSpread | InlineFragment):
                out.extend(fields(selection.selections))
        return out

    for connection in info.selected_fields:
        for edges in fields(connection.selections):
            if edges.name != "edges":
                continue
            for node in fields(edges.selections):
                if node.name == "node" and any(f.name == name for f in fields(node.selections)):
                    return True
    return False


class NestedPage(Generic[N]):
    """A connection under each item of a list, loaded for every parent at once.

    Declared once per field: `query(*filters)` builds the SELECT of one entity (without the
    parent condition), `parent` is the column naming the parent, `keys` the total order. Every
    parent's page comes from one window-function statement per distinct (filters, page
    arguments), and `totalCount`, when asked, from one grouped count. `ahead` names a reference
    of the rows fetched with the page when the request asks it (`Ahead`).
    """

    def __init__(
        self,
        query: Callable[..., Select[Any]],
        parent: ColumnElement[Any] | InstrumentedAttribute[Any],
        keys: Sequence[SortKey],
        convert: Callable[[Any], N],
        *,
        ahead: Ahead | None = None,
    ) -> None:
        self.query = query
        self.parent = parent
        self.keys = tuple(keys)
        self.convert = convert
        self.ahead = ahead

    async def page(
        self, info: Info, parent_id: int, args: PageArgs, *filters: Hashable
    ) -> Connection[N]:
        """The page under `parent_id` (`filters` are passed to `query`)."""
        ctx = info.context
        max_page = ctx.settings.max_page_size
        check_page_args(args, max_page)
        loaders: Loaders = ctx.loaders
        ahead = self.ahead if self.ahead and asks_node_field(info, self.ahead.field) else None
        pages: DataLoader[int, ParentPage] = loaders.keyed(
            (self, "page", filters, args, ahead is not None),
            partial(self._pages, filters, args, max_page, loaders, ahead),
        )
        counts: DataLoader[int, int] = loaders.keyed(
            (self, "count", filters), partial(self._counts, filters)
        )

        async def count() -> int:
            return await counts.load(parent_id)

        found = await pages.load(parent_id)
        return parent_connection(found, self.keys, args, self.convert, count)

    async def _pages(
        self,
        filters: tuple[Hashable, ...],
        args: PageArgs,
        max_page: int,
        loaders: Loaders,
        ahead: Ahead | None,
        session: AsyncSession,
        ids: list[int],
    ) -> list[ParentPage]:
        stmt = self.query(*filters)
        pages = await paginate_many(
            session, stmt, self.parent, ids, self.keys, args, max_page=max_page
        )
        if ahead is not None:
            keys = sorted({ahead.key(row) for page in pages for _key, row in page.rows})
            if keys:
                rows = await ahead.batch_fn(session, keys)
                loaders.prime(ahead.batch_fn, dict(zip(keys, rows, strict=True)))
        return pages

    async def _counts(
        self, filters: tuple[Hashable, ...], session: AsyncSession, ids: list[int]
    ) -> list[int]:
        return await count_many(session, self.query(*filters), self.parent, ids)


def by_key(rows: Sequence[Any], keys: Sequence[K], attr: str = "id") -> list[Any]:
    """Order `rows` to match `keys` (None where missing), the shape a DataLoader needs."""
    index = {getattr(row, attr): row for row in rows}
    return [index.get(key) for key in keys]


def group_by_key(rows: Sequence[Any], keys: Sequence[K], attr: str) -> list[list[Any]]:
    """Group `rows` by `attr` in the order of `keys` (an empty list where none)."""
    groups: dict[Any, list[Any]] = {key: [] for key in keys}
    for row in rows:
        groups.setdefault(getattr(row, attr), []).append(row)
    return [groups[key] for key in keys]
