"""Days a WIP limit was exceeded: how many items were in one status at once, day by day.

An item's stay in the status is a half-open interval [start, end) (end None: still there). A day
is over the limit when, at some moment of it, more items than the limit were in the status; an
item leaving at the very moment another enters does not make them overlap. Days are UTC calendar
days, as the retrospective's other figures. O(days x stays): a team's window, not an organisation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta


@dataclass(frozen=True, slots=True)
class Stay:
    """An item in the status from `start` until `end` (None: until now)."""

    item_id: int
    start: datetime
    end: datetime | None = None


@dataclass(slots=True)
class OverLimit:
    """The days over the limit, the peak count, and each item's days in the status on them."""

    days: list[date] = field(default_factory=list)
    peak: int = 0
    item_days: dict[int, int] = field(default_factory=dict)


def _at(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def _peak(stays: Sequence[Stay], lo: datetime, hi: datetime) -> int:
    """The most stays overlapping at one moment of [lo, hi) (each already overlaps it)."""
    events: list[tuple[datetime, int]] = []
    for stay in stays:
        events.append((max(stay.start, lo), 1))
        if stay.end is not None and stay.end < hi:
            events.append((stay.end, -1))
    # Leaving before entering at one instant: a hand-over is not an overlap.
    events.sort(key=lambda e: (e[0], e[1]))
    count = peak = 0
    for _, delta in events:
        count += delta
        peak = max(peak, count)
    return peak


def over_limit(stays: Sequence[Stay], limit: int, start: date, end: date) -> OverLimit:
    """The days of [start, end] (inclusive) on which more than `limit` stays overlapped."""
    found = OverLimit()
    item_days: dict[int, int] = defaultdict(int)
    day = start
    while day <= end:
        lo, hi = _at(day), _at(day + timedelta(days=1))
        present = [s for s in stays if s.start < hi and (s.end is None or s.end > lo)]
        peak = _peak(present, lo, hi) if present else 0
        found.peak = max(found.peak, peak)
        if peak > limit:
            found.days.append(day)
            for item_id in {s.item_id for s in present}:
                item_days[item_id] += 1
        day += timedelta(days=1)
    found.item_days = dict(item_days)
    return found
