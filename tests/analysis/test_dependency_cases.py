"""A table of hand-computed dependencies: dates, lateness, handoff lag and the flags raised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from syncpoint.analysis.calendar import Cadence, ServiceLevelExpectation, SprintSpan
from syncpoint.analysis.flags import FlagCode, Severity, dependency_flags, dependency_timing
from syncpoint.analysis.model import (
    AnalysisInput,
    DependencyInfo,
    DependencyType,
    Framework,
    ItemInfo,
    ItemKind,
    ItemStatus,
    ProductInfo,
    TeamInfo,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def span(start: str, end: str) -> SprintSpan:
    return SprintSpan(d(start), d(end))


TODAY = d("2027-01-20")
CONSUMER = TeamInfo(1, "Ranking", Framework.SCRUM, (Cadence(14, d("2027-01-04")),))
SAME_CADENCE = TeamInfo(2, "Features", Framework.SCRUM, (Cadence(14, d("2027-01-04")),))
OFFSET_CADENCE = TeamInfo(2, "Features", Framework.SCRUM, (Cadence(14, d("2027-01-11")),))
TEN_DAYS = TeamInfo(2, "Features", Framework.SCRUM, (Cadence(10, d("2027-01-04")),))
SEVEN_DAYS = TeamInfo(2, "Features", Framework.SCRUM, (Cadence(7, d("2027-01-04")),))
KANBAN = TeamInfo(2, "Labelling", Framework.KANBAN, sle=ServiceLevelExpectation(85, 10))
PLATFORM = TeamInfo(3, "Platform", Framework.KANBAN, sle=ServiceLevelExpectation(85, 5))
FEATURE_STORE = ProductInfo(5, "Feature Store", PLATFORM.id, turnaround_days=5)
NO_SLA_STORE = ProductInfo(5, "Feature Store", PLATFORM.id, turnaround_days=None)


@dataclass(frozen=True)
class Case:
    provider: TeamInfo
    provider_sprint: SprintSpan | None
    consumer_sprint: SprintSpan | None
    needed_by: str | None
    available_from: str | None
    late_by: int | None
    lag: int | None
    codes: frozenset[FlagCode]
    explicit: str | None = None
    started_on: str | None = None
    product: ProductInfo | None = None


CASES = {
    "equal cadences, aligned, on time": Case(
        SAME_CADENCE,
        span("2027-01-04", "2027-01-17"),
        span("2027-01-18", "2027-01-31"),
        "2027-01-18",
        "2027-01-18",
        0,
        0,
        frozenset(),
    ),
    "equal lengths, anchors 7 days apart": Case(
        OFFSET_CADENCE,
        span("2027-01-25", "2027-02-07"),
        span("2027-02-01", "2027-02-14"),
        "2027-02-01",
        "2027-02-08",
        7,
        7,
        frozenset({FlagCode.LATE, FlagCode.CADENCE_MISALIGNED}),
    ),
    "10 vs 14 days, on time, boundaries meet every 70 days": Case(
        TEN_DAYS,
        span("2027-01-14", "2027-01-23"),
        span("2027-02-01", "2027-02-14"),
        "2027-02-01",
        "2027-01-24",
        0,
        8,
        frozenset({FlagCode.CADENCE_MISALIGNED}),
    ),
    "Kanban provider dated by its SLE from today": Case(
        KANBAN,
        None,
        span("2027-01-18", "2027-01-31"),
        "2027-01-18",
        "2027-01-30",
        12,
        2,
        frozenset({FlagCode.LATE}),
        started_on="2027-01-15",
    ),
    "Kanban provider starting later is dated from its start": Case(
        KANBAN,
        None,
        span("2027-02-15", "2027-02-28"),
        "2027-02-15",
        "2027-02-04",
        0,
        11,
        frozenset(),
        started_on="2027-01-25",
    ),
    "unplanned provider": Case(
        SAME_CADENCE,
        None,
        span("2027-01-18", "2027-01-31"),
        "2027-01-18",
        None,
        None,
        None,
        frozenset({FlagCode.UNPLANNED_PROVIDER}),
    ),
    "explicit needed-by inside the consumer sprint": Case(
        SEVEN_DAYS,
        span("2027-01-18", "2027-01-24"),
        span("2027-01-18", "2027-01-31"),
        "2027-01-27",
        "2027-01-25",
        0,
        7,
        frozenset({FlagCode.SAME_SPRINT, FlagCode.CADENCE_MISALIGNED}),
        explicit="2027-01-27",
    ),
    "product request without provider item: today plus turnaround": Case(
        PLATFORM,
        None,
        span("2027-01-18", "2027-01-31"),
        "2027-01-18",
        "2027-01-25",
        7,
        7,
        frozenset({FlagCode.LATE}),
        product=FEATURE_STORE,
    ),
    "product request without turnaround SLA cannot be dated": Case(
        PLATFORM,
        None,
        span("2027-01-18", "2027-01-31"),
        "2027-01-18",
        None,
        None,
        None,
        frozenset({FlagCode.UNPLANNED_PROVIDER}),
        product=NO_SLA_STORE,
    ),
    "consumer planned in no sprint and no explicit date": Case(
        SAME_CADENCE,
        span("2027-01-04", "2027-01-17"),
        None,
        None,
        "2027-01-18",
        None,
        0,
        frozenset(),
    ),
}


def build(case: Case) -> AnalysisInput:
    consumer_item = ItemInfo(
        10, CONSUMER.id, "R-1", ItemKind.ENGINEERING, ItemStatus.READY, case.consumer_sprint
    )
    items = [consumer_item]
    if case.product is None:
        provider_item = ItemInfo(
            20,
            case.provider.id,
            "P-1",
            ItemKind.DATA,
            ItemStatus.IN_PROGRESS,
            case.provider_sprint,
            started_on=d(case.started_on) if case.started_on else None,
        )
        items.append(provider_item)
        dep = DependencyInfo(1, 10, 20, None, DependencyType.BLOCKING)
    else:
        dep = DependencyInfo(1, 10, None, case.product.id, DependencyType.BLOCKING)
    if case.explicit:
        dep = DependencyInfo(
            dep.id, 10, dep.provider_item_id, dep.provider_product_id, dep.type, d(case.explicit)
        )
    return AnalysisInput(
        today=TODAY,
        teams=(CONSUMER, case.provider),
        items=tuple(items),
        products=(case.product,) if case.product else (),
        dependencies=(dep,),
    )


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_hand_computed_dependency(case: Case) -> None:
    inp = build(case)
    dep = inp.dependencies[0]

    timing = dependency_timing(inp, dep)
    codes = {f.code for f in dependency_flags(inp, dep)}

    assert timing.needed_by == (d(case.needed_by) if case.needed_by else None)
    assert timing.available_from == (d(case.available_from) if case.available_from else None)
    assert timing.late_by_days == case.late_by
    assert timing.handoff_lag_days == case.lag
    assert codes == case.codes


def test_ten_vs_fourteen_days_coincide_every_seventy_days_and_suggest_no_shift() -> None:
    inp = build(CASES["10 vs 14 days, on time, boundaries meet every 70 days"])

    (flag,) = dependency_flags(inp, inp.dependencies[0])

    assert flag.severity is Severity.LOW
    assert flag.numbers["gcd_days"] == 2
    assert flag.numbers["offset_days"] == 0
    assert flag.numbers["common_period_days"] == 70
    assert flag.numbers["suggested_shift_days"] == 0
    assert "coincide every 70 days" in flag.message
    assert "only a common sprint length makes every boundary coincide" in flag.message


def test_product_request_message_names_the_product() -> None:
    inp = build(CASES["product request without provider item: today plus turnaround"])

    (flag,) = dependency_flags(inp, inp.dependencies[0])

    assert flag.message.startswith(
        "Ranking needs a Feature Store request by 2027-01-18 but Platform delivers it on "
        "2027-01-25: 7 days late."
    )
    assert flag.team_ids == (1, 3)


def test_unplanned_provider_explains_why_no_date_exists() -> None:
    inp = build(CASES["unplanned provider"])

    (flag,) = dependency_flags(inp, inp.dependencies[0])

    assert flag.severity is Severity.HIGH
    assert "Features has planned it in no sprint" in flag.message


@pytest.mark.parametrize(
    ("dep_type", "late_days", "severity"),
    [
        (DependencyType.BLOCKING, 7, Severity.HIGH),
        (DependencyType.BLOCKING, 14, Severity.CRITICAL),
        (DependencyType.SLOWING, 7, Severity.MEDIUM),
        (DependencyType.SLOWING, 21, Severity.HIGH),
        (DependencyType.OK, 21, Severity.LOW),
    ],
)
def test_late_severity_policy(dep_type: DependencyType, late_days: int, severity: Severity) -> None:
    provider_sprint = SprintSpan(d("2027-01-18"), d("2027-01-31"))
    consumer_sprint = SprintSpan(d("2027-02-01") - timedelta(days=late_days), d("2027-03-01"))
    inp = AnalysisInput(
        today=TODAY,
        teams=(TeamInfo(1, "A", Framework.SCRUM), TeamInfo(2, "B", Framework.SCRUM)),
        items=(
            ItemInfo(1, 1, "c", ItemKind.DATA, ItemStatus.READY, consumer_sprint),
            ItemInfo(2, 2, "p", ItemKind.DATA, ItemStatus.READY, provider_sprint),
        ),
        dependencies=(DependencyInfo(1, 1, 2, None, dep_type),),
    )
    (flag,) = [f for f in dependency_flags(inp, inp.dependencies[0]) if f.code is FlagCode.LATE]

    assert flag.numbers["late_by_days"] == late_days
    assert flag.severity is severity


def test_closed_dependency_and_done_provider_raise_nothing() -> None:
    inp = build(CASES["equal lengths, anchors 7 days apart"])
    dep = inp.dependencies[0]
    closed = DependencyInfo(dep.id, 10, 20, None, dep.type, open=False)
    done_provider = [
        ItemInfo(i.id, i.team_id, i.title, i.kind, ItemStatus.DONE, i.sprint) if i.id == 20 else i
        for i in inp.items
    ]

    assert dependency_flags(inp, closed) == []
    done = AnalysisInput(TODAY, inp.teams, tuple(done_provider), dependencies=(dep,))
    assert dependency_flags(done, dep) == []
    assert dependency_timing(done, dep).late_by_days == 7
