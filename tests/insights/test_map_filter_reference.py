"""A filtered map draws exactly the dependencies the filter's definition keeps: checked against
the definition written out per dependency (its flags' codes, CYCLE when it lies on an item-level
cycle, its needed-by date from `dependency_timing`), on a seeded synthetic organisation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from benchmarks.synthetic import Size, build

from syncpoint.analysis.flag_types import FlagCode
from syncpoint.analysis.graph import MapLevel, dependency_map
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
