"""Cross-team refinement: a forum's joint backlog, on its agenda until refined."""

from __future__ import annotations

from syncpoint.core.auth import Role
from tests.support.factories import make_member, make_team
from tests.support.sos_factories import make_forum
from tests.support.work_factories import gid, make_item

CREATE = """
mutation($input: CreateRefinementItemInput!) {
  createRefinementItem(input: $input) {
    refinementItem { id title state version leadTeam { slug } } errors { field code }
  }
}"""

JOIN = """
mutation($input: JoinRefinementItemInput!) {
  joinRefinementItem(input: $input) {
    refinementItem { participants { team { slug } item { key } } } errors { field code }
  }
}"""

SET_STATE = """
mutation($input: SetRefinementItemStateInput!) {
  setRefinementItemState(input: $input) { refinementItem { state version } errors { field code } }
}"""

BACKLOG = """
query($forum: ID!, $states: [RefinementState!]) {
  refinementItems(forumId: $forum, states: $states, first: 10) {
    totalCount
    edges { node { title state participants { team { slug } item { key } } } }
  }
}"""

AGENDA = """
query($forumId: ID!) {
  agenda(forumId: $forumId) { entries { key section reason ownerTeam { slug } links { kind } } }
}"""


async def test_a_joint_item_is_refined_together_and_leaves_the_agenda(api, session):
    # given a forum of two teams, a member of the second, and a team outside the forum
    lead, partner, outsider = [await make_team(session) for _ in range(3)]
    forum = await make_forum(session, [lead, partner])
    partner_person = await make_member(session, partner)
    outsider_person = await make_member(session, outsider)
    partner_item = await make_item(session, partner, title="embedding schema v2 consumer")
    await session.commit()
    forum_id = gid("Forum", forum.id)

    # when the facilitator's forum gets a cross-cutting item led by the first team
    await api.login(Role.ADMIN)
    created = (
        await api.gql(
            CREATE,
            {
                "input": {
                    "forumId": forum_id,
                    "title": "One feature schema for user embeddings",
                    "leadTeamId": gid("Team", lead.id),
                }
            },
        )
    )["createRefinementItem"]
    assert created["errors"] == []
    ref = created["refinementItem"]
    assert (ref["state"], ref["leadTeam"]) == ("PROPOSED", {"slug": lead.slug})

    # then a member of the second team joins it with its own item; an outsider may not
    await api.login(Role.TEAM_MEMBER, outsider_person.id)
    join = {"refinementItemId": ref["id"], "teamId": gid("Team", partner.id)}
    errors = await api.errors(JOIN, {"input": join})
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    await api.login(Role.TEAM_MEMBER, partner_person.id)
    joined = (
        await api.gql(JOIN, {"input": {**join, "itemId": gid("BacklogItem", partner_item.id)}})
    )["joinRefinementItem"]
    assert joined["errors"] == []
    assert joined["refinementItem"]["participants"] == [
        {"team": {"slug": lead.slug}, "item": None},
        {"team": {"slug": partner.slug}, "item": {"key": partner_item.key}},
    ]
    again = (await api.gql(JOIN, {"input": join}))["joinRefinementItem"]
    assert again["errors"] == [{"field": "teamId", "code": "DUPLICATE"}]

    # and it is on the forum's agenda, owned by the lead team
    await api.login(Role.VIEWER)
    entries = (await api.gql(AGENDA, {"forumId": forum_id}))["agenda"]["entries"]
    (entry,) = [e for e in entries if e["section"] == "CROSS_TEAM_REFINEMENT"]
    assert entry["ownerTeam"] == {"slug": lead.slug}
    assert entry["links"] == [{"kind": "RefinementItem"}]
    assert "led by" in entry["reason"]

    # when it is refined (a stale version is refused first)
    await api.login(Role.TEAM_MEMBER, partner_person.id)
    stale = (
        await api.gql(SET_STATE, {"input": {"id": ref["id"], "version": 0, "state": "REFINED"}})
    )["setRefinementItemState"]
    assert stale["errors"][0]["code"] == "CONFLICT"
    done = (
        await api.gql(
            SET_STATE, {"input": {"id": ref["id"], "version": ref["version"], "state": "REFINED"}}
        )
    )["setRefinementItemState"]
    assert done["errors"] == []
    assert done["refinementItem"]["state"] == "REFINED"

    # then it leaves the agenda and stays on the joint backlog as refined
    await api.login(Role.VIEWER)
    entries = (await api.gql(AGENDA, {"forumId": forum_id}))["agenda"]["entries"]
    assert [e for e in entries if e["section"] == "CROSS_TEAM_REFINEMENT"] == []
    backlog = (await api.gql(BACKLOG, {"forum": forum_id, "states": ["REFINED"]}))[
        "refinementItems"
    ]
    assert backlog["totalCount"] == 1
    assert backlog["edges"][0]["node"]["title"] == "One feature schema for user embeddings"
    open_items = await api.gql(BACKLOG, {"forum": forum_id, "states": ["PROPOSED"]})
    assert open_items["refinementItems"]["totalCount"] == 0
