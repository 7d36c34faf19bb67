"""Agenda section QUALITY_OVERRIDES: quality-gate overrides (quality.gates) since the previous
meeting on items other teams depend on: a consumer may be building on work that skipped its
Definition of Ready or Done."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from datetime import date as date_t

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.agenda import Candidate, ImpactFactors, Link, Section
from syncpoint.scrum_of_scrums.agenda_data import AgendaData
from syncpoint.work.gate_models import GateOverride


async def recent_overrides(session: AsyncSession, since: date_t, day: date_t) -> list[GateOverride]:
    """Overrides made from the start of `since` to the end of `day` (UTC)."""
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
    rows = await session.scalars(
        select(GateOverride)
        .where(GateOverride.at >= start, GateOverride.at < end)
        .order_by(GateOverride.at, GateOverride.id)
    )
    return list(rows)


def override_candidates(data: AgendaData) -> list[Candidate]:
    """One entry per override on an item that open dependencies of other teams consume."""
    index = data.inp.index
    out = []
    for override in data.overrides:
        item = index.items.get(override.item_id)
        if item is None:
            continue
        consumers = [
            index.items[d.consumer_item_id]
            for d in index.dependencies.values()
            if d.open and d.provider_item_id == item.id and d.consumer_item_id in index.items
        ]
        teams = {c.team_id for c in consumers} - {item.team_id}
        if not teams or not data.concerns([item.team_id, *teams]):
            continue
        names = ", ".join(sorted(data.team_name(t) for t in teams))
        waiting = [c for c in consumers if c.team_id in teams]
        out.append(
            Candidate(
                key=f"override:{override.id}",
                section=Section.QUALITY_OVERRIDES,
                title=f"{data.team_name(item.team_id)}: {item.title} passed its "
                f"{override.action.value} gate by override",
                reason=f"Overridden because: {override.reason.rstrip('.')}. "
                f"Unmet: {override.unmet} {len(waiting)} item(s) of {names} depend on it.",
                factors=ImpactFactors(
                    severity=3, downstream_teams=len(teams), downstream_items=len(waiting)
                ),
                numbers={"action": override.action.value, "consumerTeams": len(teams)},
                links=(Link("BacklogItem", item.id),),
                owner_person_id=data.representative(item.team_id),
                owner_team_id=item.team_id,
            )
        )
    return out
