"""Cadences and sprints: generating a team's sprints and finding its boundaries.

Sprint k of a cadence covers ``[anchor + k*length, anchor + (k+1)*length - 1]`` (both ends
inclusive). A team may change cadence: each cadence is in force from its ``effective_from``
until the day before the next one's. Explicit sprints (holidays, one-off changes) win: a
generated sprint that overlaps any explicit sprint is dropped.

All work is done on date ordinals and costs O(sprints in the requested range); nothing ever
walks from an anchor day by day.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

MIN_ORDINAL = date.min.toordinal()
MAX_ORDINAL = date.max.toordinal()


@dataclass(frozen=True, slots=True)
class Cadence:
    """A sprint length and an anchor date, in force from ``effective_from`` (None: forever)."""

    length_days: int
    anchor: date
    effective_from: date | None = None

    def __post_init__(self) -> None:
        if self.length_days < 1:
            raise ValueError(f"a sprint lasts at least one day, got {self.length_days}")


@dataclass(frozen=True, slots=True)
class SprintSpan:
    """One sprint, ``end`` inclusive; ``ref`` is the DB id of an explicit sprint."""

    start: date
    end: date
    explicit: bool = False
    ref: int | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"sprint ends ({self.end}) before it starts ({self.start})")

    @property
    def length_days(self) -> int:
        """Number of calendar days in the sprint, both ends included."""
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class ServiceLevelExpectation:
    """A Kanban promise: ``percentile`` % of items finish within ``days`` days."""

    percentile: int
    days: int


def _span_key(span: SprintSpan) -> tuple[date, date]:
    return (span.start, span.end)


def overlaps(a: SprintSpan, b: SprintSpan) -> bool:
    """True when the two spans share at least one day."""
    return a.start <= b.end and b.start <= a.end


def find_overlap(spans: Sequence[SprintSpan]) -> tuple[SprintSpan, SprintSpan] | None:
    """Return one pair of overlapping spans (earlier first), or None; O(n log n)."""
    ordered = sorted(spans, key=_span_key)
    reaching: SprintSpan | None = None  # the span seen so far that ends last
    for span in ordered:
        if reaching is not None and span.start <= reaching.end:
            return (reaching, span)
        if reaching is None or span.end > reaching.end:
            reaching = span
    return None


def sprint_on(sprints: Sequence[SprintSpan], day: date) -> SprintSpan | None:
    """The sprint of a sorted, non-overlapping sequence that contains ``day``, or None."""
    i = bisect.bisect_right(sprints, day, key=lambda s: s.start)
    if i == 0:
        return None
    candidate = sprints[i - 1]
    return candidate if candidate.end >= day else None


def _effective_ordinal(cadence: Cadence) -> int:
    return cadence.effective_from.toordinal() if cadence.effective_from else MIN_ORDINAL


class TeamCalendar:
    """A team's cadences and explicit sprints, prepared once for fast range and boundary queries."""

    __slots__ = ("_segments", "_explicit", "_explicit_starts", "_max_end_before", "_memo")

    def __init__(self, cadences: Sequence[Cadence], explicit: Sequence[SprintSpan]) -> None:
        self._segments = _segments(cadences)
        self._explicit = sorted(
            (s if s.explicit else replace(s, explicit=True) for s in explicit), key=_span_key
        )
        self._explicit_starts = [s.start.toordinal() for s in self._explicit]
        # Prefix maximum of ends, so "does [s, e] touch an explicit sprint" is one bisect even if
        # explicit sprints were (wrongly) entered overlapping each other.
        self._max_end_before: list[int] = []
        running = MIN_ORDINAL - 1
        for span in self._explicit:
            running = max(running, span.end.toordinal())
            self._max_end_before.append(running)
        self._memo: dict[date, date | None] = {}

    @property
    def has_sprints(self) -> bool:
        """True when the team has any cadence or explicit sprint at all."""
        return bool(self._segments or self._explicit)

    def cadence_on(self, day: date) -> Cadence | None:
        """The cadence in force on ``day``, else the first one to take effect after it."""
        if not self._segments:
            return None
        current = self._segments[0][0]
        for cadence, lo, _hi in self._segments:
            if lo > day.toordinal():
                break
            current = cadence
        return current

    def sprints(self, start: date, end: date) -> list[SprintSpan]:
        """All sprints intersecting ``[start, end]``, sorted by start."""
        return self._sprints(start.toordinal(), end.toordinal())

    def next_start_on_or_after(self, day: date) -> date | None:
        """The first sprint start on or after ``day`` (memoised: used once per dependency)."""
        if day not in self._memo:
            self._memo[day] = self._search_forward(day.toordinal(), starts_only=True)
        return self._memo[day]

    def boundary_after(self, day: date) -> date | None:
        """The earliest sprint boundary (a start, or the day after an end) after ``day``."""
        return self._search_forward(day.toordinal() + 1, starts_only=False)

    def boundary_on_or_before(self, day: date) -> date | None:
        """The latest sprint boundary (a start, or the day after an end) on or before ``day``."""
        target = day.toordinal()
        floor = self._earliest_ordinal()
        window = self._window()
        while True:
            lo = max(target - window, MIN_ORDINAL)
            found = [
                b
                for s in self._sprints(lo, target)
                for b in (s.start.toordinal(), s.end.toordinal() + 1)
                if b <= target
            ]
            if found:
                return date.fromordinal(max(found))
            if lo <= floor or lo == MIN_ORDINAL:
                return None
            window *= 2

    def _search_forward(self, target: int, *, starts_only: bool) -> date | None:
        if target > MAX_ORDINAL:
            return None
        window = self._window()
        last_explicit_end = self._max_end_before[-1] if self._explicit else MIN_ORDINAL
        while True:
            hi = min(target + window, MAX_ORDINAL)
            found: list[int] = []
            # A sprint ending the day before ``target`` has its end boundary on ``target``.
            lo = target if starts_only else max(target - 1, MIN_ORDINAL)
            for span in self._sprints(lo, hi):
                if span.start.toordinal() >= target:
                    found.append(span.start.toordinal())
                if not starts_only and target <= span.end.toordinal() + 1 <= MAX_ORDINAL:
                    found.append(span.end.toordinal() + 1)
            if found:
                return date.fromordinal(min(found))
            if hi == MAX_ORDINAL or (not self._segments and hi >= last_explicit_end):
                return None
            window *= 2

    def _window(self) -> int:
        longest = max((c.length_days for c, _lo, _hi in self._segments), default=14)
        return 2 * longest + 1

    def _earliest_ordinal(self) -> int:
        candidates = [lo for _c, lo, _hi in self._segments[:1]]
        candidates += self._explicit_starts[:1]
        return min(candidates, default=MAX_ORDINAL)

    def _sprints(self, lo: int, hi: int) -> list[SprintSpan]:
        if lo > hi:
            return []
        result = [s for s in self._generated(lo, hi) if not self._hits_explicit(s)]
        first = bisect.bisect_right(self._max_end_before, lo - 1)
        last = bisect.bisect_right(self._explicit_starts, hi)
        result.extend(s for s in self._explicit[first:last] if s.end.toordinal() >= lo)
        result.sort(key=_span_key)
        return result

    def _generated(self, lo: int, hi: int) -> Iterator[SprintSpan]:
        for cadence, seg_lo, seg_hi in self._segments:
            yield from _segment_sprints(cadence, seg_lo, seg_hi, lo, hi)

    def _hits_explicit(self, span: SprintSpan) -> bool:
        i = bisect.bisect_right(self._explicit_starts, span.end.toordinal())
        return i > 0 and self._max_end_before[i - 1] >= span.start.toordinal()


