"""Rules of the per-team Definition of Ready / Done and of the checks an item meets."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor, policy
from syncpoint.core.errors import (
    DomainError,
    DuplicateError,
    ErrorCode,
    NotFoundError,
    require_found,
)
from syncpoint.core.models import utcnow
from syncpoint.work import repository as repo
from syncpoint.work.history import record_change
from syncpoint.work.models import BacklogItem, ChecklistItem, ChecklistKind, ItemCheck
from syncpoint.work.service import TEAM_WORK, get_item, get_team, required_text

CREATE_CHECK = policy("createChecklistItem", **TEAM_WORK)
ARCHIVE_CHECK = policy("archiveChecklistItem", **TEAM_WORK)
MARK_CHECK = policy("markItemCheck", **TEAM_WORK)
UNMARK_CHECK = policy("unmarkItemCheck", **TEAM_WORK)


async def create_check(
    session: AsyncSession,
    actor: Actor,
    *,
    team_id: int,
    kind: ChecklistKind,
    text: str,
    position: int | None = None,
) -> ChecklistItem:
    """Add a check to a team's Definition of Ready or Done (at the end unless placed)."""
    team = await get_team(session, team_id)
    actor.require_team(CREATE_CHECK, team.id)
    existing = [c for c in (await repo.checklists_by_team(session, [team.id]))[0] if c.kind == kind]
    check = ChecklistItem(
        team_id=team.id,
        kind=kind,
        text=required_text(text, "text", label="Text"),
        position=position if position is not None else len(existing),
    )
    session.add(check)
    await session.flush()
    return check


async def _check(session: AsyncSession, check_id: int, field: str) -> ChecklistItem:
    check = await session.get(ChecklistItem, check_id)
    require_found(check, "Check", check_id, field)
    assert check is not None
    return check


async def archive_check(session: AsyncSession, actor: Actor, check_id: int) -> ChecklistItem:
    """Retire a check; items that met it keep the record."""
    check = await _check(session, check_id, "id")
    actor.require_team(ARCHIVE_CHECK, check.team_id)
    if check.archived_at is not None:
        raise DomainError("This check is archived already.", field="id", code=ErrorCode.ARCHIVED)
    check.archived_at = utcnow()
    await session.flush()
    return check


def _check_field(check: ChecklistItem) -> str:
    return "readyCheck" if check.kind is ChecklistKind.READY else "doneCheck"


async def mark_check(
    session: AsyncSession, actor: Actor, item_id: int, check_id: int
) -> BacklogItem:
    """Record that an item meets one of its team's DoR/DoD checks."""
    item = await get_item(session, item_id, "itemId")
    actor.require_team(MARK_CHECK, item.team_id)
    check = await _check(session, check_id, "checkId")
    if check.team_id != item.team_id:
        raise DomainError("That check belongs to another team's checklist.", field="checkId")
    if check.archived_at is not None:
        raise DomainError("That check is archived.", field="checkId", code=ErrorCode.ARCHIVED)
    if await repo.item_check(session, item.id, check.id):
        raise DuplicateError("The item meets this check already.", field="checkId")
    session.add(ItemCheck(item_id=item.id, check_id=check.id, met_by_id=actor.person_id))
    await record_change(
        session, item, _check_field(check), None, check.text, actor_id=actor.person_id
    )
    await session.flush()
    return item


async def unmark_check(
    session: AsyncSession, actor: Actor, item_id: int, check_id: int
) -> BacklogItem:
    """Withdraw a met check (the history keeps that it was met)."""
    item = await get_item(session, item_id, "itemId")
    actor.require_team(UNMARK_CHECK, item.team_id)
    check = await _check(session, check_id, "checkId")
    met = await repo.item_check(session, item.id, check.id)
    if met is None:
        raise NotFoundError("The item does not meet this check.", field="checkId")
    await session.delete(met)
    await record_change(
        session, item, _check_field(check), check.text, None, actor_id=actor.person_id
    )
    await session.flush()
    return item
