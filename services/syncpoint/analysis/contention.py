"""Compute contention: the maximal windows in which reservations of a pool exceed its capacity.

An interval sweep over start/end events, O(n log n + output), never a pairwise comparison.
Reservations are half-open intervals [start, end): one that ends exactly when another starts does
not overlap it, so touching reservations never contend.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Reservation:
    """Units of a pool held by a team for an item over [start, end)."""

    id: int
    team_id: int
    item_id: int
    units: int
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class ContentionWindow:
    """A maximal window [start, end) where reserved units exceed capacity at every moment.

    `peak_units` is the highest load inside it and `excess` = peak_units - capacity. The
    reservations listed are all those active at some moment of the window.
    """

    start: datetime
    end: datetime
    capacity: int
    peak_units: int
    reservation_ids: tuple[int, ...]
    team_ids: tuple[int, ...]
    item_ids: tuple[int, ...]

    @property
    def excess(self) -> int:
        return self.peak_units - self.capacity


# At one instant ends are applied before starts (kind 0 before kind 1): touching never overlaps.
_END, _START = 0, 1


def _clip(
    reservations: Iterable[Reservation], lo: datetime | None, hi: datetime | None
) -> list[Reservation]:
    clipped = []
    for r in reservations:
        start = r.start if lo is None else max(r.start, lo)
        end = r.end if hi is None else min(r.end, hi)
        if start < end and r.units > 0:
            clipped.append(
                Reservation(r.id, r.team_id, r.item_id, r.units, start, end)
                if (start, end) != (r.start, r.end)
                else r
            )
    return clipped


def find_contention(
    reservations: Iterable[Reservation],
    capacity: int,
    *,
    window_from: datetime | None = None,
    window_to: datetime | None = None,
) -> list[ContentionWindow]:
    """Every maximal window (clipped to [window_from, window_to)) where the summed units of the
    active reservations exceed `capacity`, in time order."""
    clipped = _clip(reservations, window_from, window_to)
    events = sorted(
        [(r.start, _START, r) for r in clipped] + [(r.end, _END, r) for r in clipped],
        key=lambda e: (e[0], e[1], e[2].id),
    )
    windows: list[ContentionWindow] = []
    active: dict[int, Reservation] = {}
    load = 0
    opened: datetime | None = None
    involved: dict[int, Reservation] = {}
    peak = 0
    i = 0
    while i < len(events):
        instant = events[i][0]
        started: list[Reservation] = []
        # Apply every event at this instant before looking at the load.
        while i < len(events) and events[i][0] == instant:
            _, kind, r = events[i]
            if kind == _START:
                active[r.id] = r
                load += r.units
                started.append(r)
            else:
                del active[r.id]
                load -= r.units
            i += 1
        if load > capacity:
            if opened is None:
                opened, involved, peak = instant, dict(active), load
            else:
                involved.update((r.id, r) for r in started)
            peak = max(peak, load)
        elif opened is not None:
            windows.append(_window(opened, instant, capacity, peak, involved.values()))
            opened = None
    return windows


def _window(
    start: datetime, end: datetime, capacity: int, peak: int, involved: Iterable[Reservation]
) -> ContentionWindow:
    rows = sorted(involved, key=lambda r: r.id)
    return ContentionWindow(
        start=start,
        end=end,
        capacity=capacity,
        peak_units=peak,
        reservation_ids=tuple(r.id for r in rows),
        team_ids=tuple(sorted({r.team_id for r in rows})),
        item_ids=tuple(sorted({r.item_id for r in rows})),
    )


def load_at(reservations: Sequence[Reservation], instant: datetime) -> int:
    """Units reserved at one instant (for explanations and checks)."""
    return sum(r.units for r in reservations if r.start <= instant < r.end)
