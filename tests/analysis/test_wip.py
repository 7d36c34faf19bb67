"""Days over a WIP limit: a worked example, and the sweep against counting at every instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from syncpoint.analysis.wip import Stay, over_limit

DAY = date(2027, 3, 1)


def _at(day: int, hour: int) -> datetime:
    return datetime(2027, 3, 1 + day, hour, tzinfo=UTC)


def test_a_hand_over_is_not_an_overlap_and_an_open_stay_runs_on():
    stays = [
        Stay(1, _at(0, 9), _at(2, 12)),
        Stay(2, _at(1, 9), _at(1, 12)),
        Stay(3, _at(1, 12)),  # starts the moment 2 leaves, never ends
        Stay(4, _at(3, 8), _at(3, 9)),
    ]

    found = over_limit(stays, 1, DAY, DAY + timedelta(days=4))

    # day 1: 1 and 2, then 1 and 3; day 2: 1 and 3; day 3: 3 and 4; day 4: 3 alone
    assert found.days == [DAY + timedelta(days=n) for n in (1, 2, 3)]
    assert found.peak == 2
    assert found.item_days == {1: 2, 2: 1, 3: 3, 4: 1}
    assert over_limit(stays, 2, DAY, DAY + timedelta(days=4)).days == []


def _brute_peak(stays: list[Stay], lo: datetime, hi: datetime) -> int:
    """The most stays holding at one instant of [lo, hi): a count only changes at a start."""
    instants = [lo] + [s.start for s in stays if lo <= s.start < hi]

    def holding(t: datetime) -> int:
        return sum(1 for s in stays if s.start <= t and (s.end is None or t < s.end))

    return max(holding(t) for t in instants)


HOURS = st.integers(min_value=0, max_value=24 * 6)


@st.composite
def stays(draw: st.DrawFn) -> list[Stay]:
    found = []
    for item_id in range(draw(st.integers(min_value=0, max_value=8))):
        start = draw(HOURS)
        length = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=72)))
        begin = _at(0, 0) + timedelta(hours=start)
        end = None if length is None else begin + timedelta(hours=length)
        found.append(Stay(item_id, begin, end))
    return found


@given(stays(), st.integers(min_value=1, max_value=4))
def test_a_day_is_over_exactly_when_more_than_the_limit_hold_at_some_instant(found, limit):
    result = over_limit(found, limit, DAY, DAY + timedelta(days=5))
    expected = []
    for n in range(6):
        lo = _at(0, 0) + timedelta(days=n)
        if _brute_peak(found, lo, lo + timedelta(days=1)) > limit:
            expected.append(DAY + timedelta(days=n))
    assert result.days == expected
