"""Scrum-of-Scrums agenda: rank candidate topics by impact and fit them into the meeting's timebox.

Pure: plain dataclasses in, plain dataclasses out; no clock, no database. The same candidates
(in any order) and the same timebox always give the same agenda.

Impact score (an integer, so no float rounding can reorder ties):
    100 x severity (1 INFO .. 5 CRITICAL)          severity sets the order of magnitude
  +  40 x other teams blocked downstream            every team waiting is a team idle
  +  10 x items blocked downstream (at most 50)
  +  50 x escalation steps (SoS 1, executive 2)     someone already said "we cannot solve this"
  +   3 x days late / overdue / over cap (<= 60)
  +   1 x days of age (<= 30)                       old impediments creep up, never dominate
  +   1 x error budget burned, in % beyond 100 / 2 (<= 100 points)
Ranking: score descending, then section order, then the candidate's key (stable and unique).

Time-boxing rule, breadth first: (1) each section's highest-ranked candidate, taken in rank order,
is kept if its minutes fit in what is left (so a flood of one kind of topic cannot crowd every
other kind out of a 15-minute scrum); (2) then every other candidate, in rank order, is kept if it
fits and no higher-ranked candidate of its section was left out. A candidate that does not fit
is left out together with every lower-ranked candidate of its section. So within a section the
kept entries are exactly its highest-ranked ones; across sections a lower-impact entry may be
kept while a higher-impact one of another section is not. The kept entries are laid out section
by section (the order of `Section`), ranked within each section, back to back from minute 0,
and never run past the timebox.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Number = int | float | str | None

DEFAULT_TIMEBOX_MINUTES = 15


class Section(enum.StrEnum):
    """Agenda sections, in the order a meeting goes through them."""

    NEW_OR_ESCALATED_BLOCKERS = "NEW_OR_ESCALATED_BLOCKERS"
    DEPENDENCIES_AT_RISK = "DEPENDENCIES_AT_RISK"
    CADENCE_MISALIGNMENTS = "CADENCE_MISALIGNMENTS"
    SLA_BREACHES = "SLA_BREACHES"
    RESEARCH_OVERRUNS = "RESEARCH_OVERRUNS"
    COMPUTE_CONTENTION = "COMPUTE_CONTENTION"
    QUALITY_OVERRIDES = "QUALITY_OVERRIDES"
    ACTION_ITEMS = "ACTION_ITEMS"
    CROSS_TEAM_REFINEMENT = "CROSS_TEAM_REFINEMENT"

    @property
    def order(self) -> int:
        return _SECTION_ORDER[self]

    @property
    def default_minutes(self) -> int:
        """Minutes an entry of this section takes unless the caller says otherwise."""
        return _DEFAULT_MINUTES[self]


_SECTION_ORDER = {section: i for i, section in enumerate(Section)}
# A blocker or a risk needs a short discussion and an owner; a status check needs a minute.
_DEFAULT_MINUTES = {
    Section.NEW_OR_ESCALATED_BLOCKERS: 2,
    Section.DEPENDENCIES_AT_RISK: 2,
    Section.CADENCE_MISALIGNMENTS: 2,
    Section.SLA_BREACHES: 2,
    Section.RESEARCH_OVERRUNS: 1,
    Section.COMPUTE_CONTENTION: 2,
    Section.QUALITY_OVERRIDES: 1,
    Section.ACTION_ITEMS: 1,
    Section.CROSS_TEAM_REFINEMENT: 1,
}


@dataclass(frozen=True, slots=True)
class Link:
    """An object an entry is about: a type name (as in GraphQL) and its database id."""

    kind: str
    id: int


@dataclass(frozen=True, slots=True)
class ImpactFactors:
    """The numbers the impact score is computed from (see the module docstring)."""

    severity: int
    downstream_teams: int = 0
    downstream_items: int = 0
    escalation_steps: int = 0
    days_late: int = 0
    age_days: int = 0
    budget_burned_percent: int = 0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A topic that could go on the agenda. `key` must be unique, e.g. "blocker:12"."""

    key: str
    section: Section
    title: str
    reason: str
    factors: ImpactFactors
    numbers: Mapping[str, Number] = field(default_factory=dict)
    links: tuple[Link, ...] = ()
    owner_person_id: int | None = None
    owner_team_id: int | None = None
    minutes: int | None = None

    def __post_init__(self) -> None:
        if self.minutes is not None and self.minutes < 1:
            raise ValueError(f"an agenda entry takes at least one minute, got {self.minutes}")

    @property
    def duration(self) -> int:
        return self.minutes if self.minutes is not None else self.section.default_minutes


