"""Pages over the computed list of flags.

Flags are computed, not stored, so there is no SQL to run keyset pagination on. The engine's
order is total and deterministic (most severe first, then rule, subject, teams, message), so a
cursor is simply the position of a flag in that order, base64-encoded. For the same ``asOf`` and
unchanged data, walking the pages visits every flag exactly once; if the data changes between two
requests, positions may shift (as they would in any offset pagination).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from syncpoint.core.errors import BadPagination

MAX_FLAG_PAGE = 100
_PREFIX = "flag:"

T = TypeVar("T")


def encode_cursor(position: int) -> str:
    """The opaque cursor of the flag at ``position`` (0-based) in the deterministic order."""
    return base64.urlsafe_b64encode(f"{_PREFIX}{position}".encode()).decode()


def decode_cursor(cursor: str, field: str = "after") -> int:
    """The position inside a cursor made by ``encode_cursor``; BAD_PAGINATION otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadPagination(f"Cursor {cursor!r} is not valid.", field=field) from exc
    number = raw.removeprefix(_PREFIX)
    if not raw.startswith(_PREFIX) or not number.isdigit():
        raise BadPagination(f"Cursor {cursor!r} does not belong to this list.", field=field)
    return int(number)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page: (cursor, row) pairs, whether more follow or precede, and the total."""

    rows: list[tuple[str, T]]
    has_next_page: bool
    has_previous_page: bool
    total: int


def page(rows: Sequence[T], first: int | None, after: str | None) -> Page[T]:
    """The ``first`` rows after the cursor ``after`` (default and maximum: 100)."""
    limit = MAX_FLAG_PAGE if first is None else first
    if not 0 <= limit <= MAX_FLAG_PAGE:
        raise BadPagination(f"first must be between 0 and {MAX_FLAG_PAGE}.", field="first")
    start = decode_cursor(after) + 1 if after is not None else 0
    chosen = [(encode_cursor(i), rows[i]) for i in range(start, min(start + limit, len(rows)))]
    return Page(
        rows=chosen,
        has_next_page=start + limit < len(rows),
        has_previous_page=start > 0,
        total=len(rows),
    )
