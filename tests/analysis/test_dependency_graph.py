"""Item and team graphs, cycles at scale, blast radius, critical path, bottlenecks, maps."""

from __future__ import annotations

from datetime import date

import networkx as nx

from syncpoint.analysis.calendar import Cadence, SprintSpan, generate_sprints
from syncpoint.analysis.flags import evaluate
from syncpoint.analysis.graph import (
    MapLevel,
    blast_radius,
    bottlenecks,
    critical_path,
    dependency_map,
    find_cycles,
    item_graph,
    team_graph,
)
from syncpoint.analysis.model import (
    AnalysisInput,
    DependencyInfo,
    DependencyType,
    Framework,
    IntegrationPointInfo,
    ItemInfo,
    ItemKind,
    ItemStatus,
    ProductInfo,
    TeamInfo,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def sprint(start: str, end: str) -> SprintSpan:
    return SprintSpan(d(start), d(end))


def platform_input() -> AnalysisInput:
    """Data (1) feeds Features (2) feeds Ranking (3) and Search (4); a product request too."""
    teams = (
        TeamInfo(1, "Data", Framework.SCRUM, topology="PLATFORM"),
        TeamInfo(2, "Features", Framework.SCRUM, topology="PLATFORM"),
        TeamInfo(3, "Ranking", Framework.SCRUM),
        TeamInfo(4, "Search", Framework.SCRUM),
    )
    items = (
        ItemInfo(1, 1, "D-1", ItemKind.DATA, ItemStatus.READY, sprint("2027-01-04", "2027-01-17")),
        ItemInfo(2, 2, "F-2", ItemKind.DATA, ItemStatus.READY, sprint("2027-01-18", "2027-01-31")),
        ItemInfo(
            3, 3, "R-3", ItemKind.ENGINEERING, ItemStatus.READY, sprint("2027-01-25", "2027-02-07")
        ),
        ItemInfo(
            4, 4, "S-4", ItemKind.ENGINEERING, ItemStatus.READY, sprint("2027-02-01", "2027-02-14")
        ),
        ItemInfo(
            5, 3, "R-5", ItemKind.ENGINEERING, ItemStatus.READY, sprint("2027-02-15", "2027-02-28")
        ),
    )
    deps = (
        DependencyInfo(1, 2, 1, None, DependencyType.BLOCKING),
        DependencyInfo(2, 3, 2, None, DependencyType.BLOCKING),  # late: 02-01 > 01-25
        DependencyInfo(3, 4, 2, None, DependencyType.SLOWING),
        DependencyInfo(4, 5, 3, None, DependencyType.OK),
        DependencyInfo(5, 5, None, 9, DependencyType.SLOWING),
        DependencyInfo(6, 4, 1, None, DependencyType.OK, open=False),
    )
    return AnalysisInput(
        today=d("2027-01-10"),
        teams=teams,
        items=items,
        products=(ProductInfo(9, "Feature Store", 2, turnaround_days=10),),
        dependencies=deps,
        integration_points=(IntegrationPointInfo(1, "Launch", d("2027-02-20"), (4, 5)),),
    )


def test_item_graph_has_product_nodes_and_provider_to_consumer_edges() -> None:
    graph = item_graph(platform_input())

    assert set(graph.edges) == {(1, 2), (2, 3), (2, 4), (3, 5), (("product", 9), 5)}
    assert graph.nodes["product", 9]["kind"] == "PRODUCT"
    assert graph.edges[2, 3]["types"] == ["BLOCKING"]


def test_team_graph_counts_by_type_and_flag() -> None:
    inp = platform_input()

    graph = team_graph(inp, evaluate(inp))

    assert set(graph.edges) == {(1, 2), (2, 3), (2, 4)}
    features_to_ranking = graph.edges[2, 3]
    assert features_to_ranking["count"] == 2  # F-2 -> R-3 and the Feature Store request
    assert features_to_ranking["counts_by_type"] == {"BLOCKING": 1, "SLOWING": 1}
    assert features_to_ranking["counts_by_flag"] == {"LATE": 1}
    assert graph.nodes[3]["internal_count"] == 1
    assert graph.nodes[3]["late_count"] == 1


def test_blast_radius_follows_all_transitive_consumers() -> None:
    inp = platform_input()

    radius = blast_radius(inp, 1)

    assert radius.item_ids == (2, 3, 4, 5)
    assert radius.team_ids == (2, 3, 4)
    assert blast_radius(inp, 5).item_ids == ()
    assert blast_radius(inp, 999).item_ids == ()


def test_critical_path_is_the_longest_chain_into_the_integration_point() -> None:
    inp = platform_input()

    path = critical_path(inp, 1)

    assert [step.label for step in path] == ["D-1", "F-2", "R-3", "R-5"]
    assert [step.late_by_days for step in path] == [0, 7, 0, 9]
    assert path[-1].available_from == d("2027-03-01")
    assert path[1].team_id == 2


def test_bottlenecks_rank_teams_others_wait_on() -> None:
    inp = platform_input()

    found = bottlenecks(team_graph(inp, []), limit=2)

    assert [b.team_id for b in found] == [2, 1]
    assert found[0].in_degree == 2
    assert found[0].waiting_dependencies == 3
    assert found[0].betweenness > 0


def test_bottlenecks_sample_large_graphs_reproducibly() -> None:
    graph = nx.gnp_random_graph(120, 0.05, seed=3, directed=True)

    first = bottlenecks(graph, limit=5, sample_threshold=50)

    assert first == bottlenecks(graph, limit=5, sample_threshold=50)
    assert len(first) == 5


def test_find_cycles_on_a_large_acyclic_graph_returns_nothing() -> None:
    graph = nx.DiGraph()
    nodes = 10_000
    graph.add_edges_from((i, i + 1) for i in range(nodes - 1))
    graph.add_edges_from((i, i + 7) for i in range(0, nodes - 7, 2))
    graph.add_edges_from((i, i + 50) for i in range(nodes - 50))
    assert graph.number_of_edges() > 20_000

    assert find_cycles(graph) == []

    graph.add_edge(nodes - 1, nodes - 300)
    (cycle,) = find_cycles(graph)
    assert cycle[0] == nodes - 300
    assert all(graph.has_edge(u, v) for u, v in zip(cycle, cycle[1:] + cycle[:1], strict=True))


def test_find_cycles_counts_self_loops_and_returns_one_cycle_per_component() -> None:
    graph = nx.DiGraph([(1, 2), (2, 1), (2, 3), (3, 1), (5, 5), (6, 7)])

    assert find_cycles(graph) == [[1, 2], [5]]


def test_team_level_map_with_flags_and_bottlenecks() -> None:
    inp = platform_input()

    dep_map = dependency_map(inp, evaluate(inp), MapLevel.TEAM)

    assert [n.id for n in dep_map.nodes] == ["team:1", "team:2", "team:3", "team:4"]
    edge = next(e for e in dep_map.edges if (e.source, e.target) == ("team:2", "team:3"))
    assert edge.count == 2
    assert edge.counts_by_type == {"BLOCKING": 1, "SLOWING": 1}
    assert edge.flags == ("LATE",)
    assert edge.worst_flag == "LATE"
    assert dep_map.cycles == []
    assert dep_map.bottlenecks[0].team_id == 2


def test_item_level_map_filtered_on_a_team() -> None:
    inp = platform_input()

    dep_map = dependency_map(inp, evaluate(inp), "ITEM", team_ids=[4])

    assert [n.id for n in dep_map.nodes] == ["item:2", "item:4"]
    assert [(e.source, e.target) for e in dep_map.edges] == [("item:2", "item:4")]
    search = dep_map.nodes[1]
    assert (search.kind, search.team_id, search.open_count) == ("ITEM", 4, 1)


def test_map_marks_edges_on_a_cycle() -> None:
    teams = (TeamInfo(1, "A", Framework.KANBAN), TeamInfo(2, "B", Framework.KANBAN))
    items = (
        ItemInfo(1, 1, "a", ItemKind.DATA, ItemStatus.READY),
        ItemInfo(2, 2, "b", ItemKind.DATA, ItemStatus.READY),
    )
    deps = (
        DependencyInfo(1, 1, 2, None, DependencyType.BLOCKING),
        DependencyInfo(2, 2, 1, None, DependencyType.SLOWING),
    )
    inp = AnalysisInput(d("2027-01-01"), teams, items, dependencies=deps)

    item_map = dependency_map(inp, evaluate(inp), MapLevel.ITEM)

    assert item_map.cycles == [["item:1", "item:2"]]
    assert all(e.worst_flag == "CYCLE" for e in item_map.edges)
    assert dependency_map(inp, [], MapLevel.TEAM).cycles == [["team:1", "team:2"]]


def test_evaluate_and_map_on_a_large_chain_like_portfolio() -> None:
    teams = tuple(
        TeamInfo(t, f"T{t}", Framework.SCRUM, (Cadence(7 + t % 3 * 7, d("2027-01-04")),))
        for t in range(1, 21)
    )
    sprints = generate_sprints([Cadence(14, d("2027-01-04"))], [], d("2027-01-04"), d("2028-12-31"))
    items = tuple(
        ItemInfo(i, 1 + i % 20, f"I-{i}", ItemKind.DATA, ItemStatus.READY, sprints[i % 50])
        for i in range(5_000)
    )
    deps = tuple(
        DependencyInfo(n, i + step, i, None, DependencyType.SLOWING)
        for n, (i, step) in enumerate(
            ((i, step) for step in (1, 2, 3, 5) for i in range(5_000 - step)), start=1
        )
    )
    inp = AnalysisInput(d("2027-01-10"), teams, items, dependencies=deps)

    flags = evaluate(inp)
    team_map = dependency_map(inp, flags, MapLevel.TEAM)

    assert len(deps) > 19_000
    assert not any(f.code.value == "CYCLE" and f.subject_kind.value == "ITEM" for f in flags)
    assert len(team_map.nodes) == 20
