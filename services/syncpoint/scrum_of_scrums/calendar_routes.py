"""HTTP routes of the iCalendar feeds. Calendar programs cannot send headers, so a token may
also come as `?token=`; either way it must be valid (or anonymous reads must be switched on)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, HTTPException, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import GlobalID

from syncpoint.auth.service import InvalidToken, authenticate
from syncpoint.cadence.calendar import team_sprints
from syncpoint.core.clock import today
from syncpoint.core.errors import PermissionDenied, SyncpointError
from syncpoint.core.models import utcnow
from syncpoint.scrum_of_scrums import repository as repo
from syncpoint.scrum_of_scrums.calendar import (
    FORUM_CALENDAR,
    MAX_WEEKS,
    TEAM_SPRINT_CALENDAR,
    forum_ics,
    sprints_ics,
)
from syncpoint.scrum_of_scrums.models import Forum
from syncpoint.teams import repository as teams_repo

ICS = "text/calendar; charset=utf-8"
PAST_WEEKS = 4

router = APIRouter(prefix="/calendar", tags=["calendar"])


async def _authorise(request: Request, session: AsyncSession, token: str | None, op: str) -> None:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    bearer = secret.strip() if scheme.lower() == "bearer" and secret.strip() else token
    try:
        actor = await authenticate(session, bearer)
    except InvalidToken as exc:
        raise HTTPException(401, "The token is unknown, expired or revoked.") from exc
    if actor.is_anonymous:
        if request.app.state.settings.allow_anonymous_read:
            return
        raise HTTPException(401, "Send a token: Authorization: Bearer <token> or ?token=.")
    try:
        actor.require_access(op)
    except (PermissionDenied, SyncpointError) as exc:
        raise HTTPException(403, str(exc)) from exc


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


@router.get("/forums/{forum_id}.ics")
async def forum_calendar(
    request: Request,
    forum_id: str,
    weeks: int = Query(8, ge=1, le=MAX_WEEKS),
    token: str | None = None,
) -> Response:
    """A forum's meetings for the next `weeks` weeks (id: global or database id)."""
    async with request.app.state.sessionmaker() as session:
        await _authorise(request, session, token, FORUM_CALENDAR)
        ident = _forum_id(forum_id)
        forum = await session.get(Forum, ident) if ident is not None else None
        if forum is None or forum.archived_at is not None:
            raise HTTPException(404, f"Forum {forum_id} does not exist.")
        members = (await repo.active_members_by_forum(session, [forum.id]))[0]
        teams = await teams_repo.teams_by_ids(session, [m.team_id for m in members])
        people = await teams_repo.people_by_ids(session, [forum.facilitator_id])
        names = ", ".join(sorted(t.name for t in teams if t is not None)) or "none yet"
        facilitator = people[0].name if people[0] is not None else "-"
        description = f"Facilitator: {facilitator}. Member teams: {names}."
        body = forum_ics(forum, start=today(), weeks=weeks, description=description, stamp=utcnow())
    return _ics(body, f"forum-{forum.id}")


@router.get("/teams/{slug}/sprints.ics")
async def team_sprint_calendar(
    request: Request,
    slug: str,
    weeks: int = Query(12, ge=1, le=MAX_WEEKS),
    token: str | None = None,
) -> Response:
    """A team's sprints from four weeks ago to `weeks` weeks ahead (generated and stored)."""
    async with request.app.state.sessionmaker() as session:
        await _authorise(request, session, token, TEAM_SPRINT_CALENDAR)
        team = await teams_repo.team_by_slug(session, slug)
        if team is None:
            raise HTTPException(404, f"Team {slug} does not exist.")
        start = today() - timedelta(weeks=PAST_WEEKS)
        sprints = await team_sprints(session, team.id, start, today() + timedelta(weeks=weeks))
        body = sprints_ics(team.id, team.name, sprints, stamp=utcnow())
    return _ics(body, f"{team.slug}-sprints")
