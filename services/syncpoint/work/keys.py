"""Item keys without races: `PREFIX-N` numbers come from a counter row per prefix, bumped by one
atomic statement (`UPDATE ... RETURNING`, or `INSERT ... ON CONFLICT DO UPDATE` for a new
prefix), never from max+1 (two concurrent requests read the same max)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.errors import ConflictError
from syncpoint.work import repository as repo
from syncpoint.work.models import ItemKeyCounter

_NUMBERED = re.compile(r"^(.+)-(\d{1,9})$")
_ATTEMPTS = 3


def table() -> Table:
    assert isinstance(ItemKeyCounter.__table__, Table)
    return ItemKeyCounter.__table__


async def _bump(session: AsyncSession, prefix: str) -> int:
    counter = table()
    bumped = await session.scalar(
        update(counter)
        .where(counter.c.prefix == prefix)
        .values(last_number=counter.c.last_number + 1)
        .returning(counter.c.last_number)
    )
    if bumped is not None:
        return int(bumped)
    # A prefix seen for the first time: start after the keys it already has.
    first = await repo.next_key_number(session, prefix)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(counter).values(prefix=prefix, last_number=first)
    upsert = insert.on_conflict_do_update(
        index_elements=[counter.c.prefix], set_={"last_number": counter.c.last_number + 1}
    ).returning(counter.c.last_number)
    return int(await session.scalar(upsert))


async def _raise_to(session: AsyncSession, prefix: str, number: int) -> None:
    counter = table()
    await session.execute(
        update(counter)
        .where(counter.c.prefix == prefix, counter.c.last_number < number)
        .values(last_number=number)
    )


async def next_key(session: AsyncSession, prefix: str) -> str:
    """The next free key `prefix-N` (the counter moves past keys that were set by hand)."""
    for _ in range(_ATTEMPTS):
        key = f"{prefix}-{await _bump(session, prefix)}"
        if not await repo.key_taken(session, key):
            return key
        await _raise_to(session, prefix, await repo.next_key_number(session, prefix) - 1)
    raise ConflictError("No free item key could be allocated; try again.", field="key")


async def note_explicit_key(session: AsyncSession, key: str) -> None:
    """A key given by hand (`RANK-50`) moves its prefix's counter past it."""
    match = _NUMBERED.match(key)
    if match:
        await _raise_to(session, match.group(1), int(match.group(2)))


async def note_explicit_keys(session: AsyncSession, keys: Iterable[str]) -> None:
    """Keys given by hand in bulk (an import): each prefix's counter moves past the highest of
    them, in one executemany statement (not one per key)."""
    highest: dict[str, int] = {}
    for key in keys:
        match = _NUMBERED.match(key)
        if match:
            prefix, number = match.group(1), int(match.group(2))
            highest[prefix] = max(number, highest.get(prefix, 0))
    if not highest:
        return
    counter = table()
    stmt = (
        update(counter)
        .where(counter.c.prefix == bindparam("p"), counter.c.last_number < bindparam("n"))
        .values(last_number=bindparam("n"))
    )
    params = [{"p": prefix, "n": number} for prefix, number in sorted(highest.items())]
    await session.execute(stmt, params)
