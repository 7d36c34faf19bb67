"""`syncpoint map|timeline --format svg|png`: the same pictures as /map and /timeline, drawn by
the same bundled scripts in headless Chromium (Debian's package) against this database, so a
slide shows exactly what the page shows. A token valid for this run only signs the page in."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from strawberry.relay import to_base64

from syncpoint.core.settings import Settings

CHROMIUM = Path(os.environ.get("SYNCPOINT_CHROMIUM", "/usr/bin/chromium"))


class PictureFormat(StrEnum):
    SVG = "svg"
    PNG = "png"


class PictureError(Exception):
    """The picture cannot be drawn here (no browser, unknown group, page error)."""


@dataclass(frozen=True, slots=True)
class View:
    """Which page to draw and its filters (as the page's URL holds them)."""

    page: str  # "map" or "timeline"
    as_of: date | None = None
    group_slug: str | None = None
    start: date | None = None
    end: date | None = None


async def _sign_in(settings: Settings, view: View) -> tuple[str, int, dict[str, str]]:
    from syncpoint.auth.service import create_token
    from syncpoint.core.auth import Role
    from syncpoint.core.db import make_engine, make_sessionmaker
    from syncpoint.teams import repository as teams_repo

    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            params: dict[str, str] = {}
            if view.group_slug:
                group = await teams_repo.group_by_slug(session, view.group_slug)
                if group is None:
                    raise PictureError(f"No group has the slug {view.group_slug!r}.")
                params["group"] = to_base64("Group", group.id)
            issued = await create_token(
                session,
                role=Role.DIRECTOR,
                person_id=None,
                description=f"syncpoint {view.page} picture",
                days=1,
                system="syncpoint-cli",
            )
            await session.commit()
            return issued.secret, issued.token.id, params
    finally:
        await engine.dispose()


async def _revoke(settings: Settings, token_id: int) -> None:
    from syncpoint.auth.service import revoke_token
    from syncpoint.core.db import make_engine, make_sessionmaker

    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            await revoke_token(session, token_id)
            await session.commit()
    finally:
        await engine.dispose()


def _serve(app: Any) -> tuple[Any, threading.Thread, str]:
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise PictureError("The picture server did not start.")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _draw(base_url: str, path: str, token: str, view: View, fmt: PictureFormat) -> bytes:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise PictureError("Pictures need playwright: pip install -e '.[pictures]'.") from exc
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(base_url + path)
            page.fill("#token", token)
            page.click("#signin button[type=submit]")
            page.wait_for_selector("body[data-state=ready]", state="attached", timeout=300_000)
            if errors:
                raise PictureError(f"The page failed: {errors[0]}")
            if view.page == "map":
                drawn = str(page.evaluate("(f) => window.syncpointPicture(f)", fmt.value))
                if fmt is PictureFormat.SVG:
                    return drawn.encode("utf-8")
                return base64.b64decode(drawn.partition(",")[2])
            if fmt is PictureFormat.SVG:
                svg = str(page.eval_on_selector("#timeline-svg", "(e) => e.outerHTML"))
                return ('<?xml version="1.0" encoding="UTF-8"?>\n' + svg).encode("utf-8")
            return bytes(page.locator("#timeline-svg").screenshot())
        finally:
            browser.close()


def draw_picture(settings: Settings, app: Any, view: View, fmt: PictureFormat) -> bytes:
    """The page's picture as SVG or PNG bytes, drawn by `app` (the API app on `settings`'s
    database, passed in: this layer does not import the app)."""
    if not CHROMIUM.exists():
        raise PictureError(f"{CHROMIUM} is missing: apt-get install -y chromium.")
    token, token_id, params = asyncio.run(_sign_in(settings, view))
    try:
        if view.as_of:
            params["asOf"] = view.as_of.isoformat()
        if view.start:
            params["from"] = view.start.isoformat()
        if view.end:
            params["to"] = view.end.isoformat()
        server, thread, base_url = _serve(app)
        try:
            path = f"/{view.page}?{urlencode(params)}"
            return _draw(base_url, path, token, view, fmt)
        finally:
            server.should_exit = True
            thread.join(timeout=30)
    finally:
        asyncio.run(_revoke(settings, token_id))
