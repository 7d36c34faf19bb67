"""Impact of blockers: what waits downstream of them in the dependency graph.

An item blocker blocks its item's blast radius (every transitive consumer over open
dependencies). A team blocker blocks all the team's open items, so its radius is the union of
theirs, without the team's own items. `teams` counts the OTHER teams waiting (the blocker's own
team is blocked by definition).

Figures are maintained per analysis: a blocker's impact depends only on its root (its item, or
its team) and on the analysis's item graph, and an analysis is computed once per data version
(`insights.analyses`), so each root's figure is computed once per version and kept with that
graph (`_FIGURES`); IMPACT ordering then reads figures instead of walking the graph for every
blocker in every request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar
from weakref import WeakKeyDictionary

import networkx as nx

from syncpoint.analysis.cycles import item_graph
from syncpoint.analysis.graph import blast_radius
from syncpoint.analysis.model import CLOSED_STATUSES, AnalysisInput
from syncpoint.blockers.repository import SEVERITY_RANK


@dataclass(frozen=True, slots=True)
class Impact:
    """Downstream items and other teams held up by a blocker."""

    item_ids: tuple[int, ...]
    team_ids: tuple[int, ...]

    @property
    def sort_key(self) -> tuple[int, int]:
        return (len(self.team_ids), len(self.item_ids))


NO_IMPACT = Impact((), ())


class BlockerLike(Protocol):
    """What impact and its order read of a blocker (an ORM row or a plain SQL row)."""

    @property
    def id(self) -> int: ...
    @property
    def item_id(self) -> int | None: ...
    @property
    def team_id(self) -> int: ...
    @property
    def severity(self) -> object: ...
    @property
    def raised_at(self) -> datetime: ...


# Impact by root ((item id, None) or (None, team id)), kept per item graph: one graph belongs to
# one analysis of one data version, and dies with it.
_FIGURES: WeakKeyDictionary[nx.DiGraph, dict[tuple[int | None, int | None], Impact]] = (
    WeakKeyDictionary()
)


def _figures(graph: nx.DiGraph) -> dict[tuple[int | None, int | None], Impact]:
    found = _FIGURES.get(graph)
    if found is None:
        found = _FIGURES.setdefault(graph, {})
    return found


def blocker_impact(inp: AnalysisInput, blocker: BlockerLike, graph: nx.DiGraph) -> Impact:
    """The blast radius of one blocker (see the module docstring), computed once per root and
    graph."""
    root = (blocker.item_id, None) if blocker.item_id is not None else (None, blocker.team_id)
    figures = _figures(graph)
    found = figures.get(root)
    if found is None:
        found = figures[root] = _compute_impact(inp, blocker.item_id, blocker.team_id, graph)
    return found


def _compute_impact(
    inp: AnalysisInput, item_id: int | None, team_id: int, graph: nx.DiGraph
) -> Impact:
    if item_id is not None:
        roots = [item_id]
    else:
        roots = [
            item.id
            for item in inp.index.items_by_team.get(team_id, ())
            if item.status not in CLOSED_STATUSES
        ]
    items: set[int] = set()
    for root in roots:
        items.update(blast_radius(inp, root, graph).item_ids)
    items.difference_update(roots)
    teams = {inp.index.items[i].team_id for i in items} - {team_id}
    return Impact(tuple(sorted(items)), tuple(sorted(teams)))


def impacts(
    inp: AnalysisInput, blockers: Iterable[BlockerLike], graph: nx.DiGraph | None = None
) -> dict[int, Impact]:
    """Impact of each blocker by id, over one item graph (built once when not given)."""
    graph = graph if graph is not None else item_graph(inp)
    return {b.id: blocker_impact(inp, b, graph) for b in blockers}


def age_days(blocker: BlockerLike, as_of: date) -> int:
    """Whole days since the blocker was raised (0 on the day it was raised)."""
    return max((as_of - blocker.raised_at.date()).days, 0)


def impact_order_key(blocker: BlockerLike, impact: Impact) -> tuple[int, int, int, str, int]:
    """IMPACT order: more other teams, more items, more severe, older, lower id first.

    Negated counts so an ascending sort gives the order; the raised_at ISO string and the id make
    it total, which is what cursors rely on.
    """
    return (
        -len(impact.team_ids),
        -len(impact.item_ids),
        -SEVERITY_RANK[blocker.severity],  # type: ignore[index]
        blocker.raised_at.isoformat(),
        blocker.id,
    )


B = TypeVar("B", bound=BlockerLike)


def keyed_by_impact(
    inp: AnalysisInput, blockers: Iterable[B], graph: nx.DiGraph
) -> list[tuple[tuple[int, int, int, str, int], B]]:
    """The blockers with their IMPACT order keys, sorted (pure: run it off the event loop)."""
    rows = list(blockers)
    by_id = impacts(inp, rows, graph)
    keyed = [(impact_order_key(b, by_id[b.id]), b) for b in rows]
    keyed.sort(key=lambda kb: kb[0])
    return keyed


def page_after(keys: Sequence[tuple[int, int, int, str, int]], after: list[object]) -> int:
    """Index of the first key strictly after the cursor's key (keys sorted ascending)."""
    cursor = tuple(after)
    for index, key in enumerate(keys):
        if key > cursor:
            return index
    return len(keys)
