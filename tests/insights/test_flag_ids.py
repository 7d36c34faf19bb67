"""Ids a client sees in flags and analysis errors are global ids, and a dependency on a cycle
carries the CYCLE flag on its own `flags` field as the `flags(...)` query lists it."""

from __future__ import annotations

from datetime import date

from strawberry.relay import to_base64

from syncpoint.core.auth import Role
from tests.support.insights_factories import depend, item, scrum_team

AS_OF = "2027-01-20"

CYCLE_FLAGS = """
query($asOf: Date) {
  flags(asOf: $asOf, filter: {codes: [CYCLE]}) {
    edges { node { code subjectKind subjectId numbers } }
  }
}"""

DEPENDENCY_FLAGS = """
query($id: ID!, $asOf: Date) {
  node(id: $id) { ... on Dependency { isLate(asOf: $asOf) flags(asOf: $asOf) { code subjectId } } }
}"""

BLAST_RADIUS = """
query($id: ID!) { blastRadius(itemId: $id) { itemCount } }"""


def gid(type_name: str, ident: int) -> str:
    return to_base64(type_name, ident)


async def two_teams_in_a_circle(session):
    """Left (team A) needs Right (team B) and Right needs Left: an item cycle and a team cycle;
    Extra (team A) needs Left, downstream of the cycle but not on it."""
    a = await scrum_team(session, "Alpha", 14, date(2027, 1, 4))
    b = await scrum_team(session, "Beta", 14, date(2027, 1, 4))
    left = await item(session, a, "A-1", "Left", sprint_start=date(2027, 1, 18))
    right = await item(session, b, "B-1", "Right", sprint_start=date(2027, 1, 18))
    extra = await item(session, a, "A-2", "Extra", sprint_start=date(2027, 2, 1))
    left_needs_right = await depend(session, left, right)
    right_needs_left = await depend(session, right, left)
    extra_needs_left = await depend(session, extra, left)
    return a, b, (left, right), (left_needs_right, right_needs_left, extra_needs_left)


async def test_cycle_flag_numbers_list_global_ids_of_the_cycle(api, session):
    (a, b, (left, right), _deps) = await two_teams_in_a_circle(session)
    await api.login(Role.DIRECTOR)

    edges = (await api.gql(CYCLE_FLAGS, {"asOf": AS_OF}))["flags"]["edges"]

    by_kind = {e["node"]["subjectKind"]: e["node"] for e in edges}
    item_cycle, team_cycle = by_kind["ITEM"], by_kind["TEAM"]
    assert item_cycle["numbers"]["cycleLength"] == 2
    assert item_cycle["numbers"]["cycle"] == [
        gid("BacklogItem", left.id),
        gid("BacklogItem", right.id),
    ]
    assert item_cycle["subjectId"] == gid("BacklogItem", left.id)
    assert team_cycle["numbers"]["cycle"] == [gid("Team", a.id), gid("Team", b.id)]


async def test_dependency_flags_include_cycle_when_it_lies_on_one(api, session):
    (_a, _b, (left, _right), deps) = await two_teams_in_a_circle(session)
    left_needs_right, right_needs_left, extra_needs_left = deps
    await api.login(Role.DIRECTOR)

    listed = (await api.gql(CYCLE_FLAGS, {"asOf": AS_OF}))["flags"]["edges"]
    on_cycle = [
        (await api.gql(DEPENDENCY_FLAGS, {"id": gid("Dependency", d.id), "asOf": AS_OF}))["node"]
        for d in (left_needs_right, right_needs_left)
    ]
    off_cycle = (
        await api.gql(
            DEPENDENCY_FLAGS, {"id": gid("Dependency", extra_needs_left.id), "asOf": AS_OF}
        )
    )["node"]

    item_cycle = next(e["node"] for e in listed if e["node"]["subjectKind"] == "ITEM")
    for dependency in on_cycle:
        cycles = [f for f in dependency["flags"] if f["code"] == "CYCLE"]
        assert cycles == [{"code": "CYCLE", "subjectId": item_cycle["subjectId"]}]
    assert "CYCLE" not in {f["code"] for f in off_cycle["flags"]}


async def test_analysis_not_found_errors_name_the_global_id(api, session):
    await api.login(Role.DIRECTOR)
    missing = gid("BacklogItem", 987654)

    errors = await api.errors(BLAST_RADIUS, {"id": missing})

    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    assert missing in errors[0]["message"]
    assert "987654" not in errors[0]["message"]
