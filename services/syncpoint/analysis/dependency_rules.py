"""Rules 1-4 on one dependency: LATE, SAME_SPRINT, UNPLANNED_PROVIDER, CADENCE_MISALIGNED."""

from __future__ import annotations

from datetime import date

from syncpoint.analysis.alignment import CadenceAlignment, align
from syncpoint.analysis.calendar import overlaps
from syncpoint.analysis.flag_types import (
    Flag,
    FlagCode,
    Number,
    Severity,
    SubjectKind,
    days,
    team_ids,
)
from syncpoint.analysis.model import (
    CLOSED_STATUSES,
    AnalysisInput,
    DependencyInfo,
    DependencyType,
    ItemStatus,
)
from syncpoint.analysis.timing import AvailabilityRule, DependencyTiming, dependency_timing

# A full two-week sprint of delay turns a late dependency into the next severity up.
SEVERE_LATENESS_DAYS = 14

_LATE_SEVERITY = {
    DependencyType.BLOCKING: (Severity.HIGH, Severity.CRITICAL),
    DependencyType.SLOWING: (Severity.MEDIUM, Severity.HIGH),
    DependencyType.OK: (Severity.LOW, Severity.LOW),
}
_SAME_SPRINT_SEVERITY = {
    DependencyType.BLOCKING: Severity.MEDIUM,
    DependencyType.SLOWING: Severity.LOW,
    DependencyType.OK: Severity.INFO,
}
_UNPLANNED_SEVERITY = {
    DependencyType.BLOCKING: Severity.HIGH,
    DependencyType.SLOWING: Severity.MEDIUM,
    DependencyType.OK: Severity.LOW,
}


def late_severity(dep_type: DependencyType, late_days: int) -> Severity:
    """Severity of a LATE flag: by dependency type, one step up from two weeks late."""
    normal, severe = _LATE_SEVERITY[dep_type]
    return severe if late_days >= SEVERE_LATENESS_DAYS else normal


def alignment_severity(alignment: CadenceAlignment) -> Severity:
    """MEDIUM when boundaries never coincide, LOW when they do every common period."""
    return Severity.MEDIUM if alignment.common_period_days is None else Severity.LOW


def is_evaluated(inp: AnalysisInput, dep: DependencyInfo) -> bool:
    """Closed dependencies, finished consumers and DONE providers raise no timing flags."""
    index = inp.index
    consumer = index.items.get(dep.consumer_item_id)
    if not dep.open or consumer is None or consumer.status in CLOSED_STATUSES:
        return False
    provider = index.items.get(dep.provider_item_id) if dep.provider_item_id is not None else None
    return provider is None or provider.status is not ItemStatus.DONE


def dependency_flags(
    inp: AnalysisInput, dep: DependencyInfo, timing: DependencyTiming | None = None
) -> list[Flag]:
    """Flags of rules 1-4 for one dependency (pass ``timing`` if already computed)."""
    if not is_evaluated(inp, dep):
        return []
    timing = timing if timing is not None else dependency_timing(inp, dep)
    return [
        flag
        for flag in (
            _late(inp, dep, timing),
            _same_sprint(inp, dep, timing),
            _unplanned(inp, dep, timing),
            _misaligned(inp, dep, timing),
        )
        if flag is not None
    ]


def _what(inp: AnalysisInput, dep: DependencyInfo) -> str:
    index = inp.index
    if dep.provider_item_id is not None and dep.provider_item_id in index.items:
        return index.items[dep.provider_item_id].title
    product = (
        index.products.get(dep.provider_product_id) if dep.provider_product_id is not None else None
    )
    return f"a {product.name} request" if product is not None else "its provider's delivery"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _base_numbers(dep: DependencyInfo, timing: DependencyTiming) -> dict[str, Number]:
    return {
        "dependency_type": dep.type.value,
        "needed_by": _iso(timing.needed_by),
        "available_from": _iso(timing.available_from),
        "late_by_days": timing.late_by_days,
        "handoff_lag_days": timing.handoff_lag_days,
    }


def _flag(
    code: FlagCode,
    severity: Severity,
    dep: DependencyInfo,
    timing: DependencyTiming,
    message: str,
    numbers: dict[str, Number],
) -> Flag:
    return Flag(
        code=code,
        severity=severity,
        subject_kind=SubjectKind.DEPENDENCY,
        subject_id=dep.id,
        message=message,
        numbers=numbers,
        team_ids=team_ids(timing.consumer_team_id, timing.provider_team_id),
    )


def _late(inp: AnalysisInput, dep: DependencyInfo, timing: DependencyTiming) -> Flag | None:
    late = timing.late_by_days
    if late is None or late <= 0 or timing.needed_by is None or timing.available_from is None:
        return None
    index = inp.index
    message = (
        f"{index.team_name(timing.consumer_team_id)} needs {_what(inp, dep)} by "
        f"{timing.needed_by.isoformat()} but {index.team_name(timing.provider_team_id)} "
        f"delivers it on {timing.available_from.isoformat()}: {days(late)} late."
    )
    if timing.rule is AvailabilityRule.KANBAN_SLE:
        message += " (Kanban provider: dated by its service-level expectation.)"
    elif timing.rule is AvailabilityRule.PRODUCT_TURNAROUND:
        message += " (No provider item yet: dated by the product's request turnaround.)"
    severity = late_severity(dep.type, late)
    return _flag(FlagCode.LATE, severity, dep, timing, message, _base_numbers(dep, timing))


