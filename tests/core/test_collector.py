"""The server process's garbage collector settings (core/collector.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from syncpoint.core.collector import tune_collector
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
