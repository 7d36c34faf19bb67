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

from syncpoint.analysis.model import AnalysisInput, DependencyInfo

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
    for item in inp.items:
        graph.add_node(item.id, kind="ITEM", team_id=item.team_id, label=item.title)
    for dep in inp.dependencies:
        ends = None if open_only and not dep.open else dependency_endpoints(inp, dep)
        if ends is None:
            continue
        source, target = ends
        if isinstance(source, tuple):
            product = inp.index.products[source[1]]
            graph.add_node(
                source, kind="PRODUCT", team_id=product.owner_team_id, label=product.name
            )
        _add_dependency_edge(graph, source, target, dep)
    return graph


def team_digraph(inp: AnalysisInput, *, open_only: bool = True) -> nx.DiGraph:
    """Every team as a node; one edge provider team -> consumer team (intra-team work left out)."""
    graph = nx.DiGraph()
    for team in inp.teams:
        graph.add_node(team.id)
    index = inp.index
    for dep in inp.dependencies:
        if open_only and not dep.open:
            continue
        provider, consumer = index.provider_team_id(dep), index.consumer_team_id(dep)
        if provider is None or consumer is None or provider == consumer:
            continue
        _add_dependency_edge(graph, provider, consumer, dep)
    return graph


def _add_dependency_edge(
    graph: nx.DiGraph, source: Node, target: Node, dep: DependencyInfo
) -> None:
    if graph.has_edge(source, target):
        data = graph.edges[source, target]
        data["dependency_ids"].append(dep.id)
        data["types"].append(dep.type.value)
    else:
        graph.add_edge(source, target, dependency_ids=[dep.id], types=[dep.type.value])


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
