"""Blockers through GraphQL: raise, update, escalate up the forum chain, resolve; history kept."""

from __future__ import annotations

from syncpoint.analysis.model import ItemStatus
from syncpoint.blockers.models import BlockerCategory, BlockerSeverity
from syncpoint.core.auth import Role
from syncpoint.teams.models import MembershipRole
from tests.support.api import nodes
from tests.support.factories import make_member, make_person, make_team
from tests.support.sos_factories import escalate, make_forum, raise_on
from tests.support.work_factories import gid, make_item

RAISE = """
mutation($input: RaiseBlockerInput!) {
  raiseBlocker(input: $input) {
    blocker { id title category severity status escalationLevel version
              item { status } team { slug } raisedBy { name } owner { name } }
    errors { field code message }
  }
}"""

UPDATE = """
mutation($input: UpdateBlockerInput!) {
  updateBlocker(input: $input) {
    blocker { severity roam version owner { name } }
    errors { field code }
  }
}"""

ESCALATE = """
mutation($input: EscalateBlockerInput!) {
  escalateBlocker(input: $input) {
    blocker { escalationLevel version forum { name } }
    errors { field code message }
  }
}"""

RESOLVE = """
mutation($input: ResolveBlockerInput!) {
  resolveBlocker(input: $input) {
    blocker { status version item { status } }
    errors { field code }
  }
}"""

BLOCKER = """
query($id: ID!) {
  blocker(id: $id) {
    status escalationLevel
    escalationPath { fromLevel toLevel fromForum { name } toForum { name } reason actor { name } }
    history { totalCount edges { node { kind field oldValue newValue note actor { name } } } }
  }
}"""


async def test_raise_on_item_blocks_it_and_resolve_restores_its_status(api, session):
    team = await make_team(session)
    member = await make_member(session, team)
    item = await make_item(session, team)
    await api.login(Role.TEAM_MEMBER, member.id)

    raised = (
        await api.gql(
            RAISE,
            {
                "input": {
                    "itemId": gid("BacklogItem", item.id),
                    "category": "DATA_QUALITY",
                    "severity": "HIGH",
                    "title": "Labels drifted",
                    "ownerId": gid("Person", member.id),
                }
            },
        )
    )["raiseBlocker"]
    blocker = raised["blocker"]
    assert raised["errors"] == []
    assert blocker["item"]["status"] == "BLOCKED"
    assert blocker["raisedBy"]["name"] == member.name
    assert blocker["escalationLevel"] == "TEAM"

    resolved = await api.gql(
        RESOLVE,
        {"input": {"id": blocker["id"], "version": blocker["version"], "note": "relabelled"}},
    )
    assert resolved["resolveBlocker"]["blocker"]["status"] == "RESOLVED"
    assert resolved["resolveBlocker"]["blocker"]["item"]["status"] == ItemStatus.BACKLOG.value


async def test_every_change_is_kept_in_history(api, session):
    team = await make_team(session)
    member = await make_member(session, team)
    owner = await make_member(session, team)
    blocker = await raise_on(session, team, severity=BlockerSeverity.MEDIUM)
    await api.login(Role.TEAM_MEMBER, member.id)

    updated = (
        await api.gql(
            UPDATE,
            {
                "input": {
                    "id": gid("Blocker", blocker.id),
                    "version": blocker.version,
                    "severity": "CRITICAL",
                    "roam": "OWNED",
                    "ownerId": gid("Person", owner.id),
                }
            },
        )
    )["updateBlocker"]
    version = updated["blocker"]["version"]
    await api.gql(
        RESOLVE,
        {"input": {"id": gid("Blocker", blocker.id), "version": version, "note": "fixed upstream"}},
    )

    page = (await api.gql(BLOCKER, {"id": gid("Blocker", blocker.id)}))["blocker"]["history"]
    history = nodes(page)
    assert page["totalCount"] == len(history)
    assert [(h["kind"], h["field"], h["oldValue"], h["newValue"]) for h in history] == [
        ("RAISED", None, None, None),
        ("UPDATED", "severity", "MEDIUM", "CRITICAL"),
        ("UPDATED", "owner_id", None, str(owner.id)),
        ("UPDATED", "roam", None, "OWNED"),
        ("RESOLVED", "status", "OPEN", "RESOLVED"),
    ]
    assert history[-1]["note"] == "fixed upstream"
    assert {h["actor"]["name"] for h in history[1:]} == {member.name}


async def test_stale_version_and_resolved_roam_are_refused(api, session):
    team = await make_team(session)
    blocker = await raise_on(session, team)
    await api.login(Role.ADMIN)
    bid = gid("Blocker", blocker.id)

    stale = await api.gql(UPDATE, {"input": {"id": bid, "version": 99, "severity": "LOW"}})
    roam = await api.gql(
        UPDATE, {"input": {"id": bid, "version": blocker.version, "roam": "RESOLVED"}}
    )

    assert stale["updateBlocker"]["errors"] == [{"field": "version", "code": "CONFLICT"}]
    assert roam["updateBlocker"]["errors"] == [{"field": "roam", "code": "INVALID"}]


