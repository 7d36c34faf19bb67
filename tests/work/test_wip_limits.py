"""WIP limits of Kanban and hybrid teams: set per status with every input problem coded, shown
on the team, an advisory limit warns and an enforced one refuses (a lead overrides with a
reason kept in the history), and the retrospective counts the days each limit was exceeded,
with the items behind it, from the items' status history."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from syncpoint.core.auth import Role
from syncpoint.core.clock import today
from syncpoint.quality import wip
from syncpoint.teams.models import Framework, MembershipRole
from syncpoint.work import checklists
from syncpoint.work import service as work_svc
from syncpoint.work.history import record_change
from syncpoint.work.models import BacklogItem, ChecklistKind, ItemChange, ItemStatus
from tests.support.factories import ADMIN, make_member, make_team
from tests.support.live import client, issue_token, live_app, live_url  # noqa: F401
from tests.support.work_factories import gid, make_item

SET = """
mutation($input: SetWipLimitsInput!) {
  setWipLimits(input: $input) {
    team { slug wipLimits { status limit enforced } } errors { field code message }
  }
}"""

TEAM = """
query($slug: String!) { team(slug: $slug) { wipLimits { status limit enforced } } }"""

STATUS = """
mutation($input: ChangeItemStatusInput!) {
  changeItemStatus(input: $input) {
    item { status version } warnings { code message } errors { field code message }
  }
}"""

HISTORY = """
query($key: String!) {
  backlogItem(key: $key) { history(first: 20) { edges { node { field newValue note } } } }
}"""

RETRO = """
query($team: ID!) {
  retrospective(teamId: $team, lastN: 1) {
    start end
    wipLimits {
      status limit enforced periodDays daysOver shareOfDaysOver datesOver peak
      items { item { key } days }
      overrides { item { key } reason count }
    }
  }
}"""


def _limits(team, limits: list[dict]) -> dict:
    return {"input": {"teamId": gid("Team", team.id), "limits": limits}}


async def _set(api, team, limits: list[dict]) -> dict:
    return (await api.gql(SET, _limits(team, limits)))["setWipLimits"]


async def test_limits_are_validated_all_at_once_and_shown_on_the_team(api, session):
    # given a Kanban team and a Scrum team
    kanban = await make_team(session, framework=Framework.KANBAN)
    scrum = await make_team(session, framework=Framework.SCRUM)
    await api.login(Role.ADMIN)

    # when the limits name an unknown status, a status without work in progress, a limit of
    # zero, a negative one and a status twice
    bad = await _set(
        api,
        kanban,
        [
            {"status": "REVIEW", "limit": 2},
            {"status": "IN_PROGRESS", "limit": 0},
            {"status": "DONE", "limit": 3},
            {"status": "READY", "limit": -1},
            {"status": "in_progress", "limit": 4},
        ],
    )

    # then every problem comes back at once, each on its field, and nothing is stored
    assert bad["team"] is None
    assert [(e["field"], e["code"]) for e in bad["errors"]] == [
        ("limits.0.status", "INVALID"),
        ("limits.1.limit", "INVALID"),
        ("limits.2.status", "INVALID"),
        ("limits.3.limit", "INVALID"),
        ("limits.4.status", "DUPLICATE"),
    ]
    assert bad["errors"][0]["message"] == (
        "'REVIEW' is not a status; WIP limits apply to READY, IN_PROGRESS."
    )
    assert (await api.gql(TEAM, {"slug": kanban.slug}))["team"]["wipLimits"] == []

    # a Scrum team has sprints, not WIP limits (it may still clear them)
    refused = await _set(api, scrum, [{"status": "IN_PROGRESS", "limit": 3}])
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("teamId", "INVALID_STATE")]
    assert (await _set(api, scrum, []))["errors"] == []

    # when valid limits are set, they are the team's, READY first
    done = await _set(
        api,
        kanban,
        [{"status": "IN_PROGRESS", "limit": 4, "enforced": True}, {"status": "READY", "limit": 6}],
    )
    assert done["errors"] == []
    assert done["team"]["wipLimits"] == [
        {"status": "READY", "limit": 6, "enforced": False},
        {"status": "IN_PROGRESS", "limit": 4, "enforced": True},
    ]

    # and setting them again replaces them
    again = await _set(api, kanban, [{"status": "IN_PROGRESS", "limit": 3}])
    assert again["errors"] == []
    assert (await api.gql(TEAM, {"slug": kanban.slug}))["team"]["wipLimits"] == [
        {"status": "IN_PROGRESS", "limit": 3, "enforced": False}
    ]


async def test_who_may_set_limits_is_who_may_set_the_teams_checklists(api, session):
    ours = await make_team(session, framework=Framework.HYBRID)
    theirs = await make_team(session, framework=Framework.KANBAN)
    member = await make_member(session, ours)
    await api.login(Role.TEAM_MEMBER, member.id)

    own = await _set(api, ours, [{"status": "IN_PROGRESS", "limit": 2}])
    assert own["errors"] == []
    errors = await api.errors(SET, _limits(theirs, [{"status": "IN_PROGRESS", "limit": 2}]))
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"

    await api.login(Role.VIEWER)
    errors = await api.errors(SET, _limits(ours, []))
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


def _move(item, status: str, version: int = 1, **extra: str) -> dict:
    return {
        "input": {"id": gid("BacklogItem", item.id), "version": version, "status": status, **extra}
    }


async def test_an_enforced_limit_refuses_and_a_lead_overrides_it_with_a_reason(api, session):
    # given a hybrid team allowing one item IN_PROGRESS (enforced), already holding one
    team = await make_team(session, framework=Framework.HYBRID)
    engineer = await make_member(session, team, MembershipRole.ML_ENGINEER)
    owner = await make_member(session, team, MembershipRole.PRODUCT_OWNER)
    first, second = await make_item(session, team), await make_item(session, team)
    await api.login(Role.ADMIN)
    await _set(api, team, [{"status": "IN_PROGRESS", "limit": 1, "enforced": True}])
    started = (await api.gql(STATUS, _move(first, "IN_PROGRESS")))["changeItemStatus"]
    assert started == {
        "item": {"status": "IN_PROGRESS", "version": 2},
        "warnings": [],
        "errors": [],
    }

    # when a second item is started
    await api.login(Role.TEAM_MEMBER, engineer.id)
    refused = (await api.gql(STATUS, _move(second, "IN_PROGRESS")))["changeItemStatus"]

    # then it is refused with the limit in words, and nothing changed
    assert refused["item"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("status", "WIP_LIMIT_REACHED")]
    assert refused["errors"][0]["message"].startswith(
        f"{second.key}: IN_PROGRESS is at its WIP limit (1 of 1 items)"
    )

    # an engineer may not override it; a blank reason is no reason
    reason = "Hotfix for the ranking outage"
    errors = await api.errors(STATUS, _move(second, "IN_PROGRESS", wipLimitOverrideReason=reason))
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    await api.login(Role.TEAM_MEMBER, owner.id)
    blank = await api.gql(STATUS, _move(second, "IN_PROGRESS", wipLimitOverrideReason="  "))
    assert [e["code"] for e in blank["changeItemStatus"]["errors"]] == ["WIP_LIMIT_REACHED"]

    # the product owner overrides it: the item moves, with a warning, and the reason is kept
    passed = await api.gql(STATUS, _move(second, "IN_PROGRESS", wipLimitOverrideReason=reason))
    assert passed["changeItemStatus"]["errors"] == []
    assert passed["changeItemStatus"]["item"]["status"] == "IN_PROGRESS"
    assert passed["changeItemStatus"]["warnings"] == [
        {
            "code": "WIP_LIMIT_REACHED",
            "message": f"{second.key}: IN_PROGRESS holds 2 items, over its WIP limit of 1 "
            "(enforced, passed by a lead).",
        }
    ]
    history = await api.gql(HISTORY, {"key": second.key})
    rows = [e["node"] for e in history["backlogItem"]["history"]["edges"]]
    assert {"field": "wipLimitOverride", "newValue": "IN_PROGRESS: 2 of 1", "note": reason} in rows

    # a status without a limit is not held back
    done = await api.gql(STATUS, _move(first, "DONE", version=2, note="shipped"))
    assert done["changeItemStatus"]["errors"] == []


OVERRIDE_GATE = """
mutation($input: OverrideQualityGateInput!) {
  overrideQualityGate(input: $input) { item { status } errors { field code } }
}"""

SET_GATE = """
mutation($input: SetQualityGateInput!) { setQualityGate(input: $input) { errors { code } } }"""


async def test_a_leads_gate_override_to_ready_passes_the_limit_with_its_reason(api, session):
    # given READY holding its enforced limit of one, and an enforced DoR the next item lacks
    team = await make_team(session, framework=Framework.HYBRID)
    owner = await make_member(session, team, MembershipRole.SCRUM_MASTER)
    first, second = await make_item(session, team), await make_item(session, team)
    await api.login(Role.ADMIN)
    await _set(api, team, [{"status": "READY", "limit": 1, "enforced": True}])
    assert (await api.gql(STATUS, _move(first, "READY")))["changeItemStatus"]["errors"] == []
    await checklists.create_check(
        session, ADMIN, team_id=team.id, kind=ChecklistKind.READY, text="Labels audited"
    )
    gate = {"teamId": gid("Team", team.id), "kind": "READY", "enforced": True}
    assert (await api.gql(SET_GATE, {"input": gate}))["setQualityGate"]["errors"] == []

    # when the Scrum master overrides the gate to set the second item READY
    await api.login(Role.TEAM_MEMBER, owner.id)
    reason = "Audit is booked for Monday"
    override = {
        "itemId": gid("BacklogItem", second.id),
        "version": 1,
        "action": "READY",
        "reason": reason,
    }
    answer = (await api.gql(OVERRIDE_GATE, {"input": override}))["overrideQualityGate"]

    # then it passes both, and the history keeps the reason for each
    assert answer == {"item": {"status": "READY"}, "errors": []}
    history = await api.gql(HISTORY, {"key": second.key})
    rows = [e["node"] for e in history["backlogItem"]["history"]["edges"]]
    assert {"field": "wipLimitOverride", "newValue": "READY: 2 of 1", "note": reason} in rows
    assert [r["note"] for r in rows if r["field"] == "qualityGateOverride"] == [reason]


MOVERS = 6


async def test_concurrent_moves_never_pass_an_enforced_limit(live_url):  # noqa: F811
    # given a committed Kanban team allowing 2 items IN_PROGRESS (enforced) and 6 items
    async with live_app(live_url) as (app, _engine):
        async with app.state.sessionmaker() as session:
            team = await make_team(session, framework=Framework.KANBAN)
            items = [await make_item(session, team) for _ in range(MOVERS)]
            await wip.set_limits(
                session,
                ADMIN,
                team_id=team.id,
                limits=[wip.LimitSpec("IN_PROGRESS", 2, enforced=True)],
            )
            await session.commit()
        token = await issue_token(app, Role.ADMIN)
        clients = [client(app, token) for _ in items]

        # when 6 clients start one item each at the same time
        async def start(i: int) -> dict:
            body = {"query": STATUS, "variables": _move(items[i], "IN_PROGRESS")}
            response = await clients[i].post("/graphql", json=body)
            return dict(response.json()["data"]["changeItemStatus"])

        try:
            results = await asyncio.gather(*(start(i) for i in range(MOVERS)))
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))

        # then exactly 2 got in, the others were refused, and the team holds 2
        codes = sorted(e["code"] for r in results for e in r["errors"])
        assert codes == ["WIP_LIMIT_REACHED"] * (MOVERS - 2), results
        async with app.state.sessionmaker() as session:
            started = await session.scalar(
                select(func.count())
                .select_from(BacklogItem)
                .where(BacklogItem.team_id == team.id, BacklogItem.status == ItemStatus.IN_PROGRESS)
            )
        assert started == 2


async def test_an_advisory_limit_lets_the_item_through_with_a_warning(api, session):
    team = await make_team(session, framework=Framework.KANBAN)
    items = [await make_item(session, team) for _ in range(3)]
    await api.login(Role.ADMIN)
    await _set(api, team, [{"status": "READY", "limit": 2}])

    answers = [(await api.gql(STATUS, _move(item, "READY")))["changeItemStatus"] for item in items]

    assert [a["errors"] for a in answers] == [[], [], []]
    assert [a["item"]["status"] for a in answers] == ["READY"] * 3
    assert [a["warnings"] for a in answers[:2]] == [[], []]
    assert answers[2]["warnings"] == [
        {
            "code": "WIP_LIMIT_REACHED",
            "message": f"{items[2].key}: READY holds 3 items, over its WIP limit of 2 (advisory).",
        }
    ]


def _at(day_offset: int, hour: int) -> datetime:
    """`day_offset` days after the retrospective's base day, at `hour` UTC."""
    base = today() - timedelta(days=10)
    return datetime(base.year, base.month, base.day, hour, tzinfo=UTC) + timedelta(days=day_offset)


