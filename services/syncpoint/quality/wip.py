"""WIP limits of Kanban and hybrid teams: how many items may be READY or IN_PROGRESS at once.

A team sets a limit per status, each advisory or enforced, as it does its quality gates (and
the same people may). Moving an item into a status at its limit is refused when the limit is
enforced (WIP_LIMIT_REACHED), unless the team's product owner or Scrum master (or an admin)
gives `wipLimitOverrideReason`, kept in the item's history; an advisory limit lets it through
and `changeItemStatus` answers a warning. Like the gates, a before-hook of the mutation
pipeline on `changeItemStatus` (and on a lead's `overrideQualityGate` to READY, whose reason
passes the limit too), so the work service stays as it was; the limit's row is locked while
the count is read, so concurrent moves never pass an enforced limit together.

The retrospective reads, from the items' status history, how long each status held more items
than its limit (`stays`, then analysis.wip).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.wip import Stay
from syncpoint.core.auth import Actor, policy
from syncpoint.core.errors import DomainError, ErrorCode, Problems
from syncpoint.core.loaders import rows_by_parent
from syncpoint.core.mutations import MutationEvent, before_mutation
from syncpoint.quality.gates import OVERRIDE_GATE, require_lead
from syncpoint.teams.models import Framework, Team
from syncpoint.work import service as work
from syncpoint.work.gate_models import GateAction, WipLimit
from syncpoint.work.history import record_change
from syncpoint.work.models import BacklogItem, ItemChange, ItemStatus
from syncpoint.work.service import TEAM_WORK, get_team

SET_WIP = policy("setWipLimits", **TEAM_WORK)
LIMITED = (ItemStatus.READY, ItemStatus.IN_PROGRESS)
"""The statuses that hold work in progress and are entered by a status change (BLOCKED is
entered and left through blockers, which a limit must not refuse)."""
MAX_LIMIT = 999
OVERRIDE_FIELD = "wipLimitOverride"
"""The item history's field for a limit passed by a lead, with the reason as its note."""

wip_limits_by_team = rows_by_parent(WipLimit, "team_id", WipLimit.id)


def limit_order(limit: WipLimit) -> int:
    return LIMITED.index(limit.status) if limit.status in LIMITED else len(LIMITED)


async def limits_of(session: AsyncSession, team_id: int) -> list[WipLimit]:
    """The team's limits, READY before IN_PROGRESS."""
    return sorted((await wip_limits_by_team(session, [team_id]))[0], key=limit_order)


@dataclass(frozen=True, slots=True)
class LimitSpec:
    status: str
    limit: int
    enforced: bool = False


def _check_specs(team: Team, specs: Sequence[LimitSpec]) -> list[tuple[ItemStatus, LimitSpec]]:
    """Every problem of the limits at once: unknown or unlimited statuses, duplicates, a limit
    below 1, limits for a Scrum team."""
    problems = Problems()
    if specs and team.framework is Framework.SCRUM:
        problems.add(
            "teamId",
            f"{team.name} works in Scrum sprints: WIP limits are for Kanban and hybrid teams "
            "(set the team's framework first).",
            ErrorCode.INVALID_STATE,
        )
    allowed = ", ".join(s.value for s in LIMITED)
    checked: list[tuple[ItemStatus, LimitSpec]] = []
    seen: set[ItemStatus] = set()
    for index, spec in enumerate(specs):
        field = f"limits.{index}"
        name = spec.status.strip().upper()
        if name not in ItemStatus.__members__:
            problems.add(
                f"{field}.status",
                f"{spec.status!r} is not a status; WIP limits apply to {allowed}.",
            )
        elif ItemStatus(name) not in LIMITED:
            problems.add(
                f"{field}.status",
                f"{name} holds no work in progress a limit can hold back; WIP limits apply to "
                f"{allowed}.",
            )
        elif ItemStatus(name) in seen:
            problems.add(
                f"{field}.status",
                f"{name} is given twice; give one limit per status.",
                ErrorCode.DUPLICATE,
            )
        if not 1 <= spec.limit <= MAX_LIMIT:
            problems.add(f"{field}.limit", f"A WIP limit is 1 to {MAX_LIMIT} items.")
        if name in ItemStatus.__members__ and ItemStatus(name) in LIMITED:
            seen.add(ItemStatus(name))
            checked.append((ItemStatus(name), spec))
    problems.raise_if_any()
    return checked


async def set_limits(
    session: AsyncSession, actor: Actor, *, team_id: int, limits: Sequence[LimitSpec]
) -> Team:
    """Replace the team's WIP limits with `limits` ([] clears them)."""
    team = await get_team(session, team_id)
    actor.require_team(SET_WIP, team.id)
    checked = _check_specs(team, limits)
    existing = {row.status: row for row in await limits_of(session, team.id)}
    wanted = {status for status, _ in checked}
    for status, stale in existing.items():
        if status not in wanted:
            await session.delete(stale)
    for status, spec in checked:
        row = existing.get(status)
        if row is None:
            row = WipLimit(team_id=team.id, status=status)
            session.add(row)
        row.max_items = spec.limit
        row.enforced = spec.enforced
    await session.flush()
    return team


async def count_in(session: AsyncSession, team_id: int, status: ItemStatus) -> int:
    """How many of the team's items are in `status` now."""
    found = await session.scalar(
        select(func.count())
        .select_from(BacklogItem)
        .where(BacklogItem.team_id == team_id, BacklogItem.status == status)
    )
    return int(found or 0)


async def _limit(
    session: AsyncSession, team_id: int, status: ItemStatus, *, lock: bool = False
) -> WipLimit | None:
    """The team's limit on `status`; `lock` takes its row until the transaction ends, so
    concurrent moves into the status count one after the other (PostgreSQL; SQLite's writers
    already take the write lock up front)."""
    stmt = select(WipLimit).where(WipLimit.team_id == team_id, WipLimit.status == status)
    return await session.scalar(stmt.with_for_update() if lock else stmt)


