"""The organisation through GraphQL: given / when / then, on both databases."""

from __future__ import annotations

from datetime import date

from strawberry.relay import to_base64

from syncpoint.core.auth import Role
from syncpoint.teams import service as svc
from syncpoint.teams.models import Framework, InteractionMode, MembershipRole, Topology
from tests.support.factories import ADMIN, make_group, make_member, make_team

CREATE_TEAM = """
mutation($input: CreateTeamInput!) {
  createTeam(input: $input) {
    team { id slug name topology framework timeZone channels version group { slug } }
    errors { field message code }
  }
}"""

UPDATE_TEAM = """
mutation($input: UpdateTeamInput!) {
  updateTeam(input: $input) { team { name version focus } errors { field code message } }
}"""

TEAMS_WITH_MEMBERS = """
query($first: Int!) {
  teams(first: $first) {
    totalCount
    edges { node {
      name group { name }
      members { totalCount edges { node { role person { name } } } }
    } }
  }
}"""

TEAMS_PAGE = """
query($first: Int, $after: String, $filter: TeamFilter) {
  teams(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { slug } }
  }
}"""

GROUP_TREE = """
query($slug: String!) {
  group(slug: $slug) {
    name children { name } teams { slug } all: teams(includeDescendants: true) { slug }
  }
}"""

TEAM_INTERACTIONS = """
query($slug: String!, $asOf: Date) {
  team(slug: $slug) {
    groupPath { slug }
    interactions {
      mode team { slug } partner { slug } isOverrun(asOf: $asOf) overrunDays(asOf: $asOf)
    }
  }
}"""

UPDATE_GROUP = """
mutation($input: UpdateGroupInput!) {
  updateGroup(input: $input) { group { slug } errors { field code } }
}"""

START_INTERACTION = """
mutation($input: StartInteractionInput!) {
  startInteraction(input: $input) { interaction { mode } errors { field code } }
}"""


def gid(type_name: str, ident: int) -> str:
    return to_base64(type_name, ident)


async def test_create_team_then_read_it(api, session):
    group = await make_group(session)
    await api.login(Role.DIRECTOR)
    data = await api.gql(
        CREATE_TEAM,
        {
            "input": {
                "slug": "ranking",
                "name": "Ranking",
                "groupId": gid("Group", group.id),
                "topology": "STREAM_ALIGNED",
                "framework": "SCRUM",
                "timeZone": "Europe/Berlin",
                "channels": ["#ranking"],
            }
        },
    )
    payload = data["createTeam"]
    assert payload["errors"] == []
    assert payload["team"]["timeZone"] == "Europe/Berlin"
    assert payload["team"]["group"]["slug"] == group.slug
    assert payload["team"]["version"] == 1


async def test_invalid_team_input_is_refused_with_codes(api, session):
    group = await make_group(session)
    await make_team(session, group=group)
    await api.login(Role.ADMIN)
    base = {
        "name": "X",
        "groupId": gid("Group", group.id),
        "topology": "PLATFORM",
        "framework": "KANBAN",
    }
    cases = [
        ({**base, "slug": "Not A Slug"}, "slug", "INVALID"),
        ({**base, "slug": "ok", "timeZone": "Mars/Olympus"}, "timeZone", "INVALID_TIMEZONE"),
        ({**base, "slug": "ok", "groupId": gid("Group", 999999)}, "groupId", "NOT_FOUND"),
        ({**base, "slug": "ok", "groupId": gid("Team", 1)}, "groupId", "NOT_FOUND"),
        ({**base, "slug": "ok", "name": "  "}, "name", "REQUIRED"),
    ]
    for values, field, code in cases:
        payload = (await api.gql(CREATE_TEAM, {"input": values}))["createTeam"]
        assert payload["team"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)], values
    teams = await api.gql(TEAMS_PAGE, {"first": 10})
    assert teams["teams"]["totalCount"] == 1  # nothing half-created


async def test_duplicate_slug_is_refused(api, session):
    team = await make_team(session)
    await api.login(Role.ADMIN)
    payload = (
        await api.gql(
            CREATE_TEAM,
            {
                "input": {
                    "slug": team.slug,
                    "name": "Again",
                    "groupId": gid("Group", team.group_id),
                    "topology": "PLATFORM",
                    "framework": "KANBAN",
                }
            },
        )
    )["createTeam"]
    assert payload["errors"][0]["code"] == "DUPLICATE"


async def test_stale_version_conflicts_and_changes_nothing(api, session):
    team = await make_team(session)
    await api.login(Role.ADMIN)
    first = await api.gql(
        UPDATE_TEAM, {"input": {"id": gid("Team", team.id), "version": 1, "focus": "ranking v2"}}
    )
    assert first["updateTeam"]["team"]["version"] == 2
    stale = await api.gql(
        UPDATE_TEAM, {"input": {"id": gid("Team", team.id), "version": 1, "focus": "overwritten?"}}
    )
    assert stale["updateTeam"]["team"] is None
    assert stale["updateTeam"]["errors"][0]["code"] == "CONFLICT"
    again = await api.gql(
        UPDATE_TEAM, {"input": {"id": gid("Team", team.id), "version": 2, "name": "Renamed"}}
    )
    assert again["updateTeam"]["team"] == {"name": "Renamed", "version": 3, "focus": "ranking v2"}


