"""Download route for the dependency map: GET /exports/dependency-map.{dot,mmd,graphml,json}."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from syncpoint.core.context import Context
from syncpoint.core.errors import DomainError
from syncpoint.insights.analyses import for_request
from syncpoint.insights.exports import MapFormat, file_name, render
from syncpoint.insights.graphql.queries import DEPENDENCY_MAP
from syncpoint.insights.http import (
    Refused,
    authorise,
    parse_date,
    parse_group,
    parse_level,
    refused_from,
    request_context,
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
    ctx: Context = Depends(request_context),
) -> Response:
    """The dependency map as a file (dot, mmd, graphml or json); bearer or ?token= auth."""
    try:
        try:
            fmt = MapFormat.from_extension(extension)
        except ValueError as exc:
            raise Refused(404, "Formats: .dot, .mmd, .graphml, .json.", "NOT_FOUND") from exc
        await authorise(request, ctx, DEPENDENCY_MAP)
        map_level = parse_level(level)
        try:
            found = await dependency_map_for(
                ctx.session,
                for_request(ctx.session, request),
                level=map_level,
                as_of=parse_date(as_of, "asOf"),
                group_id=parse_group(group_id),
            )
        except DomainError as exc:
            raise refused_from(exc) from exc
    except Refused as refused:
        return refusal(refused)
    name = file_name(map_level.value, found.analysis.as_of, fmt)
    return Response(
        render(found.dependency_map, fmt),
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def refusal(refused: Refused) -> JSONResponse:
    """A refused plain-HTTP request as JSON, shaped like a GraphQL error."""
    headers = {"WWW-Authenticate": "Bearer"} if refused.status == 401 else None
    body = {"errors": [{"message": refused.message, "extensions": {"code": refused.code}}]}
    return JSONResponse(body, status_code=refused.status, headers=headers)
