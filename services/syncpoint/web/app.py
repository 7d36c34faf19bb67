"""The director's single-page views (/map, /timeline) and GraphiQL, served with their assets
from the package: the page shells hold no data and no token (the script signs in and reads
the GraphQL API with an Authorization header), and nothing comes from a CDN."""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response

router = APIRouter(tags=["web"])

# Only the package's own origin: no CDN, no inline script (styles: Cytoscape and GraphiQL set them).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
HEADERS = {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer"}
ASSETS = {
    "map.js": "text/javascript",
    "timeline.js": "text/javascript",
    "graphiql.js": "text/javascript",
    "graphiql.css": "text/css",
    "app.css": "text/css",
}
TITLES = {"map": "Dependency map", "timeline": "Cadence timeline"}


@cache
def _text(*parts: str) -> str:
    return resources.files("syncpoint.web").joinpath(*parts).read_text("utf-8")


@cache
def app_page(page: str) -> str:
    """The HTML shell of one single-page view."""
    return Template(_text("templates", "app.html")).substitute(
        page=page, title=TITLES[page], body=_text("templates", f"{page}_body.html")
    )


def graphiql_page() -> HTMLResponse:
    """GraphiQL with its scripts and styles from the package (strawberry's page uses a CDN)."""
    return HTMLResponse(_text("templates", "graphiql.html"), headers=HEADERS)


@router.get("/map", response_class=HTMLResponse)
async def map_view() -> HTMLResponse:
    """The interactive dependency map (filters in the query string are read by the script)."""
    return HTMLResponse(app_page("map"), headers=HEADERS)


@router.get("/timeline", response_class=HTMLResponse)
async def timeline_view() -> HTMLResponse:
    """The cadence timeline; ?point=<IntegrationPoint id> shows one integration point."""
    return HTMLResponse(app_page("timeline"), headers=HEADERS)


@router.get("/static/web/{name}")
async def asset(name: str) -> Response:
    """A bundled asset (built by `make web` from web/, committed with the package)."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise HTTPException(status_code=404)
    body = resources.files("syncpoint.web").joinpath("static", name).read_bytes()
    return Response(body, media_type=media_type, headers={"Cache-Control": "public, max-age=300"})
