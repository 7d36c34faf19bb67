"""Render a product's objectives as OpenSLO v1 YAML (one Service, then an SLI and an SLO per
objective) that `openslo.parse_openslo` reads back to the same objectives and that validates
against the specification's JSON schemas (tests/products/openslo_spec/schemas): a Timeslices
objective always carries its `timeSliceTarget` (a threshold SLI's slice is good when its value
meets the threshold: 1), calendar time zones are written as `Area/Location` names, and
descriptions are cut to the specification's 1050 characters (an objective's whole
description travels in the `syncpoint.io/description` annotation)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from syncpoint.products.models import BudgetingMethod, WindowType
from syncpoint.products.objectives import THRESHOLD_INDICATORS, ObjectiveDraft
from syncpoint.products.openslo import ANNOTATION, API_VERSION

_CALENDAR_FORMAT = "%Y-%m-%d %H:%M:%S"
_BUDGETING = {BudgetingMethod.OCCURRENCES: "Occurrences", BudgetingMethod.TIMESLICES: "Timeslices"}
MAX_DESCRIPTION = 1050
# The schema wants `Area/Location`; these names are UTC under another spelling.
_UTC_NAMES = {"UTC", "UCT", "GMT", "Zulu", "Universal", "Greenwich"}


def _zone_name(zone: str) -> str:
    return "Etc/UTC" if zone in _UTC_NAMES else zone


def _source(slug: str, key: str, field: str) -> dict[str, Any]:
    return {
        "metricSource": {
            "type": "syncpoint",
            "spec": {"product": slug, "objective": key, "field": field},
        }
    }


def _sli(slug: str, draft: ObjectiveDraft) -> dict[str, Any]:
    key = draft.objective_key
    if draft.indicator in THRESHOLD_INDICATORS:
        spec: dict[str, Any] = {"thresholdMetric": _source(slug, key, "value")}
    else:
        spec = {
            "ratioMetric": {
                "counter": True,
                "good": _source(slug, key, "good"),
                "total": _source(slug, key, "total"),
            }
        }
    return _doc("SLI", f"{key}-sli", {"displayName": f"{draft.name} (indicator)"}, spec)


def _window(draft: ObjectiveDraft) -> dict[str, Any]:
    window: dict[str, Any] = {"duration": f"{draft.window_days}d"}
    if draft.window_type is WindowType.ROLLING or draft.calendar_start is None:
        window["isRolling"] = True
        return window
    zone = _zone_name(draft.calendar_time_zone or "UTC")
    local = draft.calendar_start.astimezone(ZoneInfo(zone))
    window["isRolling"] = False
    window["calendar"] = {"startTime": local.strftime(_CALENDAR_FORMAT), "timeZone": zone}
    return window


def _objective(draft: ObjectiveDraft) -> dict[str, Any]:
    objective: dict[str, Any] = {"displayName": draft.name, "target": draft.target}
    if draft.operator is not None and draft.threshold is not None:
        objective["op"] = draft.operator.value.lower()
        objective["value"] = draft.threshold
    if draft.budgeting_method is BudgetingMethod.TIMESLICES:
        objective["timeSliceWindow"] = f"{draft.timeslice_minutes}m"
        # Required by the specification; Syncpoint's default slice target is the target.
        if draft.indicator in THRESHOLD_INDICATORS:
            objective["timeSliceTarget"] = 1.0
        elif draft.timeslice_target is not None:
            objective["timeSliceTarget"] = draft.timeslice_target
        else:
            objective["timeSliceTarget"] = draft.target
    return objective


def _slo(slug: str, draft: ObjectiveDraft) -> dict[str, Any]:
    annotations = {f"{ANNOTATION}indicator": draft.indicator.value}
    if draft.percentile is not None:
        annotations[f"{ANNOTATION}percentile"] = repr(draft.percentile)
    if draft.unit is not None:
        annotations[f"{ANNOTATION}unit"] = draft.unit
    if len(draft.description) > MAX_DESCRIPTION:
        # The specification caps descriptions; the whole text travels as an annotation.
        annotations[f"{ANNOTATION}description"] = draft.description
    spec = {
        "description": draft.description[:MAX_DESCRIPTION],
        "service": slug,
        "indicatorRef": f"{draft.objective_key}-sli",
        "timeWindow": [_window(draft)],
        "budgetingMethod": _BUDGETING[draft.budgeting_method],
        "objectives": [_objective(draft)],
    }
    return _doc(
        "SLO", draft.objective_key, {"displayName": draft.name, "annotations": annotations}, spec
    )


def _doc(kind: str, name: str, metadata: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": kind,
        "metadata": {"name": name, **metadata},
        "spec": spec,
    }


def render_openslo(slug: str, name: str, description: str, drafts: Sequence[ObjectiveDraft]) -> str:
    """Multi-document OpenSLO v1 YAML for a product's objectives."""
    documents: list[dict[str, Any]] = [
        _doc("Service", slug, {"displayName": name}, {"description": description[:MAX_DESCRIPTION]})
    ]
    for draft in drafts:
        documents.append(_sli(slug, draft))
        documents.append(_slo(slug, draft))
    return yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True)


__all__ = ["render_openslo"]
