"""OpenSLO v1 to the letter of its specification: the specification's own example documents
(tests/products/openslo_spec/examples) import, with a note for every field Syncpoint does not
keep, and whatever Syncpoint exports validates against the specification's JSON schemas."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource

from syncpoint.products import sla
from syncpoint.products.models import (
    BudgetingMethod,
    IndicatorKind,
    ThresholdOperator,
    WindowType,
)
from syncpoint.products.objectives import ObjectiveDraft, validate_objective
from syncpoint.products.openslo import OpenSloError, Unrepresented, read_openslo
from syncpoint.products.openslo_export import render_openslo
from tests.products.test_openslo import EVERY_KIND
from tests.support.factories import ADMIN
from tests.support.products_factories import make_product

SPEC = Path(__file__).parent / "openslo_spec"
EXAMPLES = SPEC / "examples"
SLUG = "web-shop"


@cache
def validator() -> Draft7Validator:
    """The specification's root schema, its parts resolved from the vendored files by `$id`."""
    resources = []
    for path in sorted((SPEC / "schemas").rglob("*.json")):
        contents = json.loads(path.read_text())
        resources.append((contents["$id"], Resource.from_contents(contents)))
    root = json.loads((SPEC / "schemas" / "v1" / "openslo.schema.json").read_text())
    return Draft7Validator(root, registry=Registry().with_resources(resources))


def schema_errors(document: dict[str, Any]) -> list[str]:
    return [error.message for error in validator().iter_errors(document)]


def assert_valid_export(drafts: list[ObjectiveDraft]) -> str:
    text = render_openslo(SLUG, "Web shop", "The online shop", drafts)
    for document in yaml.safe_load_all(text):
        assert schema_errors(document) == [], (document["kind"], document["metadata"]["name"])
    return text


def example(*names: str) -> str:
    return "".join("---\n" + (EXAMPLES / name).read_text() for name in names)


SDK = tuple(sorted(p.name for p in EXAMPLES.glob("sdk-*.yaml")))

