"""HTTP routes of the iCalendar feeds.

Two ways to read a feed, both through auth.transport: with an ``Authorization: Bearer`` header
(``/calendar/forums/...``), or, for calendar programs that cannot send headers, at a feed URL
carrying a calendar feed key (``/calendar/feeds/<key>/forums/...``): a read-only secret that
opens only the feeds and is revoked like a token. An API token never goes into a URL.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Query, Response
from strawberry.relay import GlobalID

from syncpoint.auth.transport import Refused, authorized, feed_authorized, read_session
from syncpoint.cadence.calendar import team_sprints
from syncpoint.core.auth import Actor
from syncpoint.core.clock import today
from syncpoint.core.db import SerialSession
from syncpoint.core.models import utcnow
from syncpoint.forums import repository as forums_repo
from syncpoint.forums.models import Forum
from syncpoint.scrum_of_scrums.calendar import (
    FORUM_CALENDAR,
    MAX_WEEKS,
    TEAM_SPRINT_CALENDAR,
    forum_ics,
    sprints_ics,
)
from syncpoint.teams import repository as teams_repo

ICS = "text/calendar; charset=utf-8"
PAST_WEEKS = 4

router = APIRouter(prefix="/calendar", tags=["calendar"])


def _forum_id(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    try:
        gid = GlobalID.from_id(raw)
    except Exception:
        return None
    return int(gid.node_id) if gid.type_name == "Forum" and gid.node_id.isdigit() else None


def _ics(body: bytes, name: str) -> Response:
    headers = {"Content-Disposition": f'inline; filename="{name}.ics"', "Cache-Control": "no-cache"}
    return Response(body, media_type=ICS, headers=headers)


async def _forum_feed(session: SerialSession, forum_id: str, weeks: int) -> Response:
    ident = _forum_id(forum_id)
    forum = await session.get(Forum, ident) if ident is not None else None
    if forum is None or forum.archived_at is not None:
        raise Refused(404, f"Forum {forum_id} does not exist.", "NOT_FOUND")
    members = (await forums_repo.active_members_by_forum(session, [forum.id]))[0]
    teams = await teams_repo.teams_by_ids(session, [m.team_id for m in members])
    people = await teams_repo.people_by_ids(session, [forum.facilitator_id])
    names = ", ".join(sorted(t.name for t in teams if t is not None)) or "none yet"
    facilitator = people[0].name if people[0] is not None else "-"
    description = f"Facilitator: {facilitator}. Member teams: {names}."
    body = forum_ics(forum, start=today(), weeks=weeks, description=description, stamp=utcnow())
    return _ics(body, f"forum-{forum.id}")


async def _sprint_feed(session: SerialSession, slug: str, weeks: int) -> Response:
    team = await teams_repo.team_by_slug(session, slug)
    if team is None:
        raise Refused(404, f"Team {slug} does not exist.", "NOT_FOUND")
    start = today() - timedelta(weeks=PAST_WEEKS)
    sprints = await team_sprints(session, team.id, start, today() + timedelta(weeks=weeks))
    body = sprints_ics(team.id, team.name, sprints, stamp=utcnow())
    return _ics(body, f"{team.slug}-sprints")


@router.get("/forums/{forum_id}.ics")
async def forum_calendar(
    forum_id: str,
    weeks: int = Query(8, ge=1, le=MAX_WEEKS),
    _actor: Actor = Depends(authorized(FORUM_CALENDAR)),
    session: SerialSession = Depends(read_session),
) -> Response:
    """A forum's meetings for the next `weeks` weeks (id: global or database id)."""
    return await _forum_feed(session, forum_id, weeks)


@router.get("/teams/{slug}/sprints.ics")
async def team_sprint_calendar(
    slug: str,
    weeks: int = Query(12, ge=1, le=MAX_WEEKS),
    _actor: Actor = Depends(authorized(TEAM_SPRINT_CALENDAR)),
    session: SerialSession = Depends(read_session),
) -> Response:
    """A team's sprints from four weeks ago to `weeks` weeks ahead (generated and stored)."""
    return await _sprint_feed(session, slug, weeks)


@router.get("/feeds/{key}/forums/{forum_id}.ics")
async def forum_calendar_feed(
    forum_id: str,
    weeks: int = Query(8, ge=1, le=MAX_WEEKS),
    _actor: Actor = Depends(feed_authorized(FORUM_CALENDAR)),
    session: SerialSession = Depends(read_session),
) -> Response:
    """The forum feed at a subscription URL: a calendar feed key in the path, no token."""
    return await _forum_feed(session, forum_id, weeks)


@router.get("/feeds/{key}/teams/{slug}/sprints.ics")
async def team_sprint_calendar_feed(
    slug: str,
    weeks: int = Query(12, ge=1, le=MAX_WEEKS),
    _actor: Actor = Depends(feed_authorized(TEAM_SPRINT_CALENDAR)),
    session: SerialSession = Depends(read_session),
) -> Response:
    """The sprint feed at a subscription URL: a calendar feed key in the path, no token."""
    return await _sprint_feed(session, slug, weeks)
