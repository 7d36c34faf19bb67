"""Retrospective figures through GraphQL, each with the items behind it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from syncpoint.blockers import service as blockers
from syncpoint.blockers.models import BlockerCategory, BlockerSeverity, BlockerStatus
from syncpoint.cadence import calendar
from syncpoint.cadence import service as cadence
from syncpoint.cadence.calendar import sprint_node_id
from syncpoint.cadence.models import ServiceLevelExpectation
from syncpoint.core.auth import Role
from syncpoint.work import service as work_svc
from syncpoint.work.models import ItemChange, ItemKind, ItemStatus
from tests.support.factories import ADMIN, make_team
from tests.support.work_factories import gid, make_cadence, make_dependency, make_item, plan

S1, S2 = date(2026, 1, 5), date(2026, 1, 19)

RETRO = """
query($team: ID!, $n: Int!) {
  retrospective(teamId: $team, lastN: $n) {
    start end sprints { startDate }
    estimationAccuracy { kind estimatedDays actualDays ratio items { item { key } days reference } }
    researchCarryOverRate researchItems { key } carriedOverResearch { key }
    overruns { item { key } days reference }
    blockersByCategory { category blockedDays blockers { title } }
    waitingOnOtherTeams { item { key } days }
    cycleTime { sleDays percentile shareWithin within { item { key } days } }
  }
}"""


def _on(day: int, month: int = 1) -> datetime:
    return datetime(2026, month, day, 9, tzinfo=UTC)


async def _move(session, item, status: ItemStatus, at: datetime):
    """Change the item's status, dated `at` in its history."""
    item = await work_svc.change_status(session, ADMIN, item.id, item.version, status, note="")
    change = await session.scalar(
        select(ItemChange)
        .where(ItemChange.item_id == item.id, ItemChange.field == "status")
        .order_by(ItemChange.id.desc())
        .limit(1)
    )
    change.at = at
    if status is ItemStatus.IN_PROGRESS:
        item.started_on = at.date()
    await session.flush()
    return item


async def _close(session, team, start: date, carry=()):
    view = await calendar.sprint_by_node_id(session, sprint_node_id(team.id, start))
    assert view is not None
    await cadence.close_sprint(session, ADMIN, view.node_id, view.version, list(carry))


async def test_figures_over_the_last_sprints_name_their_items(api, session):
    # given two closed sprints: an experiment done over its cap, one carried over, an
    # engineering item, data and pipeline blockers, a wait on another team, and an SLE
    team, other = await make_team(session), await make_team(session)
    await make_cadence(session, team, 14, S1)
    quick = await make_item(session, team, kind=ItemKind.EXPERIMENT, estimate=5, time_cap_days=4)
    slow = await make_item(session, team, kind=ItemKind.EXPERIMENT, estimate=10, time_cap_days=20)
    build = await make_item(session, team, estimate=3)
    provider = await make_item(session, other)
    await make_dependency(session, slow, provider)
    for item in (quick, slow):
        await plan(session, item, S1)
    quick = await _move(session, quick, ItemStatus.IN_PROGRESS, _on(5))
    quick = await _move(session, quick, ItemStatus.DONE, _on(11))
    slow = await _move(session, slow, ItemStatus.IN_PROGRESS, _on(6))
    provider = await work_svc.change_status(
        session, ADMIN, provider.id, provider.version, ItemStatus.DONE
    )
    provider.finished_on = date(2026, 1, 9)
    quality = await blockers.raise_blocker(
        session,
        category=BlockerCategory.DATA_QUALITY,
        severity=BlockerSeverity.HIGH,
        title="labels drifted",
        team_id=team.id,
        raised_at=_on(7),
    )
    quality.status, quality.resolved_at = BlockerStatus.RESOLVED, _on(10)
    await session.flush()
    await _close(session, team, S1, [cadence.CarrySpec(slow.id, "needs one more run")])
    await plan(session, build, S2)
    build = await _move(session, build, ItemStatus.IN_PROGRESS, _on(19))
    build = await _move(session, build, ItemStatus.DONE, _on(21))
    await session.refresh(slow)
    slow = await _move(session, slow, ItemStatus.DONE, _on(22))
    await blockers.raise_blocker(
        session,
        category=BlockerCategory.PIPELINE_FAILURE,
        severity=BlockerSeverity.MEDIUM,
        title="training job OOM",
        team_id=team.id,
        raised_at=_on(20),
    )
    session.add(ServiceLevelExpectation(team_id=team.id, percentile=85, days=7, effective_from=S1))
    await session.flush()
    await _close(session, team, S2)
    await session.commit()
    await api.login(Role.VIEWER)

    # when the retrospective over the last two sprints is asked
    retro = (await api.gql(RETRO, {"team": gid("Team", team.id), "n": 2}))["retrospective"]

    # then
    assert (retro["start"], retro["end"]) == ("2026-01-05", "2026-02-01")
    assert [s["startDate"] for s in retro["sprints"]] == ["2026-01-05", "2026-01-19"]
    accuracy = {a["kind"]: a for a in retro["estimationAccuracy"]}
    assert accuracy["EXPERIMENT"]["estimatedDays"] == 15
    assert accuracy["EXPERIMENT"]["actualDays"] == 22  # 6 + 16 days
    assert round(accuracy["EXPERIMENT"]["ratio"], 3) == round(22 / 15, 3)
    assert {i["item"]["key"]: i["days"] for i in accuracy["EXPERIMENT"]["items"]} == {
        quick.key: 6.0,
        slow.key: 16.0,
    }
    assert accuracy["ENGINEERING"]["items"] == [
        {"item": {"key": build.key}, "days": 2.0, "reference": 3.0}
    ]
    assert retro["researchCarryOverRate"] == 0.5
    assert retro["carriedOverResearch"] == [{"key": slow.key}]
    assert retro["overruns"] == [{"item": {"key": quick.key}, "days": 6.0, "reference": 4.0}]
    assert retro["blockersByCategory"] == [
        {  # raised Jan 20 09:00, still open at the end of Feb 1
            "category": "PIPELINE_FAILURE",
            "blockedDays": 12.62,  # 12 days 15 hours
            "blockers": [{"title": "training job OOM"}],
        },
        {"category": "DATA_QUALITY", "blockedDays": 3.0, "blockers": [{"title": "labels drifted"}]},
    ]
    assert retro["waitingOnOtherTeams"] == [{"item": {"key": slow.key}, "days": 3.0}]
    cycle = retro["cycleTime"]
    assert (cycle["sleDays"], cycle["percentile"]) == (7, 85)
    assert round(cycle["shareWithin"], 3) == round(2 / 3, 3)
    assert sorted(i["item"]["key"] for i in cycle["within"]) == sorted([quick.key, build.key])

    # one sprint only: the second one's figures
    one = (await api.gql(RETRO, {"team": gid("Team", team.id), "n": 1}))["retrospective"]
    assert [s["startDate"] for s in one["sprints"]] == ["2026-01-19"]
    assert one["researchCarryOverRate"] == 0.0
    assert one["overruns"] == []


async def test_last_n_is_bounded(api, session):
    team = await make_team(session)
    await session.commit()
    await api.login(Role.VIEWER)
    errors = await api.errors(RETRO, {"team": gid("Team", team.id), "n": 0})
    assert errors[0]["extensions"]["field"] == "lastN"
