"""The sprint review through GraphQL: outcomes, experiments, metric trends, deliveries."""

from __future__ import annotations

from datetime import UTC, date, datetime

from syncpoint.cadence import calendar
from syncpoint.cadence import service as cadence
from syncpoint.cadence.calendar import sprint_node_id
from syncpoint.core.auth import Role
from syncpoint.work import service as work_svc
from syncpoint.work.models import ItemKind, ItemStatus, MetricObservation
from tests.support.factories import ADMIN, make_team
from tests.support.work_factories import (
    gid,
    make_cadence,
    make_dependency,
    make_item,
    plan,
    sprint_gid,
)

S1, S2, S3 = date(2026, 1, 5), date(2026, 1, 19), date(2026, 2, 2)

REVIEW = """
query($team: ID!, $sprint: ID!, $n: Int!) {
  sprintReview(teamId: $team, sprintId: $sprint, lastSprints: $n) {
    sprint { startDate }
    done { item { key } outcome }
    carriedOver { item { key } note }
    returned { item { key } }
    dropped { item { key } }
    open { item { key } }
    experiments {
      item { key } outcome note latestMetrics { metric value } criteria { text met observedValue }
    }
    metricTrends { metric points { sprint { startDate } value delta } }
    deliveredToTeam { consumer { key } provider { key } }
    deliveredByTeam { consumer { key } provider { key } }
  }
}"""


async def _set_status(session, item, status: ItemStatus, finished: date | None = None):
    item = await work_svc.change_status(session, ADMIN, item.id, item.version, status, note="")
    if finished is not None:
        item.finished_on = finished
        await session.flush()
    return item


def _observe(session, item, day: date, **values: float) -> None:
    at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    session.add(MetricObservation(item_id=item.id, values=values, observed_at=at))


async def test_a_closed_sprint_is_reviewed_with_outcomes_trends_and_deliveries(api, session):
    # given a team with two-week sprints and four items planned into its third sprint
    team, other = await make_team(session), await make_team(session)
    await make_cadence(session, team, 14, S1)
    winner = await make_item(session, team, kind=ItemKind.EXPERIMENT, key=f"WIN-{team.id}")
    pending = await make_item(session, team, kind=ItemKind.EXPERIMENT, key=f"PEND-{team.id}")
    dropped = await make_item(session, team, key=f"DROP-{team.id}")
    back = await make_item(session, team, key=f"BACK-{team.id}")
    for item in (winner, pending, dropped, back):
        await plan(session, item, S3)
    await work_svc.set_criteria(
        session,
        ADMIN,
        winner.id,
        winner.version,
        [work_svc.CriterionSpec(metric="precision", comparator="GTE", threshold=0.9)],
    )
    # precision observed in each of the three sprints (the latest in a sprint counts)
    _observe(session, winner, date(2026, 1, 8), precision=0.80)
    _observe(session, winner, date(2026, 1, 10), precision=0.85, recall=0.7)
    _observe(session, winner, date(2026, 1, 25), precision=0.88)
    _observe(session, winner, date(2026, 2, 10), precision=0.91)
    # another team delivers to the winner; this team delivers to the other team
    provider = await make_item(session, other, key=f"PROV-{other.id}")
    await make_dependency(session, winner, provider)
    await _set_status(session, provider, ItemStatus.DONE, date(2026, 2, 5))
    consumer = await make_item(session, other, key=f"CONS-{other.id}")
    await make_dependency(session, consumer, back)
    late = await make_item(session, other, key=f"LATE-{other.id}")
    await make_dependency(session, late, dropped)  # dropped, never delivered
    await session.refresh(winner)
    await _set_status(session, winner, ItemStatus.DONE, date(2026, 2, 12))
    await session.refresh(dropped)
    await _set_status(session, dropped, ItemStatus.DROPPED)
    await session.refresh(back)
    back_item = await _set_status(session, back, ItemStatus.DONE, date(2026, 2, 6))
    back_item.status = ItemStatus.IN_PROGRESS  # reopened: delivered once, unfinished at close
    await session.flush()
    view = await calendar.sprint_by_node_id(session, sprint_node_id(team.id, S3))
    assert view is not None
    await cadence.close_sprint(
        session,
        ADMIN,
        view.node_id,
        view.version,
        [cadence.CarrySpec(pending.id, "needs the new labels")],
    )
    await session.commit()
    await api.login(Role.VIEWER)

    # when its review is asked with trends over three sprints
    data = await api.gql(
        REVIEW, {"team": gid("Team", team.id), "sprint": sprint_gid(team, S3), "n": 3}
    )
    review = data["sprintReview"]

    # then each item is where the close put it
    assert review["sprint"] == {"startDate": "2026-02-02"}
    assert review["done"] == [{"item": {"key": winner.key}, "outcome": "DONE"}]
    assert review["carriedOver"] == [{"item": {"key": pending.key}, "note": "needs the new labels"}]
    assert review["returned"] == [{"item": {"key": back.key}}]
    assert review["dropped"] == [{"item": {"key": dropped.key}}]
    assert review["open"] == []
    # each experiment with its outcome, latest numbers and criteria
    experiments = {e["item"]["key"]: e for e in review["experiments"]}
    assert experiments[winner.key]["outcome"] == "DONE"
    assert experiments[winner.key]["latestMetrics"] == [
        {"metric": "precision", "value": 0.91},
        {"metric": "recall", "value": 0.7},
    ]
    assert experiments[winner.key]["criteria"] == [
        {"text": "precision >= 0.9", "met": True, "observedValue": 0.91}
    ]
    assert experiments[pending.key]["outcome"] == "CARRIED_OVER"
    assert experiments[pending.key]["note"] == "needs the new labels"
    assert experiments[pending.key]["criteria"] == []
    # the criterion's metric sprint by sprint, with deltas
    (trend,) = review["metricTrends"]
    assert trend["metric"] == "precision"
    points = [(p["sprint"]["startDate"], p["value"], p["delta"]) for p in trend["points"]]
    assert [p[0] for p in points] == ["2026-01-05", "2026-01-19", "2026-02-02"]
    assert [p[1] for p in points] == [0.85, 0.88, 0.91]
    assert points[0][2] is None
    assert round(points[1][2], 6) == 0.03
    assert round(points[2][2], 6) == 0.03
    # deliveries across teams inside the sprint's dates
    assert review["deliveredToTeam"] == [
        {"consumer": {"key": winner.key}, "provider": {"key": provider.key}}
    ]
    assert review["deliveredByTeam"] == []  # the reopened item no longer counts as delivered

    # fewer sprints of trend when asked
    two = await api.gql(
        REVIEW, {"team": gid("Team", team.id), "sprint": sprint_gid(team, S3), "n": 1}
    )
    assert [p["value"] for p in two["sprintReview"]["metricTrends"][0]["points"]] == [0.91]


