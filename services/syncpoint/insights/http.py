"""Plain HTTP access to the analysis (downloads, web pages): parsing of query parameters and
refusals. Authentication is auth.transport's, the same path and policy rows as GraphQL."""

from __future__ import annotations

from datetime import date

from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from syncpoint.analysis.graph import MapLevel
from syncpoint.auth.transport import Refused, refused_for
from syncpoint.core.errors import DomainError
from syncpoint.core.ids import decode_id

__all__ = ["Refused", "parse_date", "parse_group", "parse_level", "refused_from"]


def refused_from(error: DomainError) -> Refused:
    """A domain error of a plain HTTP request: 404 when not found, else 400."""
    return refused_for(error)


def parse_level(value: str | None) -> MapLevel:
    """``TEAM`` (default) or ``ITEM``, any case."""
    try:
        return MapLevel((value or "TEAM").upper())
    except ValueError as exc:
        raise Refused(400, f"level must be TEAM or ITEM, not {value!r}.", "INVALID") from exc


def parse_date(value: str | None, name: str) -> date | None:
    """An ISO date query parameter, or None when absent."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Refused(400, f"{name} must be an ISO date (YYYY-MM-DD).", "INVALID") from exc


def parse_group(value: str | None) -> int | None:
    """A Group global id query parameter, decoded; None when absent."""
    if not value:
        return None
    try:
        return decode_id(relay.GlobalID.from_id(value), "Group", "groupId")
    except GlobalIDValueError as exc:
        raise Refused(400, f"groupId {value!r} is not a global id.", "INVALID") from exc
    except DomainError as exc:
        raise refused_from(exc) from exc
