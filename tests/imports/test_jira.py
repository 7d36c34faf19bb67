"""Importing a Jira CSV export: items, sprints and their dates, carry-overs, Blocks links."""

from __future__ import annotations

from datetime import date
from functools import partial

from sqlalchemy import select

from syncpoint.analysis.model import DependencyType, Framework, ItemKind, ItemStatus
from syncpoint.cadence import service as cadence
from syncpoint.cadence.models import CarryOver, Sprint
from syncpoint.core.db import SerialSession
from syncpoint.dependencies.models import Dependency
from syncpoint.imports.jira import parse_jira
from syncpoint.imports.report import Outcome, Report
from syncpoint.imports.runner import run_import
from syncpoint.imports.sources import SourceFile
from syncpoint.teams import service as teams
from syncpoint.teams.models import GroupKind, Team, Topology
from syncpoint.work.models import BacklogItem
from tests.support.factories import ADMIN

MAPPING = """
projects: {RX: ranking-j, FX: features-j}
issueTypes: {Story: ENGINEERING, Spike: SPIKE, Bug: TECH_DEBT}
labels: {experiment: EXPERIMENT, data: DATA}
statuses: {To Do: BACKLOG, In Progress: IN_PROGRESS, Done: DONE, Won't Do: DROPPED}
fields: {estimate: Estimate (days), sprintStart: Sprint Start, sprintEnd: Sprint End}
sprints:
  FX Sprint 1: {start: 2027-01-11, end: 2027-01-24}
researchTimeCapDays: 5
"""

HEADER = (
    "Issue key,Summary,Issue Type,Status,Sprint,Sprint,Sprint Start,Sprint End,Assignee,"
    "Created,Resolved,Estimate (days),Labels,Labels,"
    "Outward issue link (Blocks),Inward issue link (Blocks)\n"
)
ROWS = [
    # carried over twice; dates of RX Sprint 1 from the export, RX Sprint 2/3 from the cadence
    "RX-1,Rank by session,Story,In Progress,RX Sprint 1,RX Sprint 2,2027-01-04,2027-01-17,ada,"
    "04/Jan/27 9:30 AM,,5,,,,FX-7",
    "RX-2,Dwell time?,Story,To Do,RX Sprint 3,,,,ada,2027-01-05,,2,ml,experiment,,",
    "RX-3,Try a spike,Spike,Done,,,,,,2027-01-05,2027-01-09,,,,RX-2,",
    "FX-7,Session features,Story,Done,FX Sprint 1,,,,grace,04/Jan/27 11:00 AM,"
    "20/Jan/27 4:00 PM,8,data,,RX-1,",
    "FX-8,Links nowhere,Bug,Won't Do,,,,,,2027-01-06,,,,,ZZ-404,",
    # invalid rows
    "QQ-1,Unknown project,Story,To Do,,,,,,,,,,,,",
    "RX-9,Unknown status,Story,Parked,,,,,,,,,,,,",
    "RX-10,Bad estimate,Story,To Do,,,,,,,,lots,,,,",
    "RX-11,Bad date,Story,To Do,,,,,,yesterday,,,,,,",
    "RX-12,,Story,To Do,,,,,,,,,,,,",
]
CSV = HEADER + "\n".join(ROWS) + "\n"


async def _teams(session: SerialSession) -> dict[str, Team]:
    group = await teams.create_group(
        session, ADMIN, slug="org-j", name="Org", kind=GroupKind.ORGANISATION
    )
    made = {}
    for slug in ("ranking-j", "features-j"):
        made[slug] = await teams.create_team(
            session,
            ADMIN,
            slug=slug,
            name=slug,
            group_id=group.id,
            values={"topology": Topology.STREAM_ALIGNED, "framework": Framework.SCRUM},
        )
    await cadence.set_cadence(
        session, ADMIN, team_id=made["ranking-j"].id, length_days=14, anchor=date(2027, 1, 4)
    )
    return made


async def _import(session: SerialSession, csv: str = CSV, **kw: bool) -> Report:
    parser = partial(parse_jira, mapping=SourceFile("mapping.yaml", MAPPING))
    return await run_import(
        session, ADMIN, source="jira", parser=parser, files=[SourceFile("x.csv", csv)], **kw
    )


