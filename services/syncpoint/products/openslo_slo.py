"""Reading OpenSLO v1 `SLI` and `SLO` documents into objective drafts.

Without the `syncpoint.io/indicator` annotation a ratio SLI is read as AVAILABILITY and a
threshold SLI as LATENCY (op lt/lte) or THROUGHPUT (op gt/gte); a LATENCY objective without
`syncpoint.io/percentile` takes target × 100 as its percentile (a threshold objective says
"`target` of the values meet `value`"). Whatever Syncpoint does not keep is noted per field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from syncpoint.core.errors import DomainError
from syncpoint.products.models import (
    BudgetingMethod,
    IndicatorKind,
    ThresholdOperator,
    WindowType,
)
from syncpoint.products.objectives import (
    MAX_WINDOW_DAYS,
    THRESHOLD_INDICATORS,
    ObjectiveDraft,
    validate_objective,
)
from syncpoint.products.openslo_common import (
    SYNCPOINT_SOURCE,
    Doc,
    Problem,
    get,
    get_at,
    note_metadata,
    slice_minutes,
    syncpoint_annotations,
    window_days,
)

_OPS = {"lt": ThresholdOperator.LT, "lte": ThresholdOperator.LTE,
        "gt": ThresholdOperator.GT, "gte": ThresholdOperator.GTE}  # fmt: skip
_BUDGETING = {
    "Occurrences": BudgetingMethod.OCCURRENCES,
    "Timeslices": BudgetingMethod.TIMESLICES,
    "RatioTimeslices": BudgetingMethod.OCCURRENCES,
}
_CALENDAR_FORMAT = "%Y-%m-%d %H:%M:%S"
DEFAULT_WINDOW_DAYS = 28
_NOT_QUERIED = (
    "metric queries are not kept: Syncpoint computes the SLI from the measurements sent to it "
    "(recordSliMeasurements)"
)
_DROPPED_ALERTS = "alert policies are not kept: a breach raises SLA_BREACH blockers instead"


@dataclass(frozen=True, slots=True)
class Refs:
    """The names a file defines, by kind, and the product its objectives go to."""

    product_slug: str
    slis: dict[str, Doc]
    by_kind: dict[str, set[str]]

    def has(self, kind: str, name: Any) -> bool:
        return isinstance(name, str) and name in self.by_kind.get(kind, set())


@dataclass(frozen=True, slots=True)
class Sli:
    type: str  # "ratio" or "threshold"
    notes: dict[str, str]  # syncpoint.io annotations


def read_sli_document(doc: Doc, refs: Refs) -> None:
    """Check a standalone SLI and note what is not kept."""
    note_metadata(doc, doc.body)
    _sli(doc, doc.body, "", refs)


def _sli(doc: Doc, body: dict[str, Any], prefix: str, refs: Refs) -> Sli:
    """An SLI body (a document or an inline `indicator`); `prefix` leads its field paths."""
    spec = body.get("spec")
    path = f"{prefix}spec"
    if not isinstance(spec, dict):
        raise Problem(path, "is required and must be a mapping")
    ratio, threshold = spec.get("ratioMetric"), spec.get("thresholdMetric")
    if (ratio is None) == (threshold is None):
        raise Problem(path, "needs exactly one of ratioMetric or thresholdMetric")
    if ratio is not None:
        sources = _ratio_sources(doc, ratio, f"{path}.ratioMetric")
    else:
        sources = {f"{path}.thresholdMetric": threshold}
    ours = True
    for source_path, holder in sources.items():
        source = (
            get_at(source_path, holder, "metricSource", dict) if isinstance(holder, dict) else None
        )
        if source is None:
            raise Problem(source_path, "must be a mapping with a metricSource")
        ours = _metric_source(doc, source, f"{source_path}.metricSource", refs) and ours
    if not ours:
        for name in ("metadata.displayName",):
            if get(body, name, str, required=False):
                doc.note(f"{prefix}{name}", "the SLI's display name is not kept")
        if get_at(path, spec, "description", str, required=False):
            doc.note(f"{path}.description", "the SLI's description is not kept")
    return Sli("ratio" if ratio is not None else "threshold", syncpoint_annotations(body))


def _ratio_sources(doc: Doc, ratio: Any, path: str) -> dict[str, Any]:
    if not isinstance(ratio, dict):
        raise Problem(path, "must be a mapping")
    good, bad, total, raw = (ratio.get(k) for k in ("good", "bad", "total", "raw"))
    if raw is not None:
        if good is not None or bad is not None or total is not None:
            raise Problem(f"{path}.raw", "cannot be used together with good, bad or total")
        if ratio.get("rawType") not in ("success", "failure"):
            raise Problem(f"{path}.rawType", "is required with raw: success or failure")
        doc.note(
            f"{path}.raw",
            "a precomputed ratio is not kept: Syncpoint is sent good and total counts "
            f"(rawType {ratio['rawType']}: send them as counts of the same events)",
        )
        return {f"{path}.raw": raw}
    if total is None or (good is None) == (bad is None):
        raise Problem(path, "needs total and exactly one of good or bad (or raw with rawType)")
    if bad is not None:
        doc.note(
            f"{path}.bad",
            "Syncpoint is sent good and total counts: send total − bad as good",
        )
        return {f"{path}.bad": bad, f"{path}.total": total}
    return {f"{path}.good": good, f"{path}.total": total}


def _metric_source(doc: Doc, source: dict[str, Any], path: str, refs: Refs) -> bool:
    """Note the metric source (unless it is Syncpoint's own); True when it is Syncpoint's."""
    if source.get("type") == SYNCPOINT_SOURCE:
        return True
    ref = source.get("metricSourceRef")
    if ref is not None:
        where = "in this file" if refs.has("DataSource", ref) else "not in this file"
        doc.note(f"{path}.metricSourceRef", f"DataSource {ref!r} ({where}) is not kept")
    doc.note(path, _NOT_QUERIED)
    return False


def _indicator(doc: Doc, holder: dict[str, Any], prefix: str, refs: Refs) -> Sli | None:
    """The SLI an SLO (or a composite objective) names inline or by indicatorRef."""
    ref, inline = holder.get("indicatorRef"), holder.get("indicator")
    if ref is not None and inline is not None:
        raise Problem(f"{prefix}indicator", "give indicator or indicatorRef, not both")
    if ref is not None:
        if not isinstance(ref, str) or ref not in refs.slis:
            raise Problem(f"{prefix}indicatorRef", f"no SLI named {ref!r} in this file")
        sli_doc = refs.slis[ref]
        return Sli(
            _sli(sli_doc, sli_doc.body, "", refs).type,
            syncpoint_annotations(sli_doc.body),
        )
    if inline is None:
        return None
    if not isinstance(inline, dict):
        raise Problem(f"{prefix}indicator", "must be a mapping")
    note_metadata(doc, inline, f"{prefix}indicator.")
    return _sli(doc, inline, f"{prefix}indicator.", refs)


def read_slo(doc: Doc, refs: Refs) -> list[ObjectiveDraft]:
    body = doc.body
    note_metadata(doc, body)
    spec = get(body, "spec", dict)
    service = get(body, "spec.service", str)
    if service != refs.product_slug:
        known = "a Service in this file" if refs.has("Service", service) else "not in this file"
        doc.note(
            "spec.service",
            f"Service {service!r} ({known}): the objectives are imported into product "
            f"{refs.product_slug!r}",
        )
    sli = _indicator(doc, spec, "spec.", refs)
    window = _time_window(doc, spec)
    budgeting = _budgeting(doc, spec)
    objectives = get(body, "spec.objectives", list)
    if not objectives:
        raise Problem("spec.objectives", "needs at least one objective")
    _note_alert_policies(doc, spec, refs)
    drafts = []
    display = get(body, "metadata.displayName", str, required=False) or doc.name
    for i, objective in enumerate(objectives):
        path = f"spec.objectives[{i}]"
        if not isinstance(objective, dict):
            raise Problem(path, "must be a mapping")
        own = _indicator(doc, objective, f"{path}.", refs)
        if own is None and sli is None:
            raise Problem("spec", "needs exactly one of indicatorRef or indicator")
        if own is not None and sli is not None:
            doc.note(f"{path}.indicator", "the objective's own indicator replaces the SLO's")
        if objective.get("compositeWeight") is not None:
            doc.note(f"{path}.compositeWeight", "composite weights are not kept")
        used = own or sli
        assert used is not None
        values = _objective_values(doc, objective, path, used.type, budgeting)
        notes = {**used.notes, **syncpoint_annotations(body)}
        indicator = _indicator_kind(doc, notes, used.type, values.get("operator"))
        percentile = _percentile(doc, notes, indicator, values["target"])
        name = objective.get("displayName") or (
            display if len(objectives) == 1 else f"{display} #{i + 1}"
        )
        draft = ObjectiveDraft(
            objective_key=doc.name if len(objectives) == 1 else f"{doc.name}-{i + 1}",
            name=str(name),
            description=notes.get("description")
            or get(body, "spec.description", str, required=False)
            or "",
            indicator=indicator,
            budgeting_method=budgeting,
            unit=notes.get("unit"),
            percentile=percentile,
            **window,
            **values,
        )
        try:
            drafts.append(validate_objective(draft, path))
        except DomainError as exc:
            raise Problem(exc.field or path, exc.message) from exc
    return drafts


def _note_alert_policies(doc: Doc, spec: dict[str, Any], refs: Refs) -> None:
    policies = spec.get("alertPolicies")
    if policies is None:
        return
    if not isinstance(policies, list):
        raise Problem("spec.alertPolicies", "must be a list")
    for i, policy in enumerate(policies):
        name = policy
        if isinstance(policy, dict):
            name = policy.get("alertPolicyRef") or get(policy, "metadata.name", str, False)
        where = "in this file" if refs.has("AlertPolicy", name) else "not in this file"
        doc.note(f"spec.alertPolicies[{i}]", f"{name!r} ({where}): {_DROPPED_ALERTS}")


def _budgeting(doc: Doc, spec: dict[str, Any]) -> BudgetingMethod:
    name = get_at("spec", spec, "budgetingMethod", str, required=False)
    if name is None:
        doc.note("spec.budgetingMethod", "absent: read as Occurrences")
        return BudgetingMethod.OCCURRENCES
    if name not in _BUDGETING:
        raise Problem(
            "spec.budgetingMethod",
            f"unsupported {name!r} (Occurrences, Timeslices or RatioTimeslices)",
        )
    if name == "RatioTimeslices":
        doc.note(
            "spec.budgetingMethod",
            "RatioTimeslices (the average of each slice's ratio) is held as Occurrences (good "
            "events over all events): Syncpoint has no average of slice ratios",
        )
    return _BUDGETING[name]


def _indicator_kind(
    doc: Doc, notes: dict[str, str], sli_type: str, op: ThresholdOperator | None
) -> IndicatorKind:
    name = notes.get("indicator")
    field = "metadata.annotations.syncpoint.io/indicator"
    if name is not None:
        try:
            kind = IndicatorKind(name)
        except ValueError as exc:
            raise Problem(field, f"unknown indicator {name!r}") from exc
        if (kind in THRESHOLD_INDICATORS) != (sli_type == "threshold"):
            raise Problem(field, f"{name} does not fit a {sli_type} SLI")
        return kind
    if sli_type == "ratio":
        return IndicatorKind.AVAILABILITY
    if op in (ThresholdOperator.GT, ThresholdOperator.GTE):
        doc.note(field, "absent: a threshold SLI with op gt/gte is read as THROUGHPUT")
        return IndicatorKind.THROUGHPUT
    doc.note(field, "absent: a threshold SLI with op lt/lte is read as LATENCY")
    return IndicatorKind.LATENCY


def _percentile(
    doc: Doc, notes: dict[str, str], indicator: IndicatorKind, target: float
) -> float | None:
    field = "metadata.annotations.syncpoint.io/percentile"
    value = notes.get("percentile")
    if value is not None:
        try:
            return float(value)
        except ValueError as exc:
            raise Problem(field, f"must be a number, got {value!r}") from exc
    if indicator is not IndicatorKind.LATENCY:
        return None
    percentile = round(target * 100, 6)
    doc.note(field, f"absent: the latency percentile is taken as target × 100 ({percentile:g})")
    return percentile


def _objective_values(
    doc: Doc, objective: dict[str, Any], path: str, sli_type: str, budgeting: BudgetingMethod
) -> dict[str, Any]:
    target = get_at(path, objective, "target", (int, float), required=False)
    percent = get_at(path, objective, "targetPercent", (int, float), required=False)
    if (target is None) == (percent is None):
        raise Problem(f"{path}.target", "give exactly one of target or targetPercent")
    values: dict[str, Any] = {"target": float(target if target is not None else percent / 100)}
    if sli_type == "threshold":
        op = get_at(path, objective, "op", str)
        if op not in _OPS:
            raise Problem(f"{path}.op", f"unsupported {op!r} (lt, lte, gt, gte)")
        values["operator"] = _OPS[op]
        values["threshold"] = float(get_at(path, objective, "value", (int, float)))
    else:
        for name in ("op", "value"):
            if objective.get(name) is not None:
                doc.note(f"{path}.{name}", "a ratio SLI is compared with its target only")
    window, slice_target = objective.get("timeSliceWindow"), objective.get("timeSliceTarget")
    if budgeting is BudgetingMethod.OCCURRENCES:
        for name, value in (("timeSliceWindow", window), ("timeSliceTarget", slice_target)):
            if value is not None:
                doc.note(f"{path}.{name}", "not kept: the SLO is budgeted by occurrences")
        return values
    if window is None:
        raise Problem(f"{path}.timeSliceWindow", "is required with Timeslices")
    values["timeslice_minutes"] = slice_minutes(doc, window, f"{path}.timeSliceWindow")
    slice_target = get_at(path, objective, "timeSliceTarget", (int, float), required=False)
    if sli_type == "ratio":
        # Syncpoint holds "the slice target is the target" as None (how it exports too).
        same = slice_target is None or float(slice_target) == values["target"]
        values["timeslice_target"] = None if same else float(slice_target)
    elif slice_target is not None and slice_target != 1:
        doc.note(
            f"{path}.timeSliceTarget",
            f"{slice_target} is not kept: Syncpoint judges each slice of a threshold SLI by its "
            "value against the threshold (as timeSliceTarget 1)",
        )
    return values


def _time_window(doc: Doc, spec: dict[str, Any]) -> dict[str, Any]:
    windows = get_at("spec", spec, "timeWindow", list, required=False)
    if windows is None:
        doc.note("spec.timeWindow", f"absent: held as {DEFAULT_WINDOW_DAYS} days rolling")
        return {"window_days": DEFAULT_WINDOW_DAYS, "window_type": WindowType.ROLLING}
    if len(windows) != 1 or not isinstance(windows[0], dict):
        raise Problem("spec.timeWindow", "needs exactly one time window")
    window = windows[0]
    days = window_days(
        doc,
        get_at("spec.timeWindow[0]", window, "duration", str),
        "spec.timeWindow[0].duration",
        MAX_WINDOW_DAYS,
    )
    rolling = window.get("isRolling")
    if rolling is not None and not isinstance(rolling, bool):
        raise Problem("spec.timeWindow[0].isRolling", "must be true or false")
    if rolling is True:
        if window.get("calendar") is not None:
            doc.note("spec.timeWindow[0].calendar", "not kept: the window is rolling")
        return {"window_days": days, "window_type": WindowType.ROLLING}
    start_value = get_at("spec.timeWindow[0]", window, "calendar.startTime", (str, datetime))
    zone = get_at("spec.timeWindow[0]", window, "calendar.timeZone", str)
    zone = "UTC" if zone == "Etc/UTC" else zone  # how the export spells UTC for the schema
    try:
        tz = ZoneInfo(zone)
    except (ValueError, KeyError) as exc:
        raise Problem(
            "spec.timeWindow[0].calendar.timeZone", f"unknown time zone {zone!r}"
        ) from exc
    try:
        start = (
            start_value
            if isinstance(start_value, datetime)
            else datetime.strptime(start_value, _CALENDAR_FORMAT)
        )
    except ValueError as exc:
        raise Problem(
            "spec.timeWindow[0].calendar.startTime", "must look like 2027-01-01 00:00:00"
        ) from exc
    if start.tzinfo is not None:
        doc.note(
            "spec.timeWindow[0].calendar.startTime",
            "its UTC offset is replaced by the time zone (the specification's format has none)",
        )
    return {
        "window_days": days,
        "window_type": WindowType.CALENDAR,
        "calendar_start": start.replace(tzinfo=tz),
        "calendar_time_zone": zone,
    }
