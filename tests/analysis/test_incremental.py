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


def _groups(groups: object) -> dict[int, list[object]]:
    return {
        k: sorted(v, key=lambda r: r.id)  # type: ignore[attr-defined]
        for k, v in groups.items()  # type: ignore[attr-defined]
        if v
    }


@pytest.mark.parametrize("seed", range(8))
def test_a_patched_input_and_index_equal_the_rebuilt_ones_and_re_evaluate_alike(seed):
    """`with_rows` (what the change log patches) against an input built from scratch: items
    moved between sprints, teams and statuses; dependencies re-pointed, closed, removed, new."""
    rng = random.Random(seed)
    old = build(SIZE, seed=seed)
    team_ids = [t.id for t in old.teams]
    items = {
        i.id: replace(i, team_id=rng.choice(team_ids), status=ItemStatus.DONE)
        if rng.random() < 0.5
        else replace(i, title=i.title + " (renamed)")
        for i in rng.sample(old.items, 1 + seed)
    }
    item_ids = [i.id for i in old.items]
    picked = rng.sample(old.dependencies, 2 + seed)
    gone = frozenset(d.id for d in picked[:2])
    deps = {
        d.id: replace(d, consumer_item_id=rng.choice(item_ids), open=rng.random() < 0.5)
        for d in picked[2:]
    }
    new_id = max(d.id for d in old.dependencies) + 1
    deps[new_id] = replace(picked[0], id=new_id, provider_item_id=rng.choice(item_ids))

    patched = old.with_rows(items, deps, gone)
    rebuilt = _with(
        old,
        items=tuple(items.get(i.id, i) for i in old.items),
        dependencies=tuple(
            sorted(
                [*(deps.get(d.id, d) for d in old.dependencies if d.id not in gone), deps[new_id]],
                key=lambda d: d.id,
            )
        ),
    )

    assert patched == rebuilt
    new, want = patched.index, rebuilt.index
    assert dict(new.items) == dict(want.items)
    assert dict(new.dependencies) == dict(want.dependencies)
    for name in ("items_by_team", "deps_by_consumer", "deps_by_provider_item"):
        assert _groups(getattr(new, name)) == _groups(getattr(want, name)), name
    change = changes(old, rebuilt)
    if change is not None:
        assert reevaluate(old, evaluate(old), patched, change) == evaluate(rebuilt)


@pytest.mark.parametrize("seed", range(4))
def test_an_input_keeping_some_dependencies_equals_one_built_with_only_them(seed):
    """`keeping` (what a map filtered by flags or dates is drawn from) against an input built
    from scratch with the same dependencies: every entry of the index alike."""
    rng = random.Random(seed)
    old = build(SIZE, seed=seed)
    kept = tuple(d for d in old.dependencies if rng.random() < 0.3)
    narrowed = old.keeping(kept)
    rebuilt = _with(old, dependencies=kept)

    assert narrowed == rebuilt
    new, want = narrowed.index, rebuilt.index
    for name in ("teams", "items", "products", "dependencies", "integration_points"):
        assert dict(getattr(new, name)) == dict(getattr(want, name)), name
    assert new.calendars.keys() == want.calendars.keys()
    for name in ("items_by_team", "deps_by_consumer", "deps_by_provider_item"):
        assert dict(getattr(new, name)) == dict(getattr(want, name)), name
    assert evaluate(narrowed) == evaluate(rebuilt)
