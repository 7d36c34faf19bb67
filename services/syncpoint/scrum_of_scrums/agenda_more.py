"""Agenda candidates of the product sections (SLA breaches, compute contention) and of the
forum's open action items."""

from __future__ import annotations

from collections import defaultdict

from syncpoint.analysis.agenda import Candidate, ImpactFactors, Link, Section
from syncpoint.analysis.error_budget import ComplianceStatus
from syncpoint.analysis.flag_types import days
from syncpoint.blockers.impact import Impact
from syncpoint.blockers.models import Blocker, BlockerCategory
from syncpoint.products.models import Product
from syncpoint.products.slo import ObjectiveStatus
from syncpoint.scrum_of_scrums.agenda_data import AgendaData
from syncpoint.scrum_of_scrums.agenda_sources import SEVERITY_FACTOR

_STATUS_SEVERITY = {ComplianceStatus.BREACHED: 5, ComplianceStatus.AT_RISK: 3}


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.2f}%"


def _objective_candidate(
    data: AgendaData,
    product: Product,
    status: ObjectiveStatus,
    teams: list[int],
    blockers: list[Blocker],
) -> Candidate | None:
    c = status.compliance
    severity = _STATUS_SEVERITY.get(c.status)
    if severity is None:
        return None
    burned = round((1 - c.budget_remaining) * 100)
    objective = status.objective
    names = ", ".join(data.team_name(t) for t in teams)
    reason = (
        f"{product.name} {objective.name}: {c.status.value.replace('_', ' ').lower()}, SLI "
        f"{_percent(c.sli)} against a target of {_percent(c.target)}; {burned}% of the error "
        f"budget burned; consumed by {names}; {len(blockers)} item(s) blocked."
    )
    if c.burn_rate is not None:
        reason += f" Burn rate {c.burn_rate:.1f}x."
    return Candidate(
        key=f"sla:{product.id}:{objective.objective_key}",
        section=Section.SLA_BREACHES,
        title=f"{product.name}: {objective.name}",
        reason=reason,
        factors=ImpactFactors(
            severity=severity,
            downstream_teams=len(teams),
            downstream_items=len({b.item_id for b in blockers}),
            budget_burned_percent=burned,
        ),
        numbers={
            "status": c.status.value,
            "sli": c.sli,
            "target": c.target,
            "budgetBurnedPercent": burned,
            "burnRate": c.burn_rate,
            "consumerTeams": len(teams),
            "blockedItems": len({b.item_id for b in blockers}),
        },
        links=(Link("Product", product.id), *(Link("Blocker", b.id) for b in blockers)),
        owner_person_id=data.representative(product.owner_team_id),
        owner_team_id=product.owner_team_id,
    )


def sla_candidates(data: AgendaData) -> list[Candidate]:
    """Breached or at-risk objectives of products the forum's teams consume, with the
    SLA_BREACH blockers the breach raised on their items."""
    out = []
    for product, teams in data.products:
        if not data.concerns(teams):
            continue
        for status in data.sla_statuses.get(product.id, []):
            prefix = f"sla:{product.id}:{status.objective.objective_key}:"
            blockers = data.blockers_sourced(prefix)
            candidate = _objective_candidate(data, product, status, teams, blockers)
            if candidate is not None:
                out.append(candidate)
    return out


def contention_candidates(data: AgendaData, impacts: dict[int, Impact]) -> list[Candidate]:
    """Compute contention windows (the blockers `products.compute` raised), one entry each."""
    windows: dict[str, list[Blocker]] = defaultdict(list)
    for b in data.blockers:
        key = b.source_key or ""
        system = b.category is BlockerCategory.COMPUTE_CONTENTION and key.startswith("contention:")
        if system and b.raised_at.date() <= data.day:
            windows[key.split(":item:")[0]].append(b)
    out = []
    for window, blockers in sorted(windows.items()):
        teams = sorted({b.team_id for b in blockers})
        if not data.concerns(teams):
            continue
        product_id = int(window.split(":")[1])
        product = data.inp.index.products.get(product_id)
        owner_team = product.owner_team_id if product is not None else None
        downstream = {i for b in blockers for i in impacts[b.id].item_ids}
        worst = max(blockers, key=lambda b: SEVERITY_FACTOR[b.severity])
        names = ", ".join(data.team_name(t) for t in teams)
        out.append(
            Candidate(
                key=window,
                section=Section.COMPUTE_CONTENTION,
                title=worst.title,
                reason=(
                    f"{worst.description} Items held: {len(blockers)} of {names}; "
                    f"{len(downstream)} item(s) wait downstream of them."
                ),
                factors=ImpactFactors(
                    severity=SEVERITY_FACTOR[worst.severity],
                    downstream_teams=len(teams),
                    downstream_items=len(blockers) + len(downstream),
                ),
                numbers={
                    "blockedItems": len(blockers),
                    "teams": len(teams),
                    "downstreamItems": len(downstream),
                },
                links=(
                    *((Link("Product", product_id),) if product is not None else ()),
                    *(Link("Blocker", b.id) for b in blockers),
                ),
                owner_person_id=data.representative(owner_team),
                owner_team_id=owner_team,
            )
        )
    return out


def action_item_candidates(data: AgendaData) -> list[Candidate]:
    """The forum's open action items: they return on every agenda until done."""
    out = []
    for a in data.action_items:
        if a.created_at.date() > data.day:
            continue
        overdue = (data.day - a.due_on).days
        severity = 4 if overdue > 0 else 3 if overdue >= -2 else 2
        when = (
            f"{days(overdue)} overdue"
            if overdue > 0
            else "due today"
            if overdue == 0
            else f"due in {days(-overdue)}"
        )
        links = [Link("ActionItem", a.id)]
        if a.blocker_id is not None:
            links.append(Link("Blocker", a.blocker_id))
        out.append(
            Candidate(
                key=f"action:{a.id}",
                section=Section.ACTION_ITEMS,
                title=a.title,
                reason=f"Open action item, due {a.due_on.isoformat()}: {when}.",
                factors=ImpactFactors(severity=severity, days_late=max(overdue, 0)),
                numbers={"dueOn": a.due_on.isoformat(), "overdueDays": max(overdue, 0)},
                links=tuple(links),
                owner_person_id=a.owner_id,
            )
        )
    return out
