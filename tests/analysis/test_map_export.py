"""Exports of the dependency map: DOT, Mermaid, GraphML and JSON."""

from __future__ import annotations

import io
import re

import networkx as nx

from syncpoint.analysis.export import from_json, to_dot, to_graphml, to_json, to_mermaid
from syncpoint.analysis.graph import Bottleneck, DependencyMap, MapEdge, MapNode

TRICKY = 'Ranking "core" \\ recs\nteam'

MAP = DependencyMap(
    level="TEAM",
    nodes=[
        MapNode("team:1", TRICKY, "TEAM", "STREAM_ALIGNED", 3, 1, 1),
        MapNode("team:2", "Features", "TEAM", "PLATFORM", 2, 0, 2),
        MapNode("team:3", "Kanban crew", "TEAM", None, 0, 0, 3),
    ],
    edges=[
        MapEdge("team:2", "team:1", 2, {"BLOCKING": 1, "SLOWING": 1}, ("LATE",), "LATE"),
        MapEdge("team:1", "team:3", 1, {"OK": 1}, (), None),
    ],
    cycles=[],
    found_bottlenecks=[Bottleneck(2, 1, 0.5, 2)],
)


def test_dot_is_balanced_quoted_and_lists_every_edge() -> None:
    dot = to_dot(MAP)

    assert dot.startswith("digraph dependency_map {")
    assert dot.count("{") == dot.count("}") == 1
    assert '"team:2" -> "team:1"' in dot
    assert '"team:1" -> "team:3"' in dot
    assert 'label="Ranking \\"core\\" \\\\ recs\\nteam\\n3 open, 1 late"' in dot
    # Outside escaped quotes, every line has an even number of quotes: no string is left open.
    for line in dot.splitlines():
        assert line.replace('\\"', "").count('"') % 2 == 0


def test_mermaid_uses_safe_handles_and_entity_escapes() -> None:
    mermaid = to_mermaid(MAP)

    assert mermaid.splitlines()[0] == "flowchart LR"
    assert 'n0["Ranking #quot;core#quot; \\ recs<br/>team<br/>3 open, 1 late"]' in mermaid
    assert 'n1 -->|"2 (LATE)"| n0' in mermaid
    assert 'n0 -->|"1"| n2' in mermaid
    assert "linkStyle 0 stroke:#d62728" in mermaid
    assert not re.search(r"team:\d", mermaid)


def test_graphml_reads_back_with_networkx() -> None:
    graph = nx.read_graphml(io.BytesIO(to_graphml(MAP).encode("utf-8")))

    assert set(graph.nodes) == {"team:1", "team:2", "team:3"}
    assert set(graph.edges) == {("team:2", "team:1"), ("team:1", "team:3")}
    assert graph.nodes["team:1"]["label"] == TRICKY
    assert graph.edges["team:2", "team:1"]["count_BLOCKING"] == 1
    assert graph.edges["team:2", "team:1"]["worst_flag"] == "LATE"


def test_json_round_trips() -> None:
    assert from_json(to_json(MAP)) == MAP
