"""OpenSLO v1 interoperability: parse `Service`, `SLI` and `SLO` documents into objective drafts
and render a product's objectives back as documents that re-import to the same objectives.

Syncpoint-specific facts OpenSLO has no field for travel as `metadata.annotations`:
`syncpoint.io/indicator` (AVAILABILITY, LATENCY, FRESHNESS, ERROR_RATE, THROUGHPUT),
`syncpoint.io/percentile` and `syncpoint.io/unit`. Without the indicator annotation a ratio SLI
is read as AVAILABILITY and a threshold SLI as LATENCY (op lt/lte) or THROUGHPUT (op gt/gte).
Every problem is reported with the document (1-based position, kind and name), the field and
the reason, and nothing is imported unless every document is valid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from syncpoint.core.errors import DomainError, ErrorCode
from syncpoint.products.models import (
    BudgetingMethod,
    IndicatorKind,
    ThresholdOperator,
    WindowType,
)
from syncpoint.products.objectives import THRESHOLD_INDICATORS, ObjectiveDraft, validate_objective

API_VERSION = "openslo/v1"
KINDS = ("Service", "SLI", "SLO")
ANNOTATION = "syncpoint.io/"
MAX_DOCUMENTS = 500
_DURATION = re.compile(r"^([1-9][0-9]*)([smhdwMQY])$")
_OPS = {"lt": ThresholdOperator.LT, "lte": ThresholdOperator.LTE,
        "gt": ThresholdOperator.GT, "gte": ThresholdOperator.GTE}  # fmt: skip
_BUDGETING = {"Occurrences": BudgetingMethod.OCCURRENCES, "Timeslices": BudgetingMethod.TIMESLICES}
_CALENDAR_FORMAT = "%Y-%m-%d %H:%M:%S"


class OpenSloError(DomainError):
    """Refusal of an OpenSLO file: every problem found, each naming document, field and reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        shown = list(problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(
            "OpenSLO refused, nothing imported: " + "; ".join(shown) + more,
            field="yaml",
            code=ErrorCode.INVALID,
        )
        self.problems = list(problems)


class _Problem(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


@dataclass
class _Doc:
    index: int
    kind: str
    name: str
    body: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    def label(self) -> str:
        return f"document {self.index} ({self.kind} {self.name!r})"

    def report(self, path: str, reason: str) -> None:
        self.problems.append(f"{self.label()}: {path}: {reason}")


def _get(obj: Any, path: str, kind: type | tuple[type, ...], required: bool = True) -> Any:
    """Follow a dotted path in a mapping; raise _Problem naming the path when absent/mistyped."""
    current = obj
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            if required:
                raise _Problem(path, "is required")
            return None
        current = current[part]
    if current is None and not required:
        return None
    if not isinstance(current, kind) or (isinstance(current, bool) and bool not in _tuple(kind)):
        names = "/".join(k.__name__ for k in _tuple(kind))
        raise _Problem(path, f"must be a {names}, got {type(current).__name__}")
    return current


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _split(text: str) -> list[_Doc]:
    try:
        raw = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise OpenSloError([f"YAML syntax error{where}: {getattr(exc, 'problem', exc)}"]) from exc
    docs, problems = [], []
    for index, body in enumerate(raw, start=1):
        if body is None:
            continue
        if not isinstance(body, dict):
            problems.append(f"document {index}: is not a mapping")
            continue
        kind, name = body.get("kind"), _get(body, "metadata.name", str, required=False)
        doc = _Doc(index, str(kind), str(name), body)
        if body.get("apiVersion") != API_VERSION:
            doc.report("apiVersion", f"unsupported {body.get('apiVersion')!r} (only {API_VERSION})")
        if kind not in KINDS:
            doc.report("kind", f"unsupported kind {kind!r} (supported: {', '.join(KINDS)})")
        if not name:
            doc.report("metadata.name", "is required")
        problems.extend(doc.problems)
        docs.append(doc)
    if len(docs) > MAX_DOCUMENTS:
        problems.append(f"at most {MAX_DOCUMENTS} documents per file")
    if not any(d.kind == "SLO" for d in docs):
        problems.append("the file holds no SLO document")
    if problems:
        raise OpenSloError(problems)
    return docs


def parse_openslo(text: str, product_slug: str) -> list[ObjectiveDraft]:
    """Objective drafts from a multi-document OpenSLO v1 file for the product `product_slug`;
    raises OpenSloError listing every problem."""
    docs = _split(text)
    services = {d.name for d in docs if d.kind == "Service"}
    slis = {d.name: d for d in docs if d.kind == "SLI"}
    problems: list[str] = []
    _check_unique(docs, problems)
    drafts: list[ObjectiveDraft] = []
    for doc in docs:
        try:
            if doc.kind == "SLI":
                _sli_type(doc.body.get("spec"), "spec")
            elif doc.kind == "SLO":
                drafts.extend(_slo(doc, slis, services | {product_slug}))
            elif doc.body.get("spec") is not None:
                _get(doc.body, "spec.description", str, required=False)
        except _Problem as exc:
            doc.report(exc.path, exc.reason)
        problems.extend(doc.problems)
    keys = [d.objective_key for d in drafts]
    problems.extend(
        f"objective key {k!r} is defined twice"
        for k in sorted({k for k in keys if keys.count(k) > 1})
    )
    if problems:
        raise OpenSloError(problems)
    return drafts


def _check_unique(docs: Sequence[_Doc], problems: list[str]) -> None:
    seen: set[tuple[str, str]] = set()
    for doc in docs:
        if (doc.kind, doc.name) in seen:
            problems.append(f"{doc.label()}: metadata.name: another {doc.kind} has this name")
        seen.add((doc.kind, doc.name))


def _sli_type(spec: Any, path: str) -> str:
    """'ratio' or 'threshold' for an SLI spec."""
    if not isinstance(spec, dict):
        raise _Problem(path, "is required and must be a mapping")
    ratio, threshold = spec.get("ratioMetric"), spec.get("thresholdMetric")
    if (ratio is None) == (threshold is None):
        raise _Problem(path, "needs exactly one of ratioMetric or thresholdMetric")
    if ratio is not None:
        if not isinstance(ratio, dict):
            raise _Problem(f"{path}.ratioMetric", "must be a mapping")
        if "total" not in ratio or ("good" not in ratio and "bad" not in ratio):
            raise _Problem(f"{path}.ratioMetric", "needs total and good (or bad)")
        return "ratio"
    _get(spec, "thresholdMetric.metricSource", dict)
    return "threshold"


def _annotations(body: dict[str, Any]) -> dict[str, str]:
    raw = _get(body, "metadata.annotations", dict, required=False) or {}
    return {k[len(ANNOTATION) :]: str(v) for k, v in raw.items() if str(k).startswith(ANNOTATION)}


def _slo(doc: _Doc, slis: dict[str, _Doc], services: set[str]) -> list[ObjectiveDraft]:
    body = doc.body
    service = _get(body, "spec.service", str)
    if service not in services:
        raise _Problem("spec.service", f"{service!r} is neither this product nor a Service here")
    sli_type, sli_notes = _indicator_of(body, slis)
    notes = {**sli_notes, **_annotations(body)}
    window_days, window_type, start, zone = _time_window(body)
    budgeting_name = _get(body, "spec.budgetingMethod", str)
    if budgeting_name not in _BUDGETING:
        raise _Problem(
            "spec.budgetingMethod", f"unsupported {budgeting_name!r} (Occurrences or Timeslices)"
        )
    objectives = _get(body, "spec.objectives", list)
    if not objectives:
        raise _Problem("spec.objectives", "needs at least one objective")
    drafts = []
    for i, objective in enumerate(objectives):
        path = f"spec.objectives[{i}]"
        if not isinstance(objective, dict):
            raise _Problem(path, "must be a mapping")
        values = _objective_values(objective, path, sli_type, _BUDGETING[budgeting_name])
        key = doc.name if len(objectives) == 1 else f"{doc.name}-{i + 1}"
        display = _get(body, "metadata.displayName", str, required=False) or doc.name
        name = objective.get("displayName") or (
            display if len(objectives) == 1 else f"{display} #{i + 1}"
        )
        draft = ObjectiveDraft(
            objective_key=key,
            name=str(name),
            description=_get(body, "spec.description", str, required=False) or "",
            indicator=_indicator_kind(notes, sli_type, values.get("operator")),
            window_days=window_days,
            window_type=window_type,
            calendar_start=start,
            calendar_time_zone=zone,
            budgeting_method=_BUDGETING[budgeting_name],
            unit=notes.get("unit"),
            percentile=_number(
                notes.get("percentile"), "metadata.annotations.syncpoint.io/percentile"
            ),
            **values,
        )
        try:
            drafts.append(validate_objective(draft, path))
        except DomainError as exc:
            raise _Problem(exc.field or path, exc.message) from exc
    return drafts


def _indicator_of(body: dict[str, Any], slis: dict[str, _Doc]) -> tuple[str, dict[str, str]]:
    spec = body.get("spec") or {}
    ref, inline = spec.get("indicatorRef"), spec.get("indicator")
    if (ref is None) == (inline is None):
        raise _Problem("spec", "needs exactly one of indicatorRef or indicator")
    if ref is not None:
        if not isinstance(ref, str) or ref not in slis:
            raise _Problem("spec.indicatorRef", f"no SLI named {ref!r} in this file")
        sli = slis[ref].body
        return _sli_type(sli.get("spec"), f"SLI {ref!r} spec"), _annotations(sli)
    if not isinstance(inline, dict):
        raise _Problem("spec.indicator", "must be a mapping")
    return _sli_type(inline.get("spec"), "spec.indicator.spec"), _annotations(inline)


def _indicator_kind(
    notes: dict[str, str], sli_type: str, op: ThresholdOperator | None
) -> IndicatorKind:
    name = notes.get("indicator")
    if name is not None:
        try:
            kind = IndicatorKind(name)
        except ValueError as exc:
            raise _Problem(
                "metadata.annotations.syncpoint.io/indicator", f"unknown indicator {name!r}"
            ) from exc
        if (kind in THRESHOLD_INDICATORS) != (sli_type == "threshold"):
            raise _Problem(
                "metadata.annotations.syncpoint.io/indicator",
                f"{name} does not fit a {sli_type} SLI",
            )
        return kind
    if sli_type == "ratio":
        return IndicatorKind.AVAILABILITY
    return (
        IndicatorKind.THROUGHPUT
        if op in (ThresholdOperator.GT, ThresholdOperator.GTE)
        else IndicatorKind.LATENCY
    )


def _number(value: Any, path: str) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise _Problem(path, f"must be a number, got {value!r}") from exc


def _objective_values(
    objective: dict[str, Any], path: str, sli_type: str, budgeting: BudgetingMethod
) -> dict[str, Any]:
    target = _get(objective, "target", (int, float), required=False)
    percent = _get(objective, "targetPercent", (int, float), required=False)
    if (target is None) == (percent is None):
        raise _Problem(f"{path}.target", "give exactly one of target or targetPercent")
    values: dict[str, Any] = {"target": float(target if target is not None else percent / 100)}
    if sli_type == "threshold":
        op = _get(objective, "op", str)
        if op not in _OPS:
            raise _Problem(f"{path}.op", f"unsupported {op!r} (lt, lte, gt, gte)")
        values["operator"] = _OPS[op]
        values["threshold"] = float(_get(objective, "value", (int, float)))
    if budgeting is BudgetingMethod.TIMESLICES:
        window = _get(objective, "timeSliceWindow", str)
        values["timeslice_minutes"] = _minutes(window, f"{path}.timeSliceWindow")
        if sli_type == "ratio":
            values["timeslice_target"] = float(_get(objective, "timeSliceTarget", (int, float)))
    return values


def _minutes(text: str, path: str) -> int:
    match = _DURATION.match(text)
    units = {"m": 1, "h": 60, "d": 1440}
    if not match or match.group(2) not in units:
        raise _Problem(path, f"unsupported duration {text!r} (use minutes, hours or days: 5m, 1h)")
    return int(match.group(1)) * units[match.group(2)]


def _time_window(body: dict[str, Any]) -> tuple[int, WindowType, datetime | None, str | None]:
    windows = _get(body, "spec.timeWindow", list)
    if len(windows) != 1 or not isinstance(windows[0], dict):
        raise _Problem("spec.timeWindow", "needs exactly one time window")
    window = windows[0]
    duration = _get(window, "duration", str)
    match = _DURATION.match(duration)
    if not match or match.group(2) not in "dw":
        raise _Problem(
            "spec.timeWindow[0].duration",
            f"unsupported duration {duration!r} (use days or weeks, e.g. 28d, 4w)",
        )
    days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
    if window.get("isRolling", False) is True:
        return days, WindowType.ROLLING, None, None
    start_text = _get(window, "calendar.startTime", str)
    zone = _get(window, "calendar.timeZone", str)
    try:
        tz = ZoneInfo(zone)
    except (ValueError, KeyError) as exc:
        raise _Problem(
            "spec.timeWindow[0].calendar.timeZone", f"unknown time zone {zone!r}"
        ) from exc
    try:
        start = datetime.strptime(start_text, _CALENDAR_FORMAT).replace(tzinfo=tz)
    except ValueError as exc:
        raise _Problem(
            "spec.timeWindow[0].calendar.startTime", "must look like 2027-01-01 00:00:00"
        ) from exc
    return days, WindowType.CALENDAR, start, zone
