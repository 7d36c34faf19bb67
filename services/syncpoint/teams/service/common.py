"""Validation helpers and the permission rows shared by the organisation services."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Access, policy
from syncpoint.core.errors import (
    DomainError,
    ErrorCode,
    require_found,
)
from syncpoint.core.validation_inputs import time_zone

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Who may do what (operation names double as GraphQL mutation names; see core/auth.py).
_ORG = {"admin": Access.ANY, "director": Access.ANY}
_TEAM_SCOPED = {**_ORG, "team_member": Access.OWN, "platform_owner": Access.OWN}
CREATE_GROUP = policy("createGroup", **_ORG)
UPDATE_GROUP = policy("updateGroup", **_ORG)
ARCHIVE_GROUP = policy("archiveGroup", **_ORG)
CREATE_TEAM = policy("createTeam", **_ORG)
UPDATE_TEAM = policy("updateTeam", **_TEAM_SCOPED)
ARCHIVE_TEAM = policy("archiveTeam", **_ORG)
CREATE_PERSON = policy("createPerson", **_ORG)
UPDATE_PERSON = policy("updatePerson", **_ORG)
ARCHIVE_PERSON = policy("archivePerson", **_ORG)
ADD_MEMBERSHIP = policy("addMembership", **_TEAM_SCOPED)
CHANGE_MEMBERSHIP = policy("changeMembership", **_TEAM_SCOPED)
REMOVE_MEMBERSHIP = policy("removeMembership", **_TEAM_SCOPED)
START_INTERACTION = policy("startInteraction", **_TEAM_SCOPED)
UPDATE_INTERACTION = policy("updateInteraction", **_TEAM_SCOPED)
END_INTERACTION = policy("endInteraction", **_TEAM_SCOPED)


def clean_name(value: str, field: str = "name") -> str:
    value = value.strip()
    if not value:
        raise DomainError("Name must not be empty.", field=field, code=ErrorCode.REQUIRED)
    if len(value) > 200:
        raise DomainError("Name must be at most 200 characters.", field=field)
    return value


def clean_slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise DomainError(
            f"Slug {value!r} must be 1-64 lower-case letters, digits or inner hyphens.",
            field="slug",
        )
    return value


def clean_time_zone(value: str) -> str:
    return time_zone(value)


def clean_channels(value: list[str]) -> list[str]:
    cleaned = [c.strip() for c in value if c.strip()]
    if len(cleaned) > 20 or any(len(c) > 200 for c in cleaned):
        raise DomainError("At most 20 channels of at most 200 characters.", field="channels")
    return cleaned


async def get_row(
    session: AsyncSession, model: type[Any], ident: int, kind: str, field: str
) -> Any:
    obj = await session.get(model, ident)
    require_found(obj, kind, ident, field)
    return obj


async def get_live(
    session: AsyncSession, model: type[Any], ident: int, kind: str, field: str
) -> Any:
    obj = await get_row(session, model, ident, kind, field)
    if obj.archived_at is not None:
        raise DomainError(f"{kind} {ident} is archived.", field=field, code=ErrorCode.ARCHIVED)
    return obj


def check_dates(start: date, end: date | None, field: str) -> None:
    if end is not None and end < start:
        raise DomainError(
            f"{field} ({end}) is before the start ({start}).",
            field=field,
            code=ErrorCode.INVALID_DATE_RANGE,
        )
