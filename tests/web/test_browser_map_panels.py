"""The map's panels, highlights and drill-down in headless Chromium: an edge lists the open
dependencies behind it with links that carry no token, cycles / bottlenecks / a blast radius are
highlighted as the API computes them, a group drills down to its teams and their items, and
the URL holds the view (selection and highlight included): a reload or a shared link shows it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.web.browser import LiveServer, sign_in, wait_ready, watch
from tests.web.test_browser_map import AS_OF, GROUP, api, drawn, expected

pytestmark = pytest.mark.xdist_group("browser")

MAP = """query Map($filter: DependencyMapFilter, $asOf: Date) {
  dependencyMap(filter: $filter, level: TEAM, asOf: $asOf) {
    edges { source target count }
    cycles { nodeIds }
    bottlenecks { teamId } } }"""
EDGE = """query Edge($p: [ID!], $c: [ID!], $asOf: Date) {
  dependencies(filter: { providerTeamIds: $p, consumerTeamIds: $c, statuses: [OPEN] }, first: 100) {
    edges { node { id flags(asOf: $asOf) { message }
      consumer { integrationPoints { id name } }
      provider { integrationPoints { id name } } } } } }"""
DEPENDENCY = """query Dependency($id: ID!) { node(id: $id) { ... on Dependency {
  consumer { id } consumerTeam { id } providerTeam { id } } } }"""
WITH_POINTS = """query { dependencies(filter: { statuses: [OPEN] }, first: 100) { edges { node { id
  consumer { integrationPoints { id } } } } } }"""
BLAST = """query Blast($id: ID!, $asOf: Date) {
  blastRadius(itemId: $id, asOf: $asOf) { teamIds itemIds } }"""
OPEN_DEPENDENCIES = """query { dependencies(filter: { statuses: [OPEN] }, first: 100) {
  edges { node { id providerTeam { id }
    consumer { id team { id } downstream { status consumerTeam { id } } } } } } }"""
TEAM_BY_NAME = """query Teams($search: String) {
  teams(filter: { search: $search }, first: 1) { edges { node { id } } } }"""
LEVEL_EDGES = """query Map($filter: DependencyMapFilter, $level: MapLevel!, $asOf: Date) {
  dependencyMap(filter: $filter, level: $level, asOf: $asOf) {
    edges { source target count dependencyIds } } }"""
COUNT_HIGHLIGHTED = "n => document.querySelectorAll('#map-mirror [data-highlighted]').length === n"
TEAMS_OF_GROUP = """query Teams($groupId: ID!) {
  teams(filter: { groupId: $groupId }, first: 100) { edges { node { id name } } } }"""


def click_until(page: Any, entry: Any, done: str, attempts: int = 6) -> None:
    """Click a mirrored element at its canvas position until `done` appears; on a loaded
    machine the layout may still settle after the first draw, so read the position afresh."""
    for _attempt in range(attempts):
        x, y = float(entry.get_attribute("data-x")), float(entry.get_attribute("data-y"))
        # At the point on the canvas, scrolled into view first: the canvas can reach below
        # the window, and a node laid out there was clicked outside it (no tap at all).
        page.locator("#cy").click(position={"x": x, "y": y})
        try:
            page.wait_for_selector(done, state="attached", timeout=10_000)
            return
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: try again
            page.wait_for_timeout(1_000)
    page.wait_for_selector(done, state="attached")


def highlighted(page: Any) -> tuple[set[str], set[tuple[str, str]]]:
    nodes = page.eval_on_selector_all(
        "#map-mirror [data-node-id][data-highlighted]", "els => els.map(e => e.dataset.nodeId)"
    )
    edges = page.eval_on_selector_all(
        "#map-mirror [data-source][data-highlighted]",
        "els => els.map(e => [e.dataset.source, e.dataset.target])",
    )
    return set(nodes), {(s, t) for s, t in edges}


def hrefs(page: Any, selector: str) -> list[str]:
    return list(page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))"))


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_an_edge_lists_its_open_dependencies_with_links_and_flag_sentences(
    live_demo: LiveServer, page: Any, screenshots: Path
) -> None:
    seen = watch(page)
    # given a dependency whose consumer takes part in an integration point, and its map edge
    dependency_id = next(
        e["node"]["id"]
        for e in api(live_demo, WITH_POINTS)["dependencies"]["edges"]
        if e["node"]["consumer"]["integrationPoints"]
    )
    dep = api(live_demo, DEPENDENCY, id=dependency_id)["node"]
    source, target = dep["providerTeam"]["id"], dep["consumerTeam"]["id"]
    count = next(
        e["count"]
        for e in api(live_demo, MAP, asOf=AS_OF)["dependencyMap"]["edges"]
        if (e["source"], e["target"]) == (source, target)
    )
    behind = [
        e["node"]
        for e in api(live_demo, EDGE, p=[source], c=[target], asOf=AS_OF)["dependencies"]["edges"]
    ]
    sign_in(page, live_demo, f"/map?asOf={AS_OF}")

    # when the edge is clicked on the canvas
    edge = page.locator(f'#map-mirror [data-source="{source}"][data-target="{target}"]')
    click_until(page, edge, f'#panel-edge[data-edge="edge:{source}>{target}"]')

    # then the panel lists exactly the open dependencies the edge counts, with their flags'
    # sentences
    rows = page.locator("#panel-edge > li")
    listed = set(rows.evaluate_all("els => els.map(e => e.dataset.dependencyId)"))
    assert listed == {d["id"] for d in behind}
    assert len(listed) == count
    sentences = {f["message"] for d in behind for f in d["flags"]}
    assert sentences
    assert set(page.locator("#panel-edge li.flag").all_inner_texts()) == sentences
    # and every dependency links to its own panel, to GraphiQL and to its integration points'
    # timelines
    for d in behind:
        row = f'#panel-edge > li[data-dependency-id="{d["id"]}"]'
        (details,) = hrefs(page, f"{row} a[data-link=details]")
        assert details.startswith("/map?")
        assert query_of(details)["selected"] == d["id"]
        assert query_of(details)["asOf"] == AS_OF
        (ide,) = hrefs(page, f"{row} a[data-link=graphiql]")
        assert ide.startswith("/graphql#")
        assert json.loads(parse_qs(urlsplit(ide).fragment)["variables"][0])["id"] == d["id"]
        ends = [d["consumer"], d["provider"] or {"integrationPoints": []}]  # provider: none yet
        points = {p["id"] for end in ends for p in end["integrationPoints"]}
        timelines = hrefs(page, f"{row} a[data-link=timeline]")
        assert {query_of(t)["point"] for t in timelines} == points
        assert all(t.startswith("/timeline?") for t in timelines)
    links = hrefs(page, "#panel a")
    assert links
    assert all(live_demo.token not in href and href.startswith("/") for href in links)
    assert query_of(page.url)["selected"] == f"edge:{source}>{target}"
    page.screenshot(path=str(screenshots / "map-edge-panel.png"))

    # when the dependency's "details" link is followed, then its own panel opens, kept in the URL
    page.click(f'#panel-edge > li[data-dependency-id="{dependency_id}"] a[data-link=details]')
    page.wait_for_selector(f'#panel-dependency > li[data-dependency-id="{dependency_id}"]')
    assert query_of(page.url)["selected"] == dependency_id

    # when the page is reloaded (a shared link), then the same panel opens again
    page.reload()
    wait_ready(page)
    page.wait_for_selector(f'#panel-dependency > li[data-dependency-id="{dependency_id}"]')

    # when its integration point's timeline link is followed, then the timeline shows that point
    timeline = hrefs(page, "#panel-dependency a[data-link=timeline]")[0]
    page.goto(live_demo.base_url + timeline)
    wait_ready(page)
    point = query_of(timeline)["point"]
    assert page.locator(f'line.integration-point[data-integration-point-id="{point}"]').count() == 1
    assert page.locator("#timeline .lane").count() > 0

    # when its GraphiQL link is followed, then GraphiQL opens with the query and the variables
    page.goto(f"{live_demo.base_url}/map?asOf={AS_OF}&selected={dependency_id}")
    page.wait_for_selector("#panel-dependency a[data-link=graphiql]")
    page.goto(live_demo.base_url + hrefs(page, "#panel-dependency a[data-link=graphiql]")[0])
    page.wait_for_selector(".graphiql-query-editor .CodeMirror")
    editors = page.eval_on_selector_all(
        ".graphiql-editor .CodeMirror", "els => els.map(e => e.CodeMirror.getValue())"
    )
    assert any("query Dependency($id: ID!" in text for text in editors)
    assert any(dependency_id in text for text in editors)

    assert seen.errors == []
    assert all(live_demo.token not in url for url in seen.urls)


@pytest.mark.parametrize(("level", "late_only"), [("TEAM", False), ("ITEM", False), ("TEAM", True)])
def test_an_edge_selected_in_the_url_opens_its_panel_with_what_it_counts(
    live_demo: LiveServer, page: Any, level: str, late_only: bool
) -> None:
    seen = watch(page)
    # given the busiest edge of the whole map (or of its LATE dependencies), or of Ranking's items
    ranking = api(live_demo, TEAM_BY_NAME, search="Ranking")["teams"]["edges"][0]["node"]["id"]
    view = f"asOf={AS_OF}" + (f"&team={ranking}&level=ITEM" if level == "ITEM" else "")
    scope: dict[str, Any] | None = {"teamIds": [ranking]} if level == "ITEM" else None
    if late_only:
        view, scope = f"{view}&flags=LATE", {"flags": ["LATE"]}
    found = api(live_demo, LEVEL_EDGES, filter=scope, level=level, asOf=AS_OF)["dependencyMap"]
    edge = max(found["edges"], key=lambda e: e["count"])
    selected = f"edge:{edge['source']}>{edge['target']}"

    # when the link selecting it is opened
    sign_in(page, live_demo, f"/map?{view}&{urlencode({'selected': selected})}")

    # then its panel lists exactly the open dependencies the server counted on the edge
    page.wait_for_selector(f'#panel-edge[data-edge="{selected}"]')
    rows = page.locator("#panel-edge > li")
    listed = rows.evaluate_all("els => els.map(e => e.dataset.dependencyId)")
    assert listed == edge["dependencyIds"]
    assert len(listed) == edge["count"]
    assert seen.errors == []


def test_cycles_bottlenecks_and_a_blast_radius_are_highlighted_and_kept_in_the_url(
    live_demo: LiveServer, page: Any, screenshots: Path
) -> None:
    seen = watch(page)
    found = api(live_demo, MAP, asOf=AS_OF)["dependencyMap"]
    sign_in(page, live_demo, f"/map?asOf={AS_OF}")
    nodes, edges = drawn(page)

    # when cycles are asked for, then the cycles' teams and edges are highlighted
    page.click("#show-cycles")
    page.wait_for_selector("#map-mirror [data-highlighted]", state="attached")
    cycle_nodes = {n for c in found["cycles"] for n in c["nodeIds"]}
    cycle_edges = {
        (c["nodeIds"][i], c["nodeIds"][(i + 1) % len(c["nodeIds"])])
        for c in found["cycles"]
        for i in range(len(c["nodeIds"]))
    }
    assert cycle_nodes
    assert highlighted(page) == (cycle_nodes, cycle_edges & edges)
    assert query_of(page.url)["highlight"] == "cycles"
    page.screenshot(path=str(screenshots / "map-cycles.png"))

    # when bottlenecks are asked for, then the five teams others wait on most are highlighted
    page.click("#show-bottlenecks")
    top = {b["teamId"] for b in found["bottlenecks"][:5]}
    page.wait_for_function(COUNT_HIGHLIGHTED, arg=len(top))
    assert highlighted(page) == (top, set())
    assert query_of(page.url)["highlight"] == "bottlenecks"

    # when the page is reloaded, then the highlight is the URL's
    page.reload()
    wait_ready(page)
    assert highlighted(page) == (top, set())

    # given an open dependency whose consumer item others wait on, in turn, in other teams
    # (one blastRadius query: the demo server's cost budget is shared by every browser test)
    dep = next(
        d
        for e in api(live_demo, OPEN_DEPENDENCIES)["dependencies"]["edges"]
        for d in [e["node"]]
        if any(
            w["status"] == "OPEN" and w["consumerTeam"]["id"] != d["consumer"]["team"]["id"]
            for w in d["consumer"]["downstream"]
        )
    )
    radius = api(live_demo, BLAST, id=dep["consumer"]["id"], asOf=AS_OF)["blastRadius"]
    want = set(radius["teamIds"]) & nodes
    assert want

    # when its "blast radius" is asked for in its provider team's panel
    page.goto(f"{live_demo.base_url}/map?asOf={AS_OF}&selected={dep['providerTeam']['id']}")
    wait_ready(page)
    page.click(f'#panel li[data-dependency-id="{dep["id"]}"] button:has-text("blast radius")')
    page.wait_for_function(COUNT_HIGHLIGHTED, arg=len(want))

    # then the teams of everything downstream of its consumer item are highlighted
    assert highlighted(page) == (want, set())
    assert query_of(page.url)["highlight"] == dep["consumer"]["id"]

    # when cleared, then nothing is highlighted and the URL forgets it
    page.click("#clear-highlight")
    assert highlighted(page) == (set(), set())
    assert "highlight" not in query_of(page.url)
    assert seen.errors == []


def test_drill_down_from_a_group_to_its_teams_to_their_items_and_back(
    live_demo: LiveServer, page: Any
) -> None:
    seen = watch(page)
    group_id = api(live_demo, GROUP, slug="monetisation")["group"]["id"]
    members = api(live_demo, TEAMS_OF_GROUP, groupId=group_id)["teams"]["edges"]
    sign_in(page, live_demo, f"/map?asOf={AS_OF}")
    everything = drawn(page)

    # when the group's cluster is clicked, then the map shows that group's teams and neighbours
    cluster = page.locator(f'#map-mirror [data-group-id="{group_id}"]')
    click_until(page, cluster, '#crumbs [data-crumb="group"]')
    wait_ready(page)
    assert drawn(page) == expected(live_demo, groupId=group_id)
    assert query_of(page.url)["group"] == group_id

    # when one of its teams is clicked and its items asked for, then its items are drawn
    team_id = next(
        m["node"]["id"]
        for m in members
        if page.locator(f'#map-mirror [data-node-id="{m["node"]["id"]}"][data-x]').count()
    )
    click_until(page, page.locator(f'#map-mirror [data-node-id="{team_id}"]'), "#drill-items")
    page.click("#drill-items")
    page.wait_for_selector('#crumbs [data-crumb="items"]', state="attached")
    wait_ready(page)
    assert drawn(page) == expected(live_demo, level="ITEM", groupId=group_id, teamIds=[team_id])
    assert {"group": group_id, "team": team_id, "level": "ITEM"}.items() <= query_of(
        page.url
    ).items()

    # when the breadcrumbs are followed up, then the group, then the organisation, are drawn again
    page.click('#crumbs [data-crumb="group"]')
    page.wait_for_function("() => !new URLSearchParams(location.search).has('team')")
    wait_ready(page)
    assert drawn(page) == expected(live_demo, groupId=group_id)
    page.click('#crumbs [data-crumb="organisation"]')
    page.wait_for_function("() => !new URLSearchParams(location.search).has('group')")
    wait_ready(page)
    assert drawn(page) == everything
    assert seen.errors == []
    assert all(live_demo.token not in url for url in seen.urls)
