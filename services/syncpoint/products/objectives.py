"""Objective drafts (what a publisher sends or an OpenSLO file holds), their validation, and the
comparison of two SLA versions. No database access here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from syncpoint.analysis.error_budget import ObjectiveSpec
from syncpoint.core.errors import DomainError, ErrorCode, Problems
from syncpoint.products.models import (
    BudgetingMethod,
    IndicatorKind,
    SlaVersion,
    SloObjective,
    ThresholdOperator,
    WindowType,
)

KEY_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
MAX_WINDOW_DAYS = 366
# Indicators measured as a value against a threshold (the others are good/total ratios).
THRESHOLD_INDICATORS = {IndicatorKind.LATENCY, IndicatorKind.FRESHNESS, IndicatorKind.THROUGHPUT}
DEFAULT_OPERATOR = {
    IndicatorKind.LATENCY: ThresholdOperator.LTE,
    IndicatorKind.FRESHNESS: ThresholdOperator.LTE,
    IndicatorKind.THROUGHPUT: ThresholdOperator.GTE,
}
DEFAULT_UNIT = {IndicatorKind.LATENCY: "ms", IndicatorKind.FRESHNESS: "min"}


@dataclass(frozen=True, slots=True)
class ObjectiveDraft:
    """One runtime objective as it will be published (field names = SloObjective columns)."""

    objective_key: str
    name: str
    indicator: IndicatorKind
    target: float
    window_days: int
    window_type: WindowType = WindowType.ROLLING
    budgeting_method: BudgetingMethod = BudgetingMethod.OCCURRENCES
    description: str = ""
    threshold: float | None = None
    operator: ThresholdOperator | None = None
    unit: str | None = None
    percentile: float | None = None
    calendar_start: datetime | None = None
    calendar_time_zone: str | None = None
    timeslice_target: float | None = None
    timeslice_minutes: int | None = None

    @classmethod
    def of(cls, row: SloObjective) -> ObjectiveDraft:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    def comparable(self) -> dict[str, Any]:
        """Field values as compared between versions (timestamps in UTC)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.calendar_start is not None:
            values["calendar_start"] = self.calendar_start.astimezone(UTC)
        return values


@dataclass(frozen=True, slots=True)
class Turnaround:
    """The request-turnaround promise: triage within N days, delivery within N days or sprints."""

    triage_days: int | None = None
    delivery_days: int | None = None
    delivery_sprints: int | None = None

    @classmethod
    def of(cls, row: SlaVersion) -> Turnaround:
        return cls(row.triage_days, row.delivery_days, row.delivery_sprints)


def _fail(message: str, field: str) -> DomainError:
    return DomainError(message, field=field, code=ErrorCode.INVALID)


def _fraction(value: float | None, field: str, what: str) -> None:
    if value is not None and not 0.0 < value < 1.0:
        raise _fail(f"{what} must be between 0 and 1, exclusive (e.g. 0.999); got {value}.", field)


def validate_objective(draft: ObjectiveDraft, field: str) -> ObjectiveDraft:
    """Check one draft and fill defaults (operator, unit, calendar start); `field` prefixes
    error fields, e.g. "objectives[2]". Every problem of the draft is reported at once."""
    problems = Problems()
    if not KEY_RE.match(draft.objective_key):
        problems.add(
            f"{field}.key",
            f"Key {draft.objective_key!r} must be 1-100 lower-case letters, digits or inner "
            "hyphens; it identifies the objective across versions.",
        )
    if not draft.name.strip():
        problems.add(f"{field}.name", "An objective needs a name.", ErrorCode.REQUIRED)
    with problems.catch():
        _fraction(draft.target, f"{field}.target", "Target")
    if not 1 <= draft.window_days <= MAX_WINDOW_DAYS:
        problems.add(f"{field}.windowDays", f"The window must be 1 to {MAX_WINDOW_DAYS} days.")
    with problems.catch():
        draft = _check_threshold(draft, field)
    with problems.catch():
        draft = _check_calendar(draft, field)
    with problems.catch():
        draft = _check_timeslices(draft, field)
    problems.raise_if_any()
    return draft


def _check_threshold(draft: ObjectiveDraft, field: str) -> ObjectiveDraft:
    if draft.indicator not in THRESHOLD_INDICATORS:
        if draft.threshold is not None or draft.percentile is not None:
            raise _fail(
                f"{draft.indicator.value} is a good/total ratio; it takes no threshold or "
                "percentile.",
                f"{field}.threshold",
            )
        return replace(draft, operator=None)
    if draft.threshold is None:
        raise DomainError(
            f"A {draft.indicator.value} objective needs a threshold (e.g. 300 ms, 30 minutes).",
            field=f"{field}.threshold",
            code=ErrorCode.REQUIRED,
        )
    if draft.indicator is IndicatorKind.LATENCY and draft.percentile is None:
        raise DomainError(
            "A latency objective needs its percentile (e.g. 99).",
            field=f"{field}.percentile",
            code=ErrorCode.REQUIRED,
        )
    if draft.percentile is not None and not 0 < draft.percentile < 100:
        raise _fail("The percentile must be between 0 and 100, exclusive.", f"{field}.percentile")
    return replace(
        draft,
        operator=draft.operator or DEFAULT_OPERATOR[draft.indicator],
        unit=draft.unit or DEFAULT_UNIT.get(draft.indicator),
    )