@dataclass(frozen=True, slots=True)
class Entry:
    """A kept candidate with its score, overall rank (1 = most impact) and time slot."""

    candidate: Candidate
    score: int
    rank: int
    start_minute: int
    end_minute: int


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A candidate that did not make it into the timebox, and why."""

    candidate: Candidate
    score: int
    rank: int
    reason: str


@dataclass(frozen=True, slots=True)
class Agenda:
    """Entries in meeting order and what was left out (by rank)."""

    timebox_minutes: int
    entries: tuple[Entry, ...]
    left_out: tuple[LeftOut, ...]

    @property
    def used_minutes(self) -> int:
        return sum(e.end_minute - e.start_minute for e in self.entries)


def impact_score(f: ImpactFactors) -> int:
    """The integer impact of a topic; higher is discussed first (formula in the module doc)."""
    return (
        100 * max(f.severity, 0)
        + 40 * max(f.downstream_teams, 0)
        + 10 * min(max(f.downstream_items, 0), 50)
        + 50 * max(f.escalation_steps, 0)
        + 3 * min(max(f.days_late, 0), 60)
        + min(max(f.age_days, 0), 30)
        + min(max(f.budget_burned_percent - 100, 0) // 2, 100)
    )


def rank(candidates: Iterable[Candidate]) -> list[tuple[Candidate, int]]:
    """Candidates with their scores, highest impact first, deterministic on ties."""
    scored = [(c, impact_score(c.factors)) for c in candidates]
    keys = [c.key for c, _ in scored]
    if len(set(keys)) != len(keys):
        raise ValueError("agenda candidates need unique keys")
    return sorted(scored, key=lambda cs: (-cs[1], cs[0].section.order, cs[0].key))


def build_agenda(
    candidates: Iterable[Candidate], timebox_minutes: int = DEFAULT_TIMEBOX_MINUTES
) -> Agenda:
    """Rank the candidates and keep what fits the timebox (rule in the module docstring)."""
    if timebox_minutes < 0:
        raise ValueError("a timebox cannot be negative")
    ranked = [(c, score, position) for position, (c, score) in enumerate(rank(candidates), 1)]
    leaders: dict[Section, int] = {}
    for c, _score, position in ranked:
        leaders.setdefault(c.section, position)
    remaining = timebox_minutes
    closed: set[Section] = set()
    kept: list[tuple[Candidate, int, int]] = []
    reasons: dict[int, str] = {}
    first_pass = [r for r in ranked if leaders[r[0].section] == r[2]]
    second_pass = [r for r in ranked if leaders[r[0].section] != r[2]]
    for candidate, score, position in [*first_pass, *second_pass]:
        section = candidate.section
        if section in closed:
            reasons[position] = "a higher-impact entry of the same section did not fit"
        elif candidate.duration > remaining:
            reasons[position] = (
                f"needs {candidate.duration} min, {remaining} of the {timebox_minutes}-minute "
                "timebox left"
            )
            closed.add(section)
        else:
            remaining -= candidate.duration
            kept.append((candidate, score, position))
    left_out = tuple(
        LeftOut(c, score, position, reasons[position])
        for c, score, position in ranked
        if position in reasons
    )
    return Agenda(timebox_minutes, _lay_out(kept), left_out)


def _lay_out(kept: list[tuple[Candidate, int, int]]) -> tuple[Entry, ...]:
    ordered = sorted(kept, key=lambda k: (k[0].section.order, k[2]))
    entries = []
    clock = 0
    for candidate, score, position in ordered:
        entries.append(Entry(candidate, score, position, clock, clock + candidate.duration))
        clock += candidate.duration
    return tuple(entries)
