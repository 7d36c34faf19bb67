"""The team graph is built in one pass over the dependencies: it equals, in every attribute and
in the order of its nodes, edges and counts, the straightforward construction kept here as the
reference (aggregate the team digraph, then count each open dependency at its two ends)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import networkx as nx
import pytest
from benchmarks.synthetic import Size, build

from syncpoint.analysis.cycles import team_digraph
from syncpoint.analysis.flag_types import Flag, FlagCode
from syncpoint.analysis.flags import evaluate
from syncpoint.analysis.graph import dependency_flag_codes, team_graph
from syncpoint.analysis.model import AnalysisInput, ItemStatus

SIZE = Size(teams=30, items=1_500, dependencies=1_200, integration_points=20)


def reference_team_graph(inp: AnalysisInput, flags: list[Flag]) -> nx.DiGraph:
    by_dep = dependency_flag_codes(flags)
    graph = team_digraph(inp)
    index = inp.index
    for node, attrs in graph.nodes(data=True):
        team = index.teams.get(node)
        attrs.update(
            name=index.team_name(node),
            topology=team.topology if team is not None else None,
            framework=team.framework.value if team is not None else None,
            group_id=team.group_id if team is not None else None,
            open_count=0,
            late_count=0,
            internal_count=0,
        )
    for dep in inp.dependencies:
        if not dep.open:
            continue
        late = any(f.code is FlagCode.LATE for f in by_dep.get(dep.id, ()))
        ends = {index.provider_team_id(dep), index.consumer_team_id(dep)}
        for team_id in ends & graph.nodes.keys():
            graph.nodes[team_id]["open_count"] += 1
            graph.nodes[team_id]["late_count"] += int(late)
        if len(ends) == 1 and None not in ends and ends <= graph.nodes.keys():
            (only,) = ends
            graph.nodes[only]["internal_count"] += 1
    for _u, _v, data in graph.edges(data=True):
        data["count"] = len(data["dependency_ids"])
        data["counts_by_type"] = dict(Counter(data["types"]))
        data["counts_by_flag"] = dict(
            Counter(f.code.value for d in data["dependency_ids"] for f in by_dep.get(d, ()))
        )
    return graph


def _ordered(graph: nx.DiGraph) -> tuple[list[Any], list[Any]]:
    """Nodes and edges with their attributes, every dict as its items in order."""

    def items(attrs: dict[str, Any]) -> list[Any]:
        return [(k, list(v.items()) if isinstance(v, dict) else v) for k, v in attrs.items()]

    return (
        [(n, items(a)) for n, a in graph.nodes(data=True)],
        [(u, v, items(a)) for u, v, a in graph.edges(data=True)],
    )


def _without_some_teams(inp: AnalysisInput, every: int) -> AnalysisInput:
    """Teams missing from the input that items and dependencies still name."""
    return replace(inp, teams=tuple(t for t in inp.teams if t.id % every))


def _own_work_first(inp: AnalysisInput) -> AnalysisInput:
    """Dependencies within a team before the others: a team the input lacks is then counted
    before any edge names it."""
    index = inp.index

    def within(dep: Any) -> bool:
        return index.provider_team_id(dep) == index.consumer_team_id(dep)

    return replace(inp, dependencies=tuple(sorted(inp.dependencies, key=lambda d: not within(d))))


def _some_closed(inp: AnalysisInput, every: int) -> AnalysisInput:
    items = tuple(replace(i, status=ItemStatus.DONE) if i.id % every == 0 else i for i in inp.items)
    return replace(inp, items=items)


@pytest.mark.parametrize("seed", range(4))
def test_the_team_graph_equals_the_reference_construction(seed: int) -> None:
    inp = build(SIZE, seed=seed)
    flags = evaluate(inp)

    found = team_graph(inp, flags)

    assert _ordered(found) == _ordered(reference_team_graph(inp, flags))
    assert any(a["late_count"] for _n, a in found.nodes(data=True))
    assert any(a["internal_count"] for _n, a in found.nodes(data=True))


@pytest.mark.parametrize("every", [3, 7])
def test_teams_missing_from_the_input_are_counted_as_the_reference_counts_them(
    every: int,
) -> None:
    inp = _own_work_first(_some_closed(_without_some_teams(build(SIZE, seed=every), every), 5))
    flags = evaluate(inp)
    known = {t.id for t in inp.teams}
    index = inp.index
    assert any(
        index.consumer_team_id(d) not in known
        and index.provider_team_id(d) == index.consumer_team_id(d)
        for d in inp.dependencies
        if d.open
    ), "work within a missing team comes before the edges that name it"

    found = team_graph(inp, flags, by_dependency=dependency_flag_codes(flags))

    missing = [n for n in found.nodes if n not in known]
    assert missing, "the edges name teams the input lacks"
    assert _ordered(found) == _ordered(reference_team_graph(inp, flags))
