"""Item history: every change of a tracked field is appended as a row, never rewritten."""

from __future__ import annotations

from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.work.models import BacklogItem, ItemChange


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


async def record_change(
    session: AsyncSession,
    item: BacklogItem,
    field: str,
    old: Any,
    new: Any,
    *,
    actor_id: int | None,
    note: str = "",
) -> ItemChange | None:
    """Append a history row for `field` of `item` when the value really changed."""
    if _text(old) == _text(new):
        return None
    change = ItemChange(
        item_id=item.id,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        note=note,
        actor_id=actor_id,
    )
    session.add(change)
    return change
