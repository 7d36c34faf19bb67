"""Sprint generation: cadences, cadence changes, explicit sprints and boundary look-ups."""

from __future__ import annotations

from datetime import date

import pytest

from syncpoint.analysis.calendar import (
    Cadence,
    SprintSpan,
    TeamCalendar,
    find_overlap,
    generate_sprints,
    next_sprint_start_on_or_after,
    overlaps,
    sprint_on,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def spans(sprints: list[SprintSpan]) -> list[tuple[str, str]]:
    return [(s.start.isoformat(), s.end.isoformat()) for s in sprints]


FOURTEEN = Cadence(14, d("2027-01-04"))


def test_sprints_before_the_anchor_are_generated_too() -> None:
    sprints = generate_sprints([FOURTEEN], [], d("2026-12-10"), d("2027-01-05"))

    assert spans(sprints) == [
        ("2026-12-07", "2026-12-20"),
        ("2026-12-21", "2027-01-03"),
        ("2027-01-04", "2027-01-17"),
    ]


def test_a_sprint_partly_inside_the_range_is_included() -> None:
    sprints = generate_sprints([FOURTEEN], [], d("2027-01-17"), d("2027-01-18"))

    assert spans(sprints) == [("2027-01-04", "2027-01-17"), ("2027-01-18", "2027-01-31")]


def test_cadence_change_truncates_old_sprint_and_starts_with_a_partial_one() -> None:
    ten_days = Cadence(10, d("2027-03-01"), effective_from=d("2027-02-22"))

    sprints = generate_sprints([ten_days, FOURTEEN], [], d("2027-02-01"), d("2027-03-15"))

    assert spans(sprints) == [
        ("2027-02-01", "2027-02-14"),
        ("2027-02-15", "2027-02-21"),  # old cadence, cut the day before the change
        ("2027-02-22", "2027-02-28"),  # partial first sprint up to the new boundary
        ("2027-03-01", "2027-03-10"),
        ("2027-03-11", "2027-03-20"),
    ]
    assert not any(s.explicit for s in sprints)


def test_cadence_change_on_a_boundary_needs_no_partial_sprint() -> None:
    ten_days = Cadence(10, d("2027-03-01"), effective_from=d("2027-03-01"))

    sprints = generate_sprints([FOURTEEN, ten_days], [], d("2027-02-10"), d("2027-03-05"))

    assert spans(sprints) == [
        ("2027-02-01", "2027-02-14"),
        ("2027-02-15", "2027-02-28"),
        ("2027-03-01", "2027-03-10"),
    ]


def test_explicit_sprints_win_over_overlapping_generated_ones() -> None:
    holiday = SprintSpan(d("2027-02-08"), d("2027-02-20"), explicit=True, ref=99)

    sprints = generate_sprints([FOURTEEN], [holiday], d("2027-01-18"), d("2027-03-14"))

    assert spans(sprints) == [
        ("2027-01-18", "2027-01-31"),
        ("2027-02-08", "2027-02-20"),
        ("2027-03-01", "2027-03-14"),
    ]
    assert [s.ref for s in sprints] == [None, 99, None]
    assert [s.explicit for s in sprints] == [False, True, False]


def test_explicit_sprint_outside_the_range_still_removes_the_generated_one() -> None:
    explicit = SprintSpan(d("2027-01-04"), d("2027-01-06"), explicit=True, ref=1)

    sprints = generate_sprints([FOURTEEN], [explicit], d("2027-01-15"), d("2027-01-20"))

    assert spans(sprints) == [("2027-01-18", "2027-01-31")]


def test_team_without_cadence_has_only_its_explicit_sprints() -> None:
    only = SprintSpan(d("2027-05-03"), d("2027-05-09"), explicit=True, ref=5)

    assert generate_sprints([], [only], d("2027-01-01"), d("2027-12-31")) == [only]
    assert generate_sprints([], [], d("2027-01-01"), d("2027-12-31")) == []


def test_far_away_range_is_cheap_and_correct() -> None:
    sprints = generate_sprints([FOURTEEN], [], d("9000-01-01"), d("9000-02-01"))

    assert 2 <= len(sprints) <= 4
    assert all((s.start.toordinal() - FOURTEEN.anchor.toordinal()) % 14 == 0 for s in sprints)


def test_next_sprint_start_on_or_after() -> None:
    holiday = SprintSpan(d("2027-02-08"), d("2027-02-20"), explicit=True)

    assert next_sprint_start_on_or_after([FOURTEEN], [], d("2027-02-08")) == d("2027-02-15")
    assert next_sprint_start_on_or_after([FOURTEEN], [], d("2027-02-15")) == d("2027-02-15")
    assert next_sprint_start_on_or_after([FOURTEEN], [holiday], d("2027-02-02")) == d("2027-02-08")
    assert next_sprint_start_on_or_after([FOURTEEN], [holiday], d("2027-02-09")) == d("2027-03-01")
    assert next_sprint_start_on_or_after([], [holiday], d("2027-02-09")) is None
    assert next_sprint_start_on_or_after([], [], d("2027-02-09")) is None


def test_boundaries_around_a_date() -> None:
    calendar = TeamCalendar([FOURTEEN], [])

    assert calendar.boundary_on_or_before(d("2027-02-10")) == d("2027-02-01")
    assert calendar.boundary_after(d("2027-02-10")) == d("2027-02-15")
    assert calendar.boundary_on_or_before(d("2027-02-15")) == d("2027-02-15")
    assert TeamCalendar([], []).boundary_after(d("2027-02-10")) is None
    assert TeamCalendar([], []).boundary_on_or_before(d("2027-02-10")) is None


def test_cadence_in_force_on_a_day() -> None:
    later = Cadence(10, d("2027-03-01"), effective_from=d("2027-02-22"))
    calendar = TeamCalendar([FOURTEEN, later], [])

    assert calendar.cadence_on(d("2027-02-21")) == FOURTEEN
    assert calendar.cadence_on(d("2027-02-22")) == later
    assert TeamCalendar([later], []).cadence_on(d("2020-01-01")) == later


def test_sprint_on_finds_the_containing_sprint() -> None:
    sprints = generate_sprints([FOURTEEN], [], d("2027-01-04"), d("2027-02-28"))

    found = sprint_on(sprints, d("2027-02-10"))
    assert found is not None
    assert (found.start, found.end) == (d("2027-02-01"), d("2027-02-14"))
    assert sprint_on(sprints, d("2027-01-01")) is None
    assert sprint_on(sprints, d("2027-03-01")) is None


def test_overlap_detection() -> None:
    a = SprintSpan(d("2027-01-01"), d("2027-01-14"))
    b = SprintSpan(d("2027-01-14"), d("2027-01-20"))
    c = SprintSpan(d("2027-01-21"), d("2027-01-30"))

    assert overlaps(a, b)
    assert not overlaps(a, c)
    assert find_overlap([c, b, a]) == (a, b)
    assert find_overlap([a, c]) is None


def test_a_cadence_of_zero_days_is_rejected() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        Cadence(0, d("2027-01-01"))


def test_a_sprint_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        SprintSpan(d("2027-01-02"), d("2027-01-01"))


def test_boundary_after_includes_the_day_after_an_explicit_sprint_ends() -> None:
    one_day = SprintSpan(d("2027-01-01"), d("2027-01-01"), explicit=True)

    assert TeamCalendar([], [one_day]).boundary_after(d("2027-01-01")) == d("2027-01-02")