async def _history(session, item, *moves: tuple[ItemStatus, datetime]):
    """Move the item through `moves`, each dated in its history."""
    for status, at in moves:
        item = await work_svc.change_status(session, ADMIN, item.id, item.version, status)
        change = await session.scalar(
            select(ItemChange)
            .where(ItemChange.item_id == item.id, ItemChange.field == "status")
            .order_by(ItemChange.id.desc())
            .limit(1)
        )
        change.at = at
    await session.flush()
    return item


async def _busy_team(session, extra_items: int = 0):
    """A Kanban team allowing 2 items IN_PROGRESS whose history goes over it on two days."""
    team = await make_team(session, framework=Framework.KANBAN)
    a, b, c, d, e = [await make_item(session, team, key=f"WIP{team.id}-{n}") for n in range(1, 6)]
    go, stop = ItemStatus.IN_PROGRESS, ItemStatus.DONE
    await _history(session, a, (go, _at(0, 9)), (stop, _at(3, 9)))
    await _history(session, b, (go, _at(1, 9)), (stop, _at(2, 12)))
    await _history(session, c, (go, _at(2, 10)), (stop, _at(5, 9)))
    # d starts the moment b finishes (a hand-over, not an overlap), and is still going
    await _history(session, d, (go, _at(2, 12)))
    # e starts the moment c finishes: day 5 holds d and c, then d and e, never three
    await _history(session, e, (go, _at(5, 9)), (stop, _at(6, 9)))
    for n in range(extra_items):
        extra = await make_item(session, team, key=f"WIP{team.id}-X{n}")
        # one after the other, an hour each, beside d: two at once, never three
        hour = _at(7, 0) + timedelta(hours=n)
        await _history(session, extra, (go, hour), (stop, hour + timedelta(hours=1)))
    overridden = await record_change(
        session, c, "wipLimitOverride", None, "IN_PROGRESS: 3 of 2", actor_id=None, note="Outage"
    )
    assert overridden is not None
    overridden.at = _at(2, 10)
    await session.flush()
    return team, (a, b, c, d, e)


