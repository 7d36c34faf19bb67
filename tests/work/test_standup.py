"""A team's daily digest: experiment results, observations, data blockers, new flags."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from syncpoint.analysis.flag_types import Flag, FlagCode, Severity, SubjectKind
from syncpoint.blockers import service as blockers
from syncpoint.blockers.models import BlockerCategory, BlockerSeverity
from syncpoint.core.auth import Role
from syncpoint.core.clock import today
from syncpoint.quality.standup import last_working_day, new_dependency_flags
from syncpoint.work import service as work_svc
from syncpoint.work.models import ItemKind, ItemStatus, MetricObservation
from tests.support.factories import ADMIN, make_team
from tests.support.work_factories import gid, make_cadence, make_dependency, make_item, plan

STANDUP = """
query($team: ID!, $date: Date!) {
  standup(teamId: $team, date: $date) {
    day since
    experimentResults { item { key } status note }
    observations { item { key } observation { values { metric value } } }
    blockers { title category }
    newDependencyFlags { code }
    text
  }
}"""


def test_the_last_working_day_skips_the_weekend():
    assert last_working_day(date(2026, 12, 7)) == date(2026, 12, 4)  # Monday -> Friday
    assert last_working_day(date(2026, 12, 2)) == date(2026, 12, 1)
    assert last_working_day(date(2026, 12, 6)) == date(2026, 12, 4)  # Sunday -> Friday


def _flag(code: FlagCode, subject: int, teams: tuple[int, ...]) -> Flag:
    return Flag(
        code, Severity.HIGH, SubjectKind.DEPENDENCY, subject, f"{code} {subject}", {}, teams
    )


def test_only_flags_absent_the_last_working_day_on_the_teams_dependencies_are_new():
    before = [_flag(FlagCode.LATE, 1, (7, 8))]
    now = [
        _flag(FlagCode.LATE, 1, (7, 8)),  # there already
        _flag(FlagCode.SAME_SPRINT, 1, (7, 8)),  # new code on the same dependency
        _flag(FlagCode.LATE, 2, (7, 9)),  # a new dependency flagged
        _flag(FlagCode.LATE, 3, (5, 6)),  # not this team's
    ]
    assert [(f.code, f.subject_id) for f in new_dependency_flags(7, now, before)] == [
        (FlagCode.SAME_SPRINT, 1),
        (FlagCode.LATE, 2),
    ]


async def test_the_standup_names_what_happened_since_the_last_working_day(api, session):
    # given a team whose experiment ended today, an engineering item done, metric observations
    # today and last week, data and access blockers, and a dependency flagged both days
    day = today()
    team, other = await make_team(session), await make_team(session)
    experiment = await make_item(session, team, kind=ItemKind.EXPERIMENT)
    engineering = await make_item(session, team)
    await work_svc.change_status(
        session, ADMIN, experiment.id, experiment.version, ItemStatus.DONE, note="confirmed +2%"
    )
    await work_svc.change_status(
        session, ADMIN, engineering.id, engineering.version, ItemStatus.DONE
    )
    now = datetime.now(UTC)
    session.add(MetricObservation(item_id=experiment.id, values={"ndcg": 0.41}, observed_at=now))
    old = now - timedelta(days=8)
    session.add(MetricObservation(item_id=experiment.id, values={"ndcg": 0.3}, observed_at=old))
    await blockers.raise_blocker(
        session,
        category=BlockerCategory.PIPELINE_FAILURE,
        severity=BlockerSeverity.HIGH,
        title="nightly features job fails",
        team_id=team.id,
    )
    await blockers.raise_blocker(
        session,
        category=BlockerCategory.ACCESS,
        severity=BlockerSeverity.LOW,
        title="no bucket access",
        team_id=team.id,
    )
    await make_cadence(session, team, 14, day - timedelta(days=3))
    consumer = await make_item(session, team)
    await plan(session, consumer, day - timedelta(days=3))
    provider = await make_item(session, other)
    await make_dependency(session, consumer, provider)  # unplanned provider: flagged both days
    await session.commit()
    await api.login(Role.VIEWER)

    # when its standup is asked for today
    data = (await api.gql(STANDUP, {"team": gid("Team", team.id), "date": day.isoformat()}))[
        "standup"
    ]

    # then it covers the period since the last working day and names what matters
    assert data["since"] == last_working_day(day).isoformat()
    assert data["experimentResults"] == [
        {"item": {"key": experiment.key}, "status": "DONE", "note": "confirmed +2%"}
    ]
    assert data["observations"] == [
        {
            "item": {"key": experiment.key},
            "observation": {"values": [{"metric": "ndcg", "value": 0.41}]},
        }
    ]
    assert data["blockers"] == [
        {"title": "nightly features job fails", "category": "PIPELINE_FAILURE"}
    ]
    assert data["newDependencyFlags"] == []
    assert data["text"].splitlines() == [
        f"Standup {day.isoformat()} (since {last_working_day(day).isoformat()}):",
        f"- {experiment.key} done: confirmed +2%",
        f"- {experiment.key} observed ndcg 0.41",
        "- blocked (pipeline failure): nightly features job fails",
    ]

    # a week later nothing of this is news, but the open blocker still stands
    later = (
        await api.gql(
            STANDUP, {"team": gid("Team", team.id), "date": (day + timedelta(days=7)).isoformat()}
        )
    )["standup"]
    assert later["experimentResults"] == []
    assert later["observations"] == []
    assert [b["title"] for b in later["blockers"]] == ["nightly features job fails"]
