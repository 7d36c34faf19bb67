"""Meetings of a forum: held from the generated agenda (frozen as a snapshot), with notes,
decisions and action items. Open action items return on every agenda until completed."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.blockers.models import Blocker
from syncpoint.core.auth import Access, Actor, policy
from syncpoint.core.errors import (
    DomainError,
    DuplicateError,
    ErrorCode,
    PermissionDenied,
    Problems,
    check_version,
    require_found,
)
from syncpoint.core.models import utcnow
from syncpoint.forums.access import require_facilitation
from syncpoint.forums.models import Forum
from syncpoint.insights.analyses import Analyses
from syncpoint.scrum_of_scrums import repository as repo
from syncpoint.scrum_of_scrums.agenda_service import generate_agenda
from syncpoint.scrum_of_scrums.models import (
    ActionItem,
    ActionItemStatus,
    Decision,
    Meeting,
    MeetingNote,
)
from syncpoint.scrum_of_scrums.service import is_facilitator_of, live_forum, live_person

_FACILITATION = {"admin": Access.ANY, "facilitator": Access.OWN}
HOLD_MEETING = policy("holdMeeting", **_FACILITATION)
RECORD_MEETING_NOTES = policy("recordMeetingNotes", **_FACILITATION)
RECORD_DECISION = policy("recordDecision", **_FACILITATION)
CREATE_ACTION_ITEM = policy("createActionItem", **_FACILITATION)
# OWN: the action item's owner, or the facilitator of its forum.
COMPLETE_ACTION_ITEM = policy(
    "completeActionItem",
    admin=Access.ANY,
    director=Access.OWN,
    team_member=Access.OWN,
    platform_owner=Access.OWN,
    facilitator=Access.OWN,
)

MAX_TEXT = 10_000


def _text(value: str, field: str, *, limit: int = MAX_TEXT) -> str:
    value = value.strip()
    if not value:
        raise DomainError(f"{field} must not be empty.", field=field, code=ErrorCode.REQUIRED)
    if len(value) > limit:
        raise DomainError(f"{field} must be at most {limit} characters.", field=field)
    return value


async def hold_meeting(
    session: AsyncSession,
    actor: Actor,
    forum_id: int,
    day: date,
    *,
    analyses: Analyses | None = None,
) -> Meeting:
    """Hold the forum's meeting of `day` from the agenda generated now (kept as a snapshot)."""
    actor.require_access(HOLD_MEETING)
    forum = await live_forum(session, forum_id, "forumId")
    require_facilitation(actor, HOLD_MEETING, forum)
    if await repo.meeting_on(session, forum.id, day) is not None:
        raise DuplicateError(f"{forum.name} met on {day.isoformat()} already.", field="date")
    generated = await generate_agenda(session, forum.id, day, analyses=analyses)
    meeting = Meeting(
        forum_id=forum.id, date=day, held_by_id=actor.person_id, agenda=generated.snapshot()
    )
    session.add(meeting)
    await session.flush()
    return meeting


async def _meeting(
    session: AsyncSession, actor: Actor, operation: str, meeting_id: int
) -> tuple[Meeting, Forum]:
    actor.require_access(operation)
    meeting = await session.get(Meeting, meeting_id)
    require_found(meeting, "Meeting", meeting_id, "meetingId")
    assert meeting is not None
    forum = await live_forum(session, meeting.forum_id, "meetingId")
    require_facilitation(actor, operation, forum)
    return meeting, forum


def _entry_key(meeting: Meeting | None, key: str | None) -> str | None:
    """An agenda entry key must name an entry (kept or left out) of the meeting's agenda."""
    if key is None:
        return None
    if meeting is None:
        raise DomainError("entryKey needs a meetingId.", field="entryKey")
    agenda = meeting.agenda or {}
    keys = {e.get("key") for part in ("entries", "leftOut") for e in agenda.get(part, [])}
    if key not in keys:
        raise DomainError(f"{key!r} is not an entry of that meeting's agenda.", field="entryKey")
    return key


async def _blocker(session: AsyncSession, blocker_id: int | None) -> int | None:
    if blocker_id is None:
        return None
    require_found(await session.get(Blocker, blocker_id), "Blocker", blocker_id, "blockerId")
    return blocker_id


