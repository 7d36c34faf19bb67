"""Issuing and checking API tokens. Secrets are random, shown once and stored as SHA-256 hashes
(they are 256-bit random, so a slow password hash would add nothing)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.auth.models import ApiToken
from syncpoint.auth.oidc import OidcRefused, OidcVerifier, looks_like_jwt
from syncpoint.core.auth import ANONYMOUS, Actor, Role
from syncpoint.core.errors import DomainError, NotFoundError
from syncpoint.core.models import utcnow
from syncpoint.teams.models import Membership, Person

TOKEN_PREFIX = "sp_"
log = logging.getLogger("syncpoint.auth")
# A calendar feed key: read-only, opens only the /calendar/feeds/<key>/... URLs a calendar
# program subscribes to (it cannot send headers), never the API. Revoked like any token.
FEED_KEY_PREFIX = "spf_"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: ApiToken
    secret: str


async def create_token(
    session: AsyncSession,
    *,
    role: Role,
    person_id: int | None,
    description: str = "",
    days: int | None = 90,
    system: str | None = None,
    feed: bool = False,
) -> IssuedToken:
    """Issue a token; scoped roles need a person (their scope is that person's teams). A token
    without a person may name the system that acts with it (`system`, audited as its actor).
    `days=None` never expires; otherwise it must be at least one day. With ``feed`` it is a
    calendar feed key instead: a VIEWER that opens only the feed URLs."""
    if days is not None and days < 1:
        raise DomainError("A token lives at least one day.", field="days")
    if system is not None and not system.strip():
        raise DomainError("A system actor needs a name.", field="system")
    if feed and role is not Role.VIEWER:
        raise DomainError("A calendar feed key is read-only: its role is VIEWER.", field="role")
    if role in (Role.TEAM_MEMBER, Role.PLATFORM_OWNER, Role.FACILITATOR) and person_id is None:
        raise DomainError(f"A {role.value} token must belong to a person.", field="person")
    if person_id is not None and await session.get(Person, person_id) is None:
        raise NotFoundError(f"Person {person_id} does not exist.", field="person")
    secret = (FEED_KEY_PREFIX if feed else TOKEN_PREFIX) + secrets.token_urlsafe(32)
    token = ApiToken(
        token_hash=hash_token(secret),
        prefix=secret[:10],
        person_id=person_id,
        role=role,
        description=description,
        system_actor=system.strip() if system else None,
        expires_at=utcnow() + timedelta(days=days) if days is not None else None,
    )
    session.add(token)
    await session.flush()
    return IssuedToken(token=token, secret=secret)


async def list_tokens(session: AsyncSession, *, include_revoked: bool = False) -> list[ApiToken]:
    """All tokens (never their secrets), newest first."""
    stmt = select(ApiToken).order_by(ApiToken.id.desc())
    if not include_revoked:
        stmt = stmt.where(ApiToken.revoked_at.is_(None))
    return list(await session.scalars(stmt))


async def revoke_token(session: AsyncSession, token_id: int) -> ApiToken:
    """Revoke a token; it stops working on the next request. The row is kept for audit."""
    token = await session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError(f"Token {token_id} does not exist.", field="id")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        await session.flush()
    return token


def is_feed_key(token: ApiToken) -> bool:
    return token.prefix.startswith(FEED_KEY_PREFIX)


async def authenticate(
    session: AsyncSession,
    secret: str | None,
    now: datetime | None = None,
    *,
    feed: bool = False,
    oidc: OidcVerifier | None = None,
) -> Actor:
    """The Actor for a bearer secret; ANONYMOUS when none is sent. An unknown, expired or revoked
    token is never treated as anonymous: it raises InvalidToken so the request is refused. A
    calendar feed key is accepted only with ``feed`` (the feed routes), and only there. With
    single sign-on configured (`oidc`), a JWT from the issuer is accepted beside API tokens."""
    if not secret:
        return ANONYMOUS
    if oidc is not None and not feed and looks_like_jwt(secret):
        try:
            return await oidc.actor(session, secret)
        except OidcRefused as exc:
            log.info("JWT refused: %s", exc)
            raise InvalidToken() from None
    token = await session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or not token.is_active(now or utcnow()) or is_feed_key(token) != feed:
        raise InvalidToken()
    team_ids: frozenset[int] = frozenset()
    if token.person_id is not None:
        rows = await session.scalars(
            select(Membership.team_id).where(
                Membership.person_id == token.person_id, Membership.ended_on.is_(None)
            )
        )
        team_ids = frozenset(rows)
    return Actor(
        role=token.role,
        person_id=token.person_id,
        token_id=token.id,
        team_ids=team_ids,
        system=token.system_actor,
    )


class InvalidToken(Exception):
    """The bearer token is unknown, expired or revoked."""