# Per example file: the objectives it yields and notes it must carry (document index, kind,
# field, and a part of the reason).
CASES: dict[tuple[str, ...], tuple[list[str], list[tuple[int, str, str, str]]]] = {
    ("occurences-slo.yaml",): (
        ["search-slo"],
        [
            (1, "SLO", "metadata.annotations.syncpoint.io/indicator", "read as LATENCY"),
            (1, "SLO", "metadata.annotations.syncpoint.io/percentile", "target × 100 (99)"),
            (1, "SLO", "spec.indicator.spec.thresholdMetric.metricSource", "not kept"),
        ],
    ),
    ("ratio-timeslices.yaml",): (
        ["main-page"],
        [
            (1, "SLO", "spec.budgetingMethod", "RatioTimeslices"),
            (1, "SLO", "spec.objectives[0].op", "ratio SLI"),
            (1, "SLO", "spec.objectives[0].timeSliceWindow", "occurrences"),
        ],
    ),
    ("timeslices-slo.yaml",): (
        ["service-availability-1", "service-availability-2"],
        [
            (1, "SLO", "spec.timeWindow[0].duration", "1m is held as 1 day"),
            (1, "SLO", "spec.service", "'web-availability' (not in this file)"),
        ],
    ),
    ("treat-low-traffic-timeslices-slo.yaml",): (
        ["service-availability"],
        [(1, "SLO", "spec.objectives[0].op", "ratio SLI")],
    ),
    ("schema-test-slo-rolling-1M.yaml",): (
        ["test-slo"],
        [
            (1, "SLO", "spec.timeWindow[0].duration", "1M is held as 30 days"),
            (1, "SLO", "spec.alertPolicies[0]", "'foo-alert-policy' (not in this file)"),
        ],
    ),
    ("readme-slo-inline-sli.yaml",): (
        ["foo-slo"],
        [
            (1, "SLO", "spec.timeWindow", "absent"),
            (1, "SLO", "spec.budgetingMethod", "absent: read as Occurrences"),
            (
                1,
                "SLO",
                "spec.indicator.spec.ratioMetric.good.metricSource.metricSourceRef",
                "'datadog-datasource'",
            ),
        ],
    ),
    ("readme-objectives.yaml",): (
        ["foo-bar-errors-1", "foo-bar-errors-2"],
        [(1, "SLO", "spec.timeWindow[0].duration", "1Q is held as 91 days")],
    ),
    ("readme-slis.yaml",): (
        ["ratio-monthly", "redshift-latency", "redshift-rolling"],
        [
            (1, "SLI", "spec.ratioMetric.good.metricSource", "not kept"),
            (2, "SLI", "spec.thresholdMetric.metricSource.metricSourceRef", "redshift"),
            (4, "SLO", "spec.timeWindow[0].duration", "1M is held as 30 days"),
            (5, "SLO", "spec.timeWindow[0].duration", "1Y is held as 365 days"),
            (6, "SLO", "spec.timeWindow[0].duration", "12h is held as 1 day"),
            (6, "SLO", "metadata.annotations.syncpoint.io/indicator", "THROUGHPUT"),
        ],
    ),
    ("readme-datasource.yaml",): (
        ["cloudwatch-latency"],
        [
            (1, "DataSource", "kind", "no data sources"),
            (2, "Service", "metadata.name", "no Service is created"),
            (3, "SLO", "spec.service", "'foo' (a Service in this file)"),
            (3, "SLO", "spec.alertPolicies[0]", "'AlertPolicy' (not in this file)"),
        ],
    ),
    ("readme-alerting.yaml",): (
        ["cpu-usage"],
        [
            (1, "AlertPolicy", "kind", "no alerting"),
            (1, "AlertPolicy", "spec.notificationTargets[0].targetRef", "not in this file"),
            (2, "AlertPolicy", "metadata.name", "another AlertPolicy"),
            (3, "AlertCondition", "kind", "no alerting"),
            (4, "AlertNotificationTarget", "kind", "no alerting"),
            (6, "SLO", "spec.indicator.spec.ratioMetric.bad", "total − bad"),
            (6, "SLO", "spec.alertPolicies[0]", "'AlertPolicy' (in this file)"),
        ],
    ),
    SDK: (
        ["web-availability"],
        [
            (1, "AlertCondition", "metadata.labels", "not kept"),
            (2, "AlertCondition", "metadata.annotations.openslo.com/service-folder", "not kept"),
            (6, "AlertPolicy", "kind", "no alerting"),
            (8, "DataSource", "kind", "no data sources"),
            (11, "Service", "metadata.name", "another Service"),
            (13, "SLI", "spec.ratioMetric.bad", "total − bad"),
            (14, "SLI", "spec.ratioMetric.raw", "rawType success"),
            (15, "SLI", "spec.description", "not kept"),
        ],
    ),
}


def test_every_example_file_of_the_specification_is_covered():
    covered = {name for names in CASES for name in names}
    assert covered == {path.name for path in EXAMPLES.glob("*.yaml")}


@pytest.mark.parametrize("names", list(CASES), ids=lambda names: names[0])
def test_specification_examples_import_noting_what_is_not_kept_and_export_valid(names):
    keys, expected_notes = CASES[names]

    imported = read_openslo(example(*names), SLUG)
    exported = assert_valid_export(imported.drafts)
    again = read_openslo(exported, SLUG)

    assert [d.objective_key for d in imported.drafts] == keys
    for index, kind, field, reason in expected_notes:
        matching = [
            n
            for n in imported.unrepresented
            if (n.index, n.kind, n.field) == (index, kind, field) and reason in n.reason
        ]
        assert matching, (index, kind, field, reason, [str(n) for n in imported.unrepresented])
    assert [d.comparable() for d in again.drafts] == [d.comparable() for d in imported.drafts]
    assert again.unrepresented == []


