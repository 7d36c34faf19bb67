"""Hostile or careless client input, refused with coded client errors before it reaches a
library or the database that would fail on it in its own way (OverflowError, "file name too
long", "LIKE pattern too complex", PostgreSQL's NUL and parameter-count limits).

One place per kind of value: dates (the `Date` scalar), time zones, text (NUL, length), search
patterns and id lists.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, available_timezones

from strawberry.types.base import has_object_definition
from strawberry.types.scalar import ScalarDefinition

from syncpoint.core.errors import DomainError, ErrorCode, Invalid, SyncpointError, UserError

MIN_YEAR, MAX_YEAR = 1900, 2999
MAX_TEXT = 20_000
MAX_SEARCH = 200
MAX_IDS = 1000
MAX_TIME_ZONE = 64

T = TypeVar("T")


class InputRefused(SyncpointError):
    """A client value refused before use (a top-level error with its code and field)."""

    code = ErrorCode.BAD_USER_INPUT


def _parse_date(value: object) -> dt.date:
    if not isinstance(value, str):
        raise InputRefused(f"A Date is a string (YYYY-MM-DD), not {value!r}.")
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise InputRefused(f"{value[:40]!r} is not a date (YYYY-MM-DD).") from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise InputRefused(
            f"Dates run from {MIN_YEAR} to {MAX_YEAR}; {value} is outside.",
            code=ErrorCode.INVALID_DATE_RANGE,
        )
    return parsed


DATE = ScalarDefinition(
    name="Date",
    description="Date (isoformat)",
    specified_by_url=None,
    serialize=dt.date.isoformat,
    parse_value=_parse_date,
    parse_literal=None,
    origin=dt.date,
)
"""The `Date` scalar with its range checked once for every argument and input field."""

SCALAR_OVERRIDES: dict[object, Any] = {dt.date: DATE}


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def time_zone(value: str, field: str = "timeZone") -> str:
    """An IANA time zone name, checked against the zone list before any file is opened."""
    if len(value) > MAX_TIME_ZONE or value not in _zones():
        raise DomainError(
            f"Unknown time zone {value[:MAX_TIME_ZONE]!r} (use an IANA name such as "
            "Europe/Berlin).",
            field=field,
            code=ErrorCode.INVALID_TIMEZONE,
        )
    ZoneInfo(value)
    return value


def search_pattern(text: str, field: str = "search") -> str:
    """A LIKE pattern matching `text` anywhere, wildcards escaped (use ESCAPE '\\')."""
    if len(text) > MAX_SEARCH:
        raise InputRefused(
            f"A search is at most {MAX_SEARCH} characters.", field=field, code=ErrorCode.TOO_LONG
        )
    if "\x00" in text:
        raise InputRefused("A search cannot hold a NUL character.", field=field)
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def id_list(ids: Sequence[T], field: str) -> Sequence[T]:
    """Refuse an id list longer than MAX_IDS (PostgreSQL takes 32,767 parameters at most)."""
    if len(ids) > MAX_IDS:
        raise InputRefused(
            f"At most {MAX_IDS} ids at once.", field=field, code=ErrorCode.BAD_PAGINATION
        )
    return ids


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, path)
    elif has_object_definition(value) and dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name), _camel(f.name))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _text_errors(texts: Iterator[tuple[str, str]], max_length: int) -> list[UserError]:
    errors: list[UserError] = []
    for field, text in texts:
        if "\x00" in text:
            message = f"{field} holds a NUL character."
            errors.append(UserError(field=field, message=message, code=ErrorCode.BAD_USER_INPUT))
        elif len(text) > max_length:
            message = f"{field} is at most {max_length} characters."
            errors.append(UserError(field=field, message=message, code=ErrorCode.TOO_LONG))
    return errors


def text_problems(input_obj: Any, max_length: int = MAX_TEXT) -> list[UserError]:
    """Every text of a mutation input that holds a NUL or is over `max_length` characters."""
    return _text_errors(_strings(input_obj, "input"), max_length)


def check_texts(values: Mapping[str, Any], max_length: int = MAX_TEXT) -> None:
    """Refuse (all at once) the texts of a change set that hold a NUL or are too long."""
    texts = (pair for key, value in values.items() for pair in _strings(value, _camel(key)))
    errors = _text_errors(texts, max_length)
    if errors:
        raise Invalid(errors)
