"""Cadence alignment (rule 4): offset, common period, suggested shift and the sentence."""

from __future__ import annotations

from datetime import date

import pytest

from syncpoint.analysis.alignment import align, suggested_shift
from syncpoint.analysis.calendar import Cadence


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_equal_cadences_are_aligned() -> None:
    result = align(Cadence(14, d("2027-01-04")), Cadence(14, d("2026-12-21")))

    assert result.aligned
    assert not result.misaligned
    assert result.offset_days == 0
    assert result.common_period_days == 14
    assert result.suggested_shift_days == 0
    assert "nothing to align" in result.sentence


def test_worked_example_features_provides_to_ranking() -> None:
    result = align(
        Cadence(14, d("2027-01-11")),
        Cadence(14, d("2027-01-04")),
        provider_name="Features",
        consumer_name="Ranking",
    )

    assert result.misaligned
    assert result.offset_days == 7
    assert result.common_period_days is None
    assert result.suggested_shift_days == -7
    assert result.suggested_anchor == d("2027-01-04")
    assert result.sentence == (
        "Features and Ranking both run 14-day sprints; Features' sprints start 7 days after "
        "Ranking's, so their sprint boundaries never coincide. Moving Features' anchor by "
        "-7 days (to 2027-01-04) means every boundary coincides."
    )


def test_different_lengths_with_offset_zero_coincide_every_lcm() -> None:
    result = align(Cadence(10, d("2027-01-04")), Cadence(14, d("2027-01-04")))

    assert result.misaligned
    assert (result.gcd, result.offset_days, result.common_period_days) == (2, 0, 70)
    assert result.suggested_shift_days == 0
    assert "coincide every 70 days" in result.sentence
    assert "only a common sprint length makes every boundary coincide" in result.sentence


def test_different_lengths_with_offset_never_coincide() -> None:
    result = align(Cadence(10, d("2027-01-05")), Cadence(14, d("2027-01-04")))

    assert (result.gcd, result.offset_days, result.common_period_days) == (2, 1, None)
    assert result.suggested_shift_days == -1
    assert "never coincide" in result.sentence
    assert "-1 day (to 2027-01-04)" in result.sentence


@pytest.mark.parametrize(
    ("offset", "gcd", "shift"),
    [(0, 14, 0), (7, 14, -7), (3, 10, -3), (8, 10, 2), (5, 10, -5), (1, 2, -1), (6, 7, 1)],
)
def test_suggested_shift_is_smallest_with_ties_going_backwards(
    offset: int, gcd: int, shift: int
) -> None:
    assert suggested_shift(offset, gcd) == shift


def test_positive_shift_is_written_with_a_plus_sign() -> None:
    result = align(Cadence(10, d("2027-01-12")), Cadence(10, d("2027-01-04")))

    assert result.offset_days == 8
    assert result.suggested_shift_days == 2
    assert "+2 days (to 2027-01-14)" in result.sentence