async def test_escalation_climbs_the_forum_chain_to_the_executive(api, session):
    team = await make_team(session)
    org = await make_forum(session, name="Organisation SoS")
    stream = await make_forum(session, [team], parent=org, name="Discovery SoS")
    blocker = await raise_on(session, team, category=BlockerCategory.PIPELINE_FAILURE)
    director = await make_person(session)
    await api.login(Role.DIRECTOR, director.id)
    bid, version = gid("Blocker", blocker.id), blocker.version

    steps = []
    for reason in ("team cannot fix the pipeline", "needs another value stream", "budget"):
        out = (
            await api.gql(ESCALATE, {"input": {"id": bid, "version": version, "reason": reason}})
        )["escalateBlocker"]
        assert out["errors"] == []
        version = out["blocker"]["version"]
        steps.append(
            (out["blocker"]["escalationLevel"], (out["blocker"]["forum"] or {}).get("name"))
        )
    beyond = (
        await api.gql(ESCALATE, {"input": {"id": bid, "version": version, "reason": "more"}})
    )["escalateBlocker"]

    assert steps == [
        ("SCRUM_OF_SCRUMS", stream.name),
        ("SCRUM_OF_SCRUMS", org.name),
        ("EXECUTIVE", org.name),
    ]
    assert beyond["errors"][0]["code"] == "INVALID_STATE"
    path = (await api.gql(BLOCKER, {"id": bid}))["blocker"]["escalationPath"]
    assert [
        (
            p["fromLevel"],
            p["toLevel"],
            (p["fromForum"] or {}).get("name"),
            (p["toForum"] or {}).get("name"),
            p["reason"],
        )
        for p in path
    ] == [
        ("TEAM", "SCRUM_OF_SCRUMS", None, stream.name, "team cannot fix the pipeline"),
        ("SCRUM_OF_SCRUMS", "SCRUM_OF_SCRUMS", stream.name, org.name, "needs another value stream"),
        ("SCRUM_OF_SCRUMS", "EXECUTIVE", org.name, None, "budget"),
    ]
    assert {p["actor"]["name"] for p in path} == {director.name}


async def test_escalation_needs_a_forum_and_a_choice_when_there_are_several(api, session):
    loner, shared = await make_team(session), await make_team(session)
    first = await make_forum(session, [shared], name="First")
    await make_forum(session, [shared], name="Second")
    orphan_blocker = await raise_on(session, loner)
    shared_blocker = await raise_on(session, shared)
    await api.login(Role.ADMIN)

    def escalation(blocker, forum_id=None):
        return {
            "input": {
                "id": gid("Blocker", blocker.id),
                "version": blocker.version,
                "reason": "help",
                "forumId": forum_id,
            }
        }

    orphan = (await api.gql(ESCALATE, escalation(orphan_blocker)))["escalateBlocker"]
    ambiguous = (await api.gql(ESCALATE, escalation(shared_blocker)))["escalateBlocker"]
    chosen = await api.gql(ESCALATE, escalation(shared_blocker, gid("Forum", first.id)))

    assert orphan["errors"][0]["code"] == "INVALID_STATE"
    assert [(e["field"], e["code"]) for e in ambiguous["errors"]] == [("forumId", "REQUIRED")]
    assert chosen["escalateBlocker"]["blocker"]["forum"]["name"] == "First"


async def test_scoped_roles_act_only_on_their_teams_or_their_forums(api, session):
    mine, other, outside = (
        await make_team(session),
        await make_team(session),
        await make_team(session),
    )
    member = await make_member(session, mine)
    facilitator = await make_person(session)
    await make_forum(session, [mine, other], facilitator=facilitator)
    raise_on_team = {"category": "ACCESS", "severity": "LOW", "title": "No bucket access"}

    await api.login(Role.TEAM_MEMBER, member.id)
    own = await api.gql(RAISE, {"input": {**raise_on_team, "teamId": gid("Team", mine.id)}})
    foreign = await api.errors(RAISE, {"input": {**raise_on_team, "teamId": gid("Team", other.id)}})
    await api.login(Role.FACILITATOR, facilitator.id)
    on_behalf = await api.gql(RAISE, {"input": {**raise_on_team, "teamId": gid("Team", other.id)}})
    beyond = await api.errors(
        RAISE, {"input": {**raise_on_team, "teamId": gid("Team", outside.id)}}
    )

    assert own["raiseBlocker"]["errors"] == []
    assert foreign[0]["extensions"] == {"code": "FORBIDDEN", "reason": "SCOPE"}
    assert on_behalf["raiseBlocker"]["blocker"]["team"]["slug"] == other.slug
    assert beyond[0]["extensions"] == {"code": "FORBIDDEN", "reason": "SCOPE"}


async def test_a_facilitator_may_escalate_what_was_escalated_to_their_forum(api, session):
    team = await make_team(session)
    top_facilitator = await make_person(session)
    org = await make_forum(session, facilitator=top_facilitator)
    await make_forum(session, [team], parent=org)
    blocker = await escalate(session, await raise_on(session, team))
    outsider = await make_member(session, await make_team(session), MembershipRole.SCRUM_MASTER)

    await api.login(Role.FACILITATOR, top_facilitator.id)
    ok = await api.gql(
        ESCALATE,
        {
            "input": {
                "id": gid("Blocker", blocker.id),
                "version": blocker.version,
                "reason": "cross-stream",
            }
        },
    )
    await api.login(Role.TEAM_MEMBER, outsider.id)
    refused = await api.errors(
        ESCALATE,
        {
            "input": {
                "id": gid("Blocker", blocker.id),
                "version": blocker.version + 1,
                "reason": "x",
            }
        },
    )

    assert ok["escalateBlocker"]["blocker"]["forum"]["name"] == org.name
    assert refused[0]["extensions"]["reason"] == "SCOPE"
