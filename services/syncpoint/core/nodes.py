"""Relay nodes backed by database rows, fetched by global id through the request's DataLoaders."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from syncpoint.core.context import Info
from syncpoint.core.ids import node_int
from syncpoint.core.loaders import BatchFn


def node_ints(node_ids: Iterable[str]) -> list[int]:
    """Database ids from node ids (a malformed one becomes -1, which matches no row)."""
    return [node_int(i) for i in node_ids]


class LoadedNode:
    """Mixin placed before `relay.Node`: `node(id:)`/`nodes(ids:)` load rows in one batch with
    the class's `node_loader` (a repository batch function) and convert them with `from_model`."""

    node_loader: ClassVar[BatchFn[int, Any]]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        rows = await info.context.loaders.load_many(cls.node_loader, node_ints(node_ids))
        convert = cls.from_model  # type: ignore[attr-defined]
        return [convert(row) if row is not None else None for row in rows]
