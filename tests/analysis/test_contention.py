"""Compute contention by interval sweep: worked examples and a brute-force property."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from syncpoint.analysis.contention import Reservation, find_contention, load_at

T0 = datetime(2027, 3, 1, tzinfo=UTC)


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def res(ident: int, units: int, start: int, end: int, team: int = 1) -> Reservation:
    return Reservation(ident, team, 100 + ident, units, at(start), at(end))


def test_overlapping_reservations_contend_with_window_teams_and_excess():
    windows = find_contention([res(1, 10, 0, 10, team=1), res(2, 8, 5, 15, team=2)], capacity=16)

    assert len(windows) == 1
    window = windows[0]
    assert (window.start, window.end) == (at(5), at(10))
    assert window.peak_units == 18
    assert window.excess == 2
    assert window.team_ids == (1, 2)
    assert window.item_ids == (101, 102)


def test_touching_reservations_do_not_contend():
    assert find_contention([res(1, 10, 0, 10), res(2, 10, 10, 20)], capacity=16) == []


def test_window_is_maximal_across_changing_load_and_lists_late_joiners():
    reservations = [res(1, 10, 0, 10), res(2, 10, 5, 8), res(3, 10, 7, 12), res(4, 1, 11, 13)]

    windows = find_contention(reservations, capacity=16)

    assert [(w.start, w.end) for w in windows] == [(at(5), at(10))]
    assert windows[0].peak_units == 30
    assert windows[0].reservation_ids == (1, 2, 3)


def test_handover_at_one_instant_keeps_one_window_without_the_leaver_rejoining():
    # 1 ends and 3 starts at hour 10: the load stays above capacity, the window continues.
    reservations = [res(1, 10, 0, 10), res(2, 10, 5, 20), res(3, 10, 10, 15)]

    windows = find_contention(reservations, capacity=16)

    assert [(w.start, w.end, w.reservation_ids) for w in windows] == [(at(5), at(15), (1, 2, 3))]


def test_starter_at_the_closing_instant_is_not_involved():
    windows = find_contention([res(1, 10, 0, 10), res(2, 10, 5, 10), res(3, 1, 10, 12)], 16)

    assert [w.reservation_ids for w in windows] == [(1, 2)]


def test_query_range_clips_windows():
    windows = find_contention(
        [res(1, 10, 0, 10), res(2, 10, 0, 10)], 16, window_from=at(2), window_to=at(4)
    )

    assert [(w.start, w.end) for w in windows] == [(at(2), at(4))]


def _brute_force(reservations: list[Reservation], capacity: int, horizon: int) -> list[tuple]:
    """Maximal runs of whole hours whose load exceeds capacity, with the reservations seen."""
    runs: list[tuple] = []
    current: list | None = None
    for hour in range(horizon + 1):
        load = load_at(reservations, at(hour))
        if load > capacity:
            active = {r.id for r in reservations if r.start <= at(hour) < r.end}
            if current is None:
                current = [hour, hour + 1, load, active]
            else:
                current[1], current[2] = hour + 1, max(current[2], load)
                current[3] |= active
        elif current is not None:
            runs.append((at(current[0]), at(current[1]), current[2], tuple(sorted(current[3]))))
            current = None
    if current is not None:
        runs.append((at(current[0]), at(current[1]), current[2], tuple(sorted(current[3]))))
    return runs


reservation_lists = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=8),
        st.integers(min_value=0, max_value=30),
        st.integers(min_value=1, max_value=10),
    ),
    max_size=12,
).map(lambda rows: [res(i, u, s, s + d) for i, (u, s, d) in enumerate(rows, start=1)])


@settings(max_examples=300)
@given(reservation_lists, st.integers(min_value=0, max_value=16))
def test_sweep_equals_brute_force(reservations: list[Reservation], capacity: int) -> None:
    windows = find_contention(reservations, capacity)

    expected = _brute_force(reservations, capacity, horizon=45)
    assert [(w.start, w.end, w.peak_units, w.reservation_ids) for w in windows] == expected


@given(reservation_lists, st.integers(min_value=0, max_value=16))
def test_windows_are_ordered_disjoint_and_over_capacity(
    reservations: list[Reservation], capacity: int
) -> None:
    windows = find_contention(reservations, capacity)

    for window in windows:
        assert window.start < window.end
        assert window.excess > 0
        assert load_at(reservations, window.start) > capacity
    for before, after in zip(windows, windows[1:], strict=False):
        assert before.end < after.start
        assert load_at(reservations, before.end) <= capacity