async def test_the_retrospective_counts_the_days_each_limit_was_exceeded(api, session):
    # given a Kanban team allowing 2 items IN_PROGRESS, with three at once on days 2 and 3
    team, (a, b, c, d, _e) = await _busy_team(session)
    await api.login(Role.ADMIN)
    await _set(api, team, [{"status": "IN_PROGRESS", "limit": 2}, {"status": "READY", "limit": 1}])

    # when its retrospective is asked (a Kanban team: the last two weeks)
    retro = (await api.gql(RETRO, {"team": gid("Team", team.id)}))["retrospective"]

    # then IN_PROGRESS was over its limit on 2 of the 15 days, with the items behind it
    assert (retro["start"], retro["end"]) == (
        (today() - timedelta(weeks=2)).isoformat(),
        today().isoformat(),
    )
    ready, in_progress = retro["wipLimits"]
    day = today() - timedelta(days=10)
    assert in_progress == {
        "status": "IN_PROGRESS",
        "limit": 2,
        "enforced": False,
        "periodDays": 15,
        "daysOver": 2,
        "shareOfDaysOver": 2 / 15,
        "datesOver": [(day + timedelta(days=n)).isoformat() for n in (2, 3)],
        "peak": 3,
        "items": [
            {"item": {"key": a.key}, "days": 2.0},
            {"item": {"key": b.key}, "days": 1.0},
            {"item": {"key": c.key}, "days": 2.0},
            {"item": {"key": d.key}, "days": 2.0},
        ],
        "overrides": [{"item": {"key": c.key}, "reason": "Outage", "count": "IN_PROGRESS: 3 of 2"}],
    }
    # READY was never held by more than one item: no day over
    assert (ready["status"], ready["daysOver"], ready["peak"], ready["items"]) == (
        "READY",
        0,
        0,
        [],
    )


async def test_the_wip_figures_cost_the_same_statements_for_any_number_of_items(
    api, session, count_statements
):
    small, _ = await _busy_team(session)
    large, _ = await _busy_team(session, extra_items=12)
    await api.login(Role.ADMIN)
    limits = [{"status": "IN_PROGRESS", "limit": 2}, {"status": "READY", "limit": 1}]
    for team in (small, large):
        await _set(api, team, limits)

    counts = []
    for team in (small, large):
        count_statements.count = 0
        retro = (await api.gql(RETRO, {"team": gid("Team", team.id)}))["retrospective"]
        counts.append(count_statements.count)
        assert retro["wipLimits"][1]["daysOver"] == 2

    assert counts[0] == counts[1], counts
