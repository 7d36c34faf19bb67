"""Impact of blockers: what waits downstream of them in the dependency graph.

An item blocker blocks its item's blast radius (every transitive consumer over open
dependencies). A team blocker blocks all the team's open items, so its radius is the union of
theirs, without the team's own items. `teams` counts the OTHER teams waiting (the blocker's own
team is blocked by definition).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import networkx as nx

from syncpoint.analysis.cycles import item_graph
from syncpoint.analysis.graph import blast_radius
from syncpoint.analysis.model import CLOSED_STATUSES, AnalysisInput
from syncpoint.blockers.models import Blocker
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


def blocker_impact(inp: AnalysisInput, blocker: Blocker, graph: nx.DiGraph) -> Impact:
    """The blast radius of one blocker (see the module docstring)."""
    if blocker.item_id is not None:
        roots = [blocker.item_id]
    else:
        roots = [
            item.id
            for item in inp.index.items_by_team.get(blocker.team_id, ())
            if item.status not in CLOSED_STATUSES
        ]
    items: set[int] = set()
    for root in roots:
        items.update(blast_radius(inp, root, graph).item_ids)
    items.difference_update(roots)
    teams = {inp.index.items[i].team_id for i in items} - {blocker.team_id}
    return Impact(tuple(sorted(items)), tuple(sorted(teams)))


def impacts(
    inp: AnalysisInput, blockers: Iterable[Blocker], graph: nx.DiGraph | None = None
) -> dict[int, Impact]:
    """Impact of each blocker by id, over one item graph (built once when not given)."""
    graph = graph if graph is not None else item_graph(inp)
    return {b.id: blocker_impact(inp, b, graph) for b in blockers}


def age_days(blocker: Blocker, as_of: date) -> int:
    """Whole days since the blocker was raised (0 on the day it was raised)."""
    return max((as_of - blocker.raised_at.date()).days, 0)


def impact_order_key(blocker: Blocker, impact: Impact) -> tuple[int, int, int, str, int]:
    """IMPACT order: more other teams, more items, more severe, older, lower id first.

    Negated counts so an ascending sort gives the order; the raised_at ISO string and the id make
    it total, which is what cursors rely on.
    """
    return (
        -len(impact.team_ids),
        -len(impact.item_ids),
        -SEVERITY_RANK[blocker.severity],
        blocker.raised_at.isoformat(),
        blocker.id,
    )


def keyed_by_impact(
    inp: AnalysisInput, blockers: Iterable[Blocker], graph: nx.DiGraph
) -> list[tuple[tuple[int, int, int, str, int], Blocker]]:
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
