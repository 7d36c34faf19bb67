"""Fixtures of the browser tests: one live demo server per session (the tests share one xdist
worker through their group), a Chromium page per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import (
    LiveServer,
    browser_page,
    require_browser,
    start_server,
    stop_server,
)

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "browser"


@pytest.fixture(scope="session")
def live_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_browser()
    live = start_server(tmp_path_factory.mktemp("browser-demo"))
    yield live
    stop_server(live)


@pytest.fixture
def page() -> Iterator[Any]:
    """A Chromium page; Playwright's driver lives only as long as the test (its sync API keeps
    an event loop running, which the async tests sharing this worker must not meet)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield from browser_page(driver, OUTPUT)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the pages' screenshots go (test-output/browser, kept after the run)."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT
