"""The large organisation (500 teams, 100,000 dependencies: `syncpoint demo --scale large`) on
the map: drawn whole (the mirror lists every node and edge of dependencyMap), edges aggregated
between group clusters, the time recorded."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.web.browser import (
    LiveServer,
    require_browser,
    sign_in,
    start_server,
    stop_server,
    wait_ready,
    watch,
)
from tests.web.test_browser_map import AS_OF, api, drawn, expected
from tests.web.test_browser_map_panels import click_until, query_of

pytestmark = pytest.mark.xdist_group("browser")

TEAMS = 500


# The bundle panel and reopening a link with groups open, on a mid-size organisation (quicker).
MIDSIZE_TEAMS = 120


@pytest.fixture(scope="module")
def live_large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_browser()
    live = start_server(tmp_path_factory.mktemp("browser-large"), large_teams=TEAMS)
    yield live
    stop_server(live)


@pytest.fixture(scope="module")
def live_midsize(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_browser()
    live = start_server(tmp_path_factory.mktemp("browser-midsize"), large_teams=MIDSIZE_TEAMS)
    yield live
    stop_server(live)


def test_a_large_organisation_draws_aggregated_by_group(
    live_large: LiveServer, page: Any, screenshots: Path
) -> None:
    seen = watch(page)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.post_data or ""))
    started = time.monotonic()

    # The first map of a day not warmed at start-up computes the whole organisation's analysis
    # (100,000 dependencies, ~7 s of CPU alone): in a full parallel run on 2 cores that took
    # longer than the default minute. The time is recorded below and in `make bench`, not judged.
    sign_in(page, live_large, f"/map?asOf={AS_OF}", timeout_ms=300_000)

    seconds = time.monotonic() - started
    nodes, edges = drawn(page)
    assert (nodes, edges) == expected(live_large)
    assert len([n for n in nodes if n]) > TEAMS // 2
    # Large: one dashed edge per pair of group clusters, until a cluster is opened.
    assert "aggregated between groups" in page.inner_text("#status")
    fetch_ms = page.get_attribute("body", "data-fetch-ms")
    render_ms = page.get_attribute("body", "data-render-ms")
    paint_ms = page.get_attribute("body", "data-paint-ms")
    (screenshots / "large-map-timing.txt").write_text(
        f"{TEAMS} teams, {len(nodes)} nodes, {len(edges)} edges: page ready in {seconds:.1f} s, "
        f"map fetched in {fetch_ms} ms, shown after {paint_ms} ms, drawn in {render_ms} ms\n"
    )
    page.screenshot(path=str(screenshots / "map-large.png"))

    # when a group is chosen, then the map redraws what dependencyMap returns for it (the time
    # from the change to drawn, its fetch included, is recorded, not judged)
    group_id = page.eval_on_selector_all(
        "#group option", "els => els.map(e => e.value).filter(Boolean)"
    )[3]
    page.select_option("#group", group_id)
    wait_ready(page)
    assert drawn(page) == expected(live_large, groupId=group_id)
    with (screenshots / "large-map-timing.txt").open("a") as out:
        out.write(
            f"redrawn after a group filter in {page.get_attribute('body', 'data-draw-ms')} ms "
            f"(fetched in {page.get_attribute('body', 'data-fetch-ms')} ms, "
            f"shown after {page.get_attribute('body', 'data-paint-ms')} ms)\n"
        )
    # The ~100,000 dependency ids of the whole map are asked only when an edge is clicked.
    assert any("dependencyMap" in body for body in asked)
    assert not any("dependencyIds" in body for body in asked)
    assert seen.errors == []
    assert all(live_large.token not in url for url in seen.urls)


def overlapping_groups(page: Any) -> list[tuple[str, str]]:
    """The pairs of drawn groups whose boxes overlap on the canvas."""
    found = page.eval_on_selector_all(
        "#map-mirror [data-group-id][data-box]",
        "els => els.map(e => [e.dataset.groupId, ...e.dataset.box.split(',').map(Number)])",
    )
    return [
        (a[0], b[0])
        for a in found
        for b in found
        if a[0] < b[0] and a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


def group_points(page: Any) -> dict[str, tuple[float, float]]:
    found = page.eval_on_selector_all(
        "#map-mirror [data-group-id][data-x]",
        "els => els.map(e => [e.dataset.groupId, Number(e.dataset.x), Number(e.dataset.y)])",
    )
    return {g: (x, y) for g, x, y in found}


def test_a_folded_group_of_the_large_organisation_opens_in_place(
    live_large: LiveServer, page: Any, screenshots: Path
) -> None:
    seen = watch(page)
    sign_in(page, live_large, f"/map?asOf={AS_OF}", timeout_ms=300_000)
    before = group_points(page)
    # The folded groups are laid out apart (on a large map a force layout piled them up, and a
    # click at one group's point opened another).
    assert len(before) > 20
    assert overlapping_groups(page) == []
    folded = page.locator('#map-mirror [data-group-id][data-collapsed="true"][data-x]').nth(7)
    group_id = folded.get_attribute("data-group-id")
    opened = f'#map-mirror [data-group-id="{group_id}"][data-collapsed="false"]'

    # when a folded group is clicked
    started = time.monotonic()
    click_until(page, folded, opened)
    seconds = time.monotonic() - started

    # then its teams are drawn, and every other group keeps its place relative to the others
    # (only that group is laid out; the rest moves out of its way, the picture does not jump)
    teams = page.eval_on_selector_all(
        "#map-mirror [data-node-id][data-x]", "els => els.map(e => e.dataset.nodeId)"
    )
    assert teams
    after = group_points(page)
    others = sorted(set(before) - {group_id})
    assert set(after) == set(before)
    for a in others:
        for b in others:
            for axis in (0, 1):
                if before[a][axis] < before[b][axis]:
                    assert after[a][axis] <= after[b][axis], (a, b, axis)
    assert overlapping_groups(page) == []
    assert query_of(page.url)["open"].split(",") == [group_id]
    with (screenshots / "large-map-timing.txt").open("a") as out:
        # the page's own figure (tap to painted); the wall time adds Playwright's waiting
        page.wait_for_selector("body[data-open-ms]", state="attached")
        out.write(
            f"a folded group opened in {page.get_attribute('body', 'data-open-ms')} ms "
            f"({len(teams)} teams drawn; {seconds:.1f} s with the test's click and wait)\n"
        )
    page.screenshot(path=str(screenshots / "map-large-opened.png"))
    assert seen.errors == []


def test_a_folded_group_opens_in_place_and_stays_open_in_the_url(
    live_midsize: LiveServer, page: Any
) -> None:
    seen = watch(page)
    sign_in(page, live_midsize, f"/map?asOf={AS_OF}")
    folded = page.locator('#map-mirror [data-group-id][data-collapsed="true"][data-x]').first
    group_id = folded.get_attribute("data-group-id")
    opened = f'#map-mirror [data-group-id="{group_id}"][data-collapsed="false"]'

    # when a folded group is clicked, then its teams are drawn inside it (drill-down in place)
    click_until(page, folded, opened)
    assert query_of(page.url)["open"].split(",") == [group_id]
    inside = page.eval_on_selector_all(
        "#map-mirror [data-node-id][data-x]", "els => els.map(e => e.dataset.nodeId)"
    )
    assert inside

    # when the link is opened again, then the group is still open and the same teams drawn
    page.reload()
    wait_ready(page)
    page.wait_for_selector(opened, state="attached")
    again = page.eval_on_selector_all(
        "#map-mirror [data-node-id][data-x]", "els => els.map(e => e.dataset.nodeId)"
    )
    assert set(again) == set(inside)
    assert seen.errors == []


TEAM_GROUPS = """query Teams($after: String) {
  teams(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { id group { id } } } } }"""
WHOLE_MAP = """query Map($asOf: Date) {
  dependencyMap(asOf: $asOf) { nodes { id teamId } edges { source target dependencyIds } } }"""


def group_of_teams(live: LiveServer) -> dict[str, str]:
    found: dict[str, str] = {}
    after = None
    while True:
        page = api(live, TEAM_GROUPS, after=after)["teams"]
        found.update({e["node"]["id"]: e["node"]["group"]["id"] for e in page["edges"]})
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def test_a_bundle_between_two_folded_groups_lists_the_dependencies_of_its_edges(
    live_midsize: LiveServer, page: Any
) -> None:
    seen = watch(page)
    # given the busiest bundle between two folded groups: the edges of their teams, together
    group_of_team = group_of_teams(live_midsize)
    found = api(live_midsize, WHOLE_MAP, asOf=AS_OF)
    group_of = {
        n["id"]: group_of_team.get(n["teamId"] or n["id"], "ungrouped")
        for n in found["dependencyMap"]["nodes"]
    }
    bundles: dict[str, list[str]] = {}
    for edge in found["dependencyMap"]["edges"]:
        gs, gt = group_of[edge["source"]], group_of[edge["target"]]
        if gs != gt:
            bundles.setdefault(f"bundle:cluster:{gs}>cluster:{gt}", []).extend(
                edge["dependencyIds"]
            )
    selected, ids = max(bundles.items(), key=lambda b: len(b[1]))

    # when the link selecting it is opened
    sign_in(page, live_midsize, f"/map?asOf={AS_OF}&{urlencode({'selected': selected})}")

    # then its panel lists exactly the dependencies the server counted on its edges
    page.wait_for_selector(f'#panel-edge[data-edge="{selected}"]')
    rows = page.locator("#panel-edge > li")
    assert rows.evaluate_all("els => els.map(e => e.dataset.dependencyId)") == ids
    assert seen.errors == []
