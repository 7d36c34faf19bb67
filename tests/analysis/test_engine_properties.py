"""Properties of the engine that must hold for every input, checked with hypothesis."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from syncpoint.analysis.alignment import align
from syncpoint.analysis.calendar import (
    Cadence,
    SprintSpan,
    find_overlap,
    generate_sprints,
    next_sprint_start_on_or_after,
)
from syncpoint.analysis.dates import late_by_days
from syncpoint.analysis.flags import dependency_timing, evaluate
from syncpoint.analysis.graph import blast_radius
from syncpoint.analysis.model import (
    AnalysisInput,
    DependencyInfo,
    DependencyType,
    Framework,
    ItemInfo,
    ItemKind,
    ItemStatus,
    TeamInfo,
)

BASE = date(2027, 1, 1)
days_around = st.integers(min_value=-400, max_value=400).map(lambda n: BASE + timedelta(days=n))
lengths = st.integers(min_value=1, max_value=35)
cadences = st.builds(Cadence, lengths, days_around)


@given(cadences, cadences)
def test_suggested_shift_always_zeroes_the_offset(provider: Cadence, consumer: Cadence) -> None:
    result = align(provider, consumer)

    assert (result.offset_days + result.suggested_shift_days) % result.gcd == 0
    assert abs(result.suggested_shift_days) <= result.gcd // 2
    assert result.suggested_anchor == provider.anchor + timedelta(days=result.suggested_shift_days)
    if 2 * result.offset_days == result.gcd:
        assert result.suggested_shift_days < 0


@given(lengths, days_around, days_around)
def test_applying_the_suggested_shift_removes_misalignment_for_equal_lengths(
    length: int, provider_anchor: date, consumer_anchor: date
) -> None:
    consumer = Cadence(length, consumer_anchor)
    shift = align(Cadence(length, provider_anchor), consumer).suggested_shift_days

    shifted = Cadence(length, provider_anchor + timedelta(days=shift))

    assert not align(shifted, consumer).misaligned


@given(days_around, days_around)
def test_late_by_days_is_never_negative(available_from: date, needed_by: date) -> None:
    late = late_by_days(available_from, needed_by)

    assert late >= 0
    assert (late > 0) == (available_from > needed_by)


@given(cadences, days_around, days_around)
def test_single_cadence_sprints_are_contiguous_and_never_overlap(
    cadence: Cadence, a: date, b: date
) -> None:
    start, end = min(a, b), max(a, b)

    sprints = generate_sprints([cadence], [], start, end)

    assert sprints[0].start <= start <= sprints[0].end
    assert sprints[-1].start <= end <= sprints[-1].end
    assert all(s.length_days == cadence.length_days for s in sprints)
    assert all(x.end + timedelta(days=1) == y.start for x, y in itertools.pairwise(sprints))


explicit_sprints = st.lists(
    st.tuples(days_around, st.integers(min_value=0, max_value=20)).map(
        lambda t: SprintSpan(t[0], t[0] + timedelta(days=t[1]), explicit=True)
    ),
    max_size=4,
).filter(lambda spans: find_overlap(spans) is None)
changing_cadences = st.lists(
    st.builds(Cadence, lengths, days_around, st.one_of(st.none(), days_around)),
    min_size=1,
    max_size=3,
)


@given(changing_cadences, explicit_sprints, days_around, st.integers(0, 300))
def test_generated_sprints_never_overlap_and_are_sorted(
    cadence_list: list[Cadence], explicit: list[SprintSpan], start: date, span_days: int
) -> None:
    end = start + timedelta(days=span_days)

    sprints = generate_sprints(cadence_list, explicit, start, end)

    assert find_overlap(sprints) is None
    assert sprints == sorted(sprints, key=lambda s: s.start)
    assert all(s.start <= end and s.end >= start for s in sprints)


@given(changing_cadences, explicit_sprints, days_around)
def test_next_sprint_start_matches_a_brute_force_scan(
    cadence_list: list[Cadence], explicit: list[SprintSpan], day: date
) -> None:
    found = next_sprint_start_on_or_after(cadence_list, explicit, day)

    horizon = generate_sprints(cadence_list, explicit, day, day + timedelta(days=1000))
    expected = min((s.start for s in horizon if s.start >= day), default=None)
    assert found == expected


def pick(sprints: list[SprintSpan], index: int | None) -> SprintSpan | None:
    return None if index is None or not sprints else sprints[index % len(sprints)]


@settings(max_examples=150)
@given(
    cadences,
    changing_cadences,
    explicit_sprints,
    st.one_of(st.none(), st.integers(0, 50)),
    st.one_of(st.none(), st.integers(0, 50)),
    st.one_of(st.none(), days_around),
    st.sampled_from(list(DependencyType)),
)
def test_flagged_handoff_lag_and_lateness_are_never_negative(
    provider_cadence: Cadence,
    consumer_cadences: list[Cadence],
    consumer_explicit: list[SprintSpan],
    provider_pick: int | None,
    consumer_pick: int | None,
    explicit_needed_by: date | None,
    dep_type: DependencyType,
) -> None:
    window = (BASE - timedelta(days=200), BASE + timedelta(days=200))
    provider_sprints = generate_sprints([provider_cadence], [], *window)
    consumer_sprints = generate_sprints(consumer_cadences, consumer_explicit, *window)
    provider = TeamInfo(1, "Provider", Framework.SCRUM, (provider_cadence,))
    consumer = TeamInfo(
        2, "Consumer", Framework.HYBRID, tuple(consumer_cadences), sprints=tuple(consumer_explicit)
    )
    items = (
        ItemInfo(1, 1, "P", ItemKind.DATA, ItemStatus.READY, pick(provider_sprints, provider_pick)),
        ItemInfo(
            2, 2, "C", ItemKind.ENGINEERING, ItemStatus.READY, pick(consumer_sprints, consumer_pick)
        ),
    )
    dep = DependencyInfo(1, 2, 1, None, dep_type, explicit_needed_by)
    inp = AnalysisInput(BASE, (provider, consumer), items, dependencies=(dep,))

    timing = dependency_timing(inp, dep)
    flags = evaluate(inp)

    assert timing.late_by_days is None or timing.late_by_days >= 0
    for flag in flags:
        lag = flag.numbers.get("handoff_lag_days")
        assert lag is None or (isinstance(lag, int) and lag >= 0)
        late = flag.numbers.get("late_by_days")
        assert late is None or (isinstance(late, int) and late >= 0)
    if timing.handoff_lag_days is not None and timing.available_from is not None:
        next_start = timing.available_from + timedelta(days=timing.handoff_lag_days)
        assert next_start in {
            s.start
            for s in generate_sprints(consumer_cadences, consumer_explicit, next_start, next_start)
        }


edges = st.lists(st.tuples(st.integers(1, 12), st.integers(1, 12)), max_size=30)


def graph_input(edge_list: list[tuple[int, int]]) -> AnalysisInput:
    teams = tuple(TeamInfo(t, f"T{t}", Framework.KANBAN) for t in range(1, 5))
    items = tuple(
        ItemInfo(i, 1 + i % 4, f"I-{i}", ItemKind.DATA, ItemStatus.READY) for i in range(1, 13)
    )
    deps = tuple(
        DependencyInfo(n, consumer, provider, None, DependencyType.BLOCKING)
        for n, (provider, consumer) in enumerate(edge_list, start=1)
    )
    return AnalysisInput(BASE, teams, items, dependencies=deps)


@given(edges, st.tuples(st.integers(1, 12), st.integers(1, 12)))
def test_adding_a_dependency_never_shrinks_a_blast_radius(
    edge_list: list[tuple[int, int]], extra: tuple[int, int]
) -> None:
    before, after = graph_input(edge_list), graph_input([*edge_list, extra])

    for item_id in range(1, 13):
        small, big = blast_radius(before, item_id), blast_radius(after, item_id)
        assert set(small.item_ids) <= set(big.item_ids)
        assert set(small.team_ids) <= set(big.team_ids)
