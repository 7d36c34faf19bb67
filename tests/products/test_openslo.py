"""OpenSLO v1 import/export: round trip, inference, refusal of malformed files (both DBs)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml
from strawberry.relay import to_base64

from syncpoint.core.auth import Role
from syncpoint.products import sla
from syncpoint.products.models import (
    BudgetingMethod,
    IndicatorKind,
    ThresholdOperator,
    WindowType,
)
from syncpoint.products.objectives import ObjectiveDraft, validate_objective
from syncpoint.products.openslo import OpenSloError, parse_openslo
from tests.support.factories import ADMIN
from tests.support.products_factories import AVAILABILITY, FRESHNESS, make_product, publish

LATENCY = ObjectiveDraft(
    objective_key="serving-p99",
    name="p99 latency",
    description="Online feature lookups",
    indicator=IndicatorKind.LATENCY,
    target=0.999,
    window_days=28,
    threshold=25.5,
    percentile=99.0,
)
THROUGHPUT = ObjectiveDraft(
    objective_key="throughput",
    name="Ingest throughput",
    indicator=IndicatorKind.THROUGHPUT,
    target=0.9,
    window_days=14,
    threshold=5000,
    unit="rows/s",
)
CALENDAR_ERRORS = ObjectiveDraft(
    objective_key="error-rate",
    name="Error rate",
    indicator=IndicatorKind.ERROR_RATE,
    target=0.995,
    window_days=7,
    window_type=WindowType.CALENDAR,
    calendar_start=datetime(2027, 1, 3, 23, tzinfo=UTC),
    calendar_time_zone="Europe/Berlin",
    budgeting_method=BudgetingMethod.TIMESLICES,
    timeslice_minutes=5,
    timeslice_target=0.98,
)
EVERY_KIND = (AVAILABILITY, FRESHNESS, LATENCY, THROUGHPUT, CALENDAR_ERRORS)

IMPORT = """
mutation($input: ImportOpenSloInput!) {
  importOpenSlo(input: $input) {
    slaVersion { number source objectives { key indicator target threshold windowDays } }
    errors { field code message }
  }
}"""

EXPORT = """
query($slug: String!) {
  product(slug: $slug) { openSloYaml slaHistory { totalCount } }
}"""

EXTERNAL = """
apiVersion: openslo/v1
kind: Service
metadata: {name: checkout}
spec: {description: Checkout}
---
apiVersion: openslo/v1
kind: SLI
metadata: {name: ok-requests}
spec:
  ratioMetric:
    counter: true
    good: {metricSource: {type: Prometheus, spec: {query: 'sum(ok)'}}}
    total: {metricSource: {type: Prometheus, spec: {query: 'sum(all)'}}}
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout-availability, displayName: Checkout availability}
spec:
  service: checkout
  indicatorRef: ok-requests
  timeWindow: [{duration: 4w, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{displayName: Good, targetPercent: 99.5}]
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout-latency}
spec:
  service: checkout
  indicator:
    metadata: {name: latency, annotations: {syncpoint.io/percentile: '95'}}
    spec: {thresholdMetric: {metricSource: {type: Prometheus, spec: {query: p95}}}}
  timeWindow: [{duration: 28d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives:
    - {displayName: Fast, op: lte, value: 200, target: 0.99}
    - {displayName: Not slow, op: lt, value: 1000, target: 0.999}
"""


def gid(type_name: str, ident: int) -> str:
    return to_base64(type_name, ident)


async def test_export_reimports_to_the_same_objectives(session):
    product = await make_product(session)
    await publish(session, product, EVERY_KIND)

    exported = await sla.export_openslo(session, product.id)
    await sla.import_openslo(session, ADMIN, product.id, exported)
    again = await sla.current_drafts(session, product.id)

    published = [validate_objective(d, "o").comparable() for d in EVERY_KIND]
    assert [d.comparable() for d in again] == published
    assert [d.objective_key for d in again] == [d.objective_key for d in EVERY_KIND]
    kinds = [doc["kind"] for doc in yaml.safe_load_all(exported)]
    assert kinds == ["Service"] + ["SLI", "SLO"] * len(EVERY_KIND)


def test_external_documents_are_read_with_inferred_indicators():
    drafts = parse_openslo(EXTERNAL, "feature-store")

    assert [(d.objective_key, d.indicator, d.target) for d in drafts] == [
        ("checkout-availability", IndicatorKind.AVAILABILITY, 0.995),
        ("checkout-latency-1", IndicatorKind.LATENCY, 0.99),
        ("checkout-latency-2", IndicatorKind.LATENCY, 0.999),
    ]
    assert drafts[0].window_days == 28
    assert drafts[1].operator is ThresholdOperator.LTE
    assert drafts[2].operator is ThresholdOperator.LT
    assert drafts[1].percentile == 95.0
    assert drafts[1].name == "Fast"


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            # 1M is a specification unit (read as 30 days); a zero count is no duration at all.
            EXTERNAL.replace("duration: 28d", "duration: 0d"),
            "document 4 (SLO 'checkout-latency'): spec.timeWindow[0].duration: unsupported",
        ),
        (
            EXTERNAL.replace("indicatorRef: ok-requests", "indicatorRef: missing"),
            "document 3 (SLO 'checkout-availability'): spec.indicatorRef: no SLI named 'missing'",
        ),
        (
            # AlertPolicy is a specification kind (accepted, noted); an unknown kind is refused.
            EXTERNAL.replace("kind: Service", "kind: Widget"),
            "document 1 (Widget 'checkout'): kind: unsupported kind 'Widget'",
        ),
        (
            EXTERNAL.replace(
                "apiVersion: openslo/v1\nkind: SLI", "apiVersion: openslo/v2\nkind: SLI"
            ),
            "document 2 (SLI 'ok-requests'): apiVersion: unsupported 'openslo/v2'",
        ),
        (
            EXTERNAL.replace("targetPercent: 99.5", "targetPercent: 150"),
            "document 3 (SLO 'checkout-availability'): spec.objectives[0].target",
        ),
        (
            EXTERNAL.replace("op: lte", "op: between"),
            "spec.objectives[0].op: unsupported 'between'",
        ),
        (EXTERNAL + "\n  - [unclosed", "YAML syntax error at line"),
        ("apiVersion: openslo/v1\nkind: Service\nmetadata: {name: x}\n", "no SLO document"),
    ],
)
def test_malformed_documents_are_refused_naming_document_field_and_reason(broken, expected):
    with pytest.raises(OpenSloError) as refused:
        parse_openslo(broken, "feature-store")

    assert expected in refused.value.message
    assert refused.value.field == "yaml"


async def test_graphql_round_trip_and_a_malformed_file_is_refused_whole(api, session):
    product = await make_product(session)
    await publish(session, product, EVERY_KIND)
    await api.login(Role.ADMIN)
    exported = (await api.gql(EXPORT, {"slug": product.slug}))["product"]["openSloYaml"]
    # Valid documents first, then a bad one: nothing of the file may be imported.
    broken = exported + "---\napiVersion: openslo/v1\nkind: SLO\nmetadata: {name: late}\nspec: {}\n"

    refused = await api.gql(
        IMPORT, {"input": {"productId": gid("Product", product.id), "yaml": broken}}
    )
    imported = await api.gql(
        IMPORT, {"input": {"productId": gid("Product", product.id), "yaml": exported}}
    )
    after = (await api.gql(EXPORT, {"slug": product.slug}))["product"]

    error = refused["importOpenSlo"]["errors"][0]
    assert (error["field"], error["code"]) == ("yaml", "INVALID")
    assert "document 12 (SLO 'late'): spec.service: is required" in error["message"]
    assert refused["importOpenSlo"]["slaVersion"] is None
    version = imported["importOpenSlo"]["slaVersion"]
    assert version["number"] == 2
    assert version["source"] == "OPENSLO"
    assert len(version["objectives"]) == len(EVERY_KIND)
    assert after["slaHistory"]["totalCount"] == 2
    assert after["openSloYaml"] == exported


async def test_merge_keeps_objectives_the_file_does_not_mention(session):
    product = await make_product(session, name="checkout")
    await publish(session, product, [AVAILABILITY])
    external = EXTERNAL.replace("service: checkout", f"service: {product.slug}")

    await sla.import_openslo(session, ADMIN, product.id, external, merge=True)

    keys = [d.objective_key for d in await sla.current_drafts(session, product.id)]
    assert keys == [
        "availability",
        "checkout-availability",
        "checkout-latency-1",
        "checkout-latency-2",
    ]