def test_every_syncpoint_objective_exports_documents_the_schemas_accept():
    utc_calendar = ObjectiveDraft(
        objective_key="monthly",
        name="Monthly availability",
        description="x" * 2000,
        indicator=IndicatorKind.AVAILABILITY,
        target=0.99,
        window_days=30,
        window_type=WindowType.CALENDAR,
        calendar_start=datetime(2027, 1, 1, tzinfo=UTC),
        calendar_time_zone="UTC",
        budgeting_method=BudgetingMethod.TIMESLICES,
        timeslice_minutes=10,
    )
    drafts = [validate_objective(d, "o") for d in (*EVERY_KIND, utc_calendar)]

    text = assert_valid_export(drafts)
    again = read_openslo(text, SLUG)

    slos = {
        d["metadata"]["name"]: d["spec"] for d in yaml.safe_load_all(text) if d["kind"] == "SLO"
    }
    assert slos["error-rate"]["objectives"][0]["timeSliceTarget"] == 0.98
    assert slos["freshness"]["objectives"][0]["timeSliceTarget"] == 1.0  # a threshold SLI
    assert slos["monthly"]["objectives"][0]["timeSliceTarget"] == 0.99  # the target
    assert slos["monthly"]["timeWindow"][0]["calendar"]["timeZone"] == "Etc/UTC"
    assert len(slos["monthly"]["description"]) == 1050
    assert [d.objective_key for d in again.drafts] == [d.objective_key for d in drafts]
    assert again.drafts[-1].calendar_time_zone == "UTC"
    assert [d.comparable() for d in again.drafts] == [d.comparable() for d in drafts]


def test_the_vendored_schemas_refuse_what_the_export_used_to_write():
    old = {
        "apiVersion": "openslo/v1",
        "kind": "SLO",
        "metadata": {"name": "freshness"},
        "spec": {
            "service": SLUG,
            "indicatorRef": "freshness-sli",
            "timeWindow": [{"duration": "7d", "isRolling": True}],
            "budgetingMethod": "Timeslices",
            "objectives": [{"target": 0.95, "op": "lte", "value": 30, "timeSliceWindow": "60m"}],
        },
    }
    fixed = json.loads(json.dumps(old))
    fixed["spec"]["objectives"][0]["timeSliceTarget"] = 1.0
    utc = json.loads(json.dumps(fixed))
    utc["spec"]["timeWindow"] = [
        {
            "duration": "1M",
            "isRolling": False,
            "calendar": {"startTime": "2027-01-01 00:00:00", "timeZone": "UTC"},
        }
    ]

    assert schema_errors(old) != []
    assert schema_errors(fixed) == []
    assert schema_errors(utc) != []


COMPOSITE = """
apiVersion: openslo/v1
kind: SLI
metadata: {name: fast-enough}
spec:
  thresholdMetric: {metricSource: {type: Prometheus, spec: {query: p50}}}
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout-journey}
spec:
  service: web-shop
  timeWindow: [{duration: 1Q, calendar: {startTime: 2027-01-01 00:00:00, timeZone: Etc/UTC}}]
  budgetingMethod: Timeslices
  objectives:
    - displayName: Pages load
      indicator:
        metadata: {name: page-loads}
        spec:
          ratioMetric:
            rawType: failure
            raw: {metricSource: {type: Prometheus, spec: {query: error_ratio}}}
      target: 0.99
      timeSliceTarget: 0.9
      timeSliceWindow: 5
      compositeWeight: 2
    - displayName: Fast
      indicatorRef: fast-enough
      op: lt
      value: 800
      targetPercent: 95
      timeSliceTarget: 0.5
      timeSliceWindow: 2h
"""


