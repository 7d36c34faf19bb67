"""The director's web view: GET /web/map (HTML), authenticated like the downloads."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from syncpoint.analysis.flags import FlagCode, Severity
from syncpoint.analysis.graph import MapLevel
from syncpoint.core.context import Context
from syncpoint.core.errors import DomainError
from syncpoint.insights.analyses import for_request
from syncpoint.insights.exports import MapFormat
from syncpoint.insights.graphql.queries import DEPENDENCY_MAP
from syncpoint.insights.http import (
    Refused,
    authorise,
    parse_date,
    parse_group,
    refused_from,
    request_context,
)
from syncpoint.insights.service import FlagCriteria, ScopedMap, dependency_map_for
from syncpoint.teams import repository as teams_repo
from syncpoint.web.pages import Download, MapPage, error_page, render_map_page

router = APIRouter(tags=["web"])


@router.get("/web/map", response_class=HTMLResponse)
async def dependency_map_page(
    request: Request,
    group_id: str | None = Query(default=None, alias="groupId"),
    as_of: str | None = Query(default=None, alias="asOf"),
    ctx: Context = Depends(request_context),
) -> HTMLResponse:
    """The team-level dependency map with the top flags, bottlenecks, cycles and downloads."""
    try:
        await authorise(request, ctx, DEPENDENCY_MAP)
        group = parse_group(group_id)
        try:
            found = await dependency_map_for(
                ctx.session,
                for_request(ctx.session, request),
                level=MapLevel.TEAM,
                as_of=parse_date(as_of, "asOf"),
                group_id=group,
            )
        except DomainError as exc:
            raise refused_from(exc) from exc
    except Refused as refused:
        headers = {"WWW-Authenticate": "Bearer"} if refused.status == 401 else None
        return HTMLResponse(
            error_page(refused.status, refused.message), refused.status, headers=headers
        )
    label = "Whole organisation"
    if group is not None:
        row = await ctx.loaders.load(teams_repo.groups_by_ids, group)
        label = f"{row.name if row else group_id} (with its subgroups)"
    page = MapPage(
        as_of=found.analysis.as_of,
        scope_label=label,
        dependency_map=found.dependency_map,
        flags=found.analysis.select_flags(FlagCriteria(team_ids=found.team_ids)),
        downloads=_downloads(request, found, group_id),
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


def _downloads(request: Request, found: ScopedMap, group_id: str | None) -> list[Download]:
    """Export links reproducing the page (same day and scope); a ?token= is passed on."""
    links = []
    for level in MapLevel:
        params = {"level": level.value, "asOf": found.analysis.as_of.isoformat()}
        if group_id:
            params["groupId"] = group_id
        token = request.query_params.get("token")
        if token:
            params["token"] = token
        for fmt in MapFormat:
            url = f"/exports/dependency-map.{fmt.extension}?{urlencode(params)}"
            links.append(
                Download(f"{level.value.lower()} level, {fmt.value} (.{fmt.extension})", url)
            )
    return links