def _same_sprint(inp: AnalysisInput, dep: DependencyInfo, timing: DependencyTiming) -> Flag | None:
    consumer_sprint, provider_sprint = timing.consumer_sprint, timing.provider_sprint
    if (
        timing.late_by_days != 0
        or consumer_sprint is None
        or provider_sprint is None
        or timing.needed_by is None
        or timing.available_from is None
        or not overlaps(consumer_sprint, provider_sprint)
    ):
        return None
    index = inp.index
    message = (
        f"{index.team_name(timing.consumer_team_id)} needs {_what(inp, dep)} by "
        f"{timing.needed_by.isoformat()}, in the middle of its sprint "
        f"{consumer_sprint.start.isoformat()}..{consumer_sprint.end.isoformat()}, while "
        f"{index.team_name(timing.provider_team_id)} only delivers it when its sprint "
        f"{provider_sprint.start.isoformat()}..{provider_sprint.end.isoformat()} ends "
        f"(available {timing.available_from.isoformat()}): not late, but the work waits "
        "mid-sprint."
    )
    numbers = _base_numbers(dep, timing)
    numbers["slack_days"] = (timing.needed_by - timing.available_from).days
    numbers["consumer_sprint_start"] = consumer_sprint.start.isoformat()
    numbers["provider_sprint_end"] = provider_sprint.end.isoformat()
    severity = _SAME_SPRINT_SEVERITY[dep.type]
    return _flag(FlagCode.SAME_SPRINT, severity, dep, timing, message, numbers)


def _unplanned(inp: AnalysisInput, dep: DependencyInfo, timing: DependencyTiming) -> Flag | None:
    if timing.consumer_sprint is None or timing.available_from is not None:
        return None
    index = inp.index
    provider = index.team_name(timing.provider_team_id)
    provider_team = (
        index.teams.get(timing.provider_team_id) if timing.provider_team_id is not None else None
    )
    if dep.provider_item_id is None:
        reason = f"it has no provider item and {provider} publishes no request turnaround"
    elif provider_team is not None and not provider_team.plans_in_sprints:
        reason = f"{provider} publishes no service-level expectation"
    else:
        reason = f"{provider} has planned it in no sprint"
    message = (
        f"{index.team_name(timing.consumer_team_id)} plans work needing {_what(inp, dep)} "
        f"from {timing.consumer_sprint.start.isoformat()} but {reason}, so no delivery date "
        "can be promised."
    )
    numbers = _base_numbers(dep, timing)
    numbers["consumer_sprint_start"] = timing.consumer_sprint.start.isoformat()
    severity = _UNPLANNED_SEVERITY[dep.type]
    return _flag(FlagCode.UNPLANNED_PROVIDER, severity, dep, timing, message, numbers)


def _misaligned(inp: AnalysisInput, dep: DependencyInfo, timing: DependencyTiming) -> Flag | None:
    index = inp.index
    if timing.consumer_team_id is None or timing.provider_team_id is None:
        return None
    consumer = index.teams.get(timing.consumer_team_id)
    provider = index.teams.get(timing.provider_team_id)
    if consumer is None or provider is None or consumer.id == provider.id:
        return None
    if not (consumer.plans_in_sprints and provider.plans_in_sprints):
        return None
    # The cadences that matter are those in force when the consumer needs the deliverable.
    day = timing.needed_by or inp.today
    provider_cadence = index.calendars[provider.id].cadence_on(day)
    consumer_cadence = index.calendars[consumer.id].cadence_on(day)
    if provider_cadence is None or consumer_cadence is None:
        return None
    alignment = align(
        provider_cadence, consumer_cadence, provider_name=provider.name, consumer_name=consumer.name
    )
    if not alignment.misaligned:
        return None
    message = alignment.sentence
    if timing.handoff_lag_days is not None:
        message += f" Handoff lag at this dependency: {days(timing.handoff_lag_days)}."
    numbers = _base_numbers(dep, timing)
    numbers.update(alignment_numbers(alignment))
    return _flag(
        FlagCode.CADENCE_MISALIGNED, alignment_severity(alignment), dep, timing, message, numbers
    )


def alignment_numbers(alignment: CadenceAlignment) -> dict[str, Number]:
    """The numbers of a CADENCE_MISALIGNED flag."""
    return {
        "provider_length_days": alignment.provider_length,
        "consumer_length_days": alignment.consumer_length,
        "gcd_days": alignment.gcd,
        "offset_days": alignment.offset_days,
        "common_period_days": alignment.common_period_days,
        "suggested_shift_days": alignment.suggested_shift_days,
        "suggested_anchor": alignment.suggested_anchor.isoformat(),
    }
