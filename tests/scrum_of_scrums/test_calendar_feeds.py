"""iCalendar feeds, parsed back with the `icalendar` library as a calendar program would."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from icalendar import Calendar

from syncpoint.auth.service import create_token
from syncpoint.core.auth import Role
from syncpoint.core.clock import today
from syncpoint.forums.models import Weekday
from tests.support.factories import make_team
from tests.support.sos_factories import make_forum
from tests.support.work_factories import gid, make_cadence


async def _token(api, session, role=Role.VIEWER, *, feed: bool = False) -> str:
    issued = await create_token(session, role=role, person_id=None, days=1, feed=feed)
    await session.commit()
    return issued.secret


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _events(body: bytes) -> list:
    return [c for c in Calendar.from_ical(body).walk() if c.name == "VEVENT"]


async def test_forum_feed_is_one_weekly_recurring_event_in_the_forum_time_zone(api, session):
    team = await make_team(session, name="Ranking")
    forum = await make_forum(
        session,
        [team],
        weekdays=(Weekday.TUESDAY, Weekday.THURSDAY),
        meeting_time=time(9, 15),
        time_zone="Europe/Berlin",
        duration_minutes=20,
        name="Discovery SoS",
    )
    key = await _token(api, session, feed=True)  # what a calendar program subscribes with

    response = await api.http.get(
        f"/calendar/feeds/{key}/forums/{gid('Forum', forum.id)}.ics", params={"weeks": 4}
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    (event,) = _events(response.content)
    start = event.decoded("dtstart")
    assert str(event["summary"]) == "Discovery SoS (Scrum of Scrums)"
    assert "Ranking" in str(event["description"])
    assert event.decoded("duration") == timedelta(minutes=20)
    assert str(start.tzinfo) == "Europe/Berlin"  # local time: DST changes follow the forum
    occurrences = list(rrulestr(event["rrule"].to_ical().decode(), dtstart=start))
    assert len(occurrences) == 8  # two a week for four weeks
    assert {o.strftime("%A") for o in occurrences} == {"Tuesday", "Thursday"}
    assert all(o.time() == time(9, 15) for o in occurrences)
    assert today() <= occurrences[0].date() < today() + timedelta(days=7)


async def test_team_sprint_feed_lists_sprints_as_all_day_events(api, session):
    team = await make_team(session)
    anchor = today() - timedelta(days=today().weekday())  # this week's Monday
    await make_cadence(session, team, 14, anchor - timedelta(days=28))
    token = await _token(api, session)

    response = await api.http.get(
        f"/calendar/teams/{team.slug}/sprints.ics",
        headers={"Authorization": f"Bearer {token}"},
        params={"weeks": 4},
    )

    events = _events(response.content)
    spans = [(e.decoded("dtstart"), e.decoded("dtend")) for e in events]
    assert response.status_code == 200
    assert all(isinstance(s, date) and not isinstance(s, datetime) for s, _ in spans)
    assert all((end - start).days == 14 for start, end in spans)  # DTEND is exclusive
    assert anchor in [s for s, _ in spans]
    assert len({str(e["uid"]) for e in events}) == len(events)


async def test_feeds_need_a_valid_token(api, session):
    team = await make_team(session)
    forum = await make_forum(session, [team])
    path = f"/calendar/forums/{forum.id}.ics"

    missing = await api.http.get(path)
    bogus = await api.http.get(path, headers=_bearer("sp_not-a-token"))
    unknown = await api.http.get(
        "/calendar/teams/no-such-team/sprints.ics", headers=_bearer(await _token(api, session))
    )

    assert missing.status_code == 401
    assert bogus.status_code == 401
    assert unknown.status_code == 404