async def test_a_running_sprint_shows_open_work_and_a_wrong_team_is_refused(api, session):
    team, other = await make_team(session), await make_team(session)
    await make_cadence(session, team, 14, S1)
    item = await make_item(session, team)
    await plan(session, item, S2)
    provider = await make_item(session, team, key=f"GIVE-{team.id}")
    consumer = await make_item(session, other, key=f"TAKE-{other.id}")
    await make_dependency(session, consumer, provider)
    await _set_status(session, provider, ItemStatus.DONE, date(2026, 1, 20))
    await session.commit()
    await api.login(Role.VIEWER)
    data = await api.gql(
        REVIEW, {"team": gid("Team", team.id), "sprint": sprint_gid(team, S2), "n": 3}
    )
    assert data["sprintReview"]["open"] == [{"item": {"key": item.key}}]
    assert data["sprintReview"]["metricTrends"] == []
    assert data["sprintReview"]["deliveredByTeam"] == [
        {"consumer": {"key": consumer.key}, "provider": {"key": provider.key}}
    ]

    errors = await api.errors(
        REVIEW, {"team": gid("Team", other.id), "sprint": sprint_gid(team, S2), "n": 3}
    )
    assert errors[0]["extensions"]["code"] == "INVALID"
    errors = await api.errors(
        REVIEW, {"team": gid("Team", team.id), "sprint": sprint_gid(team, S2), "n": 40}
    )
    assert errors[0]["extensions"]["field"] == "lastSprints"


RESULTS = """
query($team: ID!, $sprint: ID!) {
  sprintReview(teamId: $team, sprintId: $sprint) {
    experiments { item { key } result observedValue resultNotes }
  }
}"""


async def test_the_review_shows_each_experiments_recorded_result(api, session):
    from syncpoint.work import design
    from syncpoint.work.gate_models import ResultOutcome

    team = await make_team(session)
    await make_cadence(session, team, 14, S1)
    ended = await make_item(session, team, kind=ItemKind.EXPERIMENT, key=f"END-{team.id}")
    running = await make_item(session, team, kind=ItemKind.EXPERIMENT, key=f"RUN-{team.id}")
    for item in (ended, running):
        await plan(session, item, S2)
    await design.set_design(
        session,
        ADMIN,
        ended.id,
        {"metric": "ctr", "baseline_value": 0.45, "minimum_effect": 0.02},
    )
    await design.record_result(
        session,
        ADMIN,
        ended.id,
        outcome=ResultOutcome.INCONCLUSIVE,
        observed_value=0.5,
        notes="too few users in the test week",
    )
    await session.commit()
    await api.login(Role.VIEWER)
    data = await api.gql(RESULTS, {"team": gid("Team", team.id), "sprint": sprint_gid(team, S2)})
    by_key = {e["item"]["key"]: e for e in data["sprintReview"]["experiments"]}
    assert by_key[ended.key] == {
        "item": {"key": ended.key},
        "result": "INCONCLUSIVE",
        "observedValue": 0.5,
        "resultNotes": "too few users in the test week",
    }
    assert by_key[running.key]["result"] is None
