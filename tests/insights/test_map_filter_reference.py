"""A filtered map draws exactly the dependencies the filter's definition keeps: checked against
the definition written out per dependency (its flags' codes, CYCLE when it lies on an item-level
cycle, its needed-by date from `dependency_timing`), on a seeded synthetic organisation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from benchmarks.synthetic import Size, build

from syncpoint.analysis.flag_types import FlagCode
from syncpoint.analysis.graph import MapLevel, bottlenecks, dependency_map, team_graph
from syncpoint.analysis.model import DependencyInfo
from syncpoint.analysis.timing import dependency_timing
from syncpoint.insights.result import Analysis, MapFilter, analyse

SIZE = Size(teams=30, items=1_500, dependencies=1_200, integration_points=20)


def keeps(analysis: Analysis, dep: DependencyInfo, flt: MapFilter) -> bool:
    if flt.codes is not None:
        codes = {f.code for f in analysis.flags_by_dependency.get(dep.id, ())}
        if FlagCode.CYCLE in flt.codes and analysis._on_item_cycle(dep):
            codes.add(FlagCode.CYCLE)
        if codes.isdisjoint(flt.codes):
            return False
    if flt.start is None and flt.end is None:
        return True
    needed = dependency_timing(analysis.inp, dep).needed_by
    if needed is None:
        return False
    return (flt.start is None or flt.start <= needed) and (flt.end is None or needed <= flt.end)


@pytest.mark.parametrize("seed", [2])
def test_a_filtered_map_draws_what_the_filters_definition_keeps(seed: int) -> None:
    inp = build(SIZE, seed=seed)
    analysis = analyse(inp)
    day = inp.today
    filters = [
        MapFilter(codes=frozenset({FlagCode.LATE})),
        MapFilter(codes=frozenset({FlagCode.CYCLE})),
        MapFilter(codes=frozenset({FlagCode.SAME_SPRINT, FlagCode.CADENCE_MISALIGNED})),
        MapFilter(start=day, end=day + timedelta(days=60)),
        MapFilter(end=day),
        MapFilter(codes=frozenset({FlagCode.LATE}), start=day - timedelta(days=30)),
        MapFilter(codes=frozenset()),
    ]
    drawn_something = 0
    for flt in filters:
        kept = tuple(d for d in inp.dependencies if keeps(analysis, d, flt))
        expected = dependency_map(replace(inp, dependencies=kept), analysis.flags, MapLevel.TEAM)

        found = analysis.dependency_map(MapLevel.TEAM, flt)

        assert found == expected, flt
        drawn_something += bool(found.edges)
    assert drawn_something >= 4


def test_a_filtered_maps_bottlenecks_are_worked_out_when_first_read() -> None:
    """A map filtered by flags or dates has a team graph of its own: its bottlenecks (that
    graph's betweenness) wait until read, then are those of that graph; the whole map's come
    with it (the analysis's betweenness)."""
    inp = build(SIZE, seed=2)
    analysis = analyse(inp)
    flt = MapFilter(codes=frozenset({FlagCode.LATE}))

    found = analysis.dependency_map(MapLevel.TEAM, flt)

    assert not found.bottlenecks_known
    kept = tuple(d for d in inp.dependencies if keeps(analysis, d, flt))
    expected = bottlenecks(team_graph(replace(inp, dependencies=kept), analysis.flags))
    assert expected
    assert found.bottlenecks == expected
    assert found.bottlenecks_known
    whole = analysis.dependency_map(MapLevel.TEAM, MapFilter())
    assert whole.bottlenecks_known
    assert whole.bottlenecks == bottlenecks(analysis.team_graph)
