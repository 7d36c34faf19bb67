"""Generated agendas: a hand-built scenario with a known ranking, the timebox, determinism, and
which forum a topic belongs to. Dates are relative to today (the agenda's date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from syncpoint.analysis.model import ItemStatus
from syncpoint.blockers.models import Blocker, BlockerCategory, BlockerSeverity
from syncpoint.core.auth import Role
from syncpoint.core.clock import today
from syncpoint.dependencies import service as deps
from syncpoint.forums import repository as forums_repo
from syncpoint.forums.models import Forum
from syncpoint.scrum_of_scrums import meetings
from syncpoint.scrum_of_scrums.agenda_service import generate_agenda
from syncpoint.scrum_of_scrums.models import ActionItem
from syncpoint.teams.models import Team
from syncpoint.work import service as work
from syncpoint.work.models import ItemKind
from tests.support.factories import ADMIN, make_team
from tests.support.sos_factories import carry_over, escalate, make_forum, raise_on
from tests.support.work_factories import gid, make_cadence, make_dependency, make_item, plan

AGENDA = """
query($forumId: ID!, $date: Date) {
  agenda(forumId: $forumId, date: $date) {
    date timeboxMinutes usedMinutes
    entries { key section rank score minutes startMinute endMinute startsAt reason numbers
              links { kind id } suggestedOwner { name } ownerTeam { slug } }
    leftOut { key section rank whyLeftOut }
    sections { section minutes entries { key } leftOut { key } }
  }
}"""


@dataclass
class Scenario:
    forum: Forum
    a: Team
    b: Team
    c: Team
    blockers: dict[str, Blocker]
    actions: dict[str, ActionItem]
    keys: dict[str, str]


async def build(session) -> Scenario:
    """Teams A, B, C (Scrum, 14 days) in one forum; X outside it. See the expected ranking."""
    t = today()
    a, b, c, x = [await make_team(session, name=n) for n in ("A", "B", "C", "X")]
    forum = await make_forum(session, [a, b, c], duration_minutes=15)
    await make_cadence(session, a, 14, t - timedelta(days=3))  # [T-3, T+10], [T+11, T+24]
    await make_cadence(session, b, 14, t - timedelta(days=10))  # [T-10, T+3], [T+4, T+17]
    await make_cadence(session, c, 14, t - timedelta(days=31))  # ..., [T-3, T+10]
    # a2 needs a1 needs b1: a1 is needed at T+11, b1 only arrives at T+18 (LATE by 7 days).
    a1, a2, b1 = (
        await make_item(session, a),
        await make_item(session, a),
        await make_item(session, b),
    )
    await plan(session, a1, t + timedelta(days=11))
    await plan(session, b1, t + timedelta(days=4))
    dependency = await make_dependency(session, a1, b1)
    await make_dependency(session, a2, a1)
    # Integration point at T+10: A's a3 arrives T+11 (at risk by 1 day); B's b3 arrives T+4.
    a3, b3 = await make_item(session, a), await make_item(session, b)
    await plan(session, a3, t - timedelta(days=3))
    await plan(session, b3, t - timedelta(days=10))
    point = await deps.create_integration_point(
        session, ADMIN, name="Launch", day=t + timedelta(days=10), item_ids=[a3.id, b3.id]
    )
    # Research: a spike 5 days over its 5-day cap; an experiment carried over twice.
    spike = await make_item(session, c, kind=ItemKind.SPIKE, time_cap_days=5)
    await work.change_status(
        session, ADMIN, spike.id, spike.version, ItemStatus.IN_PROGRESS, on=t - timedelta(days=10)
    )
    experiment = await make_item(session, c, kind=ItemKind.EXPERIMENT)
    await carry_over(session, experiment, t - timedelta(days=31), 2, 14)
    c1 = await make_item(session, c)
    blockers = {
        "critical": await raise_on(session, b1, severity=BlockerSeverity.CRITICAL),
        "team": await raise_on(session, c, severity=BlockerSeverity.MEDIUM),
        "escalated": await escalate(session, await raise_on(session, a2)),
        "outside": await raise_on(session, x, severity=BlockerSeverity.CRITICAL),
        "sla": await raise_on(
            session, b, category=BlockerCategory.SLA_BREACH, severity=BlockerSeverity.MEDIUM
        ),
        "compute": await raise_on(
            session, c1, category=BlockerCategory.COMPUTE_CONTENTION, severity=BlockerSeverity.LOW
        ),
    }
    rep_a = (await forums_repo.active_members_by_forum(session, [forum.id]))[0][0].representative_id
    actions = {
        "overdue": await meetings.create_action_item(
            session,
            ADMIN,
            title="Chase data contract",
            owner_id=rep_a,
            due_on=t - timedelta(days=2),
            forum_id=forum.id,
        ),
        "later": await meetings.create_action_item(
            session,
            ADMIN,
            title="Draft SLA",
            owner_id=rep_a,
            due_on=t + timedelta(days=5),
            forum_id=forum.id,
        ),
    }
    keys = {
        "critical": f"blocker:{blockers['critical'].id}",
        "dependency": f"dependency:{dependency.id}",
        "escalated": f"blocker:{blockers['escalated'].id}",
        "at_risk": f"integration:{point.id}:INTEGRATION_AT_RISK:{a.id}",
        "spike": f"research:{spike.id}",
        "overdue": f"action:{actions['overdue'].id}",
        "team": f"blocker:{blockers['team'].id}",
        "misaligned": f"integration:{point.id}:CADENCE_MISALIGNED:{a.id}-{b.id}",
        "sla": f"blocker:{blockers['sla'].id}",
        "experiment": f"research:{experiment.id}",
        "compute": f"blocker:{blockers['compute'].id}",
        "later": f"action:{actions['later'].id}",
    }
    return Scenario(forum, a, b, c, blockers, actions, keys)


async def test_known_ranking_and_timebox(session):
    s = await build(session)

    generated = await generate_agenda(session, s.forum.id, today())
    agenda = generated.agenda

    ranked = sorted([*agenda.entries, *agenda.left_out], key=lambda e: e.rank)
    k = s.keys
    assert [(e.candidate.key, e.score) for e in ranked] == [
        (k["critical"], 500 + 40 * 1 + 10 * 2),  # b1 holds a1, a2 of one other team
        (k["dependency"], 400 + 40 * 1 + 10 * 2 + 3 * 7),  # 7 days late, a1 and a2 wait
        (k["escalated"], 400 + 50),
        (k["at_risk"], 400 + 40 * 1 + 3 * 1),
        (k["spike"], 400 + 3 * 5),
        (k["overdue"], 400 + 3 * 2),
        (k["sla"], 300 + 40 * 1 + 10 * 2),  # a team blocker holds B's open items: b1 -> a1, a2
        (k["team"], 300),
        (k["misaligned"], 300),  # ties break by section order, then key
        (k["experiment"], 300),
        (k["compute"], 200),
        (k["later"], 200),
    ]
    # Breadth first: the top of each of the 7 sections (2+2+2+1+1+2+2 = 12 minutes), then by
    # rank: the escalated blocker (2) fits, C's team blocker and the misalignment (2 each) do
    # not with 1 minute left, the experiment (1) does, the later action item finds 0 left.
    assert [o.candidate.key for o in agenda.left_out] == [k["team"], k["misaligned"], k["later"]]
    assert agenda.used_minutes == 15
    assert [e.candidate.section.value for e in agenda.entries] == [
        "NEW_OR_ESCALATED_BLOCKERS",
        "NEW_OR_ESCALATED_BLOCKERS",
        "DEPENDENCIES_AT_RISK",
        "CADENCE_MISALIGNMENTS",
        "SLA_BREACHES",
        "RESEARCH_OVERRUNS",
        "RESEARCH_OVERRUNS",
        "COMPUTE_CONTENTION",
        "ACTION_ITEMS",
    ]
    assert f"blocker:{s.blockers['outside'].id}" not in {e.candidate.key for e in ranked}


async def test_the_same_data_and_date_give_the_same_agenda(api, session):
    s = await build(session)
    await api.login(Role.VIEWER)
    variables = {"forumId": gid("Forum", s.forum.id), "date": today().isoformat()}

    first = await api.gql(AGENDA, variables)
    second = await api.gql(AGENDA, variables)
    direct = (await generate_agenda(session, s.forum.id, today())).snapshot()
    again = (await generate_agenda(session, s.forum.id, today())).snapshot()

    assert first == second
    assert direct == again
    assert [e["key"] for e in first["agenda"]["entries"]] == [e["key"] for e in direct["entries"]]


async def test_entries_explain_themselves_and_carry_slots_links_and_owners(api, session):
    s = await build(session)
    await api.login(Role.VIEWER)

    agenda = (await api.gql(AGENDA, {"forumId": gid("Forum", s.forum.id)}))["agenda"]

    entries = {e["key"]: e for e in agenda["entries"]}
    critical = entries[s.keys["critical"]]
    assert (critical["startMinute"], critical["endMinute"]) == (0, 2)
    assert critical["numbers"]["downstreamItems"] == 2
    assert "2 item(s) and 1 other team(s) wait downstream" in critical["reason"]
    assert {"kind": "Blocker", "id": gid("Blocker", s.blockers["critical"].id)} in critical["links"]
    assert critical["ownerTeam"]["slug"] == s.b.slug
    assert critical["suggestedOwner"] is not None  # B's representative
    dependency = entries[s.keys["dependency"]]
    assert dependency["numbers"]["lateByDays"] == 7
    assert "7 days late" in dependency["reason"]
    sections = {x["section"]: x for x in agenda["sections"]}
    assert [e["key"] for e in sections["CADENCE_MISALIGNMENTS"]["leftOut"]] == [
        s.keys["misaligned"]
    ]
    assert [e["key"] for e in sections["COMPUTE_CONTENTION"]["entries"]] == [s.keys["compute"]]
    assert sum(x["minutes"] for x in agenda["sections"]) == agenda["usedMinutes"] == 15
    assert {o["whyLeftOut"] for o in agenda["leftOut"]} <= {
        "needs 2 min, 1 of the 15-minute timebox left",
        "needs 2 min, 0 of the 15-minute timebox left",
        "needs 1 min, 0 of the 15-minute timebox left",
    }


async def test_open_action_items_return_until_done(session):
    team = await make_team(session)
    forum = await make_forum(session, [team])
    owner = (await forums_repo.active_members_by_forum(session, [forum.id]))[0][0].representative_id
    item = await meetings.create_action_item(
        session,
        ADMIN,
        title="Book the GPU window",
        owner_id=owner,
        due_on=today(),
        forum_id=forum.id,
    )

    before = await generate_agenda(session, forum.id, today() + timedelta(days=7))
    await meetings.complete_action_item(session, ADMIN, item.id, item.version)
    after = await generate_agenda(session, forum.id, today() + timedelta(days=7))

    assert [e.candidate.key for e in before.agenda.entries] == [f"action:{item.id}"]
    assert before.agenda.entries[0].candidate.numbers["overdueDays"] == 7
    assert after.agenda.entries == ()


async def test_a_parent_forum_sees_escalations_and_cross_forum_matters_only(session):
    t = today()
    left, right, solo = await make_team(session), await make_team(session), await make_team(session)
    org = await make_forum(session, name="Org")
    await make_forum(session, [left], parent=org)
    await make_forum(session, [right, solo], parent=org)
    for team in (left, right, solo):
        await make_cadence(session, team, 14, t - timedelta(days=3))
    consumer, provider, inner = [await make_item(session, t) for t in (left, right, solo)]
    await plan(session, consumer, t + timedelta(days=11))
    await plan(session, inner, t + timedelta(days=11))
    cross = await make_dependency(session, consumer, provider)  # provider unplanned
    within = await make_dependency(session, inner, await make_item(session, right))
    new_in_child = await raise_on(session, left)
    escalated = await escalate(session, await escalate(session, await raise_on(session, right)))

    keys = {e.candidate.key for e in (await generate_agenda(session, org.id, t)).agenda.entries}

    assert f"dependency:{cross.id}" in keys
    assert f"dependency:{within.id}" not in keys
    assert f"blocker:{escalated.id}" in keys
    assert f"blocker:{new_in_child.id}" not in keys


async def test_new_means_raised_since_the_previous_meeting(session):
    team = await make_team(session)
    forum = await make_forum(session, [team])
    blocker = await raise_on(session, team)
    await meetings.hold_meeting(session, ADMIN, forum.id, today() + timedelta(days=1))

    before = await generate_agenda(session, forum.id, today())
    after = await generate_agenda(session, forum.id, today() + timedelta(days=3))

    assert before.data.since == today() - timedelta(days=7)  # no meeting before: last week
    assert [e.candidate.key for e in before.agenda.entries] == [f"blocker:{blocker.id}"]
    assert after.data.since == today() + timedelta(days=1)
    assert after.agenda.entries == ()
