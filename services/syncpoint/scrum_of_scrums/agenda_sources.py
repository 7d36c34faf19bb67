"""Agenda candidates, one builder per section, from loaded `AgendaData` (no queries here).

Each candidate says why it is there in numbers, links to its objects and suggests an owner.
Blockers raised by the system for a product (SLA breaches, compute contention) are grouped per
product objective / contention window; other SLA_BREACH and COMPUTE_CONTENTION blockers appear
one by one in those sections, every other blocker in NEW_OR_ESCALATED_BLOCKERS.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from syncpoint.analysis.agenda import Candidate, ImpactFactors, Link, Section
from syncpoint.analysis.flag_types import Flag, FlagCode, SubjectKind, days, flag_sort_key
from syncpoint.analysis.graph import blast_radius
from syncpoint.blockers.impact import Impact, age_days
from syncpoint.blockers.models import Blocker, BlockerCategory, BlockerSeverity, EscalationLevel
from syncpoint.scrum_of_scrums.agenda_data import AgendaData

SEVERITY_FACTOR = {
    BlockerSeverity.CRITICAL: 5,
    BlockerSeverity.HIGH: 4,
    BlockerSeverity.MEDIUM: 3,
    BlockerSeverity.LOW: 2,
}
ESCALATION_STEPS = {
    EscalationLevel.TEAM: 0,
    EscalationLevel.SCRUM_OF_SCRUMS: 1,
    EscalationLevel.EXECUTIVE: 2,
}
_DEPENDENCY_CODES = {FlagCode.LATE, FlagCode.SAME_SPRINT, FlagCode.UNPLANNED_PROVIDER}
_INTEGRATION_CODES = {FlagCode.CADENCE_MISALIGNED, FlagCode.INTEGRATION_AT_RISK}
_SYSTEM_SECTIONS = {
    BlockerCategory.SLA_BREACH: (Section.SLA_BREACHES, "sla:"),
    BlockerCategory.COMPUTE_CONTENTION: (Section.COMPUTE_CONTENTION, "contention:"),
}
# The categories whose open blockers the agenda lists whoever raised them and when (what the
# agenda loads besides what is news for the forum: `repository.agenda_blockers`).
SYSTEM_CATEGORIES = tuple(_SYSTEM_SECTIONS)


def _words(code: str) -> str:
    return code.replace("_", " ").lower()


def _radius(impact: Impact) -> str:
    if not impact.item_ids:
        return "nothing waits downstream"
    return (
        f"{len(impact.item_ids)} item(s) and {len(impact.team_ids)} other team(s) wait downstream"
    )


def _target(data: AgendaData, b: Blocker) -> str:
    team = data.team_name(b.team_id)
    return f"{team}'s {data.item_title(b.item_id)}" if b.item_id else f"team {team}"


def _presence(data: AgendaData, b: Blocker) -> str | None:
    """Why an open blocker is news for this forum today, or None."""
    raised = b.raised_at.date()
    if raised > data.day:
        return None
    escalated = b.escalated_at.date().isoformat() if b.escalated_at else "?"
    if b.forum_id == data.forum.id and b.escalation_level is EscalationLevel.SCRUM_OF_SCRUMS:
        return f"escalated to this forum on {escalated}"
    if b.forum_id == data.forum.id and b.escalation_level is EscalationLevel.EXECUTIVE:
        return f"escalated from this forum to the executive action team on {escalated}"
    is_new = b.team_id in data.direct and raised >= data.since
    if b.escalation_level is EscalationLevel.TEAM and is_new:
        return f"new since {data.since.isoformat()}"
    return None


def blocker_candidate(
    data: AgendaData, b: Blocker, impact: Impact, section: Section, why: str
) -> Candidate:
    age = age_days(b, data.day)
    reason = (
        f"{b.severity.value} {b.category.value} blocker on {_target(data, b)}: "
        f"{_radius(impact)}; open {days(age)}; {why}."
    )
    links = [Link("Blocker", b.id)]
    links.append(Link("BacklogItem", b.item_id) if b.item_id else Link("Team", b.team_id))
    return Candidate(
        key=f"blocker:{b.id}",
        section=section,
        title=b.title,
        reason=reason,
        factors=ImpactFactors(
            severity=SEVERITY_FACTOR[b.severity],
            downstream_teams=len(impact.team_ids),
            downstream_items=len(impact.item_ids),
            escalation_steps=ESCALATION_STEPS[b.escalation_level],
            age_days=age,
        ),
        numbers={
            "severity": b.severity.value,
            "category": b.category.value,
            "escalationLevel": b.escalation_level.value,
            "ageDays": age,
            "downstreamItems": len(impact.item_ids),
            "downstreamTeams": len(impact.team_ids),
            "raisedOn": b.raised_at.date().isoformat(),
        },
        links=tuple(links),
        owner_person_id=b.owner_id or data.representative(b.team_id),
        owner_team_id=b.team_id,
    )


def blocker_candidates(data: AgendaData, impacts: dict[int, Impact]) -> list[Candidate]:
    """Single blockers: new/escalated ones, and SLA/contention ones not raised by the system."""
    out = []
    for b in data.blockers:
        system = _SYSTEM_SECTIONS.get(b.category)
        if system is not None:
            section, prefix = system
            if (b.source_key or "").startswith(prefix) or b.raised_at.date() > data.day:
                continue
            if not (data.concerns([b.team_id]) or b.forum_id in data.subtree):
                continue
            why = f"held at {b.escalation_level.value.replace('_', ' ').lower()} level"
            out.append(blocker_candidate(data, b, impacts[b.id], section, why))
            continue
        why_new = _presence(data, b)
        if why_new is not None:
            section = Section.NEW_OR_ESCALATED_BLOCKERS
            out.append(blocker_candidate(data, b, impacts[b.id], section, why_new))
    return out


def _needed_by(flag: Flag) -> date | None:
    value = flag.numbers.get("needed_by")
    return date.fromisoformat(value) if isinstance(value, str) else None


def dependency_candidates(data: AgendaData) -> list[Candidate]:
    """Dependencies flagged LATE / SAME_SPRINT / UNPLANNED_PROVIDER needed within the horizon."""
    grouped: dict[int, list[Flag]] = defaultdict(list)
    for f in data.flags:
        if f.subject_kind is SubjectKind.DEPENDENCY and f.code in _DEPENDENCY_CODES:
            grouped[f.subject_id].append(f)
    index = data.inp.index
    out = []
    for dep_id in sorted(grouped):
        flags = sorted(grouped[dep_id], key=flag_sort_key)
        needed = _needed_by(flags[0])
        if needed is None or needed > data.horizon_end or not data.concerns(flags[0].team_ids):
            continue
        dep = index.dependencies[dep_id]
        consumer = index.items[dep.consumer_item_id]
        provider_team = index.provider_team_id(dep)
        radius = blast_radius(data.inp, consumer.id, data.graph)
        waiting = ({consumer.team_id} | set(radius.team_ids)) - {provider_team}
        late = max(int(f.numbers.get("late_by_days") or 0) for f in flags)
        links = [Link("Dependency", dep.id), Link("BacklogItem", consumer.id)]
        if dep.provider_item_id is not None:
            links.append(Link("BacklogItem", dep.provider_item_id))
        if dep.provider_product_id is not None:
            links.append(Link("Product", dep.provider_product_id))
        out.append(
            Candidate(
                key=f"dependency:{dep.id}",
                section=Section.DEPENDENCIES_AT_RISK,
                title=f"{data.team_name(provider_team)} -> {consumer.title}",
                reason=" ".join(f.message for f in flags),
                factors=ImpactFactors(
                    severity=flags[0].severity.rank,
                    downstream_teams=len(waiting),
                    downstream_items=1 + len(radius.item_ids),
                    days_late=late,
                ),
                numbers={
                    "flags": ",".join(f.code.value for f in flags),
                    "neededBy": needed.isoformat(),
                    "lateByDays": late,
                    "dependencyType": dep.type.value,
                    "downstreamItems": len(radius.item_ids),
                    "waitingTeams": len(waiting),
                },
                links=tuple(links),
                owner_person_id=data.representative(provider_team)
                or data.representative(consumer.team_id),
                owner_team_id=provider_team,
            )
        )
    return out


def integration_candidates(data: AgendaData) -> list[Candidate]:
    """CADENCE_MISALIGNED / INTEGRATION_AT_RISK at integration points dated within three horizons
    (see `INTEGRATION_HORIZON_FACTOR`)."""
    index = data.inp.index
    seen: dict[str, int] = defaultdict(int)
    out = []
    # Only the flags that make a candidate are sorted (filtering first keeps their order), not
    # every flag of the organisation.
    points, end = index.integration_points, data.integration_horizon_end
    wanted = [
        f
        for f in data.flags
        if f.subject_kind is SubjectKind.INTEGRATION_POINT
        and f.code in _INTEGRATION_CODES
        and data.day <= points[f.subject_id].date <= end
        and data.concerns(f.team_ids)
    ]
    teams_at: dict[int, set[int]] = {}  # a point's participating teams, once per point
    for f in sorted(wanted, key=flag_sort_key):
        ip = points[f.subject_id]
        participants = teams_at.get(ip.id)
        if participants is None:
            participants = {index.items[i].team_id for i in ip.item_ids if i in index.items}
            teams_at[ip.id] = participants
        base = f"integration:{ip.id}:{f.code.value}:{'-'.join(map(str, f.team_ids))}"
        seen[base] += 1
        team = f.team_ids[0] if f.team_ids else None
        out.append(
            Candidate(
                key=base if seen[base] == 1 else f"{base}:{seen[base]}",
                section=Section.CADENCE_MISALIGNMENTS,
                title=f"{ip.name} on {ip.date.isoformat()}: {_words(f.code.value)}",
                reason=f.message,
                factors=ImpactFactors(
                    severity=f.severity.rank,
                    downstream_teams=len(participants - set(f.team_ids)),
                    days_late=int(f.numbers.get("late_by_days") or 0),
                ),
                numbers={
                    "flag": f.code.value,
                    "integrationDate": ip.date.isoformat(),
                    "daysUntil": (ip.date - data.day).days,
                    "participatingTeams": len(participants),
                    **{k: v for k, v in f.numbers.items() if k != "team_id"},
                },
                links=(Link("IntegrationPoint", ip.id), *(Link("Team", t) for t in f.team_ids)),
                owner_person_id=data.representative(team),
                owner_team_id=team,
            )
        )
    return out


def research_candidates(data: AgendaData) -> list[Candidate]:
    """Experiments/spikes past their time cap, and research carried over twice or more."""
    overruns = {
        f.subject_id: f
        for f in data.flags
        if f.code is FlagCode.OVERRUN and f.subject_kind is SubjectKind.ITEM
    }
    carried = {item.id: item.carry_over_count for item in data.research}
    out = []
    for item_id in sorted(set(overruns) | set(carried)):
        item = data.inp.index.items.get(item_id)
        if item is None or not data.concerns([item.team_id]):
            continue
        flag, carries = overruns.get(item_id), carried.get(item_id, 0)
        severity = flag.severity.rank if flag is not None else 3
        if carries >= 3:
            severity = max(severity, 4)
        over = int(flag.numbers.get("days_over") or 0) if flag is not None else 0
        parts = [flag.message] if flag is not None else []
        if carries >= 2:
            parts.append(f"Carried over {carries} times.")
        out.append(
            Candidate(
                key=f"research:{item_id}",
                section=Section.RESEARCH_OVERRUNS,
                title=f"{data.team_name(item.team_id)}: {item.title}",
                reason=" ".join(parts),
                factors=ImpactFactors(severity=severity, days_late=over),
                numbers={"kind": item.kind.value, "daysOverCap": over, "carryOvers": carries},
                links=(Link("BacklogItem", item_id),),
                owner_person_id=data.representative(item.team_id),
                owner_team_id=item.team_id,
            )
        )
    return out
