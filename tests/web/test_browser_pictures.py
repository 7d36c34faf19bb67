"""`syncpoint map|timeline --format svg|png`: the pages' pictures, drawn by the same scripts."""

from __future__ import annotations

from datetime import date

import pytest

from syncpoint.api import create_app
from syncpoint.core.settings import Settings
from syncpoint.web.pictures import PictureFormat, View, draw_picture
from tests.web.browser import LiveServer

pytestmark = pytest.mark.xdist_group("browser")

DAY = date(2027, 1, 20)


def draw(live: LiveServer, view: View, fmt: PictureFormat) -> bytes:
    settings = Settings(database_url=live.database_url, environment="development")
    return draw_picture(settings, create_app(settings), view, fmt)


def test_the_timeline_svg_has_a_lane_per_team(live_demo: LiveServer) -> None:
    svg = draw(live_demo, View("timeline", as_of=DAY), PictureFormat.SVG)

    text = svg.decode("utf-8")
    assert text.startswith('<?xml version="1.0"')
    assert text.count('class="lane"') == 12  # the demo's teams
    assert 'class="integration-point"' in text


def test_the_map_draws_as_svg_and_png(live_demo: LiveServer) -> None:
    svg = draw(live_demo, View("map", as_of=DAY), PictureFormat.SVG)
    png = draw(live_demo, View("map", as_of=DAY, group_slug="discovery"), PictureFormat.PNG)

    assert b"<svg" in svg[:200]
    assert b"Ranking" in svg  # team labels are text in the picture
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 10_000
