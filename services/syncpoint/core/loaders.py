"""Per-request DataLoaders: created lazily per batch function, never shared between requests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

K = TypeVar("K")
V = TypeVar("V")
M = TypeVar("M")

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

    async def load(self, batch_fn: BatchFn[K, V], key: K) -> V:
        return await self.get(batch_fn).load(key)

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
