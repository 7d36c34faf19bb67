"""Generating a forum's agenda for a date from live data (deterministic: same data and date,
same agenda) and freezing it as a JSON snapshot, the form meetings keep and GraphQL reads."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.agenda import Agenda, Candidate, build_agenda
from syncpoint.blockers.impact import impacts
from syncpoint.core.errors import DomainError, NotFoundError
from syncpoint.forums import repository as forums_repo
from syncpoint.forums.models import Forum
from syncpoint.insights.analyses import Analyses
from syncpoint.products.slo import statuses_by_product
from syncpoint.scrum_of_scrums import repository as repo
from syncpoint.scrum_of_scrums.agenda_data import (
    DEFAULT_HORIZON_DAYS,
    MIN_CARRY_OVERS,
    NEW_WINDOW_DAYS,
    AgendaData,
)
from syncpoint.scrum_of_scrums.agenda_gates import override_candidates, recent_overrides
from syncpoint.scrum_of_scrums.agenda_more import (
    action_item_candidates,
    contention_candidates,
    sla_candidates,
)
from syncpoint.scrum_of_scrums.agenda_sources import (
    SYSTEM_CATEGORIES,
    blocker_candidates,
    dependency_candidates,
    integration_candidates,
    research_candidates,
)
from syncpoint.scrum_of_scrums.refinement import refinement_candidates, unrefined_in

MAX_HORIZON_DAYS = 180


def meeting_start(forum: Forum, day: date) -> datetime:
    """The meeting's start on `day` in the forum's time zone, as a UTC instant."""
    local = datetime.combine(day, forum.meeting_time, tzinfo=ZoneInfo(forum.time_zone))
    return local.astimezone(UTC)


async def load_agenda_data(
    session: AsyncSession,
    forum_id: int,
    day: date,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    analyses: Analyses | None = None,
) -> AgendaData:
    """Load what the agenda of `forum_id` on `day` is computed from (a fixed number of queries;
    the analysis of `day` comes from `analyses`, the request's component, when given)."""
    if not 0 <= horizon_days <= MAX_HORIZON_DAYS:
        raise DomainError(f"horizonDays must be 0..{MAX_HORIZON_DAYS}.", field="horizonDays")
    forest = await forums_repo.load_forest(session)
    forum = forest.forums.get(forum_id)
    if forum is None:
        raise NotFoundError(f"Forum {forum_id} does not exist or is archived.", field="forumId")
    scope = sorted(forest.scope(forum_id))
    previous = await repo.previous_meeting(session, forum_id, day)
    analysis = await (analyses or Analyses(session)).analysis(day)
    start = meeting_start(forum, day)
    products = await repo.consumed_products(session, scope)
    statuses = await statuses_by_product(session, [(p.id, start) for p, _ in products])
    since = previous.date if previous else day - timedelta(days=NEW_WINDOW_DAYS)
    return AgendaData(
        forum=forum,
        day=day,
        since=since,
        horizon_days=horizon_days,
        meeting_start=start,
        forest=forest,
        inp=analysis.inp,
        flags=analysis.flags,
        graph=analysis.item_graph,
        blockers=await repo.agenda_blockers(
            session,
            forum_id,
            scope,
            forest.descendants(forum_id),
            sorted(forest.member_team_ids(forum_id)),
            since,
            SYSTEM_CATEGORIES,
        ),
        action_items=await repo.open_action_items(session, forum_id),
        research=await repo.carried_over_research(session, scope, MIN_CARRY_OVERS),
        products=products,
        sla_statuses={p.id: s for (p, _), s in zip(products, statuses, strict=True)},
        overrides=await recent_overrides(session, since, day),
        refinements=await unrefined_in(session, forum_id),
    )


def candidates(data: AgendaData) -> list[Candidate]:
    """Every candidate topic of every section."""
    by_blocker = impacts(data.inp, data.blockers, data.graph)
    return [
        *blocker_candidates(data, by_blocker),
        *dependency_candidates(data),
        *integration_candidates(data),
        *sla_candidates(data),
        *research_candidates(data),
        *contention_candidates(data, by_blocker),
        *override_candidates(data),
        *action_item_candidates(data),
        *refinement_candidates(data),
    ]


@dataclass(frozen=True, slots=True)
class GeneratedAgenda:
    data: AgendaData
    agenda: Agenda

    def snapshot(self) -> dict[str, Any]:
        """The agenda as JSON (what a held meeting keeps)."""
        return to_snapshot(self.data, self.agenda)


async def generate_agenda(
    session: AsyncSession,
    forum_id: int,
    day: date,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    analyses: Analyses | None = None,
) -> GeneratedAgenda:
    """The agenda of a forum's meeting on `day`: ranked, time-boxed, with what was left out.
    Ranking (blast radius of every blocker, ...) runs in a worker thread."""
    data = await load_agenda_data(
        session, forum_id, day, horizon_days=horizon_days, analyses=analyses
    )
    agenda = await asyncio.to_thread(
        lambda: build_agenda(candidates(data), data.forum.duration_minutes)
    )
    return GeneratedAgenda(data, agenda)


def _candidate_json(c: Candidate, score: int, rank: int) -> dict[str, Any]:
    return {
        "key": c.key,
        "section": c.section.value,
        "title": c.title,
        "reason": c.reason,
        "score": score,
        "rank": rank,
        "minutes": c.duration,
        "numbers": dict(c.numbers),
        "links": [{"kind": link.kind, "id": link.id} for link in c.links],
        "ownerPersonId": c.owner_person_id,
        "ownerTeamId": c.owner_team_id,
    }


def to_snapshot(data: AgendaData, agenda: Agenda) -> dict[str, Any]:
    """JSON form of an agenda; the GraphQL Agenda type reads live and held agendas from it."""
    entries = [
        {
            **_candidate_json(e.candidate, e.score, e.rank),
            "startMinute": e.start_minute,
            "endMinute": e.end_minute,
        }
        for e in agenda.entries
    ]
    left_out = [
        {**_candidate_json(o.candidate, o.score, o.rank), "whyLeftOut": o.reason}
        for o in agenda.left_out
    ]
    return {
        "forumId": data.forum.id,
        "date": data.day.isoformat(),
        "since": data.since.isoformat(),
        "horizonDays": data.horizon_days,
        "meetingStart": data.meeting_start.isoformat(),
        "timeboxMinutes": agenda.timebox_minutes,
        "usedMinutes": agenda.used_minutes,
        "entries": entries,
        "leftOut": left_out,
    }
