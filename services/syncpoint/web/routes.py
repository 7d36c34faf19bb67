"""The director's web view: GET /web/map (HTML), authenticated like every route.

A browser cannot put a header on a link it follows, so without a token the page answers 401
with a sign-in form: its script keeps the token in the tab's sessionStorage and reloads the
page (and the downloads) with fetch and an Authorization header. No token is ever read from,
or written into, a URL or a page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from syncpoint.analysis.flags import FlagCode, Severity
from syncpoint.analysis.graph import MapLevel
from syncpoint.auth.transport import (
    Refused,
    authenticate_request,
    authorize,
    read_session,
    refusal_body,
    refusal_response,
)
from syncpoint.core.db import SerialSession
from syncpoint.core.errors import DomainError
from syncpoint.insights.analyses import for_request
from syncpoint.insights.exports import MapFormat
from syncpoint.insights.graphql.queries import DEPENDENCY_MAP
from syncpoint.insights.http import parse_date, parse_group, refused_from
from syncpoint.insights.service import FlagCriteria, ScopedMap, dependency_map_for
from syncpoint.teams.models import Group
from syncpoint.web.pages import Download, MapPage, error_page, render_map_page

router = APIRouter(tags=["web"])


def page_refusal(request: Request, refused: Refused) -> Response:
    """A refusal as a page (with the sign-in form on 401), or as the JSON envelope for a
    client that asks for JSON rather than HTML."""
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return refusal_response(refused)
    page = error_page(refused.status, refused.message, refusal_body(refused))
    return HTMLResponse(page, refused.status, headers=refused.headers)


@router.get("/web/map", response_class=HTMLResponse, response_model=None)
async def dependency_map_page(
    request: Request,
    group_id: str | None = Query(default=None, alias="groupId"),
    as_of: str | None = Query(default=None, alias="asOf"),
    session: SerialSession = Depends(read_session),
) -> HTMLResponse | JSONResponse | Response:
    """The team-level dependency map with the top flags, bottlenecks, cycles and downloads."""
    try:
        actor = await authenticate_request(request, session)
        authorize(request, actor, DEPENDENCY_MAP)
        group = parse_group(group_id)
        try:
            found = await dependency_map_for(
                session,
                for_request(session, request),
                level=MapLevel.TEAM,
                as_of=parse_date(as_of, "asOf"),
                group_id=group,
            )
        except DomainError as exc:
            raise refused_from(exc) from exc
    except Refused as refused:
        return page_refusal(request, refused)
    label = "Whole organisation"
    if group is not None:
        row = await session.get(Group, group)
        label = f"{row.name if row else group_id} (with its subgroups)"
    page = MapPage(
        as_of=found.analysis.as_of,
        scope_label=label,
        dependency_map=found.dependency_map,
        flags=found.analysis.select_flags(FlagCriteria(team_ids=found.team_ids)),
        downloads=_downloads(found, group_id),
        edge_severity=_edge_severity(found),
    )
    return HTMLResponse(render_map_page(page))


def _edge_severity(found: ScopedMap) -> dict[tuple[str, str], Severity]:
    worst = {
        (f"team:{p}", f"team:{c}"): severity
        for (p, c), severity in found.analysis.team_edge_severity().items()
    }
    for edge in found.dependency_map.edges:
        # Teams waiting on each other in a circle: the engine's team-level CYCLE is MEDIUM.
        key = (edge.source, edge.target)
        if (
            FlagCode.CYCLE.value in edge.flags
            and worst.get(key, Severity.INFO).rank < Severity.MEDIUM.rank
        ):
            worst[key] = Severity.MEDIUM
    return worst


def _downloads(found: ScopedMap, group_id: str | None) -> list[Download]:
    """Export links reproducing the page (same day and scope); never with a token (the page's
    script fetches them with the Authorization header)."""
    links = []
    for level in MapLevel:
        params = {"level": level.value, "asOf": found.analysis.as_of.isoformat()}
        if group_id:
            params["groupId"] = group_id
        for fmt in MapFormat:
            url = f"/exports/dependency-map.{fmt.extension}?{urlencode(params)}"
            links.append(
                Download(f"{level.value.lower()} level, {fmt.value} (.{fmt.extension})", url)
            )
    return links