def _segments(cadences: Sequence[Cadence]) -> list[tuple[Cadence, int, int]]:
    """Each cadence with the ordinal range it is in force; on equal dates the last wins."""
    ordered: list[Cadence] = []
    for cadence in sorted(cadences, key=_effective_ordinal):
        if ordered and _effective_ordinal(ordered[-1]) == _effective_ordinal(cadence):
            ordered[-1] = cadence
        else:
            ordered.append(cadence)
    segments = []
    for i, cadence in enumerate(ordered):
        hi = _effective_ordinal(ordered[i + 1]) - 1 if i + 1 < len(ordered) else MAX_ORDINAL
        segments.append((cadence, _effective_ordinal(cadence), hi))
    return segments


def _segment_sprints(
    cadence: Cadence, seg_lo: int, seg_hi: int, lo: int, hi: int
) -> Iterator[SprintSpan]:
    """Sprints of one cadence inside its segment that intersect ``[lo, hi]``, clipped to it."""
    lo, hi = max(lo, seg_lo), min(hi, seg_hi)
    if lo > hi:
        return
    length = cadence.length_days
    anchor = cadence.anchor.toordinal()
    start = anchor + ((lo - anchor) // length) * length
    while start <= hi:
        # Clipping to the segment yields the partial first sprint after a change of cadence and
        # truncates the old cadence's last sprint the day before the new one takes effect.
        yield SprintSpan(
            date.fromordinal(max(start, seg_lo)), date.fromordinal(min(start + length - 1, seg_hi))
        )
        start += length


def generate_sprints(
    cadences: Sequence[Cadence], explicit: Sequence[SprintSpan], start: date, end: date
) -> list[SprintSpan]:
    """All sprints (generated and explicit) intersecting ``[start, end]`` inclusive, sorted."""
    return TeamCalendar(cadences, explicit).sprints(start, end)


def next_sprint_start_on_or_after(
    cadences: Sequence[Cadence], explicit: Sequence[SprintSpan], day: date
) -> date | None:
    """The first sprint start on or after ``day``, or None when the team has no such sprint."""
    return TeamCalendar(cadences, explicit).next_start_on_or_after(day)
