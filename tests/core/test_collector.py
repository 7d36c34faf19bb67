"""The server process's garbage collector settings (core/collector.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from syncpoint.core import collector
from syncpoint.core.collector import MemoryGuard, resident_mib, tune_collector
from syncpoint.core.settings import Settings


@pytest.fixture
def restored_collector() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_a_threshold_is_applied_to_young_collections_and_the_start_up_heap_frozen(
    restored_collector: None,
) -> None:
    gc.unfreeze()
    _, older, oldest = gc.get_threshold()
    tune_collector(50_000)
    assert gc.get_threshold() == (50_000, older, oldest)
    assert gc.get_freeze_count() > 0


def test_zero_leaves_the_interpreter_alone(restored_collector: None) -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    tune_collector(0)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_production_defaults_to_a_high_threshold_and_development_to_pythons() -> None:
    assert Settings(environment="production").collector_threshold == 50_000
    assert Settings(environment="development").collector_threshold == 0
    assert Settings(environment="production", gc_young_threshold=0).collector_threshold == 0
    assert Settings(gc_young_threshold=9000).collector_threshold == 9000


class _Collections:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args: object) -> int:
        self.count += 1
        return 0


def test_the_memory_guard_collects_only_over_its_limit_and_not_after_every_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a process at 500 MiB and a guard at 768 MiB
    collections, memory = _Collections(), [500.0]
    monkeypatch.setattr(collector.gc, "collect", collections)
    monkeypatch.setattr(collector, "resident_mib", lambda: memory[0])
    guard = MemoryGuard(768, check_every_s=0, collect_every_s=3600)
    # when requests finish under the limit, nothing is collected
    guard.after_request()
    assert collections.count == 0
    # when one finishes over it, a full collection runs
    memory[0] = 900.0
    guard.after_request()
    assert collections.count == 1
    assert guard.collections == 1
    # and while the process stays over it (live data, not garbage), not again within the interval
    guard.after_request()
    guard.after_request()
    assert collections.count == 1


def test_the_memory_guard_is_off_at_zero_and_by_default_outside_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    collections = _Collections()
    monkeypatch.setattr(collector.gc, "collect", collections)
    monkeypatch.setattr(collector, "resident_mib", lambda: 10_000.0)
    MemoryGuard(0, check_every_s=0, collect_every_s=0).after_request()
    assert collections.count == 0
    assert Settings(environment="production").collect_above_mib == 768
    assert Settings(environment="development").collect_above_mib == 0
    assert Settings(environment="production", gc_collect_above_mib=0).collect_above_mib == 0


def test_resident_memory_is_read_where_the_system_tells_it() -> None:
    found = resident_mib()
    assert found is None or 1 < found < 100_000
