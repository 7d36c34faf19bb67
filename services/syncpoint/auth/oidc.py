"""OpenID Connect single sign-on: JWT bearer tokens from a configured issuer, beside API tokens.

A JWT is accepted when its signature verifies against the issuer's JWKS (fetched, cached and
refreshed by PyJWT's `PyJWKClient`, in a worker thread), its `iss`, `aud` and `exp` are right,
and its person claim (by default `email`) names a person of the organisation. Its group claim
maps to a role with `SYNCPOINT_OIDC_ROLE_MAP` (`{"group": "ROLE"}`); a person in several groups
gets the most capable role, one in none gets `SYNCPOINT_OIDC_DEFAULT_ROLE` or is refused.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import jwt
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor, Role
from syncpoint.core.settings import Settings
from syncpoint.teams.models import Membership, Person

log = logging.getLogger("syncpoint.auth.oidc")

# The most capable first: a person in several mapped groups gets the first of these it has.
ROLE_ORDER = [
    Role.ADMIN,
    Role.DIRECTOR,
    Role.PLATFORM_OWNER,
    Role.FACILITATOR,
    Role.TEAM_MEMBER,
    Role.VIEWER,
]


class OidcRefused(Exception):
    """A JWT that is not accepted, with the reason (logged, never sent to the client)."""


def looks_like_jwt(secret: str) -> bool:
    """A compact JWS (three dot-separated parts); API tokens start with `sp_` and have no dots."""
    return secret.count(".") == 2 and not secret.startswith("sp_")


class OidcVerifier:
    def __init__(self, settings: Settings) -> None:
        if not (settings.oidc_issuer and settings.oidc_audience):
            raise ValueError("OIDC needs SYNCPOINT_OIDC_ISSUER and SYNCPOINT_OIDC_AUDIENCE")
        self.issuer = settings.oidc_issuer
        self.audience = settings.oidc_audience
        jwks_url = settings.oidc_jwks_url or self.issuer.rstrip("/") + "/.well-known/jwks.json"
        self.jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=10)
        self.algorithms = settings.oidc_algorithms
        self.person_claim = settings.oidc_person_claim
        self.groups_claim = settings.oidc_groups_claim
        self.role_map = {group: Role(role) for group, role in settings.oidc_role_map.items()}
        self.default_role = settings.oidc_default_role
        self.leeway = settings.oidc_leeway_seconds

    def claims(self, token: str) -> dict[str, Any]:
        """The verified claims of `token` (blocking: the JWKS may be fetched)."""
        try:
            key = self.jwks.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=self.algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWKClientError as exc:
            raise OidcRefused(f"no signing key: {exc}") from exc
        except jwt.InvalidTokenError as exc:
            raise OidcRefused(f"{type(exc).__name__}: {exc}") from exc
        return claims

    def role_of(self, claims: dict[str, Any]) -> Role:
        groups = claims.get(self.groups_claim) or []
        if isinstance(groups, str):
            groups = [groups]
        roles = {self.role_map[g] for g in groups if isinstance(g, str) and g in self.role_map}
        for role in ROLE_ORDER:
            if role in roles:
                return role
        if self.default_role is not None:
            return self.default_role
        raise OidcRefused(f"none of the groups {groups!r} maps to a role")

    async def actor(self, session: AsyncSession, token: str) -> Actor:
        claims = await asyncio.to_thread(self.claims, token)
        role = self.role_of(claims)
        who = claims.get(self.person_claim)
        if not isinstance(who, str) or not who:
            raise OidcRefused(f"the token has no {self.person_claim} claim")
        person = await session.scalar(
            select(Person).where(
                func.lower(Person.email) == who.lower(), Person.archived_at.is_(None)
            )
        )
        if person is None:
            raise OidcRefused(f"no person with {self.person_claim} {who}")
        rows = await session.scalars(
            select(Membership.team_id).where(
                Membership.person_id == person.id, Membership.ended_on.is_(None)
            )
        )
        return Actor(role=role, person_id=person.id, team_ids=frozenset(rows))
