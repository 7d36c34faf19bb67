"""Rules 4-7 beyond single dependencies: integration points, overruns, cycles, and evaluate()."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from syncpoint.analysis.calendar import Cadence, ServiceLevelExpectation, SprintSpan
from syncpoint.analysis.flags import (
    FlagCode,
    Severity,
    SubjectKind,
    cycle_flags,
    evaluate,
    integration_flags,
    integration_point_risk,
    overrun_flags,
)
from syncpoint.analysis.model import (
    AnalysisInput,
    DependencyInfo,
    DependencyType,
    Framework,
    IntegrationPointInfo,
    InteractionInfo,
    InteractionMode,
    ItemInfo,
    ItemKind,
    ItemStatus,
    TeamInfo,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


LAUNCH = IntegrationPointInfo(1, "Launch", d("2027-02-10"), (7, 12))


def with_launch(example: AnalysisInput, ip: IntegrationPointInfo = LAUNCH) -> AnalysisInput:
    return replace(example, integration_points=(ip,))


def test_team_ready_after_the_integration_date_is_at_risk(example: AnalysisInput) -> None:
    readiness = {r.team_id: r for r in integration_point_risk(with_launch(example), LAUNCH)}

    ranking, features = readiness[1], readiness[2]
    assert ranking.ready_date == d("2027-02-15")
    assert ranking.late_by_days == 5
    assert (ranking.boundary_before, ranking.boundary_after) == (d("2027-02-01"), d("2027-02-15"))
    assert ranking.at_risk
    assert features.ready_date == d("2027-02-08")
    assert not features.at_risk
    assert (features.boundary_before, features.boundary_after) == (
        d("2027-02-08"),
        d("2027-02-22"),
    )


def test_integration_flags_explain_risk_and_pairwise_misalignment(example: AnalysisInput) -> None:
    flags = integration_flags(with_launch(example), LAUNCH)

    risk = [f for f in flags if f.code is FlagCode.INTEGRATION_AT_RISK]
    assert len(risk) == 1
    assert risk[0].message == (
        "Ranking delivers its part of Launch on 2027-02-15 but the integration is on 2027-02-10: "
        "5 days late. Its sprint boundaries nearest that date are 2027-02-01 and 2027-02-15."
    )
    assert risk[0].severity is Severity.HIGH
    assert risk[0].numbers["boundary_before"] == "2027-02-01"
    assert risk[0].numbers["boundary_after"] == "2027-02-15"
    (pair,) = [f for f in flags if f.code is FlagCode.CADENCE_MISALIGNED]
    assert pair.subject_kind is SubjectKind.INTEGRATION_POINT
    assert pair.team_ids == (1, 2)
    assert pair.numbers["offset_days"] == 7
    assert pair.numbers["suggested_shift_days"] == -7


def test_unplanned_item_at_an_integration_point_is_a_risk(example: AnalysisInput) -> None:
    items = tuple(replace(i, sprint=None) if i.id == 12 else i for i in example.items)
    inp = replace(example, items=items, integration_points=(LAUNCH,))

    readiness = {r.team_id: r for r in integration_point_risk(inp, LAUNCH)}

    assert readiness[2].unplanned_item_ids == (12,)
    assert readiness[2].ready_date is None
    assert "no delivery date" in readiness[2].flags[0].message


def test_kanban_team_at_an_integration_point_is_not_cadence_checked(
    example: AnalysisInput,
) -> None:
    kanban = TeamInfo(2, "Features", Framework.KANBAN, sle=ServiceLevelExpectation(85, 5))
    inp = replace(example, teams=(example.teams[0], kanban), integration_points=(LAUNCH,))

    codes = {f.code for f in integration_flags(inp, LAUNCH)}

    assert FlagCode.CADENCE_MISALIGNED not in codes


def overrun_input() -> AnalysisInput:
    team = TeamInfo(1, "Research", Framework.HYBRID, (Cadence(14, d("2027-01-04")),))
    other = TeamInfo(2, "Enablement", Framework.KANBAN, topology="ENABLING")

    def item(item_id: int, kind: ItemKind, status: ItemStatus, cap: int | None) -> ItemInfo:
        return ItemInfo(
            item_id, 1, f"X-{item_id}", kind, status, started_on=d("2027-01-01"), time_cap_days=cap
        )

    return AnalysisInput(
        today=d("2027-01-20"),
        teams=(team, other),
        items=(
            item(1, ItemKind.EXPERIMENT, ItemStatus.IN_PROGRESS, 10),
            item(2, ItemKind.SPIKE, ItemStatus.DONE, 5),
            item(3, ItemKind.SPIKE, ItemStatus.IN_PROGRESS, 19),
            item(4, ItemKind.SPIKE, ItemStatus.BLOCKED, 5),
            item(5, ItemKind.DATA, ItemStatus.IN_PROGRESS, 1),
        ),
        interactions=(
            InteractionInfo(1, 1, 2, InteractionMode.COLLABORATION, d("2027-01-15")),
            InteractionInfo(
                2, 1, 2, InteractionMode.FACILITATING, d("2027-01-15"), d("2027-01-14")
            ),
            InteractionInfo(3, 1, 2, InteractionMode.X_AS_A_SERVICE, d("2027-01-01")),
            InteractionInfo(4, 1, 2, InteractionMode.FACILITATING, d("2027-01-25")),
        ),
    )


def test_overruns_of_research_items_and_temporary_interactions() -> None:
    flags = {(f.subject_kind, f.subject_id): f for f in overrun_flags(overrun_input())}

    assert set(flags) == {
        (SubjectKind.ITEM, 1),
        (SubjectKind.ITEM, 4),
        (SubjectKind.INTERACTION, 1),
    }
    experiment = flags[(SubjectKind.ITEM, 1)]
    assert experiment.numbers["days_over"] == 9
    assert experiment.severity is Severity.MEDIUM
    assert experiment.message == (
        "Research's experiment X-1 started on 2027-01-01 with a time cap of 10 days and is still "
        "open on 2027-01-20: 9 days over its cap."
    )
    assert flags[(SubjectKind.ITEM, 4)].severity is Severity.HIGH  # 14 days over a 5-day cap
    collaboration = flags[(SubjectKind.INTERACTION, 1)]
    assert collaboration.numbers["days_over"] == 5
    assert collaboration.team_ids == (1, 2)
    assert collaboration.severity is Severity.LOW


def cyclic_input() -> AnalysisInput:
    teams = tuple(TeamInfo(i, f"T{i}", Framework.KANBAN) for i in (1, 2, 3))
    items = tuple(
        ItemInfo(i, team, f"I-{i}", ItemKind.DATA, ItemStatus.READY)
        for i, team in ((1, 1), (2, 2), (3, 3), (4, 1))
    )
    deps = (
        DependencyInfo(1, 2, 1, None, DependencyType.SLOWING),  # 1 -> 2
        DependencyInfo(2, 3, 2, None, DependencyType.BLOCKING),  # 2 -> 3
        DependencyInfo(3, 1, 3, None, DependencyType.SLOWING),  # 3 -> 1
        DependencyInfo(4, 4, 4, None, DependencyType.OK),  # self-loop
        DependencyInfo(5, 1, 4, None, DependencyType.OK, open=False),  # closed: ignored
    )
    return AnalysisInput(today=d("2027-01-20"), teams=teams, items=items, dependencies=deps)


def test_cycles_at_item_and_team_level() -> None:
    flags = cycle_flags(cyclic_input())

    by_subject = {(f.subject_kind, f.subject_id): f for f in flags}
    assert set(by_subject) == {(SubjectKind.ITEM, 1), (SubjectKind.ITEM, 4), (SubjectKind.TEAM, 1)}
    loop = by_subject[(SubjectKind.ITEM, 1)]
    assert loop.severity is Severity.CRITICAL  # contains a BLOCKING dependency
    assert loop.numbers == {"cycle_length": 3, "cycle": "1 -> 2 -> 3"}
    assert loop.message == (
        "Dependency cycle: I-1 (T1) feeds I-2 (T2), which feeds I-3 (T3), which feeds I-1 (T1) "
        "again, so none of these items can be delivered first."
    )
    assert by_subject[(SubjectKind.ITEM, 4)].severity is Severity.HIGH
    assert by_subject[(SubjectKind.TEAM, 1)].severity is Severity.MEDIUM


def test_evaluate_runs_every_rule_most_severe_first(example: AnalysisInput) -> None:
    inp = replace(
        example,
        integration_points=(LAUNCH,),
        interactions=overrun_input().interactions,
        teams=(*example.teams, TeamInfo(3, "Stranger", Framework.KANBAN)),
    )

    flags = evaluate(inp)

    ranks = [f.severity.rank for f in flags]
    assert ranks == sorted(ranks, reverse=True)
    assert {f.code for f in flags} == {
        FlagCode.LATE,
        FlagCode.CADENCE_MISALIGNED,
        FlagCode.INTEGRATION_AT_RISK,
        FlagCode.OVERRUN,
    }
    assert flags[0].code is FlagCode.LATE
    assert evaluate(inp) == flags


def test_evaluate_ignores_finished_consumers(example: AnalysisInput) -> None:
    items = tuple(replace(i, status=ItemStatus.DONE) if i.id == 7 else i for i in example.items)

    assert evaluate(replace(example, items=items)) == []


def test_hybrid_research_item_without_sprint_is_dated_by_the_sle() -> None:
    hybrid = TeamInfo(
        2,
        "Research",
        Framework.HYBRID,
        (Cadence(14, d("2027-01-04")),),
        sle=ServiceLevelExpectation(80, 20),
    )
    consumer = TeamInfo(1, "Ranking", Framework.SCRUM, (Cadence(14, d("2027-01-04")),))
    inp = AnalysisInput(
        today=d("2027-01-20"),
        teams=(consumer, hybrid),
        items=(
            ItemInfo(
                1,
                1,
                "R",
                ItemKind.ENGINEERING,
                ItemStatus.READY,
                SprintSpan(d("2027-02-15"), d("2027-02-28")),
            ),
            ItemInfo(2, 2, "E", ItemKind.EXPERIMENT, ItemStatus.IN_PROGRESS),
        ),
        dependencies=(DependencyInfo(1, 1, 2, None, DependencyType.BLOCKING),),
    )

    assert evaluate(inp) == []
