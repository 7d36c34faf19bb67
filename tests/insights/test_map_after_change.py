"""The map right after a change: an analysis patched from an earlier one patches that one's team
graph and whole team map too, for the dependencies whose flags it worked out again, and what
it draws equals what a fresh analysis of the same input draws."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from benchmarks.synthetic import Size, build

from syncpoint.analysis.graph import (
    MapLevel,
    dependency_map,
    patch_team_graph,
    redraw_team_map,
    team_graph,
)
from syncpoint.analysis.incremental import changes, reevaluated_dependencies
from syncpoint.analysis.model import AnalysisInput, ItemStatus
from syncpoint.insights.result import Analysis, MapFilter, analyse

SIZE = Size(teams=30, items=1_500, dependencies=1_200, integration_points=20)
WHOLE = MapFilter()


def _graph_data(graph):
    return (
        sorted((n, sorted(d.items())) for n, d in graph.nodes(data=True)),
        sorted((u, v, sorted(d.items())) for u, v, d in graph.edges(data=True)),
    )


def _moved(inp: AnalysisInput, rng: random.Random, count: int) -> AnalysisInput:
    """``count`` depended-on items planned in the earliest sprints moved to the latest sprint
    any item is in (late for most of their consumers, which they were not; the dependency
    graph unchanged)."""
    by_id = {item.id: item for item in inp.items}
    planned = sorted(
        {
            d.provider_item_id
            for d in inp.dependencies
            if d.open
            and d.provider_item_id
            and by_id[d.provider_item_id].sprint is not None
            and by_id[d.provider_item_id].status is not ItemStatus.DONE
        },
        key=lambda i: (by_id[i].sprint.end, i),
    )
    latest = max((i.sprint for i in inp.items if i.sprint is not None), key=lambda s: s.end)
    items = list(inp.items)
    position = {item.id: n for n, item in enumerate(items)}
    for item_id in rng.sample(planned[: max(count, len(planned) // 4)], count):
        n = position[item_id]
        items[n] = replace(items[n], sprint=latest)
    return replace(inp, items=tuple(items))


def _drawn(analysis: Analysis):
    return analysis.dependency_map(MapLevel.TEAM, WHOLE)


def _fresh(inp: AnalysisInput):
    found = analyse(inp)
    return dependency_map(inp, found.flags, MapLevel.TEAM, betweenness=found.betweenness)


@pytest.mark.parametrize("seed", range(5))
def test_a_patched_team_graph_and_map_equal_the_rebuilt_ones(seed):
    old = build(SIZE, seed=seed)
    new = _moved(old, random.Random(seed), 3)
    before, after = analyse(old), analyse(new)
    change = changes(old, new)
    assert change is not None
    assert not change.graph
    reevaluated = reevaluated_dependencies(old, new, change)
    patched = patch_team_graph(
        before.team_graph,
        new,
        before.flags_by_dependency,
        after.flags_by_dependency,
        reevaluated,
    )
    rebuilt = team_graph(new, after.flags)
    assert _graph_data(patched) == _graph_data(rebuilt)
    assert _graph_data(patched) != _graph_data(before.team_graph)  # the move changed flags
    assert _graph_data(before.team_graph) == _graph_data(team_graph(old, before.flags))  # kept

    previous = _drawn(before)
    redrawn = redraw_team_map(previous, new, patched, after.flags_by_dependency, reevaluated)
    assert redrawn == _fresh(new)
    assert redrawn != previous
    assert previous == _fresh(old)  # the earlier map is left as it was


def test_an_analysis_patched_after_a_sprint_move_draws_the_fresh_map_from_the_earlier_one():
    old = build(SIZE, seed=7)
    before = analyse(old)
    previous = _drawn(before)
    new = _moved(old, random.Random(7), 2)
    after = analyse(new, before)

    drawn = _drawn(after)

    assert drawn == _fresh(new)
    assert drawn != previous
    # patched, not drawn anew: the edges no moved dependency is on are the earlier map's own
    kept = sum(a is b for a, b in zip(drawn.edges, previous.edges, strict=True))
    assert 0 < kept < len(drawn.edges)
    assert _drawn(after) is drawn  # drawn once
    assert after._redraw is None  # what it patched from is let go


def test_versions_that_drew_nothing_pass_the_earlier_drawing_on_with_every_change():
    first = build(SIZE, seed=8)
    rng = random.Random(8)
    second = _moved(first, rng, 2)
    third = _moved(second, rng, 2)
    one = analyse(first)
    previous = _drawn(one)
    two = analyse(second, one)  # nothing drawn from this version
    three = analyse(third, two)

    drawn = _drawn(three)

    assert drawn == _fresh(third)
    assert any(a is b for a, b in zip(drawn.edges, previous.edges, strict=True))
    assert _drawn(two) == _fresh(second)  # the middle version still draws its own map


def test_a_change_of_the_dependency_graph_draws_the_map_anew():
    old = build(SIZE, seed=9)
    before = analyse(old)
    previous = _drawn(before)
    deps = list(old.dependencies)
    deps[3] = replace(deps[3], open=False)
    new = replace(old, dependencies=tuple(deps))
    after = analyse(new, before)

    drawn = _drawn(after)

    assert drawn == _fresh(new)
    assert not any(a is b for a, b in zip(drawn.edges, previous.edges, strict=False))


def test_a_change_reaching_many_dependencies_draws_the_map_anew():
    old = build(SIZE, seed=10)
    before = analyse(old)
    previous = _drawn(before)
    new = _moved(old, random.Random(10), 60)  # under the items' share, over the dependencies'
    after = analyse(new, before)
    assert after._redraw is None

    drawn = _drawn(after)

    assert drawn == _fresh(new)
    assert not any(a is b for a, b in zip(drawn.edges, previous.edges, strict=True))


def test_a_team_filtered_map_reads_the_patched_team_graph():
    old = build(SIZE, seed=12)
    before = analyse(old)
    _drawn(before)
    new = _moved(old, random.Random(12), 3)
    after = analyse(new, before)
    teams = frozenset(t.id for t in new.teams[:3])

    drawn = after.dependency_map(MapLevel.TEAM, MapFilter(team_ids=teams))

    fresh = analyse(new)
    assert drawn == dependency_map(
        new, fresh.flags, MapLevel.TEAM, sorted(teams), betweenness=fresh.betweenness
    )
    assert _drawn(after) == _fresh(new)  # and the whole map is still patched after it
