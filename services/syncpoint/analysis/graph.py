"""Graph analyses over open dependencies: team graph, blast radius, critical path, bottlenecks.

Edges always run provider -> consumer (see ``cycles`` for the item graph's node convention).

Critical path choice: the longest chain counted in dependencies (hops) that ends at one of the
integration point's items; among equally long chains the one that is later in total (sum of the
days each step is late for the next) wins, then the smallest node ids. Hops rather than days
because items carry no duration, while every hop is one more hand-over that can slip. Edges inside
a cycle are ignored there (a cycle has no longest path; it is flagged as CYCLE instead).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from syncpoint.analysis.cycles import TYPE_VALUES, Node, find_cycles, item_graph, node_key
from syncpoint.analysis.flag_types import Flag, FlagCode, Severity, SubjectKind
from syncpoint.analysis.model import AnalysisInput
from syncpoint.analysis.timing import dependency_timing, item_availability, provider_availability

__all__ = [
    "BlastRadius",
    "Bottleneck",
    "DependencyMap",
    "MapEdge",
    "MapLevel",
    "MapNode",
    "PathStep",
    "blast_radius",
    "bottlenecks",
    "critical_path",
    "dependency_map",
    "dependency_flag_codes",
    "find_cycles",
    "item_graph",
    "team_graph",
]

BETWEENNESS_SEED = 42


@dataclass(frozen=True, slots=True)
class BlastRadius:
    """Everything downstream of an item: all transitive consumers and their teams."""

    item_ids: tuple[int, ...]
    team_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Bottleneck:
    """A team others wait on: ``in_degree`` counts the distinct teams depending on it."""

    team_id: int
    in_degree: int
    betweenness: float
    waiting_dependencies: int


@dataclass(frozen=True, slots=True)
class PathStep:
    """One step of a critical path; ``late_by_days`` is how late it is for the next step."""

    item_id: int | None
    product_id: int | None
    team_id: int | None
    label: str
    available_from: date | None
    late_by_days: int


def dependency_flag_codes(flags: Iterable[Flag]) -> dict[int, list[Flag]]:
    """Flags about dependencies, grouped by dependency id."""
    grouped: dict[int, list[Flag]] = {}
    for flag in flags:
        if flag.subject_kind is SubjectKind.DEPENDENCY:
            grouped.setdefault(flag.subject_id, []).append(flag)
    return grouped


def team_graph(
    inp: AnalysisInput,
    flags: Iterable[Flag],
    *,
    by_dependency: Mapping[int, Sequence[Flag]] | None = None,
) -> nx.DiGraph:
    """One edge per (provider team, consumer team) with counts by dependency type and flag code.

    Node attributes: name, topology, framework, group_id, open_count (open dependencies the team
    consumes or provides, its own included), late_count (those flagged LATE), internal_count.
    Edge attributes: dependency_ids and types (in the input's order), count, counts_by_type,
    counts_by_flag. ``by_dependency``: the dependency flags already grouped (an analysis keeps
    them), else grouped from ``flags``.

    One pass over the dependencies in plain dicts, the graph built at the end: at 100,000
    dependencies the graph's own per-node and per-edge lookups were most of the 1.3 s it took
    (the map right after a change waits on it).
    """
    by_dep = by_dependency if by_dependency is not None else dependency_flag_codes(flags)
    late_code = FlagCode.LATE
    # Index.provider_team_id and consumer_team_id, as two plain dicts read inline
    team_of_item = {item.id: item.team_id for item in inp.items}
    owner_of_product = {product.id: product.owner_team_id for product in inp.products}
    # team -> [open_count, late_count, internal_count]: every team of the input, then the teams
    # the edges name that the input lacks (in order of first appearance, as networkx adds them)
    counts: dict[int, list[int]] = {team.id: [0, 0, 0] for team in inp.teams}
    # what dependencies without an edge give a team the input lacks, in case an edge names it
    stray: dict[int, list[int]] = {}
    edges: dict[tuple[int, int], tuple[list[int], list[str], dict[str, int], dict[str, int]]] = {}
    for dep in inp.dependencies:
        if not dep.open:
            continue
        provider_item = dep.provider_item_id
        if provider_item is not None and provider_item in team_of_item:
            provider: int | None = team_of_item[provider_item]
        else:
            product = dep.provider_product_id
            provider = owner_of_product.get(product) if product is not None else None
        consumer = team_of_item.get(dep.consumer_item_id)
        raised = by_dep.get(dep.id, ())
        late = bool(raised) and any(f.code is late_code for f in raised)
        if provider is None or consumer is None or provider == consumer:
            for end in {provider, consumer}:
                if end is None:
                    continue
                found = counts.get(end) or stray.setdefault(end, [0, 0, 0])
                found[0] += 1
                found[1] += late
                found[2] += provider == consumer
            continue
        for end in (provider, consumer):
            if end not in counts:
                counts[end] = stray.pop(end, [0, 0, 0])
            found = counts[end]
            found[0] += 1
            found[1] += late
        data = edges.get((provider, consumer))
        if data is None:
            data = edges[(provider, consumer)] = ([], [], {}, {})
        ids, types, by_type, by_flag = data
        ids.append(dep.id)
        kind = TYPE_VALUES[dep.type]
        types.append(kind)
        by_type[kind] = by_type.get(kind, 0) + 1
        for flag in raised:
            code = flag.code.value
            by_flag[code] = by_flag.get(code, 0) + 1
    graph = nx.DiGraph()
    graph.add_nodes_from(
        (node, _team_attributes(inp, node, *numbers)) for node, numbers in counts.items()
    )
    graph.add_edges_from(
        (
            u,
            v,
            {
                "dependency_ids": ids,
                "types": types,
                "count": len(ids),
                "counts_by_type": by_type,
                "counts_by_flag": by_flag,
            },
        )
        for (u, v), (ids, types, by_type, by_flag) in edges.items()
    )
    return graph


def patch_team_graph(
    previous: nx.DiGraph,
    inp: AnalysisInput,
    old_flags: Mapping[int, Sequence[Flag]],
    flags: Mapping[int, Sequence[Flag]],
    dependency_ids: Iterable[int],
) -> nx.DiGraph:
    """`team_graph` of ``inp`` and ``flags`` (by dependency), from `previous`, the team graph of
    an earlier input whose open dependencies, items' teams and teams were the same, built with
    ``old_flags``: only the given dependencies' flags may differ between the two.

    The graph is copied (its attribute dicts, not the lists they hold); the flag counts of the
    edges those dependencies are on, and the late counts of their teams, are worked out again.
    A sprint move touches a few dependencies; rebuilding the graph for all 100,000 of them took
    0.3-1 s (most of the map's time right after a change).
    """
    graph = previous.copy()
    late_code = FlagCode.LATE
    index = inp.index
    redo: set[tuple[int, int]] = set()
    for dep_id in dependency_ids:
        dep = index.dependencies.get(dep_id)
        if dep is None or not dep.open:
            continue
        was = any(f.code is late_code for f in old_flags.get(dep_id, ()))
        now = any(f.code is late_code for f in flags.get(dep_id, ()))
        provider, consumer = index.provider_team_id(dep), index.consumer_team_id(dep)
        if was != now:
            for end in {provider, consumer}:
                if end is not None and end in graph:  # a team the input lacks: not drawn
                    graph.nodes[end]["late_count"] += now - was
        if provider is not None and consumer is not None and provider != consumer:
            redo.add((provider, consumer))
    for u, v in redo:
        data = graph.succ[u][v]
        by_flag: dict[str, int] = {}
        for dep_id in data["dependency_ids"]:
            for flag in flags.get(dep_id, ()):
                code = flag.code.value
                by_flag[code] = by_flag.get(code, 0) + 1
        data["counts_by_flag"] = by_flag  # a new dict: `previous` keeps its own
    return graph


def _team_attributes(
    inp: AnalysisInput, node: int, open_count: int, late_count: int, internal_count: int
) -> dict[str, Any]:
    # Dependencies may name a team missing from the input; it still gets every attribute.
    index = inp.index
    team = index.teams.get(node)
    return {
        "name": index.team_name(node),
        "topology": team.topology if team is not None else None,
        "framework": team.framework.value if team is not None else None,
        "group_id": team.group_id if team is not None else None,
        "open_count": open_count,
        "late_count": late_count,
        "internal_count": internal_count,
    }


def blast_radius(inp: AnalysisInput, item_id: int, graph: nx.DiGraph | None = None) -> BlastRadius:
    """All transitive consumers of an item (open dependencies) and the teams that own them."""
    graph = graph if graph is not None else item_graph(inp)
    if item_id not in graph:
        return BlastRadius((), ())
    downstream = sorted(n for n in nx.descendants(graph, item_id) if isinstance(n, int))
    teams = sorted({inp.index.items[n].team_id for n in downstream})
    return BlastRadius(tuple(downstream), tuple(teams))


def _acyclic_upstream(graph: nx.DiGraph, targets: list[int]) -> nx.DiGraph:
    relevant: set[Any] = set(targets)
    for target in targets:
        relevant |= nx.ancestors(graph, target)
    sub = nx.DiGraph(graph.subgraph(relevant))
    sub.remove_edges_from(list(nx.selfloop_edges(sub)))
    for component in nx.strongly_connected_components(sub):
        if len(component) > 1:
            sub.remove_edges_from([(u, v) for u in component for v in sub[u] if v in component])
    return sub


def _edge_lateness(inp: AnalysisInput, graph: nx.DiGraph, u: Node, v: Node) -> int:
    deps = inp.index.dependencies
    lates = (
        dependency_timing(inp, deps[d]).late_by_days for d in graph.edges[u, v]["dependency_ids"]
    )
    return max((late or 0 for late in lates), default=0)


def critical_path(
    inp: AnalysisInput, integration_point_id: int, graph: nx.DiGraph | None = None
) -> list[PathStep]:
    """The longest chain of open dependencies ending at an item of the integration point."""
    ip = inp.index.integration_points[integration_point_id]
    graph = graph if graph is not None else item_graph(inp)
    targets = sorted({i for i in ip.item_ids if i in graph})
    if not targets:
        return []
    sub = _acyclic_upstream(graph, targets)
    # best[n] = (hops, total lateness, predecessor) of the best chain ending at n
    best: dict[Any, tuple[int, int, Any]] = {}
    for node in nx.lexicographical_topological_sort(sub, key=node_key):
        hops, late, pred = 0, 0, None
        for p in sorted(sub.predecessors(node), key=node_key):
            candidate = (best[p][0] + 1, best[p][1] + _edge_lateness(inp, sub, p, node))
            if candidate > (hops, late):
                hops, late, pred = candidate[0], candidate[1], p
        best[node] = (hops, late, pred)
    end = max(targets, key=lambda t: (best[t][0], best[t][1], -t))
    chain: list[Any] = [end]
    while best[chain[-1]][2] is not None:
        chain.append(best[chain[-1]][2])
    chain.reverse()
    return [_step(inp, sub, chain, i, ip.date) for i in range(len(chain))]


def _step(inp: AnalysisInput, graph: nx.DiGraph, chain: list[Any], i: int, due: date) -> PathStep:
    node = chain[i]
    index = inp.index
    if isinstance(node, tuple):
        product = index.products[node[1]]
        deps = [index.dependencies[d] for d in graph.edges[node, chain[i + 1]]["dependency_ids"]]
        available = provider_availability(inp, deps[0]).available_from
        team_id, label, item_id, product_id = product.owner_team_id, product.name, None, product.id
    else:
        item = index.items[node]
        available = item_availability(inp, item).available_from
        team_id, label, item_id, product_id = item.team_id, item.title, item.id, None
    if i + 1 < len(chain):
        late = _edge_lateness(inp, graph, node, chain[i + 1])
    else:
        late = max(0, (available - due).days) if available is not None else 0
    return PathStep(item_id, product_id, team_id, label, available, late)


def betweenness_of(graph: nx.DiGraph, sample_threshold: int = 100) -> dict[Any, float]:
    """Betweenness centrality of every node, from `sample_threshold` sampled sources when the
    graph has more nodes (deterministic: a fixed seed). Exact at 500 teams took 3 s; it only
    breaks ties between teams with as many waiting teams."""
    k = sample_threshold if graph.number_of_nodes() > sample_threshold else None
    found: dict[Any, float] = nx.betweenness_centrality(graph, k=k, seed=BETWEENNESS_SEED)
    return found


def bottlenecks(
    graph: nx.DiGraph,
    limit: int = 10,
    sample_threshold: int = 100,
    betweenness: dict[Any, float] | None = None,
) -> list[Bottleneck]:
    """Teams most others wait on, by distinct dependent teams then betweenness (sampled if big;
    `betweenness` when already computed over the same graph structure)."""
    if graph.number_of_nodes() == 0:
        return []
    if betweenness is None:
        betweenness = betweenness_of(graph, sample_threshold)
    found = []
    for node in graph.nodes:
        # Edges run provider -> consumer, so the teams waiting on ``node`` are its successors.
        waiting_teams = sum(1 for v in graph.successors(node) if v != node)
        waiting = sum(graph.edges[node, v].get("count", 1) for v in graph.successors(node))
        if waiting_teams or betweenness[node] > 0:
            found.append(Bottleneck(node, waiting_teams, round(betweenness[node], 6), waiting))
    found.sort(key=lambda b: (-b.in_degree, -b.betweenness, -b.waiting_dependencies, b.team_id))
    return found[:limit]


class MapLevel(enum.StrEnum):
    """Granularity of a dependency map."""

    TEAM = "TEAM"
    ITEM = "ITEM"


@dataclass(frozen=True, slots=True)
class MapNode:
    """A team, item or product on the map; ids look like ``team:3``, ``item:12``, ``product:4``."""

    id: str
    label: str
    kind: str
    topology: str | None
    open_count: int
    late_count: int
    team_id: int | None = None


@dataclass(frozen=True, slots=True)
class MapEdge:
    """Provider -> consumer, with the flag codes raised on its dependencies and the worst one;
    ``dependency_ids`` are the open dependencies its count is made of (ascending)."""

    source: str
    target: str
    count: int
    counts_by_type: dict[str, int]
    flags: tuple[str, ...]
    worst_flag: str | None
    dependency_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class DependencyMap:
    """What the dependency map page and the exports draw.

    Its bottlenecks are `found_bottlenecks`, else worked out by `find_bottlenecks` when first
    read: a map filtered by flags or dates has a team graph of its own, whose betweenness costs
    more than the rest of the map (~0.4 of 0.6 s at 500 teams), and the page asks for them only
    to highlight them. `bottlenecks_known` tells whether reading them is free.
    """

    level: str
    nodes: list[MapNode]
    edges: list[MapEdge]
    cycles: list[list[str]]
    found_bottlenecks: list[Bottleneck] | None = None
    find_bottlenecks: Callable[[], list[Bottleneck]] | None = field(default=None, repr=False)

    @property
    def bottlenecks(self) -> list[Bottleneck]:
        """Teams most others wait on (see `bottlenecks`), worked out once."""
        found = self.found_bottlenecks
        if found is None:
            find = self.find_bottlenecks
            found = find() if find is not None else []
            object.__setattr__(self, "found_bottlenecks", found)
            object.__setattr__(self, "find_bottlenecks", None)  # what it held can go
        return found

    @property
    def bottlenecks_known(self) -> bool:
        """Whether `bottlenecks` is already worked out."""
        return self.found_bottlenecks is not None or self.find_bottlenecks is None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DependencyMap):
            return NotImplemented
        return (self.level, self.nodes, self.edges, self.cycles, self.bottlenecks) == (
            other.level,
            other.nodes,
            other.edges,
            other.cycles,
            other.bottlenecks,
        )

    __hash__ = None  # type: ignore[assignment]


_CODE_ORDER = {code: i for i, code in enumerate(FlagCode)}


def _map_id(node: Any, level: MapLevel) -> str:
    if isinstance(node, tuple):
        return f"{node[0]}:{node[1]}"
    return f"{level.value.lower()}:{node}"


def _cycle_edges(cycles: list[list[Any]]) -> dict[tuple[Any, Any], list[Any]]:
    on_cycle: dict[tuple[Any, Any], list[Any]] = {}
    for cycle in cycles:
        for u, v in zip(cycle, cycle[1:] + cycle[:1], strict=True):
            on_cycle[(u, v)] = cycle
    return on_cycle


def _map_edge(
    data: dict[str, Any],
    source: str,
    target: str,
    by_dep: Mapping[int, Sequence[Flag]],
    cycle_severity: Severity | None,
) -> MapEdge:
    """One edge of the map from its graph edge's data (`source`, `target`: the ends' map ids).
    The worst flag is the most severe, then the first code in FlagCode's order."""
    ids: list[int] = data["dependency_ids"]
    raised = [(f.severity, f.code) for d in ids for f in by_dep.get(d, ())]
    if cycle_severity is not None:
        raised.append((cycle_severity, FlagCode.CYCLE))
    codes = {code for _severity, code in raised}
    worst_code = min(
        raised, key=lambda r: (-_SEVERITY_RANKS[r[0]], _CODE_ORDER[r[1]]), default=(None, None)
    )[1]
    by_type = data.get("counts_by_type")  # the team graph counted them; the item graph did not
    return MapEdge(
        source=source,
        target=target,
        count=len(ids),
        counts_by_type=dict(
            sorted((by_type if by_type is not None else Counter(data["types"])).items())
        ),
        flags=tuple(c.value for c in sorted(codes, key=_CODE_ORDER.__getitem__)),
        worst_flag=worst_code.value if worst_code is not None else None,
        dependency_ids=tuple(sorted(ids)),
    )


_SEVERITY_RANKS = {severity: severity.rank for severity in Severity}


# A cycle between teams is about planning, not one blocked chain of work.
TEAM_CYCLE_SEVERITY = Severity.MEDIUM


def _cycle_severity(graph: nx.DiGraph, cycle: list[Any], level: MapLevel) -> Severity:
    if level is MapLevel.TEAM:
        return TEAM_CYCLE_SEVERITY
    pairs = zip(cycle, cycle[1:] + cycle[:1], strict=True)
    blocking = any("BLOCKING" in graph.edges[u, v]["types"] for u, v in pairs)
    return Severity.CRITICAL if blocking else Severity.HIGH


def _map_node(
    inp: AnalysisInput, graph: nx.DiGraph, node: Any, level: MapLevel, late_deps: set[int]
) -> MapNode:
    data = graph.nodes[node]
    if level is MapLevel.TEAM:
        return MapNode(
            _map_id(node, level),
            data.get("name", f"team {node}"),
            "TEAM",
            data.get("topology"),
            data.get("open_count", 0),
            data.get("late_count", 0),
            node,
        )
    team = inp.index.teams.get(data["team_id"])
    touching = [*graph.in_edges(node, data=True), *graph.out_edges(node, data=True)]
    deps = {d for _u, _v, e in touching for d in e["dependency_ids"]}
    return MapNode(
        _map_id(node, level),
        data["label"],
        data["kind"],
        team.topology if team is not None else None,
        len(deps),
        len(deps & late_deps),
        data["team_id"],
    )


def _owner(graph: nx.DiGraph, node: Any, level: MapLevel) -> int | None:
    if level is MapLevel.TEAM:
        return int(node)
    team_id: int | None = graph.nodes[node].get("team_id")
    return team_id


def dependency_map(
    inp: AnalysisInput,
    flags: Iterable[Flag],
    level: MapLevel | str = MapLevel.TEAM,
    team_ids: Iterable[int] | None = None,
    *,
    teams: nx.DiGraph | None = None,
    items: nx.DiGraph | None = None,
    betweenness: dict[Any, float] | None = None,
    by_dependency: Mapping[int, Sequence[Flag]] | None = None,
) -> DependencyMap:
    """The dependency map at team or item level, optionally around some teams only.

    With a team filter the map keeps the edges touching those teams and their other ends. At item
    level only items taking part in an open dependency are drawn. `teams` (the `team_graph` of
    the same input and flags), `items`, `betweenness` and `by_dependency` (the flags grouped by
    dependency) are what a caller already built.
    """
    level = MapLevel(level)
    by_dep = by_dependency if by_dependency is not None else dependency_flag_codes(flags)
    if teams is None:
        teams = team_graph(inp, flags, by_dependency=by_dep)
    graph: nx.DiGraph = teams
    if level is MapLevel.ITEM:
        graph = items if items is not None else item_graph(inp)
    wanted = set(team_ids) if team_ids is not None else None
    selected = [
        (u, v)
        for u, v in graph.edges
        if wanted is None or _owner(graph, u, level) in wanted or _owner(graph, v, level) in wanted
    ]
    shown = {n for edge in selected for n in edge}
    if level is MapLevel.TEAM:
        shown |= {n for n in graph.nodes if wanted is None or n in wanted}
    # each drawn node's order and map id worked out once, not once per edge it is on
    keys = {n: node_key(n) for n in shown}
    map_ids = {n: _map_id(n, level) for n in shown}
    edges = sorted(selected, key=lambda e: (keys[e[0]], keys[e[1]]))
    cycles = [c for c in find_cycles(graph) if set(c) <= shown]
    on_cycle = _cycle_edges(cycles)
    late_deps = {d for d, fs in by_dep.items() if any(f.code is FlagCode.LATE for f in fs)}
    shown_teams = {_owner(graph, n, level) for n in shown}

    def find_bottlenecks() -> list[Bottleneck]:
        return [
            b
            for b in bottlenecks(teams, betweenness=betweenness)
            if wanted is None or b.team_id in shown_teams
        ]

    return DependencyMap(
        level=level.value,
        nodes=[
            _map_node(inp, graph, n, level, late_deps) for n in sorted(shown, key=keys.__getitem__)
        ],
        edges=[
            _map_edge(
                graph.succ[u][v],
                map_ids[u],
                map_ids[v],
                by_dep,
                _cycle_severity(graph, on_cycle[(u, v)], level) if (u, v) in on_cycle else None,
            )
            for u, v in edges
        ],
        cycles=[[_map_id(n, level) for n in c] for c in cycles],
        # the betweenness given (the analysis's own): nothing is left to defer
        found_bottlenecks=find_bottlenecks() if betweenness is not None else None,
        find_bottlenecks=None if betweenness is not None else find_bottlenecks,
    )


def redraw_team_map(
    previous: DependencyMap,
    inp: AnalysisInput,
    teams: nx.DiGraph,
    by_dependency: Mapping[int, Sequence[Flag]],
    dependency_ids: Iterable[int],
) -> DependencyMap:
    """The whole organisation's team map of ``inp``, from `previous`, the whole team map of an
    earlier input with the same team graph structure and counts (see `patch_team_graph`):
    the edges the given dependencies are on and the nodes of their teams are drawn again from
    ``teams`` (the new team graph) and the flags; every other edge and node, the cycles and
    the bottlenecks (the structure's) are the earlier map's. Equal to `dependency_map` of
    ``inp`` with its team graph.
    """
    index = inp.index
    level = MapLevel.TEAM
    pairs: dict[tuple[str, str], tuple[int, int]] = {}
    touched: dict[str, int] = {}
    for dep_id in dependency_ids:
        dep = index.dependencies.get(dep_id)
        if dep is None or not dep.open:
            continue
        provider, consumer = index.provider_team_id(dep), index.consumer_team_id(dep)
        for end in (provider, consumer):
            if end is not None:
                touched[_map_id(end, level)] = end
        if provider is not None and consumer is not None and teams.has_edge(provider, consumer):
            pairs[(_map_id(provider, level), _map_id(consumer, level))] = (provider, consumer)
    if not touched:
        return previous
    on_cycle = {pair for c in previous.cycles for pair in zip(c, c[1:] + c[:1], strict=True)}
    edges = list(previous.edges)
    for i, edge in enumerate(edges):
        ends = pairs.get((edge.source, edge.target))
        if ends is not None:
            cycle = TEAM_CYCLE_SEVERITY if (edge.source, edge.target) in on_cycle else None
            edges[i] = _map_edge(
                teams.succ[ends[0]][ends[1]], edge.source, edge.target, by_dependency, cycle
            )
    nodes = list(previous.nodes)
    for i, node in enumerate(nodes):
        team = touched.get(node.id)
        if team is not None:
            nodes[i] = _map_node(inp, teams, team, level, set())
    return DependencyMap(
        level=level.value,
        nodes=nodes,
        edges=edges,
        cycles=previous.cycles,
        found_bottlenecks=previous.bottlenecks,
    )
