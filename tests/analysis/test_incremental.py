"""Incremental re-evaluation gives exactly the flags of a full evaluation."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from benchmarks.synthetic import Size, build

from syncpoint.analysis.flags import evaluate
from syncpoint.analysis.incremental import changes, reevaluate
from syncpoint.analysis.model import AnalysisInput, ItemStatus

SIZE = Size(teams=30, items=1_500, dependencies=1_200, integration_points=20)


def _with(inp: AnalysisInput, **parts: object) -> AnalysisInput:
    return AnalysisInput(
        today=inp.today,
        teams=inp.teams,
        items=parts.get("items", inp.items),  # type: ignore[arg-type]
        products=inp.products,
        dependencies=parts.get("dependencies", inp.dependencies),  # type: ignore[arg-type]
        integration_points=inp.integration_points,
        interactions=inp.interactions,
    )


def _move_items(inp: AnalysisInput, rng: random.Random, count: int) -> AnalysisInput:
    items = list(inp.items)
    sprints = [i.sprint for i in items if i.sprint is not None]
    for _ in range(count):
        n = rng.randrange(len(items))
        item = items[n]
        choice = rng.random()
        if choice < 0.6:
            items[n] = replace(item, sprint=rng.choice([None, *sprints[:50]]))
        elif choice < 0.8:
            items[n] = replace(item, status=ItemStatus.DONE)
        else:
            items[n] = replace(item, title=item.title + " (renamed)")
    return _with(inp, items=tuple(items))


@pytest.mark.parametrize("seed", range(6))
def test_one_changed_item_re_evaluates_to_the_full_evaluation(seed):
    old = build(SIZE, seed=seed)
    old_flags = evaluate(old)
    new = _move_items(old, random.Random(seed), 1 + seed % 3)
    change = changes(old, new)
    assert change is not None
    assert reevaluate(old, old_flags, new, change) == evaluate(new)


def test_a_removed_and_a_closed_dependency_re_evaluate_to_the_full_evaluation():
    old = build(SIZE, seed=11)
    old_flags = evaluate(old)
    deps = list(old.dependencies)
    del deps[5]
    deps[9] = replace(deps[9], open=False)
    new = _with(old, dependencies=tuple(deps))
    change = changes(old, new)
    assert change is not None
    assert change.graph
    assert reevaluate(old, old_flags, new, change) == evaluate(new)


def test_an_unchanged_input_keeps_its_flags_and_a_new_day_evaluates_fully():
    old = build(SIZE, seed=3)
    flags = evaluate(old)
    same = changes(old, _with(old))
    assert same is not None
    assert same.empty
    assert reevaluate(old, flags, _with(old), same) == flags
    assert changes(old, replace(old, today=old.today.replace(day=1))) is None