async def over_limit_warning(session: AsyncSession, item: BacklogItem) -> str | None:
    """Why the item's status holds more items than its limit now, if it does (advisory, or
    passed by a lead)."""
    limit = await _limit(session, item.team_id, item.status)
    if limit is None:
        return None
    count = await count_in(session, item.team_id, item.status)
    if count <= limit.max_items:
        return None
    kind = "enforced, passed by a lead" if limit.enforced else "advisory"
    return (
        f"{item.key}: {item.status.value} holds {count} items, over its WIP limit of "
        f"{limit.max_items} ({kind})."
    )


def _move_of(event: MutationEvent) -> tuple[ItemStatus | None, int | None, str]:
    """The status a mutation moves an item into, the item, and the reason to pass a limit:
    `changeItemStatus`, or a lead's `overrideQualityGate` to READY (its reason passes both)."""
    fields = event.fields
    if event.operation == work.CHANGE_STATUS:
        return fields.get("status"), fields.get("id"), fields.get("wip_limit_override_reason") or ""
    if event.operation == OVERRIDE_GATE and fields.get("action") is GateAction.READY:
        return ItemStatus.READY, fields.get("item_id"), fields.get("reason") or ""
    return None, None, ""


@before_mutation
async def enforce_wip_limits(event: MutationEvent) -> None:
    """Refuse moving an item into a status at its enforced limit, unless a lead gives a reason
    (then kept in the item's history)."""
    status, item_id, reason = _move_of(event)
    if status not in LIMITED or item_id is None:
        return
    item = await event.session.get(BacklogItem, item_id)
    if item is None or item.status is status or item.status is ItemStatus.BLOCKED:
        return  # the service reports a missing item, a BLOCKED one, or no transition at all
    event.actor.require_team(event.operation, item.team_id)
    limit = await _limit(event.session, item.team_id, status, lock=True)
    if limit is None or not limit.enforced:
        return
    count = await count_in(event.session, item.team_id, status)
    if count < limit.max_items:
        return
    reached = f"{item.key}: {status.value} is at its WIP limit ({count} of {limit.max_items} items)"
    reason = reason.strip()
    if not reason:
        raise DomainError(
            f"{reached}; finish or move an item first, or a lead of the team overrides it "
            "with wipLimitOverrideReason.",
            field="status",
            code=ErrorCode.WIP_LIMIT_REACHED,
        )
    await require_lead(event.session, event.actor, item.team_id, "override a WIP limit")
    await record_change(
        event.session,
        item,
        OVERRIDE_FIELD,
        None,
        f"{status.value}: {count + 1} of {limit.max_items}",
        actor_id=event.actor.person_id,
        note=reason,
    )


@dataclass(slots=True)
class StatusHistory:
    """The team's items that have been in a limited status, their stays there and the limits
    passed by a lead (history rows)."""

    items: dict[int, BacklogItem]
    stays: dict[ItemStatus, list[Stay]]
    overrides: list[ItemChange]


def _status(value: str | None) -> ItemStatus | None:
    return ItemStatus(value) if value is not None and value in ItemStatus.__members__ else None


def _stays_of(
    item: BacklogItem, changes: Sequence[ItemChange], statuses: set[ItemStatus]
) -> list[tuple[ItemStatus, Stay]]:
    """The item's stays in `statuses`, from its status changes (oldest first)."""
    status: ItemStatus | None = item.status
    since = item.created_at
    if changes:
        status = _status(changes[0].old_value) or item.status
        # A history may be dated before its row was created (imports, backdated changes).
        since = min(item.created_at, changes[0].at)
    stays: list[tuple[ItemStatus, Stay]] = []
    for change in changes:
        new = _status(change.new_value)
        if new is None or new is status:
            continue
        if status in statuses and change.at > since:
            assert status is not None
            stays.append((status, Stay(item.id, since, change.at)))
        status, since = new, change.at
    if status in statuses:
        assert status is not None
        stays.append((status, Stay(item.id, since)))
    return stays


async def status_history(
    session: AsyncSession, team_id: int, statuses: Sequence[ItemStatus]
) -> StatusHistory:
    """Stays of the team's items in `statuses`, in two statements: the items that are or were
    in one of them, and their status changes and limit overrides."""
    names = [s.value for s in statuses]
    was_in = (
        select(ItemChange.id)
        .where(
            ItemChange.item_id == BacklogItem.id,
            ItemChange.field == "status",
            or_(ItemChange.new_value.in_(names), ItemChange.old_value.in_(names)),
        )
        .exists()
    )
    items = {
        i.id: i
        for i in await session.scalars(
            select(BacklogItem)
            .where(
                BacklogItem.team_id == team_id,
                or_(BacklogItem.status.in_(list(statuses)), was_in),
            )
            .order_by(BacklogItem.id)
        )
    }
    history = StatusHistory(items, {s: [] for s in statuses}, [])
    if not items:
        return history
    rows = await session.scalars(
        select(ItemChange)
        .where(
            ItemChange.item_id.in_(list(items)),
            ItemChange.field.in_(["status", OVERRIDE_FIELD]),
        )
        .order_by(ItemChange.at, ItemChange.id)
    )
    by_item: dict[int, list[ItemChange]] = defaultdict(list)
    for change in rows.all():
        if change.field == OVERRIDE_FIELD:
            history.overrides.append(change)
        else:
            by_item[change.item_id].append(change)
    for item in items.values():
        for status, stay in _stays_of(item, by_item[item.id], set(statuses)):
            history.stays[status].append(stay)
    return history
