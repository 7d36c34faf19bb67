"""Factories for forums, blockers and meetings, through the services (so they obey the rules)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time, timedelta

from syncpoint.blockers import actions as blockers
from syncpoint.blockers.models import Blocker, BlockerCategory, BlockerSeverity
from syncpoint.cadence import service as cadence
from syncpoint.cadence.calendar import sprint_by_node_id, sprint_node_id
from syncpoint.cadence.service import CarrySpec
from syncpoint.core.db import SerialSession
from syncpoint.forums.models import Forum, Weekday
from syncpoint.scrum_of_scrums import service as sos
from syncpoint.teams.models import MembershipRole, Person, Team
from syncpoint.work.models import BacklogItem
from tests.support.factories import ADMIN, make_member, make_person, unique
from tests.support.work_factories import plan


async def make_forum(
    session: SerialSession,
    teams: Sequence[Team] = (),
    *,
    facilitator: Person | None = None,
    parent: Forum | None = None,
    name: str | None = None,
    weekdays: Sequence[Weekday] = (Weekday.MONDAY, Weekday.WEDNESDAY),
    meeting_time: time = time(9, 30),
    time_zone: str = "Europe/Berlin",
    duration_minutes: int = 15,
) -> Forum:
    """A forum of `teams`, each represented by a new Scrum Master of that team."""
    members = []
    for team in teams:
        rep = await make_member(session, team, MembershipRole.SCRUM_MASTER)
        members.append(sos.MemberSpec(team.id, rep.id))
    facilitator = facilitator or await make_person(session)
    return await sos.create_forum(
        session,
        ADMIN,
        name=name or unique("forum"),
        facilitator_id=facilitator.id,
        weekdays=weekdays,
        meeting_time=meeting_time,
        time_zone=time_zone,
        duration_minutes=duration_minutes,
        parent_id=parent.id if parent else None,
        members=members,
    )


async def raise_on(
    session: SerialSession,
    target: BacklogItem | Team,
    *,
    category: BlockerCategory = BlockerCategory.WAITING_FOR_DATA,
    severity: BlockerSeverity = BlockerSeverity.HIGH,
    title: str | None = None,
    owner: Person | None = None,
) -> Blocker:
    """Raise a blocker on an item or a team as an admin."""
    is_item = isinstance(target, BacklogItem)
    return await blockers.raise_blocker(
        session,
        ADMIN,
        category=category,
        severity=severity,
        title=title or unique("blocker"),
        item_id=target.id if is_item else None,
        team_id=None if is_item else target.id,
        owner_id=owner.id if owner else None,
    )


async def escalate(
    session: SerialSession, blocker: Blocker, reason: str = "needs the forum"
) -> Blocker:
    return await blockers.escalate_blocker(
        session, ADMIN, blocker.id, blocker.version, reason=reason
    )


async def carry_over(
    session: SerialSession, item: BacklogItem, first_sprint: date, times: int, length: int
) -> BacklogItem:
    """Plan `item` in the sprint starting `first_sprint` and carry it over `times` times."""
    await plan(session, item, first_sprint)
    for k in range(times):
        node = sprint_node_id(item.team_id, first_sprint + timedelta(days=k * length))
        view = await sprint_by_node_id(session, node)
        assert view is not None
        await cadence.close_sprint(
            session, ADMIN, node, view.version, [CarrySpec(item.id, "still exploring")]
        )
    await session.refresh(item)
    return item