def _check_calendar(draft: ObjectiveDraft, field: str) -> ObjectiveDraft:
    if draft.window_type is WindowType.ROLLING:
        return replace(draft, calendar_start=None, calendar_time_zone=None)
    if draft.calendar_start is None:
        raise DomainError(
            "A calendar window needs its start (the first period's first instant).",
            field=f"{field}.calendarStart",
            code=ErrorCode.REQUIRED,
        )
    zone = draft.calendar_time_zone or "UTC"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _fail(f"Unknown time zone {zone!r}.", f"{field}.calendarTimeZone") from exc
    start = draft.calendar_start
    if start.tzinfo is None:
        start = start.replace(tzinfo=ZoneInfo(zone))
    return replace(draft, calendar_start=start.astimezone(UTC), calendar_time_zone=zone)


def _check_timeslices(draft: ObjectiveDraft, field: str) -> ObjectiveDraft:
    if draft.budgeting_method is BudgetingMethod.OCCURRENCES:
        return replace(draft, timeslice_target=None, timeslice_minutes=None)
    if draft.timeslice_minutes is None or draft.timeslice_minutes <= 0:
        raise DomainError(
            "Timeslice budgeting needs the slice length in minutes (> 0).",
            field=f"{field}.timesliceMinutes",
            code=ErrorCode.REQUIRED,
        )
    if draft.indicator in THRESHOLD_INDICATORS:
        return replace(draft, timeslice_target=None)
    if draft.timeslice_target is not None and not 0.0 < draft.timeslice_target <= 1.0:
        raise _fail("The timeslice target must be in (0, 1].", f"{field}.timesliceTarget")
    return draft


def validate_sla(
    objectives: Sequence[ObjectiveDraft], turnaround: Turnaround
) -> list[ObjectiveDraft]:
    """Validate a whole SLA document: unique keys, sane turnaround, something to promise.
    Every problem of every objective and of the turnaround is reported at once."""
    problems = Problems()
    checked: list[ObjectiveDraft] = []
    for i, draft in enumerate(objectives):
        with problems.catch():
            checked.append(validate_objective(draft, f"objectives[{i}]"))
    seen: set[str] = set()
    for i, draft in enumerate(objectives):
        if draft.objective_key in seen:
            problems.add(
                f"objectives[{i}].key",
                f"Objective key {draft.objective_key!r} appears twice.",
                ErrorCode.DUPLICATE,
            )
        seen.add(draft.objective_key)
    for name in ("triage_days", "delivery_days", "delivery_sprints"):
        value = getattr(turnaround, name)
        if value is not None and not 0 <= value <= 365:
            problems.add(_camel(name), "Turnaround values must be 0 to 365.")
    if turnaround.delivery_days is not None and turnaround.delivery_sprints is not None:
        problems.add("deliverySprints", "Promise delivery in days or in sprints, not both.")
    if not objectives and turnaround == Turnaround():
        problems.add(
            "objectives",
            "An SLA needs at least one objective or a request-turnaround promise.",
            ErrorCode.REQUIRED,
        )
    problems.raise_if_any()
    return checked


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def to_spec(row: SloObjective | ObjectiveDraft) -> ObjectiveSpec:
    """The pure-analysis view of an objective."""
    return ObjectiveSpec(
        target=row.target,
        window_days=row.window_days,
        rolling=row.window_type is WindowType.ROLLING,
        calendar_start=row.calendar_start,
        timeslices=row.budgeting_method is BudgetingMethod.TIMESLICES,
        timeslice_target=row.timeslice_target,
        threshold=row.threshold,
        operator=row.operator.value if row.operator else None,
    )


# ---- comparing versions ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class ObjectiveChange:
    key: str
    name: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class SlaDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[ObjectiveChange, ...]
    turnaround: tuple[FieldChange, ...]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(getattr(value, "value", value))


def diff_slas(
    old: Sequence[ObjectiveDraft],
    new: Sequence[ObjectiveDraft],
    old_turnaround: Turnaround,
    new_turnaround: Turnaround,
) -> SlaDiff:
    """What changed from one SLA version to the next, objective by objective (matched by key)."""
    before = {d.objective_key: d for d in old}
    after = {d.objective_key: d for d in new}
    changed = []
    for key, draft in after.items():
        if key not in before:
            continue
        a, b = before[key].comparable(), draft.comparable()
        deltas = tuple(
            FieldChange(_camel(name), _text(a[name]), _text(b[name]))
            for name in a
            if name != "objective_key" and a[name] != b[name]
        )
        if deltas:
            changed.append(ObjectiveChange(key, draft.name, deltas))
    turnaround = tuple(
        FieldChange(
            _camel(f.name),
            _text(getattr(old_turnaround, f.name)),
            _text(getattr(new_turnaround, f.name)),
        )
        for f in fields(Turnaround)
        if getattr(old_turnaround, f.name) != getattr(new_turnaround, f.name)
    )
    return SlaDiff(
        added=tuple(k for k in after if k not in before),
        removed=tuple(k for k in before if k not in after),
        changed=tuple(changed),
        turnaround=turnaround,
    )
