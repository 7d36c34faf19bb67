"""Scope checks that need the forum tree: facilitation of a forum, reach over a team's blockers.

The role row (`POLICY`) is checked first by `actor.require_access`; an OWN row then needs:
a team member / platform owner: the team is one of theirs; a facilitator: the forum is one they
facilitate (for blockers: the team is in the scope of such a forum, or the blocker is held there).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Access, Actor, Role
from syncpoint.core.errors import PermissionDenied
from syncpoint.forums import repository as repo
from syncpoint.forums.forest import ForumForest
from syncpoint.forums.models import Forum


def _refuse(actor: Actor, operation: str, what: str) -> PermissionDenied:
    role = actor.role.value if actor.role else "-"
    return PermissionDenied(f"Role {role} may {operation} only {what}.", reason="SCOPE")


def require_facilitation(actor: Actor, operation: str, forum: Forum) -> None:
    """OWN for forum operations: the actor facilitates this forum."""
    if actor.require_access(operation) is Access.ANY:
        return
    if actor.role is Role.FACILITATOR and actor.person_id == forum.facilitator_id:
        return
    raise _refuse(actor, operation, "for forums they facilitate")


async def require_blocker_reach(
    session: AsyncSession,
    actor: Actor,
    operation: str,
    *,
    team_id: int,
    forum_id: int | None = None,
    forest: ForumForest | None = None,
) -> None:
    """OWN for blocker operations: the actor's team, or a forum the facilitator runs."""
    if actor.require_access(operation) is Access.ANY:
        return
    if actor.role is Role.FACILITATOR:
        forest = forest or await repo.load_forest(session)
        if team_id in forest.facilitated_team_ids(actor.person_id):
            return
        if forum_id is not None and forum_id in forest.facilitated(actor.person_id):
            return
        raise _refuse(actor, operation, "for teams of the forums they facilitate")
    if team_id not in actor.team_ids:
        raise _refuse(actor, operation, "for their own teams")
