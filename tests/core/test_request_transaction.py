"""A document with several mutations is all or nothing: if one fails with a top-level error,
nothing of the document is stored and the others say ROLLED_BACK (so a retry never
duplicates work whose result the client never saw)."""

from __future__ import annotations

from sqlalchemy import func, select

from syncpoint.blockers.models import Blocker
from syncpoint.core.auth import Role
from tests.support.factories import make_member, make_team
from tests.support.work_factories import gid

RAISE_AND_UPDATE_TEAM = """
mutation($raise: RaiseBlockerInput!, $team: UpdateTeamInput!) {
  a: raiseBlocker(input: $raise) { blocker { id } errors { field code } }
  b: updateTeam(input: $team) { team { name } errors { field code } }
}"""

TWO_RAISES = """
mutation($first: RaiseBlockerInput!, $second: RaiseBlockerInput!) {
  a: raiseBlocker(input: $first) { blocker { id title } errors { field code } }
  b: raiseBlocker(input: $second) { blocker { id title } errors { field code } }
}"""


def raise_input(team_id: int, title: str) -> dict:
    return {
        "teamId": gid("Team", team_id),
        "category": "DATA_QUALITY",
        "severity": "HIGH",
        "title": title,
    }


async def blockers_of(session, team_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(Blocker).where(Blocker.team_id == team_id)
        )
    )


async def test_a_forbidden_mutation_rolls_back_the_whole_document(api, session):
    # given a team member, who may raise a blocker but not edit another team
    team = await make_team(session)
    other = await make_team(session)
    member = await make_member(session, team)
    await api.login(Role.TEAM_MEMBER, member.id)
    # when one document raises a blocker and then edits the other team
    variables = {
        "raise": raise_input(team.id, "Never stored"),
        "team": {"id": gid("Team", other.id), "version": 1, "name": "Renamed"},
    }
    body = (await api.post(RAISE_AND_UPDATE_TEAM, variables)).json()
    # then nothing is stored, and the blocker's field says why it has no result
    assert body["data"] is None
    codes = {e["path"][0]: e["extensions"]["code"] for e in body["errors"]}
    assert codes == {"a": "ROLLED_BACK", "b": "FORBIDDEN"}
    assert await blockers_of(session, team.id) == 0


async def test_a_document_whose_mutations_all_succeed_stores_them_all(api, session):
    team = await make_team(session)
    member = await make_member(session, team)
    await api.login(Role.TEAM_MEMBER, member.id)
    variables = {"first": raise_input(team.id, "One"), "second": raise_input(team.id, "Two")}
    data = await api.gql(TWO_RAISES, variables)
    assert data["a"]["blocker"]["title"] == "One"
    assert data["b"]["blocker"]["title"] == "Two"
    assert await blockers_of(session, team.id) == 2


async def test_an_expected_failure_undoes_only_its_own_mutation_and_says_so(api, session):
    team = await make_team(session)
    member = await make_member(session, team)
    await api.login(Role.TEAM_MEMBER, member.id)
    variables = {"first": raise_input(team.id, "Kept"), "second": raise_input(team.id, "  ")}
    data = await api.gql(TWO_RAISES, variables)
    assert data["a"]["errors"] == []
    assert data["b"] == {"blocker": None, "errors": [{"field": "title", "code": "REQUIRED"}]}
    assert await blockers_of(session, team.id) == 1
