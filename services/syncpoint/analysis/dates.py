"""The date conventions of the domain guide, one function each.

A sprint runs from its start to its end, both inclusive. Something *needed by* a day is needed at
the start of that day; something *available from* a day can be used from the start of that day.
"""

from __future__ import annotations

from datetime import date, timedelta

from syncpoint.analysis.calendar import SprintSpan


def needed_by(explicit: date | None, consumer_sprint: SprintSpan | None) -> date | None:
    """The explicit needed-by date, else the start of the consumer item's sprint, else None."""
    if explicit is not None:
        return explicit
    return consumer_sprint.start if consumer_sprint is not None else None


def available_from_scrum(provider_sprint: SprintSpan) -> date:
    """A Scrum increment is available the day after its sprint ends."""
    return provider_sprint.end + timedelta(days=1)


def available_from_kanban(today: date, item_start: date | None, sle_days: int) -> date:
    """The later of today and the item's start, plus the team's service-level expectation."""
    begin = today if item_start is None else max(today, item_start)
    return begin + timedelta(days=sle_days)


def available_from_product_request(today: date, turnaround_days: int) -> date:
    """A request to a product with no provider item yet: today plus the request turnaround SLA."""
    return today + timedelta(days=turnaround_days)


def late_by_days(available_from: date, needed_by: date) -> int:
    """Days between needed-by and available-from when positive, else 0."""
    return max(0, (available_from - needed_by).days)


def late_by_days_or_none(available_from: date | None, needed_by: date | None) -> int | None:
    """Like ``late_by_days`` but None when either date is unknown."""
    if available_from is None or needed_by is None:
        return None
    return late_by_days(available_from, needed_by)


def handoff_lag(available_from: date, next_consumer_sprint_start: date | None) -> int | None:
    """Days from available-from to the consumer's next sprint start on or after it (None: none)."""
    if next_consumer_sprint_start is None:
        return None
    lag = (next_consumer_sprint_start - available_from).days
    if lag < 0:
        raise ValueError(
            f"next consumer sprint start {next_consumer_sprint_start} is before {available_from}"
        )
    return lag
