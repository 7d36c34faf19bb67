"""Every query of the work context."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import Float, Select, cast, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from syncpoint.core.loaders import by_key, rows_by_ids, rows_by_parent
from syncpoint.core.pagination import SortKey
from syncpoint.work.models import (
    AcceptanceCriterion,
    BacklogItem,
    ChecklistItem,
    ItemChange,
    ItemCheck,
    ItemKind,
    ItemStatus,
    MetricObservation,
)

items_by_ids = rows_by_ids(BacklogItem)


async def items_by_keys(session: AsyncSession, keys: Sequence[str]) -> list[BacklogItem | None]:
    rows = await session.scalars(select(BacklogItem).where(BacklogItem.key.in_(keys)))
    return by_key(list(rows), keys, "key")


observations_by_ids = rows_by_ids(MetricObservation)


changes_by_ids = rows_by_ids(ItemChange)


checklist_items_by_ids = rows_by_ids(ChecklistItem)


items_by_sprint = rows_by_parent(BacklogItem, "sprint_id", BacklogItem.id)


criteria_by_item = rows_by_parent(
    AcceptanceCriterion, "item_id", AcceptanceCriterion.position, AcceptanceCriterion.id
)


# Every observation of each item, newest first (criteria use the latest having a metric).
observations_by_item = rows_by_parent(
    MetricObservation, "item_id", MetricObservation.observed_at.desc(), MetricObservation.id.desc()
)


def observations_query() -> Select[Any]:
    """Every metric observation, for the pages under items."""
    return select(MetricObservation)


def changes_query() -> Select[Any]:
    """Every item change, for the pages of history under items."""
    return select(ItemChange)


# The live (not archived) DoR/DoD checks of each team, in their order.
checklists_by_team = rows_by_parent(
    ChecklistItem,
    "team_id",
    ChecklistItem.kind,
    ChecklistItem.position,
    ChecklistItem.id,
    where=lambda: [ChecklistItem.archived_at.is_(None)],
)


checks_by_item = rows_by_parent(ItemCheck, "item_id", ItemCheck.id)


async def item_check(session: AsyncSession, item_id: int, check_id: int) -> ItemCheck | None:
    return await session.scalar(
        select(ItemCheck).where(ItemCheck.item_id == item_id, ItemCheck.check_id == check_id)
    )


async def criteria_of(session: AsyncSession, item_id: int) -> list[AcceptanceCriterion]:
    return (await criteria_by_item(session, [item_id]))[0]


async def observations_of(session: AsyncSession, item_id: int) -> list[MetricObservation]:
    return (await observations_by_item(session, [item_id]))[0]


async def key_taken(session: AsyncSession, key: str) -> bool:
    return (await session.scalar(select(BacklogItem.id).where(BacklogItem.key == key))) is not None


async def next_key_number(session: AsyncSession, prefix: str) -> int:
    """One more than the highest number used after `prefix-` (keys of every team)."""
    keys = await session.scalars(select(BacklogItem.key).where(BacklogItem.key.like(f"{prefix}-%")))
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
    numbers = [int(m.group(1)) for key in keys if (m := pattern.match(key))]
    return max(numbers, default=0) + 1


class ItemOrder(Enum):
    VALUE_EFFORT = "VALUE_EFFORT"
    CREATED = "CREATED"
    KEY = "KEY"


@dataclass(frozen=True, slots=True)
class ItemFilter:
    team_ids: Sequence[int] | None = None
    kinds: Sequence[ItemKind] | None = None
    statuses: Sequence[ItemStatus] | None = None
    # A stored sprint id; -1 stands for a sprint that is not stored (and so holds nothing).
    sprint_id: int | None = None
    unplanned: bool | None = None
    search: str | None = None


def value_effort() -> ColumnElement[Any]:
    """value / effort as a float; items lacking either sort last (-1: ratios are never negative)."""
    ratio = cast(BacklogItem.value, Float) / cast(BacklogItem.effort, Float)
    return func.coalesce(ratio, -1.0)


def item_order(order: ItemOrder) -> list[SortKey]:
    if order is ItemOrder.VALUE_EFFORT:
        return [SortKey(value_effort(), descending=True), SortKey(BacklogItem.id)]
    if order is ItemOrder.KEY:
        return [SortKey(BacklogItem.key), SortKey(BacklogItem.id)]
    return [SortKey(BacklogItem.created_at), SortKey(BacklogItem.id)]


def items_query(flt: ItemFilter) -> Select[Any]:
    stmt = select(BacklogItem)
    if flt.team_ids is not None:
        stmt = stmt.where(BacklogItem.team_id.in_(list(flt.team_ids)))
    if flt.kinds:
        stmt = stmt.where(BacklogItem.kind.in_(list(flt.kinds)))
    if flt.statuses:
        stmt = stmt.where(BacklogItem.status.in_(list(flt.statuses)))
    if flt.sprint_id is not None:
        stmt = stmt.where(BacklogItem.sprint_id == flt.sprint_id if flt.sprint_id >= 0 else false())
    if flt.unplanned is True:
        stmt = stmt.where(BacklogItem.sprint_id.is_(None))
    elif flt.unplanned is False:
        stmt = stmt.where(BacklogItem.sprint_id.is_not(None))
    if flt.search:
        pattern = f"%{flt.search.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(BacklogItem.title).like(pattern),
                func.lower(BacklogItem.key).like(pattern),
            )
        )
    return stmt


def sprint_items_query() -> Select[Any]:
    """Items planned in sprints, for the pages under sprints."""
    return select(BacklogItem).where(BacklogItem.sprint_id.is_not(None))
