"""Download route for the dependency map: GET /exports/dependency-map.{dot,mmd,graphml,json}."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from syncpoint.auth.transport import Refused, authorized, read_session, refusal_response
from syncpoint.core.auth import Actor
from syncpoint.core.db import SerialSession
from syncpoint.core.errors import DomainError
from syncpoint.insights.analyses import for_request
from syncpoint.insights.exports import MapFormat, file_name, render_off_loop
from syncpoint.insights.graphql.queries import DEPENDENCY_MAP
from syncpoint.insights.http import (
    parse_date,
    parse_group,
    parse_level,
    refused_from,
)
from syncpoint.insights.service import dependency_map_for

router = APIRouter(tags=["exports"])


@router.get("/exports/dependency-map.{extension}", response_model=None)
async def download_dependency_map(
    request: Request,
    extension: str,
    level: str | None = None,
    group_id: str | None = Query(default=None, alias="groupId"),
    as_of: str | None = Query(default=None, alias="asOf"),
    actor: Actor = Depends(authorized(DEPENDENCY_MAP)),
    session: SerialSession = Depends(read_session),
) -> Response:
    """The dependency map as a file (dot, mmd, graphml or json); Authorization: Bearer."""
    try:
        try:
            fmt = MapFormat.from_extension(extension)
        except ValueError as exc:
            raise Refused(404, "Formats: .dot, .mmd, .graphml, .json.", "NOT_FOUND") from exc
        map_level = parse_level(level)
        try:
            found = await dependency_map_for(
                session,
                for_request(session, request),
                level=map_level,
                as_of=parse_date(as_of, "asOf"),
                group_id=parse_group(group_id),
            )
        except DomainError as exc:
            raise refused_from(exc) from exc
    except Refused as refused:
        return refusal_response(refused)
    name = file_name(map_level.value, found.analysis.as_of, fmt)
    return Response(
        await render_off_loop(found.dependency_map, fmt),
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