def test_composite_objectives_raw_ratios_and_every_slice_form_are_read():
    imported = read_openslo(COMPOSITE, SLUG)
    pages, fast = imported.drafts
    notes = {(n.index, n.field): n for n in imported.unrepresented}

    assert (pages.objective_key, pages.indicator) == (
        "checkout-journey-1",
        IndicatorKind.AVAILABILITY,
    )
    assert (pages.timeslice_minutes, pages.timeslice_target) == (5, 0.9)
    assert (pages.window_days, pages.window_type) == (91, WindowType.CALENDAR)
    assert pages.calendar_start == datetime(2027, 1, 1, tzinfo=UTC)
    assert pages.calendar_time_zone == "UTC"
    assert (fast.indicator, fast.operator, fast.threshold) == (
        IndicatorKind.LATENCY,
        ThresholdOperator.LT,
        800.0,
    )
    assert (fast.target, fast.percentile, fast.timeslice_minutes) == (0.95, 95.0, 120)
    assert notes[(2, "spec.objectives[0].compositeWeight")] == Unrepresented(
        2,
        "SLO",
        "checkout-journey",
        "spec.objectives[0].compositeWeight",
        "composite weights are not kept",
    )
    assert (
        "rawType failure" in notes[(2, "spec.objectives[0].indicator.spec.ratioMetric.raw")].reason
    )
    assert "0.5 is not kept" in notes[(2, "spec.objectives[1].timeSliceTarget")].reason
    assert_valid_export(imported.drafts)


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            COMPOSITE.replace("timeSliceWindow: 2h", "timeSliceWindow: 1M"),
            "document 2 (SLO 'checkout-journey'): spec.objectives[1].timeSliceWindow: a time "
            "slice of '1M'",
        ),
        (
            COMPOSITE.replace("rawType: failure", "rawType: sometimes"),
            "spec.objectives[0].indicator.spec.ratioMetric.rawType: is required with raw",
        ),
        (
            COMPOSITE.replace("indicatorRef: fast-enough", "indicatorRef: elsewhere"),
            "spec.objectives[1].indicatorRef: no SLI named 'elsewhere'",
        ),
        (
            example("readme-alerting.yaml").replace("severity: page\n  condition", "condition"),
            "document 3 (AlertCondition 'cpu-usage-breach'): spec.severity: is required",
        ),
        (
            example("readme-alerting.yaml").replace("lookbackWindow: 1h", "lookbackWindow: 1s"),
            "document 2 (AlertPolicy 'AlertPolicy'): spec.conditions[0].spec.condition."
            "lookbackWindow: unsupported duration",
        ),
        (
            example("readme-alerting.yaml").replace("  target: slack\n", ""),
            "document 5 (AlertNotificationTarget 'OnCallDevopsSlackNotification'): spec.target: is "
            "required",
        ),
        (
            example("readme-datasource.yaml").replace("type: CloudWatch", "kind: CloudWatch"),
            "document 1 (DataSource 'string'): spec.type: is required",
        ),
        (
            example("readme-slo-inline-sli.yaml", "readme-slo-inline-sli.yaml"),
            "document 2 (SLO 'foo-slo'): metadata.name: another SLO has this name",
        ),
    ],
)
def test_unusable_specification_forms_are_refused_naming_document_field_and_reason(
    broken, expected
):
    with pytest.raises(OpenSloError) as refused:
        read_openslo(broken, SLUG)

    assert expected in refused.value.message


async def test_importing_a_specification_example_publishes_and_reports(session):
    product = await make_product(session, name="web shop")

    version, unrepresented = await sla.import_openslo_with_report(
        session, ADMIN, product.id, example("readme-slis.yaml")
    )
    exported = await sla.export_openslo(session, product.id)

    assert version.number == 1
    assert version.source == "OPENSLO"
    assert [d.objective_key for d in await sla.current_drafts(session, product.id)] == [
        "ratio-monthly",
        "redshift-latency",
        "redshift-rolling",
    ]
    assert "document 4 (SLO 'ratio-monthly'): spec.timeWindow[0].duration: 1M is held as 30 " in (
        "\n".join(str(n) for n in unrepresented)
    )
    for document in yaml.safe_load_all(exported):
        assert schema_errors(document) == []
