"""The dependency map (/map) in headless Chromium: what it draws is what dependencyMap says."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.web.browser import LiveServer, sign_in, watch

pytestmark = pytest.mark.xdist_group("browser")

AS_OF = "2027-01-20"
MAP = """query Map($filter: DependencyMapFilter, $asOf: Date, $level: MapLevel!) {
  dependencyMap(filter: $filter, level: $level, asOf: $asOf) {
    nodes { id kind } edges { source target } } }"""
GROUP = "query Group($slug: String!) { group(slug: $slug) { id } }"
FLAGS = """query Flags($teamIds: [ID!], $asOf: Date) {
  flags(filter: { teamIds: $teamIds }, asOf: $asOf, first: 100) { edges { node { message } } } }"""


def api(live: LiveServer, query: str, **variables: Any) -> dict[str, Any]:
    answer = httpx.post(
        f"{live.base_url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {live.token}"},
        timeout=60,
    ).json()
    assert "errors" not in answer, answer
    return dict(answer["data"])


def drawn(page: Any) -> tuple[set[str], set[tuple[str, str]]]:
    nodes = page.eval_on_selector_all(
        "#map-mirror [data-node-id]", "els => els.map(e => e.dataset.nodeId)"
    )
    edges = page.eval_on_selector_all(
        "#map-mirror [data-source]", "els => els.map(e => [e.dataset.source, e.dataset.target])"
    )
    assert len(nodes) == len(set(nodes))
    return set(nodes), {(s, t) for s, t in edges}


def expected(
    live: LiveServer, level: str = "TEAM", **filter: Any
) -> tuple[set[str], set[tuple[str, str]]]:
    found = api(live, MAP, filter=filter or None, asOf=AS_OF, level=level)["dependencyMap"]
    return {n["id"] for n in found["nodes"]}, {(e["source"], e["target"]) for e in found["edges"]}


def test_map_draws_what_the_api_returns_without_a_token_in_any_url(
    live_demo: LiveServer, page: Any, screenshots: Path
) -> None:
    seen = watch(page)

    sign_in(page, live_demo, f"/map?asOf={AS_OF}")

    nodes, edges = drawn(page)
    want_nodes, want_edges = expected(live_demo)
    assert nodes == want_nodes
    assert edges == want_edges
    assert len(edges) > 10  # the demo's organisation, not an empty page
    assert page.locator("canvas").count() > 0  # Cytoscape drew on its canvas
    assert page.locator("#legend li").count() >= 8
    page.screenshot(path=str(screenshots / "map.png"))
    assert seen.errors == []
    assert all(live_demo.token not in url for url in seen.urls)
    assert all(url.startswith(live_demo.base_url) for url in seen.urls)  # nothing from a CDN


def test_filtering_by_group_and_by_flag_redraws_accordingly(
    live_demo: LiveServer, page: Any
) -> None:
    seen = watch(page)
    sign_in(page, live_demo, f"/map?asOf={AS_OF}")
    everything = drawn(page)
    group_id = api(live_demo, GROUP, slug="monetisation")["group"]["id"]

    page.select_option("#group", group_id)
    page.wait_for_selector("body[data-state=ready]", state="attached")
    by_group = drawn(page)

    assert by_group == expected(live_demo, groupId=group_id)
    assert by_group[1] < everything[1]
    assert f"group={quote(group_id)}" in page.url or f"group={group_id}" in page.url

    page.select_option("#group", "")
    page.wait_for_selector("body[data-state=ready]", state="attached")
    for code in ("SAME_SPRINT", "UNPLANNED_PROVIDER", "CADENCE_MISALIGNED"):
        page.uncheck(f"#flag-{code}")
        page.wait_for_selector("body[data-state=ready]", state="attached")
    for code in ("INTEGRATION_AT_RISK", "CYCLE", "OVERRUN"):
        page.uncheck(f"#flag-{code}")
        page.wait_for_selector("body[data-state=ready]", state="attached")
    late_only = drawn(page)

    assert late_only == expected(live_demo, flags=["LATE"])
    assert 0 < len(late_only[1]) < len(everything[1])
    assert "flags=LATE" in page.url
    assert seen.errors == []
    assert all(live_demo.token not in url for url in seen.urls)


def test_clicking_a_team_opens_its_panel_with_the_flag_sentences(
    live_demo: LiveServer, page: Any, screenshots: Path
) -> None:
    seen = watch(page)
    sign_in(page, live_demo, f"/map?asOf={AS_OF}")
    ranking = page.locator("#map-mirror [data-node-id]", has_text="team Ranking:").first
    node_id = ranking.get_attribute("data-node-id")
    # On a loaded machine the layout may still settle after the first draw: read the node's
    # position afresh for each click (a click beside the node opens nothing).
    for _attempt in range(5):
        x, y = float(ranking.get_attribute("data-x")), float(ranking.get_attribute("data-y"))
        # At the point on the canvas, scrolled into view first: the canvas can reach below
        # the window, and a node laid out there was clicked outside it (no tap at all).
        page.locator("#cy").click(position={"x": x, "y": y})
        try:
            page.wait_for_selector("#panel-flags li", timeout=10_000)
            break
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: try again
            page.wait_for_timeout(1_000)
    page.wait_for_selector("#panel-flags li")

    sentences = {
        edge["node"]["message"]
        for edge in api(live_demo, FLAGS, teamIds=[node_id], asOf=AS_OF)["flags"]["edges"]
    }
    shown = page.locator("#panel-flags li").all_inner_texts()
    assert "Ranking" in page.inner_text("#panel h2")
    assert sentences
    assert set(shown) == sentences
    assert "selected=" in page.url
    page.screenshot(path=str(screenshots / "map-panel.png"))

    page.click("#drill-items")  # drill down: the team's items and their dependencies
    page.wait_for_selector("body[data-state=ready]", state="attached")

    items = drawn(page)
    assert items == expected(live_demo, level="ITEM", teamIds=[node_id])
    assert len(items[1]) > 0
    assert "level=ITEM" in page.url
    assert seen.errors == []


def test_graphiql_loads_from_the_package_without_a_cdn(
    live_demo: LiveServer, page: Any, screenshots: Path
) -> None:
    seen = watch(page)
    sign_in(page, live_demo, f"/map?asOf={AS_OF}")  # the token GraphiQL sends comes from here

    page.goto(f"{live_demo.base_url}/graphql")
    page.wait_for_selector(".graphiql-container")

    assert all(url.startswith(live_demo.base_url) for url in seen.urls)
    assert any(url.endswith("/static/web/graphiql.js") for url in seen.urls)
    page.screenshot(path=str(screenshots / "graphiql.png"))
    assert seen.errors == []
