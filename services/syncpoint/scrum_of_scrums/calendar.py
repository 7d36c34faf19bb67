"""iCalendar feeds that calendar programs subscribe to: a forum's meetings and a team's sprints.

A forum's cadence is one weekly recurring event (RRULE FREQ=WEEKLY;BYDAY=..;COUNT=..) in the
forum's time zone, so calendar programs follow daylight-saving changes; a team's sprints are
all-day events (DTEND exclusive, as RFC 5545 wants), generated and stored sprints alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from syncpoint.cadence.calendar import SprintView
from syncpoint.core.auth import read_policy
from syncpoint.forums.models import Forum

# The feeds are read operations (HTTP routes in calendar_routes.py); declared here, with the
# GraphQL schema's imports, so the permission table always lists them.
FORUM_CALENDAR = read_policy("forumCalendar")
TEAM_SPRINT_CALENDAR = read_policy("teamSprintCalendar")

PRODID = "-//Syncpoint//Scrum of Scrums//EN"
MAX_WEEKS = 104


def meeting_days(forum: Forum, start: date, end: date) -> list[date]:
    """Days in [start, end] on which the forum meets."""
    days = {d.position for d in forum.weekdays}
    count = (end - start).days + 1
    return [
        start + timedelta(n)
        for n in range(max(count, 0))
        if (start + timedelta(n)).weekday() in days
    ]


def upcoming_meetings(forum: Forum, from_date: date, count: int) -> list[datetime]:
    """Start instants (UTC) of the next `count` meetings on or after `from_date`."""
    if not forum.weekdays or count <= 0:
        return []
    zone = ZoneInfo(forum.time_zone)
    weeks = count // len(forum.weekdays) + 2
    days = meeting_days(forum, from_date, from_date + timedelta(weeks=weeks))[:count]
    return [datetime.combine(d, forum.meeting_time, tzinfo=zone).astimezone(UTC) for d in days]


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def forum_ics(forum: Forum, *, start: date, weeks: int, description: str, stamp: datetime) -> bytes:
    """The forum's meetings for `weeks` weeks from `start`, as one recurring event."""
    cal = _calendar(f"{forum.name} (Scrum of Scrums)")
    days = meeting_days(forum, start, start + timedelta(weeks=weeks) - timedelta(days=1))
    if days:
        zone = ZoneInfo(forum.time_zone)
        first = datetime.combine(days[0], forum.meeting_time, tzinfo=zone)
        event = Event()
        event.add("uid", f"forum-{forum.id}-meetings@syncpoint")
        event.add("dtstamp", stamp)
        event.add("summary", f"{forum.name} (Scrum of Scrums)")
        event.add("description", description)
        event.add("dtstart", first)
        event.add("duration", timedelta(minutes=forum.duration_minutes))
        event.add(
            "rrule",
            {"freq": "weekly", "byday": [d.ical for d in forum.weekdays], "count": len(days)},
        )
        cal.add_component(event)
        cal.add_missing_timezones()
    return cal.to_ical()


def sprints_ics(
    team_id: int, team_name: str, sprints: Sequence[SprintView], *, stamp: datetime
) -> bytes:
    """The team's sprints as all-day events (end exclusive, the day after the last day)."""
    cal = _calendar(f"{team_name} sprints")
    for sprint in sprints:
        event = Event()
        event.add("uid", f"team-{team_id}-sprint-{sprint.start.isoformat()}@syncpoint")
        event.add("dtstamp", stamp)
        name = sprint.stored.name if sprint.stored is not None and sprint.stored.name else None
        event.add("summary", f"{team_name} sprint {name or sprint.label}")
        event.add("dtstart", sprint.start)
        event.add("dtend", sprint.end + timedelta(days=1))
        event.add("description", f"Sprint {sprint.label} ({sprint.state.value.lower()}).")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
