"""Archiving, memberships over time, node lookup and the OWN scope of team roles."""

from __future__ import annotations

from strawberry.relay import to_base64

from syncpoint.core.auth import Role
from syncpoint.teams.models import MembershipRole
from tests.support.api import nodes
from tests.support.factories import make_group, make_member, make_person, make_team

ARCHIVE_TEAM = """
mutation($input: VersionedIdInput!) {
  archiveTeam(input: $input) { team { archivedAt } errors { code } }
}"""
ARCHIVE_GROUP = """
mutation($input: VersionedIdInput!) {
  archiveGroup(input: $input) { group { slug } errors { code } }
}"""
TEAMS = """
query($archived: Boolean!) {
  teams(first: 10, filter: {includeArchived: $archived}) { totalCount }
}"""
ADD = """
mutation($input: AddMembershipInput!) {
  addMembership(input: $input) { membership { id version role isActive } errors { field code } }
}"""
CHANGE = """
mutation($input: ChangeMembershipInput!) {
  changeMembership(input: $input) { membership { role version } errors { code } }
}"""
REMOVE = """
mutation($input: EndInput!) {
  removeMembership(input: $input) { membership { endedOn isActive } errors { field code } }
}"""
MEMBERS = """
query($slug: String!) {
  team(slug: $slug) {
    members { totalCount edges { node { role } } }
    everyone: members(includeEnded: true) { edges { node { role endedOn person { name } } } }
  }
}"""
NODES = """
query($ids: [ID!]!) {
  nodes(ids: $ids) { __typename ... on Team { slug } ... on Person { name } }
}"""
UPDATE_TEAM = """
mutation($input: UpdateTeamInput!) {
  updateTeam(input: $input) { team { focus } errors { code } }
}"""


def gid(type_name: str, ident: int) -> str:
    return to_base64(type_name, ident)


async def test_archiving_hides_but_keeps_and_guards_groups(api, session):
    group = await make_group(session)
    team = await make_team(session, group=group)
    await api.login(Role.DIRECTOR)
    refused = await api.gql(ARCHIVE_GROUP, {"input": {"id": gid("Group", group.id), "version": 1}})
    assert refused["archiveGroup"]["errors"] == [{"code": "INVALID_STATE"}]
    archived = await api.gql(ARCHIVE_TEAM, {"input": {"id": gid("Team", team.id), "version": 1}})
    assert archived["archiveTeam"]["team"]["archivedAt"] is not None
    assert (await api.gql(TEAMS, {"archived": False}))["teams"]["totalCount"] == 0
    assert (await api.gql(TEAMS, {"archived": True}))["teams"]["totalCount"] == 1
    emptied = await api.gql(ARCHIVE_GROUP, {"input": {"id": gid("Group", group.id), "version": 1}})
    assert emptied["archiveGroup"]["errors"] == []
    again = await api.gql(ARCHIVE_TEAM, {"input": {"id": gid("Team", team.id), "version": 2}})
    assert again["archiveTeam"]["errors"] == [{"code": "ARCHIVED"}]


async def test_membership_lifecycle_keeps_history(api, session):
    team = await make_team(session)
    person = await make_person(session, name="Ada Lovelace")
    await api.login(Role.ADMIN)
    base = {"personId": gid("Person", person.id), "teamId": gid("Team", team.id)}
    added = await api.gql(
        ADD, {"input": {**base, "role": "DATA_SCIENTIST", "startedOn": "2026-01-05"}}
    )
    membership = added["addMembership"]["membership"]
    assert membership["isActive"] is True
    dup = await api.gql(ADD, {"input": {**base, "role": "ANALYST"}})
    assert dup["addMembership"]["errors"] == [{"field": "personId", "code": "DUPLICATE"}]
    changed = await api.gql(
        CHANGE, {"input": {"id": membership["id"], "version": 1, "role": "ML_ENGINEER"}}
    )
    assert changed["changeMembership"]["membership"] == {"role": "ML_ENGINEER", "version": 2}
    early = await api.gql(
        REMOVE, {"input": {"id": membership["id"], "version": 2, "endedOn": "2025-12-31"}}
    )
    assert early["removeMembership"]["errors"] == [
        {"field": "endedOn", "code": "INVALID_DATE_RANGE"}
    ]
    ended = await api.gql(
        REMOVE, {"input": {"id": membership["id"], "version": 2, "endedOn": "2026-06-30"}}
    )
    assert ended["removeMembership"]["membership"] == {"endedOn": "2026-06-30", "isActive": False}
    members = (await api.gql(MEMBERS, {"slug": team.slug}))["team"]
    assert nodes(members["members"]) == []
    assert members["members"]["totalCount"] == 0
    assert nodes(members["everyone"]) == [
        {"role": "ML_ENGINEER", "endedOn": "2026-06-30", "person": {"name": "Ada Lovelace"}}
    ]


async def test_nodes_resolve_any_type_and_unknown_ids_are_null(api, session):
    team = await make_team(session)
    person = await make_person(session, name="Grace Hopper")
    await api.login(Role.VIEWER)
    ids = [gid("Team", team.id), gid("Person", person.id), gid("Team", 999999), gid("Bogus", 1)]
    data = await api.gql(NODES, {"ids": ids})
    assert data["nodes"] == [
        {"__typename": "Team", "slug": team.slug},
        {"__typename": "Person", "name": "Grace Hopper"},
        None,
        None,
    ]
    too_many = await api.errors(NODES, {"ids": [ids[0]] * 101})
    assert too_many[0]["extensions"]["code"] == "BAD_PAGINATION"


async def test_team_member_writes_only_their_own_team(api, session):
    mine, other = await make_team(session), await make_team(session)
    me = await make_member(session, mine, MembershipRole.ML_ENGINEER)
    await api.login(Role.TEAM_MEMBER, person_id=me.id)
    own = await api.gql(
        UPDATE_TEAM, {"input": {"id": gid("Team", mine.id), "version": 1, "focus": "ranking"}}
    )
    assert own["updateTeam"] == {"team": {"focus": "ranking"}, "errors": []}
    errors = await api.errors(
        UPDATE_TEAM, {"input": {"id": gid("Team", other.id), "version": 1, "focus": "not mine"}}
    )
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert errors[0]["extensions"]["reason"] == "SCOPE"
    move = await api.errors(
        UPDATE_TEAM,
        {
            "input": {
                "id": gid("Team", mine.id),
                "version": 2,
                "groupId": gid("Group", other.group_id),
            }
        },
    )
    assert move[0]["extensions"]["code"] == "FORBIDDEN"


async def test_nodes_load_in_one_batch_whatever_the_number_of_ids(api, session, count_statements):
    teams = [await make_team(session) for _ in range(10)]
    await api.login(Role.VIEWER)

    async def statements(count: int) -> int:
        ids = [gid("Team", t.id) for t in teams[:count]]
        count_statements.count = 0
        data = await api.gql(NODES, {"ids": ids})
        assert [n["slug"] for n in data["nodes"]] == [t.slug for t in teams[:count]]
        return count_statements.count

    assert await statements(2) == await statements(10)
