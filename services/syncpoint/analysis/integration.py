"""Integration points: per-team readiness (rule 5) and pairwise cadence alignment (rule 4).

A team's part is ready on the latest available-from of its participating items (DONE and DROPPED
items do not count). It is at risk when that day is after the integration date, or when one of
its items cannot be dated at all. At an integration point no team is the provider, so in each
pair of Scrum/hybrid teams the one with the lower id plays "provider": the suggested shift
applies to its anchor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import combinations

from syncpoint.analysis.alignment import align
from syncpoint.analysis.dependency_rules import (
    SEVERE_LATENESS_DAYS,
    alignment_numbers,
    alignment_severity,
)
from syncpoint.analysis.flag_types import Flag, FlagCode, Severity, SubjectKind, days
from syncpoint.analysis.model import CLOSED_STATUSES, AnalysisInput, IntegrationPointInfo, ItemInfo
from syncpoint.analysis.timing import item_availability


@dataclass(frozen=True, slots=True)
class TeamReadiness:
    """One participating team's readiness for an integration point."""

    team_id: int
    item_ids: tuple[int, ...]
    ready_date: date | None
    unplanned_item_ids: tuple[int, ...]
    late_by_days: int
    boundary_before: date | None
    boundary_after: date | None
    flags: tuple[Flag, ...]

    @property
    def at_risk(self) -> bool:
        """True when the team's part may miss the integration date."""
        return bool(self.flags)


def _participating_items(inp: AnalysisInput, ip: IntegrationPointInfo) -> dict[int, list[ItemInfo]]:
    by_team: dict[int, list[ItemInfo]] = {}
    for item_id in sorted(set(ip.item_ids)):
        item = inp.index.items.get(item_id)
        if item is not None:
            by_team.setdefault(item.team_id, []).append(item)
    return dict(sorted(by_team.items()))


def integration_point_risk(inp: AnalysisInput, ip: IntegrationPointInfo) -> list[TeamReadiness]:
    """Readiness of every team with items at the integration point, by team id."""
    return [
        _team_readiness(inp, ip, team_id, items)
        for team_id, items in _participating_items(inp, ip).items()
    ]


def _dates(inp: AnalysisInput, items: list[ItemInfo]) -> tuple[date | None, list[ItemInfo]]:
    """The latest available-from of the open items, and the items that cannot be dated."""
    dated: list[date] = []
    unplanned: list[ItemInfo] = []
    for item in items:
        if item.status in CLOSED_STATUSES:
            continue
        available = item_availability(inp, item).available_from
        if available is None:
            unplanned.append(item)
        else:
            dated.append(available)
    return max(dated, default=None), unplanned


def _team_readiness(
    inp: AnalysisInput, ip: IntegrationPointInfo, team_id: int, items: list[ItemInfo]
) -> TeamReadiness:
    ready, unplanned = _dates(inp, items)
    late = max(0, (ready - ip.date).days) if ready is not None else 0
    calendar = inp.index.calendars.get(team_id)
    before = calendar.boundary_on_or_before(ip.date) if calendar else None
    after = calendar.boundary_after(ip.date) if calendar else None
    name = inp.index.team_name(team_id)
    flags: list[Flag] = []
    if ready is not None and late > 0:
        message = (
            f"{name} delivers its part of {ip.name} on {ready.isoformat()} but the integration "
            f"is on {ip.date.isoformat()}: {days(late)} late."
        )
        if before is not None and after is not None:
            message += (
                f" Its sprint boundaries nearest that date are {before.isoformat()} and "
                f"{after.isoformat()}."
            )
        severity = Severity.CRITICAL if late >= SEVERE_LATENESS_DAYS else Severity.HIGH
        flags.append(_risk_flag(ip, team_id, severity, message, ready, late, before, after))
    if unplanned:
        titles = ", ".join(item.title for item in unplanned)
        message = (
            f"{name} has {len(unplanned)} item{'s' if len(unplanned) > 1 else ''} for {ip.name} "
            f"({titles}) with no delivery date, so nobody can tell whether it is ready by "
            f"{ip.date.isoformat()}."
        )
        flags.append(_risk_flag(ip, team_id, Severity.HIGH, message, ready, late, before, after))
    return TeamReadiness(
        team_id=team_id,
        item_ids=tuple(item.id for item in items),
        ready_date=ready,
        unplanned_item_ids=tuple(item.id for item in unplanned),
        late_by_days=late,
        boundary_before=before,
        boundary_after=after,
        flags=tuple(flags),
    )


def _risk_flag(
    ip: IntegrationPointInfo,
    team_id: int,
    severity: Severity,
    message: str,
    ready: date | None,
    late: int,
    before: date | None,
    after: date | None,
) -> Flag:
    return Flag(
        code=FlagCode.INTEGRATION_AT_RISK,
        severity=severity,
        subject_kind=SubjectKind.INTEGRATION_POINT,
        subject_id=ip.id,
        message=message,
        numbers={
            "integration_date": ip.date.isoformat(),
            "ready_date": ready.isoformat() if ready is not None else None,
            "late_by_days": late,
            "boundary_before": before.isoformat() if before is not None else None,
            "boundary_after": after.isoformat() if after is not None else None,
            "team_id": team_id,
        },
        team_ids=(team_id,),
    )


def integration_flags(inp: AnalysisInput, ip: IntegrationPointInfo) -> list[Flag]:
    """INTEGRATION_AT_RISK per late team, and CADENCE_MISALIGNED per misaligned Scrum pair."""
    readiness = integration_point_risk(inp, ip)
    flags = [flag for team in readiness for flag in team.flags]
    flags.extend(_pairwise_alignment(inp, ip, [team.team_id for team in readiness]))
    return flags


def _pairwise_alignment(
    inp: AnalysisInput, ip: IntegrationPointInfo, team_ids: list[int]
) -> list[Flag]:
    index = inp.index
    cadenced = []
    for team_id in team_ids:
        team = index.teams.get(team_id)
        cadence = index.calendars[team_id].cadence_on(ip.date) if team is not None else None
        if team is not None and team.plans_in_sprints and cadence is not None:
            cadenced.append((team, cadence))
    flags = []
    for (first, first_cadence), (second, second_cadence) in combinations(cadenced, 2):
        alignment = align(
            first_cadence, second_cadence, provider_name=first.name, consumer_name=second.name
        )
        if not alignment.misaligned:
            continue
        numbers = alignment_numbers(alignment)
        numbers["integration_date"] = ip.date.isoformat()
        flags.append(
            Flag(
                code=FlagCode.CADENCE_MISALIGNED,
                severity=alignment_severity(alignment),
                subject_kind=SubjectKind.INTEGRATION_POINT,
                subject_id=ip.id,
                message=f"At {ip.name} ({ip.date.isoformat()}): {alignment.sentence}",
                numbers=numbers,
                team_ids=(first.id, second.id),
            )
        )
    return flags
