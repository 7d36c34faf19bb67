"""Exports of a dependency map: Graphviz DOT, Mermaid, GraphML and JSON (all to strings)."""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from typing import Any

import networkx as nx

from syncpoint.analysis.graph import Bottleneck, DependencyMap, MapEdge, MapNode

_EDGE_COLOURS = {
    "LATE": "#d62728",
    "CYCLE": "#d62728",
    "INTEGRATION_AT_RISK": "#d62728",
    "UNPLANNED_PROVIDER": "#ff7f0e",
    "SAME_SPRINT": "#bcbd22",
    "CADENCE_MISALIGNED": "#bcbd22",
    "OVERRUN": "#bcbd22",
}
_NEUTRAL = "#7f7f7f"


def _dot_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _node_caption(node: MapNode) -> str:
    return f"{node.label}\n{node.open_count} open, {node.late_count} late"


def _edge_caption(edge: MapEdge) -> str:
    return f"{edge.count} ({', '.join(edge.flags)})" if edge.flags else str(edge.count)


def to_dot(dependency_map: DependencyMap) -> str:
    """The map as a Graphviz digraph; every id and label is quoted and escaped."""
    lines = [
        "digraph dependency_map {",
        "  graph [rankdir=LR];",
        '  node [shape=box, style="rounded"];',
    ]
    for node in dependency_map.nodes:
        attrs = f"label={_dot_quote(_node_caption(node))}, kind={_dot_quote(node.kind)}"
        lines.append(f"  {_dot_quote(node.id)} [{attrs}];")
    for edge in dependency_map.edges:
        colour = _EDGE_COLOURS.get(edge.worst_flag or "", _NEUTRAL)
        attrs = f"label={_dot_quote(_edge_caption(edge))}, color={_dot_quote(colour)}"
        lines.append(f"  {_dot_quote(edge.source)} -> {_dot_quote(edge.target)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    # Mermaid has no backslash escapes inside quoted labels; it uses HTML entity codes.
    return text.replace('"', "#quot;").replace("\n", "<br/>")


def to_mermaid(dependency_map: DependencyMap) -> str:
    """The map as a Mermaid flowchart; ids are replaced by safe ``n0, n1, ...`` handles."""
    handles = {node.id: f"n{i}" for i, node in enumerate(dependency_map.nodes)}
    lines = ["flowchart LR"]
    for node in dependency_map.nodes:
        lines.append(f'  {handles[node.id]}["{_mermaid_text(_node_caption(node))}"]')
    styles = []
    for i, edge in enumerate(dependency_map.edges):
        caption = _mermaid_text(_edge_caption(edge))
        lines.append(f'  {handles[edge.source]} -->|"{caption}"| {handles[edge.target]}')
        if edge.worst_flag is not None:
            colour = _EDGE_COLOURS.get(edge.worst_flag, _NEUTRAL)
            styles.append(f"  linkStyle {i} stroke:{colour},stroke-width:2px")
    return "\n".join(lines + styles) + "\n"


def to_networkx(dependency_map: DependencyMap) -> nx.DiGraph:
    """The map as a DiGraph with only GraphML-compatible (scalar) attributes."""
    graph = nx.DiGraph(level=dependency_map.level)
    for node in dependency_map.nodes:
        attrs: dict[str, Any] = {
            "label": node.label,
            "kind": node.kind,
            "open_count": node.open_count,
            "late_count": node.late_count,
        }
        if node.topology is not None:
            attrs["topology"] = node.topology
        if node.team_id is not None:
            attrs["team_id"] = node.team_id
        graph.add_node(node.id, **attrs)
    for edge in dependency_map.edges:
        edge_attrs: dict[str, Any] = {"count": edge.count, "flags": ",".join(edge.flags)}
        if edge.worst_flag is not None:
            edge_attrs["worst_flag"] = edge.worst_flag
        for dep_type, count in edge.counts_by_type.items():
            edge_attrs[f"count_{dep_type}"] = count
        graph.add_edge(edge.source, edge.target, **edge_attrs)
    return graph


def to_graphml(dependency_map: DependencyMap) -> str:
    """The map as a GraphML document (UTF-8 text)."""
    buffer = io.BytesIO()
    nx.write_graphml(to_networkx(dependency_map), buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def to_json(dependency_map: DependencyMap) -> str:
    """The map as JSON with sorted keys; ``from_json`` reads it back."""
    raw = {
        "level": dependency_map.level,
        "nodes": [asdict(node) for node in dependency_map.nodes],
        "edges": [asdict(edge) for edge in dependency_map.edges],
        "cycles": dependency_map.cycles,
        "bottlenecks": [asdict(b) for b in dependency_map.bottlenecks],
    }
    return json.dumps(raw, indent=2, sort_keys=True)


def from_json(text: str) -> DependencyMap:
    """Rebuild a map written by ``to_json``."""
    raw = json.loads(text)
    return DependencyMap(
        level=raw["level"],
        nodes=[MapNode(**node) for node in raw["nodes"]],
        edges=[
            MapEdge(
                **{
                    **edge,
                    "flags": tuple(edge["flags"]),
                    "dependency_ids": tuple(edge.get("dependency_ids", ())),
                }
            )
            for edge in raw["edges"]
        ],
        cycles=[list(cycle) for cycle in raw["cycles"]],
        found_bottlenecks=[Bottleneck(**b) for b in raw["bottlenecks"]],
    )
