"""Shared inputs for the analysis engine tests: the domain guide's worked example."""

from __future__ import annotations

from datetime import date

import pytest

from syncpoint.analysis.calendar import Cadence, SprintSpan
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

RANKING = TeamInfo(1, "Ranking", Framework.SCRUM, (Cadence(14, date(2027, 1, 4)),))
FEATURES = TeamInfo(2, "Features", Framework.SCRUM, (Cadence(14, date(2027, 1, 11)),))
R7 = ItemInfo(
    7,
    RANKING.id,
    "R-7",
    ItemKind.ENGINEERING,
    ItemStatus.READY,
    sprint=SprintSpan(date(2027, 2, 1), date(2027, 2, 14)),
)
FS12 = ItemInfo(
    12,
    FEATURES.id,
    "FS-12",
    ItemKind.DATA,
    ItemStatus.IN_PROGRESS,
    sprint=SprintSpan(date(2027, 1, 25), date(2027, 2, 7)),
)
R7_NEEDS_FS12 = DependencyInfo(100, R7.id, FS12.id, None, DependencyType.BLOCKING)
TODAY = date(2027, 1, 20)


def worked_example(explicit_needed_by: date | None = None) -> AnalysisInput:
    """Ranking's R-7 depends on Features' FS-12, exactly as in the domain guide."""
    dep = DependencyInfo(
        R7_NEEDS_FS12.id,
        R7.id,
        FS12.id,
        None,
        DependencyType.BLOCKING,
        explicit_needed_by=explicit_needed_by,
    )
    return AnalysisInput(
        today=TODAY, teams=(RANKING, FEATURES), items=(R7, FS12), dependencies=(dep,)
    )


@pytest.fixture
def example() -> AnalysisInput:
    return worked_example()


@pytest.fixture
def example_with_explicit_date() -> AnalysisInput:
    return worked_example(explicit_needed_by=date(2027, 2, 10))
