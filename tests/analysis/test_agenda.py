"""The agenda engine: a hand-built scenario with a known ranking, and properties for any input."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from syncpoint.analysis.agenda import (
    Candidate,
    ImpactFactors,
    Section,
    build_agenda,
    impact_score,
    rank,
)


def candidate(key: str, section: Section, minutes: int | None = None, **factors: int) -> Candidate:
    severity = factors.pop("severity", 3)
    return Candidate(
        key=key,
        section=section,
        title=key,
        reason="",
        factors=ImpactFactors(severity=severity, **factors),
        minutes=minutes,
    )


B, D, C, A = (
    Section.NEW_OR_ESCALATED_BLOCKERS,
    Section.DEPENDENCIES_AT_RISK,
    Section.CADENCE_MISALIGNMENTS,
    Section.ACTION_ITEMS,
)

SCENARIO = [
    # An executive-level critical blocker holding up 3 teams and 5 items: clearly first.
    candidate(
        "blocker:1",
        B,
        severity=5,
        downstream_teams=3,
        downstream_items=5,
        escalation_steps=2,
        age_days=4,
    ),
    # A late blocking dependency, 10 days late, one team downstream.
    candidate("dependency:7", D, severity=4, downstream_teams=1, days_late=10),
    # A fresh medium blocker with nothing downstream.
    candidate("blocker:2", B, severity=3, age_days=1),
    # A misaligned cadence at an integration point: low severity.
    candidate("integration:3", C, severity=2),
    # Two open action items: one overdue by 3 days, one not yet due.
    candidate("action:9", A, severity=3, days_late=3),
    candidate("action:8", A, severity=2),
]


def test_known_scenario_ranks_by_impact():
    ranked = [(c.key, score) for c, score in rank(SCENARIO)]

    assert ranked == [
        ("blocker:1", 500 + 120 + 50 + 100 + 4),
        ("dependency:7", 400 + 40 + 30),
        ("action:9", 300 + 9),
        ("blocker:2", 300 + 1),
        ("integration:3", 200),  # ties with action:8: the earlier section goes first
        ("action:8", 200),
    ]


def test_known_scenario_in_a_15_minute_timebox():
    agenda = build_agenda(SCENARIO, 15)

    slots = [(e.candidate.key, e.rank, e.start_minute, e.end_minute) for e in agenda.entries]
    assert slots == [
        ("blocker:1", 1, 0, 2),
        ("blocker:2", 4, 2, 4),
        ("dependency:7", 2, 4, 6),
        ("integration:3", 5, 6, 8),
        ("action:9", 3, 8, 9),
        ("action:8", 6, 9, 10),
    ]
    assert agenda.left_out == ()
    assert agenda.used_minutes == 10


def test_tight_timebox_leaves_out_lowest_impact_and_says_why():
    agenda = build_agenda(SCENARIO, 6)

    assert [e.candidate.key for e in agenda.entries] == [
        "blocker:1",
        "dependency:7",
        "action:9",
        "action:8",
    ]
    assert [(o.candidate.key, o.reason) for o in agenda.left_out] == [
        ("blocker:2", "needs 2 min, 1 of the 6-minute timebox left"),
        ("integration:3", "needs 2 min, 1 of the 6-minute timebox left"),
    ]


def test_a_section_never_skips_a_higher_impact_entry_for_a_lower_one():
    long_first = candidate("blocker:1", B, minutes=5, severity=5)
    short_second = candidate("blocker:2", B, minutes=1, severity=4)
    other_section = candidate("action:1", A, minutes=1, severity=1)

    agenda = build_agenda([long_first, short_second, other_section], 3)

    assert [e.candidate.key for e in agenda.entries] == ["action:1"]
    assert [o.reason for o in agenda.left_out] == [
        "needs 5 min, 3 of the 3-minute timebox left",
        "a higher-impact entry of the same section did not fit",
    ]


def test_budget_burn_counts_only_beyond_the_budget():
    within = impact_score(ImpactFactors(severity=3, budget_burned_percent=80))
    double = impact_score(ImpactFactors(severity=3, budget_burned_percent=300))

    assert within == 300
    assert double == 300 + 100


# ---- properties -----------------------------------------------------------------------------

factors = st.builds(
    ImpactFactors,
    severity=st.integers(1, 5),
    downstream_teams=st.integers(0, 6),
    downstream_items=st.integers(0, 80),
    escalation_steps=st.integers(0, 2),
    days_late=st.integers(0, 90),
    age_days=st.integers(0, 60),
    budget_burned_percent=st.integers(0, 400),
)


@st.composite
def candidate_lists(draw: st.DrawFn) -> list[Candidate]:
    n = draw(st.integers(0, 25))
    return [
        Candidate(
            key=f"c:{i}",
            section=draw(st.sampled_from(list(Section))),
            title=f"c{i}",
            reason="",
            factors=draw(factors),
            minutes=draw(st.none() | st.integers(1, 6)),
        )
        for i in range(n)
    ]


timeboxes = st.integers(0, 30)


@given(candidate_lists(), timeboxes)
def test_never_exceeds_the_timebox(cands: list[Candidate], timebox: int) -> None:
    agenda = build_agenda(cands, timebox)

    assert agenda.used_minutes <= timebox
    assert all(0 <= e.start_minute < e.end_minute <= timebox for e in agenda.entries)
    for before, after in zip(agenda.entries, agenda.entries[1:], strict=False):
        assert before.end_minute == after.start_minute


@given(candidate_lists(), timeboxes)
def test_within_a_section_higher_impact_is_never_left_out_while_lower_is_kept(
    cands: list[Candidate], timebox: int
) -> None:
    agenda = build_agenda(cands, timebox)

    for out in agenda.left_out:
        for entry in agenda.entries:
            if entry.candidate.section is out.candidate.section:
                assert entry.rank < out.rank
                assert entry.score >= out.score


@given(candidate_lists(), timeboxes, st.randoms(use_true_random=False))
def test_same_candidates_in_any_order_give_the_same_agenda(
    cands: list[Candidate], timebox: int, rnd: random.Random
) -> None:
    shuffled = list(cands)
    rnd.shuffle(shuffled)

    assert build_agenda(shuffled, timebox) == build_agenda(cands, timebox)


@given(candidate_lists(), timeboxes)
def test_every_candidate_is_kept_or_left_out_exactly_once(
    cands: list[Candidate], timebox: int
) -> None:
    agenda = build_agenda(cands, timebox)

    keys = [e.candidate.key for e in agenda.entries] + [o.candidate.key for o in agenda.left_out]
    assert sorted(keys) == sorted(c.key for c in cands)
    ranks = sorted([e.rank for e in agenda.entries] + [o.rank for o in agenda.left_out])
    assert ranks == list(range(1, len(cands) + 1))


@given(candidate_lists(), timeboxes)
def test_nothing_left_out_that_would_still_fit(cands: list[Candidate], timebox: int) -> None:
    agenda = build_agenda(cands, timebox)
    spare = timebox - agenda.used_minutes

    for out in agenda.left_out:
        blocked_by_section = any(
            o.candidate.section is out.candidate.section and o.rank < out.rank
            for o in agenda.left_out
        )
        assert blocked_by_section or out.candidate.duration > spare


def test_a_flood_of_one_section_does_not_crowd_the_others_out():
    flood = [candidate(f"dependency:{i}", D, severity=5, days_late=30) for i in range(10)]
    action = candidate("action:1", A, severity=2)

    agenda = build_agenda([*flood, action], 15)

    assert "action:1" in {e.candidate.key for e in agenda.entries}
    assert len(agenda.entries) == 1 + 7  # the action item's minute, then 7 two-minute entries


@given(candidate_lists(), timeboxes)
def test_every_section_gets_its_top_entry_when_the_tops_alone_fit(
    cands: list[Candidate], timebox: int
) -> None:
    tops: dict[Section, Candidate] = {}
    for c, _score in rank(cands):
        tops.setdefault(c.section, c)
    agenda = build_agenda(cands, timebox)

    if sum(c.duration for c in tops.values()) <= timebox:
        kept = {e.candidate.key for e in agenda.entries}
        assert {c.key for c in tops.values()} <= kept
