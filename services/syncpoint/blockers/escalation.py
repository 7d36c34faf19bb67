"""Escalation up the forum chain: TEAM -> the team's forum (SCRUM_OF_SCRUMS) -> its parent forums
-> EXECUTIVE once the top forum is passed (the executive action team is the last stop).

Each step is a `blocker_escalations` row (from/to level and forum, who, when, why) plus a
history event; `Blocker.forum_id` is where the blocker is held now (or, at EXECUTIVE, the last
forum it passed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.blockers import service as core
from syncpoint.blockers.models import Blocker, BlockerEscalation, EscalationLevel
from syncpoint.core.errors import DomainError, ErrorCode
from syncpoint.core.models import utcnow
from syncpoint.forums import repository as forums_repo
from syncpoint.forums.forest import ForumForest
from syncpoint.teams.models import Team


@dataclass(frozen=True, slots=True)
class Step:
    """Where an escalation goes next."""

    level: EscalationLevel
    forum_id: int | None
    forum_name: str | None


def next_step(
    forest: ForumForest, blocker: Blocker, team_name: str, forum_id: int | None = None
) -> Step:
    """The next stop of `blocker` on the forum chain (refuses what cannot go further)."""
    if blocker.escalation_level is EscalationLevel.EXECUTIVE:
        raise DomainError(
            "The blocker is at the executive level already: the last stop.",
            field="id",
            code=ErrorCode.INVALID_STATE,
        )
    if blocker.escalation_level is EscalationLevel.TEAM:
        return _first_forum(forest, blocker, team_name, forum_id)
    if forum_id is not None and forum_id != blocker.forum_id:
        raise DomainError(
            "forumId only chooses the first forum, when a team-level blocker is escalated.",
            field="forumId",
        )
    held = blocker.forum_id
    parent = forest.parent(held) if held is not None else None
    if parent is None:
        return Step(EscalationLevel.EXECUTIVE, held, None)
    return Step(EscalationLevel.SCRUM_OF_SCRUMS, parent.id, parent.name)


def _first_forum(
    forest: ForumForest, blocker: Blocker, team_name: str, forum_id: int | None
) -> Step:
    forums = forest.forums_of_team(blocker.team_id)
    if forum_id is not None:
        chosen = [f for f in forums if f.id == forum_id]
        if not chosen:
            raise DomainError(f"{team_name} is not a member of forum {forum_id}.", field="forumId")
        forums = chosen
    if not forums:
        raise DomainError(
            f"{team_name} is in no Scrum of Scrums: add it to a forum before escalating.",
            field="id",
            code=ErrorCode.INVALID_STATE,
        )
    if len(forums) > 1:
        names = ", ".join(f.name for f in forums)
        raise DomainError(
            f"{team_name} sits in several forums ({names}): say which one with forumId.",
            field="forumId",
            code=ErrorCode.REQUIRED,
        )
    return Step(EscalationLevel.SCRUM_OF_SCRUMS, forums[0].id, forums[0].name)


async def escalate(
    session: AsyncSession,
    blocker: Blocker,
    *,
    actor_id: int | None,
    reason: str,
    forum_id: int | None = None,
    at: datetime | None = None,
) -> BlockerEscalation:
    """Move `blocker` one step up and record the step (permission checks are the caller's);
    `at` backdates it (the demo), default now."""
    if not reason:
        raise DomainError(
            "Say why the blocker needs escalating.", field="reason", code=ErrorCode.REQUIRED
        )
    team = await session.get(Team, blocker.team_id)
    forest = await forums_repo.load_forest(session)
    step = next_step(forest, blocker, team.name if team else f"team {blocker.team_id}", forum_id)
    row = BlockerEscalation(
        blocker_id=blocker.id,
        from_level=blocker.escalation_level,
        to_level=step.level,
        from_forum_id=blocker.forum_id,
        to_forum_id=step.forum_id if step.level is not EscalationLevel.EXECUTIVE else None,
        reason=reason,
        actor_id=actor_id,
        at=at or utcnow(),
    )
    session.add(row)
    old_level = blocker.escalation_level
    blocker.escalation_level = step.level
    blocker.forum_id = step.forum_id
    blocker.escalated_at = row.at
    where = step.forum_name or "the executive action team"
    await core.record_event(
        session,
        blocker,
        "ESCALATED",
        field="escalation_level",
        old=old_level.value,
        new=step.level.value,
        note=f"to {where}: {reason}",
        actor_id=actor_id,
        at=row.at,
    )
    await session.flush()
    return row
