"""When a deliverable is needed and when it is available, per the domain's date conventions.

The provider rule depends on who delivers:
- an item planned in a sprint (Scrum, or a hybrid team's delivery work): the day after that sprint;
- an item of a Kanban team, or an unplanned research item (EXPERIMENT/SPIKE) of a hybrid team:
  the later of today and the item's start, plus the team's service-level expectation;
- a product request with no provider item: today plus the product's request turnaround;
- anything else is UNPLANNED: no date can be promised.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from syncpoint.analysis.calendar import SprintSpan
from syncpoint.analysis.dates import (
    available_from_kanban,
    available_from_product_request,
    available_from_scrum,
    handoff_lag,
    late_by_days_or_none,
    needed_by,
)
from syncpoint.analysis.model import (
    RESEARCH_KINDS,
    AnalysisInput,
    DependencyInfo,
    Framework,
    ItemInfo,
    TeamInfo,
)


class AvailabilityRule(enum.StrEnum):
    """Which convention dated a deliverable (or why none could)."""

    SCRUM_SPRINT = "SCRUM_SPRINT"
    KANBAN_SLE = "KANBAN_SLE"
    PRODUCT_TURNAROUND = "PRODUCT_TURNAROUND"
    UNPLANNED = "UNPLANNED"


@dataclass(frozen=True, slots=True)
class Availability:
    """The day a deliverable can be used from, and the rule that gave it."""

    available_from: date | None
    rule: AvailabilityRule
    sprint: SprintSpan | None = None


@dataclass(frozen=True, slots=True)
class DependencyTiming:
    """Computed dates of one dependency (exposed as ``neededBy``, ``availableFrom``, ...)."""

    dependency_id: int
    consumer_team_id: int | None
    provider_team_id: int | None
    needed_by: date | None
    available_from: date | None
    late_by_days: int | None
    handoff_lag_days: int | None
    consumer_sprint: SprintSpan | None
    provider_sprint: SprintSpan | None
    rule: AvailabilityRule


def flows_as_kanban(team: TeamInfo, item: ItemInfo) -> bool:
    """Kanban teams, and hybrid teams' unplanned research items, are dated by the SLE."""
    if team.framework is Framework.KANBAN:
        return True
    return (
        team.framework is Framework.HYBRID and item.sprint is None and item.kind in RESEARCH_KINDS
    )


def item_availability(inp: AnalysisInput, item: ItemInfo) -> Availability:
    """When an item's deliverable is available, by its team's framework."""
    team = inp.index.teams.get(item.team_id)
    if team is not None and flows_as_kanban(team, item):
        if team.sle is None:
            return Availability(None, AvailabilityRule.UNPLANNED)
        day = available_from_kanban(inp.today, item.started_on, team.sle.days)
        return Availability(day, AvailabilityRule.KANBAN_SLE)
    if item.sprint is not None:
        return Availability(
            available_from_scrum(item.sprint), AvailabilityRule.SCRUM_SPRINT, item.sprint
        )
    return Availability(None, AvailabilityRule.UNPLANNED)


def provider_availability(inp: AnalysisInput, dep: DependencyInfo) -> Availability:
    """Availability of what a dependency waits for: the provider item, else a product request."""
    index = inp.index
    if dep.provider_item_id is not None and dep.provider_item_id in index.items:
        return item_availability(inp, index.items[dep.provider_item_id])
    product = (
        index.products.get(dep.provider_product_id) if dep.provider_product_id is not None else None
    )
    if dep.provider_item_id is None and product is not None and product.turnaround_days is not None:
        day = available_from_product_request(inp.today, product.turnaround_days)
        return Availability(day, AvailabilityRule.PRODUCT_TURNAROUND)
    return Availability(None, AvailabilityRule.UNPLANNED)


def dependency_needed_by(inp: AnalysisInput, dep: DependencyInfo) -> date | None:
    """When the consumer needs it: the explicit date, else its item's sprint start (the part
    of `dependency_timing` that reads nothing of the provider)."""
    consumer = inp.index.items.get(dep.consumer_item_id)
    return needed_by(dep.explicit_needed_by, consumer.sprint if consumer is not None else None)


def dependency_timing(inp: AnalysisInput, dep: DependencyInfo) -> DependencyTiming:
    """Needed-by, available-from, lateness and handoff lag of one dependency."""
    index = inp.index
    consumer = index.items.get(dep.consumer_item_id)
    consumer_sprint = consumer.sprint if consumer is not None else None
    consumer_team_id = consumer.team_id if consumer is not None else None
    need = dependency_needed_by(inp, dep)
    availability = provider_availability(inp, dep)
    lag: int | None = None
    consumer_team = index.teams.get(consumer_team_id) if consumer_team_id is not None else None
    available = availability.available_from
    if available is not None and consumer_team is not None and consumer_team.plans_in_sprints:
        next_start = index.calendars[consumer_team.id].next_start_on_or_after(available)
        lag = handoff_lag(available, next_start)
    return DependencyTiming(
        dependency_id=dep.id,
        consumer_team_id=consumer_team_id,
        provider_team_id=index.provider_team_id(dep),
        needed_by=need,
        available_from=availability.available_from,
        late_by_days=late_by_days_or_none(availability.available_from, need),
        handoff_lag_days=lag,
        consumer_sprint=consumer_sprint,
        provider_sprint=availability.sprint,
        rule=availability.rule,
    )
