"""Exports of the dependency map, shared by the GraphQL field, the download route and the CLI."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable
from datetime import date

from syncpoint.analysis.export import to_dot, to_graphml, to_json, to_mermaid
from syncpoint.analysis.graph import DependencyMap


class MapFormat(enum.StrEnum):
    """A picture (DOT for Graphviz, Mermaid) or data for one's own tools (GraphML, JSON)."""

    DOT = "DOT"
    MERMAID = "MERMAID"
    GRAPHML = "GRAPHML"
    JSON = "JSON"

    @property
    def extension(self) -> str:
        """File extension of the format (also the download route's suffix)."""
        return _EXTENSIONS[self]

    @property
    def media_type(self) -> str:
        """HTTP content type of the format."""
        return _MEDIA_TYPES[self]

    @classmethod
    def from_extension(cls, extension: str) -> MapFormat:
        """The format of a file extension such as ``dot`` or ``mmd``; ValueError if unknown."""
        for fmt, ext in _EXTENSIONS.items():
            if ext == extension.lower():
                return fmt
        raise ValueError(f"unknown map format extension {extension!r}")


_EXTENSIONS = {
    MapFormat.DOT: "dot",
    MapFormat.MERMAID: "mmd",
    MapFormat.GRAPHML: "graphml",
    MapFormat.JSON: "json",
}
_MEDIA_TYPES = {
    MapFormat.DOT: "text/vnd.graphviz; charset=utf-8",
    MapFormat.MERMAID: "text/plain; charset=utf-8",
    MapFormat.GRAPHML: "application/graphml+xml; charset=utf-8",
    MapFormat.JSON: "application/json",
}
_RENDERERS: dict[MapFormat, Callable[[DependencyMap], str]] = {
    MapFormat.DOT: to_dot,
    MapFormat.MERMAID: to_mermaid,
    MapFormat.GRAPHML: to_graphml,
    MapFormat.JSON: to_json,
}


def render(dependency_map: DependencyMap, fmt: MapFormat | str) -> str:
    """The map as text in the given format."""
    return _RENDERERS[MapFormat(fmt)](dependency_map)


async def render_off_loop(dependency_map: DependencyMap, fmt: MapFormat | str) -> str:
    """`render` in a worker thread: the text of a large map takes a while (and JSON lists the
    bottlenecks, which a map filtered by flags or dates works out when first read)."""
    return await asyncio.to_thread(render, dependency_map, fmt)


def file_name(level: str, as_of: date, fmt: MapFormat) -> str:
    """A download name such as ``dependency-map-team-2027-01-20.dot``."""
    return f"dependency-map-{level.lower()}-{as_of.isoformat()}.{fmt.extension}"
