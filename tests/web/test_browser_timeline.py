"""The cadence timeline (/timeline) in headless Chromium: one lane per team, a line per
integration point, misaligned cadences annotated; and one integration point's view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import LiveServer, sign_in, watch
from tests.web.test_browser_map import AS_OF, api

pytestmark = pytest.mark.xdist_group("browser")

TEAMS = "query { teams(first: 100) { totalCount } }"
POINTS = """query { integrationPoints(from: "2027-01-06", to: "2027-03-31", first: 100) {
  edges { node { id name } } } }"""
RISK = """query Risk($id: ID!, $asOf: Date) { integrationPointRisk(id: $id, asOf: $asOf) {
  teams { teamId atRisk } } }"""


def test_timeline_draws_a_lane_per_team_and_a_line_per_integration_point(
    live_demo: LiveServer, page: Any, screenshots: Path
) -> None:
    seen = watch(page)

    sign_in(page, live_demo, f"/timeline?asOf={AS_OF}&from=2027-01-06&to=2027-03-31")

    teams = api(live_demo, TEAMS)["teams"]["totalCount"]
    points = {e["node"]["id"] for e in api(live_demo, POINTS)["integrationPoints"]["edges"]}
    assert page.locator("#timeline-svg g.lane").count() == teams
    drawn = page.eval_on_selector_all(
        "line.integration-point", "els => els.map(e => e.dataset.integrationPointId)"
    )
    assert set(drawn) == points
    assert len(drawn) == len(points)
    assert page.locator("rect.sprint").count() > teams  # Scrum lanes carry their sprints
    assert page.locator("rect.sle").count() > 0  # Kanban lanes their service-level expectation
    assert page.locator("path.dependency").count() > 0
    assert page.locator("text.misaligned", has_text="shift anchor").count() > 0
    page.screenshot(path=str(screenshots / "timeline.png"), full_page=True)
    assert seen.errors == []
    assert all(live_demo.token not in url for url in seen.urls)


def test_an_integration_point_shows_its_teams_at_risk_first(
    live_demo: LiveServer, page: Any, screenshots: Path
) -> None:
    seen = watch(page)
    point = api(live_demo, POINTS)["integrationPoints"]["edges"][0]["node"]
    teams = api(live_demo, RISK, id=point["id"], asOf=AS_OF)["integrationPointRisk"]["teams"]

    sign_in(page, live_demo, f"/timeline?asOf={AS_OF}&point={point['id']}")

    lanes = page.eval_on_selector_all(
        "#timeline-svg g.lane", "els => els.map(e => e.dataset.teamId)"
    )
    at_risk = {t["teamId"] for t in teams if t["atRisk"]}
    assert set(lanes) == {t["teamId"] for t in teams}
    assert set(lanes[: len(at_risk)]) == at_risk
    assert page.locator("line.integration-point").count() == 1
    assert point["name"] in page.inner_text("#risk h2")
    page.screenshot(path=str(screenshots / "timeline-point.png"), full_page=True)
    assert seen.errors == []