async def test_the_export_becomes_items_sprints_carry_overs_and_dependencies(
    session: SerialSession,
) -> None:
    made = await _teams(session)

    report = await _import(session, apply=True)

    invalid = {(p.origin.index, p.field) for p in report.invalid}
    assert invalid == {
        (7, "Issue key"),
        (8, "Status"),
        (9, "Estimate (days)"),
        (10, "Created"),
        (11, "Summary"),
    }
    items = {i.key: i for i in await session.scalars(select(BacklogItem))}
    assert set(items) == {"RX-1", "RX-2", "RX-3", "FX-7", "FX-8"}
    rx1, rx2, rx3, fx7 = items["RX-1"], items["RX-2"], items["RX-3"], items["FX-7"]
    assert rx1.team_id == made["ranking-j"].id
    assert fx7.team_id == made["features-j"].id
    assert (rx1.kind, rx1.status, rx1.estimate) == (ItemKind.ENGINEERING, ItemStatus.IN_PROGRESS, 5)
    assert rx2.kind is ItemKind.EXPERIMENT  # a mapped label wins over the issue type
    assert rx2.time_cap_days == 5
    assert rx3.kind is ItemKind.SPIKE
    assert rx3.finished_on == date(2027, 1, 9)
    assert fx7.kind is ItemKind.DATA
    assert fx7.finished_on == date(2027, 1, 20)
    assert items["FX-8"].status is ItemStatus.DROPPED
    sprints = {s.name: s for s in await session.scalars(select(Sprint))}
    assert (sprints["RX Sprint 1"].start_date, sprints["RX Sprint 1"].end_date) == (
        date(2027, 1, 4),
        date(2027, 1, 17),
    )
    assert sprints["RX Sprint 3"].start_date == date(2027, 2, 1)  # from the cadence
    assert sprints["FX Sprint 1"].start_date == date(2027, 1, 11)  # from the mapping
    assert rx1.sprint_id == sprints["RX Sprint 2"].id
    assert rx1.carry_over_count == 1
    carried = list(await session.scalars(select(CarryOver).where(CarryOver.item_id == rx1.id)))
    assert [(c.from_sprint_id, c.to_sprint_id) for c in carried] == [
        (sprints["RX Sprint 1"].id, sprints["RX Sprint 2"].id)
    ]
    assert ("SPRINT", "ranking-j: RX Sprint 2", "dates") in {
        (d.kind, d.key, d.field) for d in report.defaults
    }
    deps = list(await session.scalars(select(Dependency)))
    # FX-7 blocks RX-1 (stated on both sides: one dependency); RX-3 blocks RX-2: same team.
    assert [(d.consumer_item_id, d.provider_item_id, d.type) for d in deps] == [
        (rx1.id, fx7.id, DependencyType.BLOCKING)
    ]
    assert any("ZZ-404" in p.reason and not p.invalid for p in report.problems)
    assert report.notes  # Assignee is not stored, and the report says so


async def test_reimporting_the_export_changes_nothing_and_edits_update(
    session: SerialSession,
) -> None:
    await _teams(session)
    await _import(session, apply=True)

    again = await _import(session, apply=True)

    assert again.counts()[Outcome.CREATED] == 0
    assert again.counts()[Outcome.UPDATED] == 0
    edited = await _import(
        session,
        CSV.replace("Rank by session,Story,In Progress", "Rank by session,Story,Done"),
        apply=True,
    )
    assert [(a.key, a.changes) for a in edited.of("ITEM", Outcome.UPDATED)] == [
        ("RX-1", ("status",))
    ]


async def test_strict_writes_nothing_when_a_row_is_invalid(session: SerialSession) -> None:
    await _teams(session)

    report = await _import(session, apply=True, strict=True)

    assert not report.written
    assert await session.scalar(select(BacklogItem).where(BacklogItem.key == "RX-1")) is None


TWO_BLOCKERS = HEADER + (
    "RX-1,Rank by session,Story,To Do,,,,,,,,,,,,FX-7\n"
    "RX-2,Rank by dwell,Story,To Do,,,,,,,,,,,,\n"
    "FX-7,Session features,Story,Done,,,,,,,,,,,RX-1,\n"
    "FX-8,Dwell features,Story,Done,,,,,,,,,,,RX-1,\n"
)


async def test_an_issue_blocked_by_two_issues_reimports_unchanged(session: SerialSession) -> None:
    # given an issue blocked by two issues of another team, imported
    await _teams(session)
    first = await _import(session, TWO_BLOCKERS, apply=True)
    assert len(first.of("DEPENDENCY", Outcome.CREATED)) == 2

    # when the export is imported again
    again = await _import(session, TWO_BLOCKERS, apply=True)

    # then both dependencies are found (the consumer's open dependencies are matched by pair,
    # not one per consumer) and nothing is refused
    assert not again.invalid
    assert {a.key for a in again.of("DEPENDENCY", Outcome.UNCHANGED)} == {
        "RX-1 -> FX-7",
        "RX-1 -> FX-8",
    }
    assert len(list(await session.scalars(select(Dependency)))) == 2
