"""Incremental re-evaluation: the flags of a changed organisation from the flags of the previous
one, re-evaluating only what the change can affect.

What a flag depends on:
- a dependency's flags (rules 1-4): its two items (or its provider product), their sprints and
  their teams' cadences;
- an integration point's flags: its items, and through their readiness the flags of their
  dependencies;
- an item's OVERRUN: the item; an interaction's OVERRUN: the interaction;
- CYCLE flags: the graph of open dependencies (recomputed only when a dependency or an item's
  status changed).

`changes` finds what differs between two inputs of the same day (value comparison of the
engine's frozen rows); `reevaluate` patches the old flags. Anything it cannot scope (another
day, a changed product or integration point set) makes `changes` answer None: evaluate fully.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from syncpoint.analysis.dependency_rules import dependency_flags
from syncpoint.analysis.flag_types import FlagCode, flag_sort_key, sort_flags
from syncpoint.analysis.flags import Flag, SubjectKind, _interaction_overrun, _item_overrun
from syncpoint.analysis.flags import cycle_flags as all_cycle_flags
from syncpoint.analysis.integration import integration_flags
from syncpoint.analysis.model import AnalysisInput

# Above this share of changed items a full evaluation is as cheap and simpler.
MAX_CHANGED_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class Changes:
    """What differs between two inputs of one day."""

    item_ids: frozenset[int]
    dependency_ids: frozenset[int]
    interactions: bool
    graph: bool  # the open-dependency graph may differ (cycles to recompute)

    @property
    def empty(self) -> bool:
        return not (self.item_ids or self.dependency_ids or self.interactions or self.graph)


def _diff(old: Sequence[Any], new: Sequence[Any]) -> set[int]:
    if len(old) == len(new):
        # Snapshots list rows in id order: compare pairwise, no index.
        pairs = list(zip(old, new, strict=True))
        if all(a.id == b.id for a, b in pairs):
            return {b.id for a, b in pairs if a != b}
    before = {row.id: row for row in old}
    after = {row.id: row for row in new}
    return {i for i in before.keys() | after.keys() if before.get(i) != after.get(i)}


def changes(old: AnalysisInput, new: AnalysisInput) -> Changes | None:
    """What changed from ``old`` to ``new``, or None when only a full evaluation will do."""
    if old.today != new.today:
        return None
    if old.products != new.products or old.integration_points != new.integration_points:
        return None
    if old.teams != new.teams:
        return None  # a cadence, name or framework change reaches every item of the team
    items = _diff(old.items, new.items)
    if _too_many(items, new):
        return None
    deps = _diff(old.dependencies, new.dependencies)
    return known_changes(old, new, items, deps, interactions=old.interactions != new.interactions)


def _too_many(items: Collection[int], new: AnalysisInput) -> bool:
    return len(items) > MAX_CHANGED_SHARE * max(len(new.items), 1) + 1


def known_changes(
    old: AnalysisInput,
    new: AnalysisInput,
    item_ids: Collection[int],
    dependency_ids: Collection[int],
    *,
    interactions: bool,
) -> Changes | None:
    """The change from ``old`` to ``new`` when the caller knows which items and dependencies
    may differ (a change log) and that teams, products and integration points did not: only
    those rows are compared, nothing is diffed. None when a full evaluation will do."""
    old_items, new_items = old.index.items, new.index.items
    items = {i for i in item_ids if old_items.get(i) != new_items.get(i)}
    if _too_many(items, new):
        return None
    old_deps, new_deps = old.index.dependencies, new.index.dependencies
    deps = {i for i in dependency_ids if old_deps.get(i) != new_deps.get(i)}
    # Cycles read the open-dependency graph and name its items: a sprint move keeps them.
    graph_moved = any(
        (old_items.get(i) is None)
        or (new_items.get(i) is None)
        or old_items[i].status != new_items[i].status
        or old_items[i].team_id != new_items[i].team_id
        or old_items[i].title != new_items[i].title
        for i in items
    )
    return Changes(
        item_ids=frozenset(items),
        dependency_ids=frozenset(deps),
        interactions=interactions,
        graph=bool(deps) or graph_moved,
    )


def _touching(inp: AnalysisInput, item_ids: frozenset[int]) -> set[int]:
    """Dependencies with an end among the items."""
    index = inp.index
    found: set[int] = set()
    for item_id in item_ids:
        found.update(d.id for d in index.deps_by_consumer.get(item_id, ()))
        found.update(d.id for d in index.deps_by_provider_item.get(item_id, ()))
    return found


def reevaluated_dependencies(
    old_inp: AnalysisInput, new_inp: AnalysisInput, change: Changes
) -> frozenset[int]:
    """The dependencies whose flags `reevaluate` works out again: the changed ones and those
    with an end among the changed items (in either input). Every other dependency keeps its
    flags, the same objects in the same order."""
    if change.empty:
        return frozenset()
    touching = _touching(old_inp, change.item_ids) | _touching(new_inp, change.item_ids)
    return frozenset(change.dependency_ids | touching)


def reevaluate(
    old_inp: AnalysisInput,
    old_flags: list[Flag],
    new_inp: AnalysisInput,
    change: Changes,
    items: nx.DiGraph | None = None,
) -> list[Flag]:
    """The flags of ``new_inp``, equal to ``evaluate(new_inp)``, from those of ``old_inp``
    (`items`: the item graph of `new_inp`, when the caller already built it)."""
    if change.empty:
        return list(old_flags)
    deps = reevaluated_dependencies(old_inp, new_inp, change)
    # Items whose readiness may have moved: the changed ones and both ends of touched deps.
    moved = set(change.item_ids)
    for inp in (old_inp, new_inp):
        for dep_id in deps:
            dep = inp.index.dependencies.get(dep_id)
            if dep is not None:
                moved.add(dep.consumer_item_id)
                if dep.provider_item_id is not None:
                    moved.add(dep.provider_item_id)
    points = {ip.id for ip in new_inp.integration_points if moved.intersection(ip.item_ids)}

    def stale(flag: Flag) -> bool:
        kind, subject = flag.subject_kind, flag.subject_id
        if flag.code is FlagCode.CYCLE:
            return change.graph
        if kind is SubjectKind.DEPENDENCY:
            return subject in deps
        if kind is SubjectKind.INTEGRATION_POINT:
            return subject in points
        if kind is SubjectKind.ITEM:
            return subject in change.item_ids
        if kind is SubjectKind.INTERACTION:
            return change.interactions
        return True  # pragma: no cover - every kind is listed above

    kept = [f for f in old_flags if not stale(f)]  # still sorted
    flags: list[Flag] = []
    index = new_inp.index
    for dep_id in sorted(deps):
        dep = index.dependencies.get(dep_id)
        if dep is not None:
            flags.extend(dependency_flags(new_inp, dep))
    for ip in new_inp.integration_points:
        if ip.id in points:
            flags.extend(integration_flags(new_inp, ip))
    for item_id in sorted(change.item_ids):
        item = index.items.get(item_id)
        if item is not None and (flag := _item_overrun(new_inp, item)) is not None:
            flags.append(flag)
    if change.interactions:
        flags.extend(
            f for i in new_inp.interactions if (f := _interaction_overrun(new_inp, i)) is not None
        )
    if change.graph:
        flags.extend(all_cycle_flags(new_inp, items))
    if len(flags) > len(kept) // 8:
        return sort_flags([*kept, *flags])
    for flag in sort_flags(flags):  # few: insert each in order instead of sorting them all
        bisect.insort_right(kept, flag, key=flag_sort_key)
    return kept
