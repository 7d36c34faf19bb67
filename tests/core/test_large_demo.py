"""The large synthetic organisation: deterministic, shaped like a real one, loadable in bulk."""

from __future__ import annotations

from collections import Counter
from datetime import date

import networkx as nx
from sqlalchemy import func, select

from syncpoint.core.auth import Role
from syncpoint.demo.large import LARGE, Scale, generate, load_large
from syncpoint.dependencies.models import Dependency
from syncpoint.teams.models import Team
from syncpoint.work.models import BacklogItem

TODAY = date(2027, 3, 1)
SMALL = Scale.for_teams(12)

TEAMS_AND_MAP = """
{
  teams(first: 100) { totalCount }
  dependencyMap(level: TEAM) { nodes { id } edges { source target } }
}
"""


def test_the_same_seed_gives_the_same_organisation_and_another_seed_another():
    first = generate(SMALL, 7, TODAY)
    assert first.tables == generate(SMALL, 7, TODAY).tables
    assert first.tables["dependencies"] != generate(SMALL, 8, TODAY).tables["dependencies"]


def test_the_large_scale_has_the_sizes_the_issue_names():
    assert (LARGE.teams, LARGE.groups, LARGE.products, LARGE.open_blockers, LARGE.forums) == (
        500,
        40,
        20,
        5_000,
        30,
    )
    assert LARGE.teams * LARGE.people_per_team == 10_000
    assert LARGE.teams * LARGE.items_per_team == 100_000
    assert LARGE.teams * LARGE.dependencies_per_team == 100_000


def test_dependencies_are_clustered_by_value_stream_and_acyclic_but_for_planted_cycles():
    org = generate(Scale.for_teams(40), 1, TODAY)
    team_group = {t["id"]: t["group_id"] for t in org.tables["teams"]}
    item_team = {i["id"]: i["team_id"] for i in org.tables["backlog_items"]}
    item_deps = [d for d in org.tables["dependencies"] if d["provider_item_id"] is not None]
    same_group = sum(
        team_group[item_team[d["provider_item_id"]]] == team_group[item_team[d["consumer_item_id"]]]
        for d in item_deps
    )
    assert same_group / len(item_deps) > 0.6
    platform = {t["id"] for t in org.tables["teams"] if t["topology"].value == "PLATFORM"}
    providers = Counter(item_team[d["provider_item_id"]] for d in item_deps)
    busiest = [team for team, _ in providers.most_common(len(platform))]
    assert len(set(busiest) & platform) >= len(platform) // 2
    graph = nx.DiGraph((d["provider_item_id"], d["consumer_item_id"]) for d in item_deps)
    cycles = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert 1 <= len(cycles) <= 5
    assert any(d["provider_product_id"] is not None for d in org.tables["dependencies"])


async def test_it_loads_in_bulk_and_the_api_answers_over_it(api, session):
    org = generate(SMALL, 3, TODAY)
    loaded: Counter[str] = Counter()
    await load_large(session, org, lambda table, rows: loaded.update({table: rows}))
    assert loaded["backlog_items"] == SMALL.teams * SMALL.items_per_team
    assert await session.scalar(select(func.count()).select_from(Team)) == SMALL.teams
    assert await session.scalar(select(func.count()).select_from(BacklogItem)) == 2400
    assert (
        await session.scalar(select(func.count()).select_from(Dependency)) == loaded["dependencies"]
    )
    # ids given in bulk do not collide with the next object the API creates
    await api.login(Role.ADMIN)
    data = await api.gql(TEAMS_AND_MAP)
    assert data["teams"]["totalCount"] == SMALL.teams
    assert len(data["dependencyMap"]["nodes"]) >= SMALL.teams
    created = await api.gql(
        'mutation { createPerson(input: {name: "New", email: "new@large.example"}) '
        "{ person { id } errors { code } } }"
    )
    assert created["createPerson"]["errors"] == []
