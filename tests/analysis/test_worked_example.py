"""The domain guide's worked example (Ranking / Features), number for number."""

from __future__ import annotations

from datetime import date

from syncpoint.analysis.calendar import Cadence, generate_sprints
from syncpoint.analysis.flags import (
    FlagCode,
    Severity,
    SubjectKind,
    dependency_flags,
    dependency_timing,
)
from syncpoint.analysis.model import AnalysisInput


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_sprints_are_those_listed_in_the_guide() -> None:
    ranking = generate_sprints([Cadence(14, d("2027-01-04"))], [], d("2027-01-04"), d("2027-02-28"))
    features = generate_sprints(
        [Cadence(14, d("2027-01-11"))], [], d("2027-01-11"), d("2027-02-21")
    )

    assert [(s.start.isoformat(), s.end.isoformat()) for s in ranking] == [
        ("2027-01-04", "2027-01-17"),
        ("2027-01-18", "2027-01-31"),
        ("2027-02-01", "2027-02-14"),
        ("2027-02-15", "2027-02-28"),
    ]
    assert [(s.start.isoformat(), s.end.isoformat()) for s in features] == [
        ("2027-01-11", "2027-01-24"),
        ("2027-01-25", "2027-02-07"),
        ("2027-02-08", "2027-02-21"),
    ]


def test_timing_needed_by_available_from_late_and_handoff_lag(example: AnalysisInput) -> None:
    timing = dependency_timing(example, example.dependencies[0])

    assert timing.needed_by == d("2027-02-01")
    assert timing.available_from == d("2027-02-08")
    assert timing.late_by_days == 7
    assert timing.handoff_lag_days == 7


def test_late_flag_says_it_in_words_and_numbers(example: AnalysisInput) -> None:
    flags = {f.code: f for f in dependency_flags(example, example.dependencies[0])}

    late = flags[FlagCode.LATE]
    assert late.message == (
        "Ranking needs FS-12 by 2027-02-01 but Features delivers it on 2027-02-08: 7 days late."
    )
    assert late.severity is Severity.HIGH
    assert late.subject_kind is SubjectKind.DEPENDENCY
    assert late.subject_id == 100
    assert late.numbers["late_by_days"] == 7
    assert late.team_ids == (1, 2)


def test_cadence_misaligned_with_offset_lag_and_suggested_shift(example: AnalysisInput) -> None:
    flags = {f.code: f for f in dependency_flags(example, example.dependencies[0])}

    misaligned = flags[FlagCode.CADENCE_MISALIGNED]
    assert misaligned.numbers["offset_days"] == 7
    assert misaligned.numbers["provider_length_days"] == 14
    assert misaligned.numbers["consumer_length_days"] == 14
    assert misaligned.numbers["common_period_days"] is None
    assert misaligned.numbers["handoff_lag_days"] == 7
    assert misaligned.numbers["suggested_shift_days"] == -7
    assert misaligned.numbers["suggested_anchor"] == "2027-01-04"
    assert "never coincide" in misaligned.message
    assert "-7 days (to 2027-01-04)" in misaligned.message
    assert "Handoff lag at this dependency: 7 days." in misaligned.message
    assert set(flags) == {FlagCode.LATE, FlagCode.CADENCE_MISALIGNED}


def test_explicit_needed_by_inside_sprint_gives_same_sprint_not_late(
    example_with_explicit_date: AnalysisInput,
) -> None:
    dep = example_with_explicit_date.dependencies[0]
    timing = dependency_timing(example_with_explicit_date, dep)
    codes = {f.code for f in dependency_flags(example_with_explicit_date, dep)}

    assert timing.needed_by == d("2027-02-10")
    assert timing.late_by_days == 0
    assert FlagCode.SAME_SPRINT in codes
    assert FlagCode.LATE not in codes
