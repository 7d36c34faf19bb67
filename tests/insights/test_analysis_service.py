"""The request-level analysis over a hand-built input: filters, scope, paging (no database)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from syncpoint.analysis.calendar import Cadence, SprintSpan
from syncpoint.analysis.flags import FlagCode, Severity
from syncpoint.analysis.graph import MapLevel
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
from syncpoint.core.errors import BadPagination, DomainError, NotFoundError
from syncpoint.core.pagination import PageArgs, decode_cursor, encode_cursor, paginate_list
from syncpoint.insights.service import FlagCriteria, MapFilter, analyse, cadence_alignment

TODAY = date(2027, 1, 20)
RANKING = TeamInfo(1, "Ranking", Framework.SCRUM, (Cadence(14, date(2027, 1, 4)),), group_id=10)
FEATURES = TeamInfo(2, "Features", Framework.SCRUM, (Cadence(14, date(2027, 1, 11)),), group_id=10)
SEARCH = TeamInfo(3, "Search", Framework.SCRUM, (Cadence(10, date(2027, 1, 4)),), group_id=20)
FLOW = TeamInfo(4, "Flow", Framework.KANBAN, group_id=20)


def sprint(start: str, days: int) -> SprintSpan:
    first = date.fromisoformat(start)
    return SprintSpan(first, date.fromordinal(first.toordinal() + days - 1))


ITEMS = (
    ItemInfo(7, 1, "R-7", ItemKind.ENGINEERING, ItemStatus.READY, sprint("2027-02-01", 14)),
    ItemInfo(12, 2, "FS-12", ItemKind.DATA, ItemStatus.IN_PROGRESS, sprint("2027-01-25", 14)),
    ItemInfo(3, 3, "S-3", ItemKind.ENGINEERING, ItemStatus.READY, sprint("2027-02-13", 10)),
    ItemInfo(5, 3, "S-5", ItemKind.ENGINEERING, ItemStatus.READY, sprint("2027-02-03", 10)),
)


def org() -> AnalysisInput:
    """R-7 needs FS-12 (late 7), S-3 needs R-7 (late 2), S-5 and FS-12 need each other."""
    deps = (
        DependencyInfo(100, 7, 12, None, DependencyType.BLOCKING),
        DependencyInfo(101, 3, 7, None, DependencyType.SLOWING),
        DependencyInfo(102, 5, 12, None, DependencyType.OK, explicit_needed_by=date(2027, 3, 1)),
        DependencyInfo(103, 12, 5, None, DependencyType.OK, explicit_needed_by=date(2027, 3, 1)),
    )
    return AnalysisInput(
        today=TODAY, teams=(RANKING, FEATURES, SEARCH, FLOW), items=ITEMS, dependencies=deps
    )


def edge_pairs(level: MapLevel, flt: MapFilter) -> set[tuple[str, str]]:
    found = analyse(org()).dependency_map(level, flt)
    return {(e.source, e.target) for e in found.edges}


def test_flag_filter_keeps_only_dependencies_carrying_the_codes():
    assert edge_pairs(MapLevel.ITEM, MapFilter(codes=frozenset({FlagCode.LATE}))) == {
        ("item:12", "item:7"),
        ("item:7", "item:3"),
    }
    assert edge_pairs(MapLevel.ITEM, MapFilter(codes=frozenset({FlagCode.CYCLE}))) == {
        ("item:12", "item:5"),
        ("item:5", "item:12"),
    }


def test_window_keeps_dependencies_needed_inside_it():
    window = MapFilter(start=date(2027, 2, 1), end=date(2027, 2, 13))
    assert edge_pairs(MapLevel.ITEM, window) == {("item:12", "item:7"), ("item:7", "item:3")}
    assert edge_pairs(MapLevel.ITEM, MapFilter(start=date(2027, 2, 2))) == {
        ("item:7", "item:3"),
        ("item:12", "item:5"),
        ("item:5", "item:12"),
    }


def test_team_scope_keeps_edges_touching_the_teams():
    assert edge_pairs(MapLevel.TEAM, MapFilter(team_ids=frozenset({1}))) == {
        ("team:2", "team:1"),
        ("team:1", "team:3"),
    }


def test_flag_selection_by_code_severity_and_team():
    analysis = analyse(org())
    late = analysis.select_flags(FlagCriteria(codes=frozenset({FlagCode.LATE})))
    assert [f.subject_id for f in late] == [100, 101]
    high = analysis.select_flags(FlagCriteria(severities=frozenset({Severity.HIGH})))
    # R-7 is late for a BLOCKING need; the S-5 <-> FS-12 item cycle has no blocking edge.
    assert {(f.code, f.subject_id) for f in high} == {(FlagCode.LATE, 100), (FlagCode.CYCLE, 5)}
    search = analysis.select_flags(FlagCriteria(team_ids=frozenset({3})))
    assert search
    assert all(3 in f.team_ids for f in search)
    assert analysis.teams_in_groups([20]) == {3, 4}


def test_unknown_subjects_are_not_found():
    analysis = analyse(org())
    with pytest.raises(NotFoundError):
        analysis.dependency_flags(999)
    with pytest.raises(NotFoundError):
        analysis.blast_radius(999)
    with pytest.raises(NotFoundError):
        analysis.critical_path(999)


def test_alignment_refuses_a_kanban_team_with_a_clear_reason():
    with pytest.raises(DomainError) as refused:
        cadence_alignment(org(), 1, 4, TODAY)
    assert refused.value.code.value == "INVALID_STATE"
    assert "Flow has no sprint cadence" in refused.value.message


def test_pages_walk_every_row_once_and_refuse_bad_arguments():
    rows = list(range(7))

    def page(first: int, after: str | None):  # flags page by position, as the engine orders them
        keyed = [((i,), row) for i, row in enumerate(rows)]
        return paginate_list(keyed, PageArgs(first=first, after=after), lambda r: r, tag="flags")

    seen, after = [], None
    while True:
        connection = page(3, after)
        seen += [edge.node for edge in connection.edges]
        assert asyncio.run(connection.total_count()) == 7
        if not connection.page_info.has_next_page:
            break
        after = connection.edges[-1].cursor
    assert seen == rows
    with pytest.raises(BadPagination):
        page(101, None)
    with pytest.raises(BadPagination):
        page(3, "not-a-cursor")
    assert decode_cursor(encode_cursor([41], "flags"), 1, "flags") == [41]
