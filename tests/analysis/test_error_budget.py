"""Compliance, error budget and burn rate: worked examples and properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syncpoint.analysis.error_budget import (
    ComplianceStatus,
    ObjectiveSpec,
    Observation,
    budget_remaining,
    compliance,
    window_bounds,
)

NOW = datetime(2027, 3, 10, 12, tzinfo=UTC)
AVAILABILITY = ObjectiveSpec(target=0.99, window_days=7)
FRESHNESS = ObjectiveSpec(target=0.95, window_days=7, timeslices=True, threshold=30, operator="LTE")


def hours_ago(n: float) -> datetime:
    return NOW - timedelta(hours=n)


def test_ratio_objective_sums_good_and_total_inside_the_rolling_window():
    observations = [
        Observation(hours_ago(1), good=995, total=1000),
        Observation(hours_ago(30), good=1000, total=1000),
        Observation(hours_ago(24 * 8), good=0, total=1000),  # outside the 7-day window
    ]

    result = compliance(AVAILABILITY, observations, NOW)

    assert result.sli == pytest.approx(1995 / 2000)
    assert result.budget_remaining == pytest.approx(1 - 5 / 20)
    assert result.burn_rate == pytest.approx(0.25)
    assert result.recent_burn_rate == pytest.approx(0.5)
    assert result.status is ComplianceStatus.OK


def test_threshold_timeslices_breach_when_bad_slices_exceed_the_budget():
    observations = [Observation(hours_ago(h), value=12.0) for h in range(1, 95)]
    observations += [Observation(hours_ago(h), value=180.0) for h in range(95, 101)]

    result = compliance(FRESHNESS, observations, NOW)

    assert result.total == 100
    assert result.good == 94
    assert result.sli == pytest.approx(0.94)
    assert result.budget_remaining == pytest.approx(1 - 6 / 5)
    assert result.status is ComplianceStatus.BREACHED
    assert result.breached


def test_exhausting_the_budget_exactly_is_a_breach_and_no_data_is_not():
    spent = [Observation(hours_ago(1), good=990, total=1000)]
    assert compliance(AVAILABILITY, spent, NOW).status is ComplianceStatus.BREACHED
    assert compliance(AVAILABILITY, [], NOW).status is ComplianceStatus.NO_DATA
    assert compliance(AVAILABILITY, [], NOW).budget_remaining == 1.0


def test_calendar_window_is_the_period_containing_the_instant():
    spec = ObjectiveSpec(
        target=0.9, window_days=7, rolling=False, calendar_start=datetime(2027, 3, 1, tzinfo=UTC)
    )

    start, end = window_bounds(spec, NOW)

    assert (start, end) == (datetime(2027, 3, 8, tzinfo=UTC), datetime(2027, 3, 15, tzinfo=UTC))
    before_period = Observation(datetime(2027, 3, 7, 23, tzinfo=UTC), good=0, total=10)
    assert compliance(spec, [before_period], NOW).status is ComplianceStatus.NO_DATA


def test_timeslice_of_ratios_uses_the_slice_target():
    spec = ObjectiveSpec(target=0.5, window_days=1, timeslices=True, timeslice_target=0.99)
    observations = [
        Observation(hours_ago(1), good=99, total=100),
        Observation(hours_ago(2), good=98, total=100),
    ]

    assert compliance(spec, observations, NOW).sli == pytest.approx(0.5)


counts = st.tuples(st.integers(min_value=0, max_value=10_000), st.integers(0, 10_000)).map(
    lambda gb: (gb[0], gb[0] + gb[1])
)
targets = st.floats(min_value=0.5, max_value=0.9999)


@given(counts, targets)
def test_budget_remaining_never_above_one(good_total: tuple[int, int], target: float) -> None:
    good, total = good_total
    assert budget_remaining(good, total, target) <= 1.0


@given(counts, targets, st.integers(min_value=1, max_value=100))
def test_more_bad_events_never_leave_more_budget(
    good_total: tuple[int, int], target: float, extra_bad: int
) -> None:
    good, total = good_total
    # Equal up to float rounding when every event is bad either way.
    more_bad = budget_remaining(good, total + extra_bad, target)
    assert more_bad <= budget_remaining(good, total, target) + 1e-9


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 50)), max_size=30), targets)
def test_breached_exactly_when_the_sli_does_not_beat_the_target(
    rows: list[tuple[int, int]], target: float
) -> None:
    observations = [
        Observation(hours_ago(i + 1), good=good, total=good + bad)
        for i, (good, bad) in enumerate(rows)
    ]

    result = compliance(ObjectiveSpec(target=target, window_days=7), observations, NOW)

    assert result.budget_remaining <= 1.0
    if result.sli is None:
        assert result.status is ComplianceStatus.NO_DATA
    else:
        assert 0.0 <= result.sli <= 1.0
        if result.sli < target - 1e-9:
            assert result.breached
        if result.sli > target + 1e-6:
            assert not result.breached
