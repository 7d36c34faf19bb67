"""Item and team dependency graphs, and cycle detection that stays linear on acyclic graphs.

Nodes of the item graph are item ids (``int``) and, for dependencies on a product with no
provider item, ``("product", product_id)``. Edges run provider -> consumer and carry the ids and
types of the dependencies they stand for. Only open dependencies are drawn by default: a closed
dependency no longer constrains anyone.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import networkx as nx

from syncpoint.analysis.model import AnalysisInput, DependencyInfo, DependencyType

Node = int | tuple[str, int]


def dependency_endpoints(inp: AnalysisInput, dep: DependencyInfo) -> tuple[Node, int] | None:
    """(provider node, consumer item id) of a dependency, or None when either end is unknown."""
    index = inp.index
    if dep.consumer_item_id not in index.items:
        return None
    if dep.provider_item_id is not None and dep.provider_item_id in index.items:
        return (dep.provider_item_id, dep.consumer_item_id)
    if dep.provider_product_id is not None and dep.provider_product_id in index.products:
        return (("product", dep.provider_product_id), dep.consumer_item_id)
    return None


def item_graph(inp: AnalysisInput, *, open_only: bool = True) -> nx.DiGraph:
    """Every item as a node; one edge provider -> consumer per dependent pair."""
    graph = nx.DiGraph()
    graph.add_nodes_from(
        (item.id, {"kind": "ITEM", "team_id": item.team_id, "label": item.title})
        for item in inp.items
    )
    products: dict[Node, dict[str, Any]] = {}
    pairs: list[tuple[Node, Node, DependencyInfo]] = []
    for dep in inp.dependencies:
        ends = None if open_only and not dep.open else dependency_endpoints(inp, dep)
        if ends is None:
            continue
        source, target = ends
        if isinstance(source, tuple) and source not in products:
            product = inp.index.products[source[1]]
            products[source] = {
                "kind": "PRODUCT",
                "team_id": product.owner_team_id,
                "label": product.name,
            }
        pairs.append((source, target, dep))
    graph.add_nodes_from(products.items())
    graph.add_edges_from(_aggregated(pairs))
    return graph


def team_digraph(inp: AnalysisInput, *, open_only: bool = True) -> nx.DiGraph:
    """Every team as a node; one edge provider team -> consumer team (intra-team work left out)."""
    graph = nx.DiGraph()
    graph.add_nodes_from(team.id for team in inp.teams)
    index = inp.index
    pairs: list[tuple[Node, Node, DependencyInfo]] = []
    for dep in inp.dependencies:
        if open_only and not dep.open:
            continue
        provider, consumer = index.provider_team_id(dep), index.consumer_team_id(dep)
        if provider is None or consumer is None or provider == consumer:
            continue
        pairs.append((provider, consumer, dep))
    graph.add_edges_from(_aggregated(pairs))
    return graph


# `member.value` goes through enum's descriptor (slow in a loop over 100,000 dependencies).
TYPE_VALUES = {t: t.value for t in DependencyType}
"""Each dependency type's value, looked up (the team graph reads it too)."""


def _aggregated(
    pairs: list[tuple[Node, Node, DependencyInfo]],
) -> list[tuple[Node, Node, dict[str, list[Any]]]]:
    """One edge per (source, target) with the ids and types of its dependencies, in order of
    first appearance (built in plain dicts: networkx's per-edge checks dominated at scale)."""
    edges: dict[tuple[Node, Node], dict[str, list[Any]]] = {}
    for source, target, dep in pairs:
        data = edges.get((source, target))
        if data is None:
            edges[(source, target)] = {
                "dependency_ids": [dep.id],
                "types": [TYPE_VALUES[dep.type]],
            }
        else:
            data["dependency_ids"].append(dep.id)
            data["types"].append(TYPE_VALUES[dep.type])
    return [(u, v, data) for (u, v), data in edges.items()]


def node_key(node: Hashable) -> tuple[int, int, str]:
    """A total order over mixed int and tuple nodes, for deterministic output."""
    if isinstance(node, int):
        return (0, node, "")
    return (1, 0, repr(node))


def find_cycles(graph: nx.DiGraph) -> list[list[Any]]:
    """One representative cycle per non-trivial strongly connected component (self-loops count).

    Each cycle lists its nodes in edge order, starting from its smallest node; cycles are sorted.
    """
    cycles: list[list[Any]] = []
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1:
            (only,) = component
            if graph.has_edge(only, only):
                cycles.append([only])
            continue
        start = min(component, key=node_key)
        # Restricting find_cycle to the component keeps it from re-walking the acyclic rest.
        edges = nx.find_cycle(graph.subgraph(component), source=start)
        cycles.append(_rotate([u for u, _v, *_ in edges]))
    cycles.sort(key=lambda cycle: [node_key(n) for n in cycle])
    return cycles


def _rotate(cycle: list[Any]) -> list[Any]:
    first = min(range(len(cycle)), key=lambda i: node_key(cycle[i]))
    return cycle[first:] + cycle[:first]