async def record_notes(
    session: AsyncSession, actor: Actor, meeting_id: int, text: str, entry_key: str | None = None
) -> Meeting:
    """Append notes to a meeting (notes are never rewritten)."""
    meeting, _forum = await _meeting(session, actor, RECORD_MEETING_NOTES, meeting_id)
    problems = Problems()
    note = MeetingNote(meeting_id=meeting.id, author_id=actor.person_id)
    with problems.catch():
        note.text = _text(text, "text")
    with problems.catch():
        note.entry_key = _entry_key(meeting, entry_key)
    problems.raise_if_any()
    session.add(note)
    await session.flush()
    return meeting


async def record_decision(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    text: str,
    *,
    entry_key: str | None = None,
    blocker_id: int | None = None,
) -> Decision:
    """Record a decision of a meeting, optionally about an agenda entry or a blocker."""
    meeting, _forum = await _meeting(session, actor, RECORD_DECISION, meeting_id)
    problems = Problems()
    decision = Decision(meeting_id=meeting.id, decided_by_id=actor.person_id)
    with problems.catch():
        decision.text = _text(text, "text")
    with problems.catch():
        decision.entry_key = _entry_key(meeting, entry_key)
    with problems.catch():
        decision.blocker_id = await _blocker(session, blocker_id)
    problems.raise_if_any()
    session.add(decision)
    await session.flush()
    return decision


async def create_action_item(
    session: AsyncSession,
    actor: Actor,
    *,
    title: str,
    owner_id: int,
    due_on: date,
    forum_id: int | None = None,
    meeting_id: int | None = None,
    description: str = "",
    entry_key: str | None = None,
    blocker_id: int | None = None,
) -> ActionItem:
    """An action item for a person, due by a date, on a forum (from one of its meetings);
    every problem of the request is reported at once."""
    meeting: Meeting | None = None
    if meeting_id is not None:
        meeting, forum = await _meeting(session, actor, CREATE_ACTION_ITEM, meeting_id)
    elif forum_id is not None:
        actor.require_access(CREATE_ACTION_ITEM)
        forum = await live_forum(session, forum_id, "forumId")
        require_facilitation(actor, CREATE_ACTION_ITEM, forum)
    else:
        raise DomainError(
            "Give a forumId or a meetingId.", field="forumId", code=ErrorCode.REQUIRED
        )
    problems = Problems()
    if meeting is not None and forum_id is not None and forum_id != forum.id:
        problems.add("forumId", "The meeting belongs to another forum.")
    with problems.catch():
        await live_person(session, owner_id, "ownerId")
    if meeting is not None and due_on < meeting.date:
        problems.add(
            "dueOn",
            "An action item cannot be due before its meeting.",
            ErrorCode.INVALID_DATE_RANGE,
        )
    item = ActionItem(
        forum_id=forum.id,
        meeting_id=meeting.id if meeting else None,
        description=description,
        owner_id=owner_id,
        due_on=due_on,
        created_by_id=actor.person_id,
    )
    with problems.catch():
        item.title = _text(title, "title", limit=300)
    with problems.catch():
        item.entry_key = _entry_key(meeting, entry_key)
    with problems.catch():
        item.blocker_id = await _blocker(session, blocker_id)
    problems.raise_if_any()
    session.add(item)
    await session.flush()
    return item


async def complete_action_item(
    session: AsyncSession, actor: Actor, item_id: int, version: int, note: str = ""
) -> ActionItem:
    """Mark an action item done (its owner, the forum's facilitator, or an admin)."""
    access = actor.require_access(COMPLETE_ACTION_ITEM)
    item = await session.get(ActionItem, item_id)
    require_found(item, "Action item", item_id)
    assert item is not None
    if access is Access.OWN and actor.person_id != item.owner_id:
        forum = await session.get(Forum, item.forum_id)
        if forum is None or not is_facilitator_of(actor, forum):
            raise PermissionDenied(
                "Only the owner, the forum's facilitator or an admin completes an action item.",
                reason="SCOPE",
            )
    check_version(item.version, version, "Action item")
    if item.status is ActionItemStatus.DONE:
        raise DomainError(
            "The action item is done already.", field="id", code=ErrorCode.INVALID_STATE
        )
    item.status = ActionItemStatus.DONE
    item.completed_at = utcnow()
    item.completed_by_id = actor.person_id
    item.completion_note = note.strip()
    await session.flush()
    return item
