"""A real Syncpoint server (uvicorn, SQLite file, committed data) and headless Chromium driven by
Playwright, for the tests of the director's view. Debian's chromium is used (Playwright's own
browser download does not work here); without it the tests are skipped, except under CI=true.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from syncpoint import migrate
from syncpoint.core.settings import Settings

CHROMIUM = Path(os.environ.get("SYNCPOINT_CHROMIUM", "/usr/bin/chromium"))
DEMO_DAY = date(2027, 1, 20)


def require_browser() -> None:
    """Skip (fail under CI=true) when Chromium or Playwright is missing."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright is not installed (pip install -e '.[dev]')"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests need a browser under CI: {missing}")
        pytest.skip(missing)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _seed(url: str, *, large_teams: int | None) -> str:
    """Load the demo (or a generated organisation) and issue a director's token."""
    from syncpoint.auth.service import create_token
    from syncpoint.core.auth import Role
    from syncpoint.core.db import make_engine, make_sessionmaker

    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            if large_teams is None:
                from syncpoint.demo import load_demo

                await load_demo(session, DEMO_DAY)
            else:
                from syncpoint.demo.large import Scale, generate, load_large

                await load_large(session, generate(Scale.for_teams(large_teams), 1, DEMO_DAY))
            issued = await create_token(session, role=Role.DIRECTOR, person_id=None, days=1)
            await session.commit()
            return issued.secret
    finally:
        await engine.dispose()


@dataclass
class LiveServer:
    base_url: str
    token: str
    database_url: str
    server: Any
    thread: threading.Thread


def start_server(directory: Path, *, large_teams: int | None = None) -> LiveServer:
    """Migrate a SQLite file, load data, and serve the app on a free port in a thread."""
    import uvicorn

    from syncpoint.api import create_app

    url = f"sqlite+aiosqlite:///{directory / 'browser.db'}"
    migrate.upgrade(Settings(), "head", url=url)
    token = asyncio.run(_seed(url, large_teams=large_teams))
    # One token drives every page of a module's tests, within a minute or two: at the default
    # per-token budget (200,000 cost points a minute, a team panel ~11,000) later tests were
    # refused RATE_LIMITED and their panels stayed empty. The budget has tests of its own.
    settings = Settings(
        database_url=url,
        environment="development",
        allow_anonymous_read=False,
        rate_limit_per_minute=10**9,
    )
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return LiveServer(f"http://127.0.0.1:{port}", token, url, server, thread)


def stop_server(live: LiveServer) -> None:
    live.server.should_exit = True
    live.thread.join(timeout=30)


@dataclass
class Watched:
    """What a page did: console errors and every request URL."""

    errors: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)


def watch(page: Any) -> Watched:
    seen = Watched()
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: seen.errors.append(str(exc)))
    page.on("request", lambda r: seen.urls.append(r.url))
    return seen


def sign_in(page: Any, live: LiveServer, path: str, *, timeout_ms: int = 60_000) -> None:
    """Open a page, paste the token into the sign-in form, wait until it has drawn."""
    page.goto(live.base_url + path)
    if page.is_visible("#token"):
        page.fill("#token", live.token)
        page.click("#signin button[type=submit]")
    wait_ready(page, timeout_ms)


def wait_ready(page: Any, timeout_ms: int = 60_000) -> None:
    page.wait_for_selector("body[data-state=ready]", state="attached", timeout=timeout_ms)


def browser_page(playwright: Any, output: Path) -> Iterator[Any]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        # Under a full parallel run on a busy machine the API answers slowly: wait, do not flake.
        context.set_default_timeout(120_000)
        yield context.new_page()
        context.close()
    finally:
        browser.close()
