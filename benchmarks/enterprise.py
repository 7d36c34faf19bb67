"""Part 1: the engine on an enterprise-size synthetic organisation (no database)."""

from __future__ import annotations

import random
import tracemalloc
from dataclasses import replace

from benchmarks.report import Row, timed
from benchmarks.synthetic import Size, build
from syncpoint.analysis.flag_types import Flag
from syncpoint.analysis.flags import evaluate
from syncpoint.analysis.graph import (
    DependencyMap,
    blast_radius,
    bottlenecks,
    critical_path,
    dependency_map,
    find_cycles,
    item_graph,
    team_graph,
)
from syncpoint.analysis.incremental import changes, reevaluate
from syncpoint.analysis.model import AnalysisInput
from syncpoint.core.collector import tune_collector
from syncpoint.core.settings import Settings

BLAST_SAMPLES = 100
PATH_SAMPLES = 20
GIB_IN_MIB = 1024
PRODUCTION_GC_THRESHOLD = Settings(environment="production").collector_threshold


def run(size: Size = Size()) -> list[Row]:
    """Time every analysis on the synthetic organisation, then measure peak memory (with the
    garbage collector tuned as `syncpoint serve` tunes it in production)."""
    tune_collector(PRODUCTION_GC_THRESHOLD)
    inp, build_s = timed(lambda: build(size))
    flags, evaluate_s = timed(lambda: evaluate(inp))
    team_map, team_map_s = timed(lambda: _drawn(inp, flags, "TEAM"))
    item_map, item_map_s = timed(lambda: _drawn(inp, flags, "ITEM"))
    graph, graph_s = timed(lambda: item_graph(inp))
    rng = random.Random(1)
    samples = [rng.choice(inp.items).id for _ in range(BLAST_SAMPLES)]
    radii, blast_s = timed(lambda: [blast_radius(inp, i, graph) for i in samples])
    teams = team_graph(inp, flags)
    found, bottleneck_s = timed(lambda: bottlenecks(teams))
    cycles, cycles_s = timed(lambda: find_cycles(graph))
    points = [ip.id for ip in inp.integration_points[:PATH_SAMPLES]]
    _paths, path_s = timed(lambda: [critical_path(inp, p, graph) for p in points])
    changed = _one_item_moved(inp)
    patched, incremental_s = timed(
        lambda: reevaluate(inp, flags, changed, changes(inp, changed))  # type: ignore[arg-type]
    )
    full, full_again_s = timed(lambda: evaluate(changed))
    same = "equal to full" if patched == full else "DIFFERS from full"
    widest = max((len(r.item_ids) for r in radii), default=0)
    shape = (
        f"{size.teams} teams, {size.items} items, {len(inp.dependencies)} deps, "
        f"{size.integration_points} IPs"
    )
    return [
        Row("build synthetic input", build_s, "s", note=shape),
        Row("evaluate() every rule", evaluate_s, "s", 10.0, f"{len(flags)} flags"),
        Row("one changed item: diff + re-evaluate", incremental_s, "s", 0.1, same),
        Row("one changed item: full evaluate()", full_again_s, "s", note="for comparison"),
        Row("dependency_map TEAM", team_map_s, "s", 5.0, _map_note(team_map)),
        Row("dependency_map ITEM", item_map_s, "s", 10.0, _map_note(item_map)),
        Row("item_graph()", graph_s, "s", 5.0),
        Row(f"blast_radius x{BLAST_SAMPLES}", blast_s, "s", 5.0, f"widest {widest} items"),
        Row("bottlenecks (betweenness)", bottleneck_s, "s", 5.0, f"{len(found)} teams"),
        Row("find_cycles item graph", cycles_s, "s", 2.0, f"{len(cycles)} cycles"),
        Row(f"critical_path x{len(points)}", path_s, "s", 5.0),
        Row("peak memory (tracemalloc)", _peak_mib(size), "MiB", GIB_IN_MIB, "input+rules+maps"),
    ]


def _one_item_moved(inp: AnalysisInput) -> AnalysisInput:
    """The organisation with one depended-on item moved to another sprint of its team."""
    dep = next(d for d in inp.dependencies if d.provider_item_id is not None)
    items = list(inp.items)
    at = next(n for n, i in enumerate(items) if i.id == dep.provider_item_id)
    other = next(
        (
            i.sprint
            for i in items
            if i.team_id == items[at].team_id and i.sprint != items[at].sprint
        ),
        None,
    )
    items[at] = replace(items[at], sprint=other)
    return AnalysisInput(
        today=inp.today,
        teams=inp.teams,
        items=tuple(items),
        products=inp.products,
        dependencies=inp.dependencies,
        integration_points=inp.integration_points,
        interactions=inp.interactions,
    )


def _map_note(drawn: DependencyMap) -> str:
    return f"{len(drawn.nodes)} nodes, {len(drawn.edges)} edges"


def _drawn(inp: AnalysisInput, flags: list[Flag], level: str) -> DependencyMap:
    """A map as its page and exports see it: drawn, with its bottlenecks (which a map drawn
    without the analysis's betweenness works out only when read)."""
    drawn = dependency_map(inp, flags, level)
    drawn.bottlenecks  # noqa: B018 - worked out when first read
    return drawn


def _peak_mib(size: Size) -> float:
    """Peak traced memory while building the input, evaluating and drawing both maps."""
    tracemalloc.start()
    try:
        inp = build(size)
        flags = evaluate(inp)
        _drawn(inp, flags, "TEAM")
        _drawn(inp, flags, "ITEM")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / (1024 * 1024)
