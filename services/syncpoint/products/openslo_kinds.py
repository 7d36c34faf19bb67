"""OpenSLO v1 documents Syncpoint accepts but keeps nothing of: `Service` (other than the
product's own), `DataSource`, `AlertPolicy`, `AlertCondition` and `AlertNotificationTarget`.
Each is checked against the fields the specification requires, and noted."""

from __future__ import annotations

from typing import Any

from syncpoint.products.openslo_common import Doc, Problem, duration, get_at, note_metadata
from syncpoint.products.openslo_slo import Refs

_OPS = ("lt", "lte", "gt", "gte")
_NO_ALERTS = (
    "Syncpoint keeps no alerting: a breached objective raises SLA_BREACH blockers on the "
    "consumers' items instead"
)


def read_other(doc: Doc, refs: Refs) -> None:
    note_metadata(doc, doc.body)
    spec = doc.body.get("spec")
    if spec is not None and not isinstance(spec, dict):
        raise Problem("spec", "must be a mapping")
    spec = spec or {}
    get_at("spec", spec, "description", str, required=False)
    if doc.kind == "Service":
        _service(doc, spec, refs)
    elif doc.kind == "DataSource":
        get_at("spec", spec, "type", str)
        if spec.get("connectionDetails") is None:
            raise Problem("spec.connectionDetails", "is required")
        doc.note("kind", "Syncpoint keeps no data sources: measurements are sent to it")
    elif doc.kind == "AlertCondition":
        _condition(spec, "spec")
        doc.note("kind", _NO_ALERTS)
    elif doc.kind == "AlertNotificationTarget":
        get_at("spec", spec, "target", str)
        doc.note("kind", _NO_ALERTS)
    elif doc.kind == "AlertPolicy":
        _policy(doc, spec, refs)
        doc.note("kind", _NO_ALERTS)


def _service(doc: Doc, spec: dict[str, Any], refs: Refs) -> None:
    if doc.name == refs.product_slug:
        return  # the product itself: its name and description are Syncpoint's own
    doc.note(
        "metadata.name",
        f"no Service is created: the file's objectives are imported into product "
        f"{refs.product_slug!r}",
    )


def _condition(spec: Any, path: str) -> None:
    if not isinstance(spec, dict):
        raise Problem(path, "must be a mapping")
    get_at(path, spec, "severity", str)
    condition = get_at(path, spec, "condition", dict)
    kind = condition.get("kind", "burnrate")
    if kind != "burnrate":
        raise Problem(f"{path}.condition.kind", f"unsupported {kind!r} (burnrate)")
    if condition.get("op") not in _OPS:
        raise Problem(f"{path}.condition.op", "is required: lt, lte, gt or gte")
    get_at(f"{path}.condition", condition, "threshold", (int, float))
    lookback = get_at(f"{path}.condition", condition, "lookbackWindow", str)
    duration(lookback, f"{path}.condition.lookbackWindow")
    if condition.get("alertAfter") is not None:
        duration(condition["alertAfter"], f"{path}.condition.alertAfter")


def _policy(doc: Doc, spec: dict[str, Any], refs: Refs) -> None:
    for flag in ("alertWhenNoData", "alertWhenResolved", "alertWhenBreaching"):
        get_at("spec", spec, flag, bool, required=False)
    conditions = get_at("spec", spec, "conditions", list)
    if len(conditions) != 1:
        raise Problem("spec.conditions", "holds exactly one condition")
    _entries(doc, conditions, "spec.conditions", "conditionRef", "AlertCondition", refs)
    targets = get_at("spec", spec, "notificationTargets", list)
    if not targets:
        raise Problem("spec.notificationTargets", "needs at least one target")
    _entries(doc, targets, "spec.notificationTargets", "targetRef", "AlertNotificationTarget", refs)


def _entries(
    doc: Doc, entries: list[Any], path: str, ref_field: str, kind: str, refs: Refs
) -> None:
    """Each entry refers to a `kind` by `ref_field` or defines one inline."""
    for i, entry in enumerate(entries):
        where = f"{path}[{i}]"
        if not isinstance(entry, dict):
            raise Problem(where, "must be a mapping")
        ref = entry.get(ref_field)
        if ref is not None:
            if not isinstance(ref, str):
                raise Problem(f"{where}.{ref_field}", "must be a name")
            if not refs.has(kind, ref):
                doc.note(f"{where}.{ref_field}", f"{kind} {ref!r} is not in this file")
            continue
        get_at(where, entry, "metadata.name", str)
        if kind == "AlertCondition":
            _condition(entry.get("spec"), f"{where}.spec")
        else:
            get_at(where, entry, "spec.target", str)
