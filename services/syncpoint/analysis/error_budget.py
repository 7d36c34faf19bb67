"""SLO compliance, error budget and burn rate over plain observations (no database).

An objective counts good and total "events": with OCCURRENCES budgeting each counted event is
one (good/total counts add up; a measured value is one event, good when it meets the threshold);
with TIMESLICES each observation is one slice, good when its ratio reaches the slice target or
its value meets the threshold. The error budget is the share of bad events the target allows:
remaining = 1 - bad / (total * (1 - target)); 1.0 means untouched, 0 or less means exhausted.
Burn rate = observed bad share / allowed bad share (1.0 spends the budget exactly over a window).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

AT_RISK_BELOW = 0.25  # budget remaining under which an objective is flagged AT_RISK
RECENT = timedelta(hours=24)  # the short window of `recent_burn_rate`


class ComplianceStatus(StrEnum):
    NO_DATA = "NO_DATA"
    OK = "OK"
    AT_RISK = "AT_RISK"
    BREACHED = "BREACHED"


@dataclass(frozen=True, slots=True)
class Observation:
    """One SLI observation: good/total counts, or a measured value (latency ms, minutes...)."""

    at: datetime
    good: int | None = None
    total: int | None = None
    value: float | None = None


@dataclass(frozen=True, slots=True)
class ObjectiveSpec:
    """What an objective promises. `operator` is LT, LTE, GT or GTE (value vs threshold)."""

    target: float
    window_days: int
    rolling: bool = True
    calendar_start: datetime | None = None
    timeslices: bool = False
    timeslice_target: float | None = None
    threshold: float | None = None
    operator: str | None = None


@dataclass(frozen=True, slots=True)
class Compliance:
    window_start: datetime
    window_end: datetime
    good: float
    total: float
    target: float
    sli: float | None
    budget_remaining: float
    burn_rate: float | None
    recent_burn_rate: float | None
    status: ComplianceStatus

    @property
    def breached(self) -> bool:
        """Breached or budget exhausted: the condition that raises SLA_BREACH blockers."""
        return self.status is ComplianceStatus.BREACHED


def window_bounds(spec: ObjectiveSpec, at: datetime) -> tuple[datetime, datetime]:
    """The window that counts at `at`: (at - days, at] when rolling, else the calendar period
    of `window_days` days (counted from `calendar_start`) that contains `at`."""
    period = timedelta(days=spec.window_days)
    if spec.rolling or spec.calendar_start is None:
        return at - period, at
    k = math.floor((at - spec.calendar_start) / period)
    start = spec.calendar_start + k * period
    return start, start + period


def meets(value: float, threshold: float, operator: str) -> bool:
    """Whether a measured value is good against the threshold."""
    return {
        "LT": value < threshold,
        "LTE": value <= threshold,
        "GT": value > threshold,
        "GTE": value >= threshold,
    }[operator]


def events(spec: ObjectiveSpec, obs: Observation) -> tuple[float, float]:
    """(good, total) events one observation contributes; (0, 0) when it carries nothing usable."""
    if obs.value is not None and spec.threshold is not None:
        return (1.0 if meets(obs.value, spec.threshold, spec.operator or "LTE") else 0.0), 1.0
    if obs.good is None or not obs.total:
        return 0.0, 0.0
    good, total = float(min(max(obs.good, 0), obs.total)), float(obs.total)
    if spec.timeslices:
        slice_target = spec.timeslice_target if spec.timeslice_target is not None else spec.target
        return (1.0 if good / total >= slice_target else 0.0), 1.0
    return good, total


def _count(spec: ObjectiveSpec, observations: Iterable[Observation]) -> tuple[float, float]:
    good = total = 0.0
    for obs in observations:
        g, t = events(spec, obs)
        good += g
        total += t
    return good, total


def budget_remaining(good: float, total: float, target: float) -> float:
    """Share of the error budget left (1.0 untouched; <= 0 exhausted). Never above 1."""
    if total <= 0:
        return 1.0
    bad = max(total - good, 0.0)
    if bad == 0:
        return 1.0
    allowed = total * (1.0 - target)
    if allowed <= 0:
        return -math.inf
    return 1.0 - bad / allowed


def burn_rate(good: float, total: float, target: float) -> float | None:
    """Observed bad share over allowed bad share; None without data."""
    if total <= 0:
        return None
    bad_share = max(total - good, 0.0) / total
    if bad_share == 0:
        return 0.0
    allowed = 1.0 - target
    return math.inf if allowed <= 0 else bad_share / allowed


def compliance(
    spec: ObjectiveSpec, observations: Iterable[Observation], at: datetime
) -> Compliance:
    """Compliance of one objective at `at` from the observations (any order, any range)."""
    start, end = window_bounds(spec, at)
    if spec.rolling or spec.calendar_start is None:
        in_window = [o for o in observations if start < o.at <= at]
    else:
        in_window = [o for o in observations if start <= o.at <= at and o.at < end]
    good, total = _count(spec, in_window)
    recent_good, recent_total = _count(spec, (o for o in in_window if o.at > at - RECENT))
    remaining = budget_remaining(good, total, spec.target)
    if total <= 0:
        status = ComplianceStatus.NO_DATA
    elif remaining <= 1e-9:
        status = ComplianceStatus.BREACHED
    elif remaining < AT_RISK_BELOW:
        status = ComplianceStatus.AT_RISK
    else:
        status = ComplianceStatus.OK
    return Compliance(
        window_start=start,
        window_end=end,
        good=good,
        total=total,
        target=spec.target,
        sli=good / total if total > 0 else None,
        budget_remaining=remaining,
        burn_rate=burn_rate(good, total, spec.target),
        recent_burn_rate=burn_rate(recent_good, recent_total, spec.target),
        status=status,
    )