async def test_team_list_statement_count_does_not_grow_with_page_size(
    api, session, count_statements
):
    group = await make_group(session)
    for _ in range(12):
        team = await make_team(session, group=group)
        await make_member(session, team, MembershipRole.PRODUCT_OWNER)
        await make_member(session, team)
    await api.login(Role.VIEWER)

    async def statements(first: int) -> int:
        count_statements.count = 0
        data = await api.gql(TEAMS_WITH_MEMBERS, {"first": first})
        assert len(data["teams"]["edges"]) == min(first, 12)
        return count_statements.count

    small, large = await statements(2), await statements(12)
    assert small == large, (small, large)


async def test_pagination_walks_every_team_once(api, session):
    group = await make_group(session)
    for _ in range(7):
        await make_team(session, group=group)
    await api.login(Role.VIEWER)
    seen, after = [], None
    while True:
        page = (await api.gql(TEAMS_PAGE, {"first": 3, "after": after}))["teams"]
        seen += [e["node"]["slug"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 7
    errors = await api.errors(TEAMS_PAGE, {"first": 101})
    assert errors[0]["extensions"]["code"] == "BAD_PAGINATION"
    errors = await api.errors(TEAMS_PAGE, {"first": 2, "after": "garbage!"})
    assert errors[0]["extensions"]["code"] == "BAD_PAGINATION"


async def test_filter_by_group_includes_subgroups(api, session):
    root = await make_group(session)
    child = await make_group(session, parent=root)
    await make_team(session, group=root, topology=Topology.PLATFORM, framework=Framework.KANBAN)
    await make_team(session, group=child)
    await make_team(session)  # elsewhere
    await api.login(Role.VIEWER)
    flt = {"groupId": gid("Group", root.id)}
    assert (await api.gql(TEAMS_PAGE, {"filter": flt}))["teams"]["totalCount"] == 2
    flt_direct = {**flt, "includeSubgroups": False}
    assert (await api.gql(TEAMS_PAGE, {"filter": flt_direct}))["teams"]["totalCount"] == 1
    flt_topology = {**flt, "topologies": ["PLATFORM"]}
    assert (await api.gql(TEAMS_PAGE, {"filter": flt_topology}))["teams"]["totalCount"] == 1
    tree = (await api.gql(GROUP_TREE, {"slug": root.slug}))["group"]
    assert [c["name"] for c in tree["children"]] == [child.name]
    assert len(tree["teams"]) == 1
    assert len(tree["all"]) == 2


async def test_group_cannot_become_its_own_ancestor(api, session):
    root = await make_group(session)
    child = await make_group(session, parent=root)
    await api.login(Role.DIRECTOR)
    own = {"id": gid("Group", root.id), "version": 1, "parentId": gid("Group", root.id)}
    result = (await api.gql(UPDATE_GROUP, {"input": own}))["updateGroup"]
    assert result["errors"][0]["code"] == "SELF_REFERENCE"
    under_child = {**own, "parentId": gid("Group", child.id)}
    result = (await api.gql(UPDATE_GROUP, {"input": under_child}))["updateGroup"]
    assert result["errors"][0]["code"] == "CYCLE"


async def test_interactions_both_ways_and_overrun(api, session):
    a, b = await make_team(session), await make_team(session)
    await svc.start_interaction(
        session,
        ADMIN,
        team_id=a.id,
        partner_id=b.id,
        mode=InteractionMode.COLLABORATION,
        purpose="co-design",
        starts_on=date(2026, 1, 5),
        expected_end=date(2026, 2, 15),
    )
    await api.login(Role.VIEWER)
    for slug in (a.slug, b.slug):
        data = await api.gql(TEAM_INTERACTIONS, {"slug": slug, "asOf": "2026-02-20"})
        (interaction,) = data["team"]["interactions"]
        assert interaction["team"]["slug"] == a.slug
        assert interaction["partner"]["slug"] == b.slug
        assert interaction["isOverrun"] is True
        assert interaction["overrunDays"] == 5
    on_time = await api.gql(TEAM_INTERACTIONS, {"slug": a.slug, "asOf": "2026-02-15"})
    assert on_time["team"]["interactions"][0]["isOverrun"] is False


async def test_interaction_rules(api, session):
    a, b = await make_team(session), await make_team(session)
    await api.login(Role.ADMIN)
    base = {
        "teamId": gid("Team", a.id),
        "partnerId": gid("Team", b.id),
        "mode": "COLLABORATION",
        "startsOn": "2026-03-01",
    }
    self_ref = await api.gql(START_INTERACTION, {"input": {**base, "partnerId": base["teamId"]}})
    assert self_ref["startInteraction"]["errors"][0]["code"] == "SELF_REFERENCE"
    backwards = await api.gql(START_INTERACTION, {"input": {**base, "expectedEnd": "2026-02-01"}})
    assert backwards["startInteraction"]["errors"][0] == {
        "field": "expectedEnd",
        "code": "INVALID_DATE_RANGE",
    }
    ok = await api.gql(START_INTERACTION, {"input": base})
    assert ok["startInteraction"]["errors"] == []
    dup = await api.gql(START_INTERACTION, {"input": base})
    assert dup["startInteraction"]["errors"][0]["code"] == "DUPLICATE"


async def test_malformed_input_gets_a_code(api):
    await api.login(Role.VIEWER)
    errors = await api.errors("{ teams(first: 3) { totalCount ")
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    errors = await api.errors("{ team(slug: 1) { name } }")
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    errors = await api.errors('{ person(id: "bm90LWEtbm9kZQ==") { name } }')
    assert errors[0]["extensions"]["code"] == "INVALID"
