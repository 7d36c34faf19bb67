"""The rules that flag trouble, and ``evaluate`` which runs all of them.

Severity policy (most severe first in every result):

- LATE: by dependency type, one step up once 14 or more days late
  (BLOCKING: HIGH, CRITICAL from 14 days; SLOWING: MEDIUM, HIGH from 14 days; OK: LOW).
- SAME_SPRINT: a warning: MEDIUM on BLOCKING, LOW on SLOWING, INFO on OK.
- UNPLANNED_PROVIDER: HIGH on BLOCKING, MEDIUM on SLOWING, LOW on OK.
- CADENCE_MISALIGNED: MEDIUM when boundaries never coincide, LOW when they coincide every
  common period (lengths differ, offset 0).
- INTEGRATION_AT_RISK: HIGH, CRITICAL from 14 days late; HIGH when an item has no date at all.
- CYCLE: CRITICAL for an item cycle containing a BLOCKING dependency (a deadlock), HIGH for
  other item cycles, MEDIUM for team-level cycles (teams waiting on each other).
- OVERRUN: MEDIUM for an experiment/spike past its time cap, HIGH once overrun by a whole time
  cap again; LOW for a collaboration/facilitating interaction past its expected end.

Ties sort by rule order, then subject kind and id, then teams and message, so equal inputs give
identical lists. Closed dependencies, finished consumers and DONE providers raise no timing flags.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import networkx as nx

from syncpoint.analysis.cycles import find_cycles, item_graph, team_digraph
from syncpoint.analysis.dependency_rules import dependency_flags, late_severity
from syncpoint.analysis.flag_types import (
    Flag,
    FlagCode,
    Number,
    Severity,
    SubjectKind,
    days,
    flag_sort_key,
    sort_flags,
    team_ids,
)
from syncpoint.analysis.integration import TeamReadiness, integration_flags, integration_point_risk
from syncpoint.analysis.model import (
    CLOSED_STATUSES,
    RESEARCH_KINDS,
    AnalysisInput,
    DependencyType,
    InteractionInfo,
    InteractionMode,
    ItemInfo,
)
from syncpoint.analysis.timing import DependencyTiming, dependency_timing

__all__ = [
    "DependencyTiming",
    "Flag",
    "FlagCode",
    "Number",
    "Severity",
    "SubjectKind",
    "TeamReadiness",
    "cycle_flags",
    "dependency_flags",
    "dependency_timing",
    "evaluate",
    "flag_sort_key",
    "integration_flags",
    "integration_point_risk",
    "late_severity",
    "overrun_flags",
    "sort_flags",
]

_TEMPORARY_MODES = frozenset({InteractionMode.COLLABORATION, InteractionMode.FACILITATING})


def overrun_flags(inp: AnalysisInput) -> list[Flag]:
    """Rule 7: experiments/spikes past their time cap, temporary interactions past their end."""
    flags = [f for item in inp.items if (f := _item_overrun(inp, item)) is not None]
    flags.extend(f for i in inp.interactions if (f := _interaction_overrun(inp, i)) is not None)
    return flags


def _item_overrun(inp: AnalysisInput, item: ItemInfo) -> Flag | None:
    if (
        item.kind not in RESEARCH_KINDS
        or item.status in CLOSED_STATUSES
        or item.started_on is None
        or item.time_cap_days is None
    ):
        return None
    cap_end = item.started_on + timedelta(days=item.time_cap_days)
    if cap_end >= inp.today:
        return None
    over = (inp.today - cap_end).days
    message = (
        f"{inp.index.team_name(item.team_id)}'s {item.kind.value.lower()} {item.title} started on "
        f"{item.started_on.isoformat()} with a time cap of {days(item.time_cap_days)} and "
        f"is still open on {inp.today.isoformat()}: {days(over)} over its cap."
    )
    # Overrunning by a whole time cap again means the box no longer boxes anything.
    severity = Severity.HIGH if over >= max(item.time_cap_days, 1) else Severity.MEDIUM
    numbers: dict[str, Number] = {
        "started_on": item.started_on.isoformat(),
        "time_cap_days": item.time_cap_days,
        "cap_end": cap_end.isoformat(),
        "days_over": over,
    }
    return Flag(
        FlagCode.OVERRUN, severity, SubjectKind.ITEM, item.id, message, numbers, (item.team_id,)
    )


def _interaction_overrun(inp: AnalysisInput, interaction: InteractionInfo) -> Flag | None:
    end = interaction.expected_end
    if (
        interaction.mode not in _TEMPORARY_MODES
        or end is None
        or interaction.ended_on is not None
        or end >= inp.today
    ):
        return None
    over = (inp.today - end).days
    index = inp.index
    message = (
        f"The {interaction.mode.value.lower()} between {index.team_name(interaction.team_a_id)} "
        f"and {index.team_name(interaction.team_b_id)} was expected to end on "
        f"{end.isoformat()} and is still running: {days(over)} over. Collaboration and "
        "facilitating are meant to be temporary."
    )
    numbers: dict[str, Number] = {
        "expected_end": end.isoformat(),
        "days_over": over,
        "mode": interaction.mode.value,
    }
    return Flag(
        FlagCode.OVERRUN,
        Severity.LOW,
        SubjectKind.INTERACTION,
        interaction.id,
        message,
        numbers,
        team_ids(interaction.team_a_id, interaction.team_b_id),
    )


def cycle_flags(
    inp: AnalysisInput, items: nx.DiGraph | None = None, teams: nx.DiGraph | None = None
) -> list[Flag]:
    """Rule 6: one CYCLE flag per item-level and per team-level cycle of open dependencies."""
    items = items if items is not None else item_graph(inp)
    teams = teams if teams is not None else team_digraph(inp)
    flags = [_item_cycle_flag(inp, items, cycle) for cycle in find_cycles(items)]
    flags.extend(_team_cycle_flag(inp, cycle) for cycle in find_cycles(teams))
    return flags


def _chain(labels: list[str]) -> str:
    if len(labels) == 1:
        return f"{labels[0]} depends on itself"
    steps = ", which feeds ".join(labels[1:])
    return f"{labels[0]} feeds {steps}, which feeds {labels[0]} again"


def _item_cycle_flag(inp: AnalysisInput, graph: nx.DiGraph, cycle: list[Any]) -> Flag:
    index = inp.index
    labels = [f"{index.items[n].title} ({index.team_name(index.items[n].team_id)})" for n in cycle]
    edges = zip(cycle, cycle[1:] + cycle[:1], strict=True)
    blocking = any(DependencyType.BLOCKING.value in graph.edges[u, v]["types"] for u, v in edges)
    message = f"Dependency cycle: {_chain(labels)}, so none of these items can be delivered first."
    return Flag(
        code=FlagCode.CYCLE,
        severity=Severity.CRITICAL if blocking else Severity.HIGH,
        subject_kind=SubjectKind.ITEM,
        subject_id=cycle[0],
        message=message,
        numbers={"cycle_length": len(cycle), "cycle": " -> ".join(str(n) for n in cycle)},
        team_ids=team_ids(*(index.items[n].team_id for n in cycle)),
    )


def _team_cycle_flag(inp: AnalysisInput, cycle: list[Any]) -> Flag:
    labels = [inp.index.team_name(n) for n in cycle]
    message = f"Teams wait on each other: {_chain(labels)}. Agree which delivery comes first."
    return Flag(
        code=FlagCode.CYCLE,
        severity=Severity.MEDIUM,
        subject_kind=SubjectKind.TEAM,
        subject_id=cycle[0],
        message=message,
        numbers={"cycle_length": len(cycle), "cycle": " -> ".join(str(n) for n in cycle)},
        team_ids=team_ids(*cycle),
    )


def evaluate(inp: AnalysisInput, items: nx.DiGraph | None = None) -> list[Flag]:
    """Every flag of every rule, most severe first with a deterministic tie-break (`items`: the
    item graph of `inp`, when the caller already built it)."""
    flags: list[Flag] = []
    for dep in inp.dependencies:
        flags.extend(dependency_flags(inp, dep))
    for ip in inp.integration_points:
        flags.extend(integration_flags(inp, ip))
    flags.extend(overrun_flags(inp))
    flags.extend(cycle_flags(inp, items))
    return sort_flags(flags)
