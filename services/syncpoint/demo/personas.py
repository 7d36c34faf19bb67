"""Tokens for the demo personas, so a newcomer can try every role at once. The tokens printed are
kept in a file (mode 0600) and printed again while they are valid, so that `make run` does not
revoke the tokens a newcomer pasted into GraphiQL the last time."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.auth.models import ApiToken
from syncpoint.auth.service import create_token, hash_token, revoke_token
from syncpoint.core.auth import Role
from syncpoint.core.models import utcnow
from syncpoint.demo.org import DIRECTOR_EMAIL, FACILITATOR_EMAIL
from syncpoint.teams.models import Membership, MembershipRole, Person, Team
from syncpoint.teams.repository import person_by_email

DEMO_DESCRIPTION = "demo persona"
TOKEN_DAYS = 30


@dataclass(frozen=True, slots=True)
class PersonaToken:
    persona: str
    role: str
    secret: str
    expires_at: str  # ISO 8601, UTC


async def _member_email(session: AsyncSession, team_slug: str, role: MembershipRole) -> str:
    email = await session.scalar(
        select(Person.email)
        .join(Membership, Membership.person_id == Person.id)
        .join(Team, Team.id == Membership.team_id)
        .where(Team.slug == team_slug, Membership.role == role, Membership.ended_on.is_(None))
        .order_by(Person.id)
    )
    if email is None:
        raise LookupError(f"the demo has no {role.value} in {team_slug}; load it first")
    return email


async def issue_persona_tokens(session: AsyncSession) -> list[PersonaToken]:
    """Revoke earlier demo tokens and issue one per persona: (persona, role, secret)."""
    for token in await session.scalars(
        select(ApiToken).where(
            ApiToken.description.like(f"{DEMO_DESCRIPTION}%"), ApiToken.revoked_at.is_(None)
        )
    ):
        await revoke_token(session, token.id)
    personas = [
        ("director", Role.DIRECTOR, DIRECTOR_EMAIL),
        (
            "platform owner (Feature Store)",
            Role.PLATFORM_OWNER,
            await _member_email(session, "feature-store", MembershipRole.PRODUCT_OWNER),
        ),
        ("facilitator (Scrum of Scrums)", Role.FACILITATOR, FACILITATOR_EMAIL),
        (
            "team member (Ranking)",
            Role.TEAM_MEMBER,
            await _member_email(session, "ranking", MembershipRole.ML_ENGINEER),
        ),
        ("admin", Role.ADMIN, None),
    ]
    issued = []
    for persona, role, email in personas:
        person = await person_by_email(session, email) if email else None
        new = await create_token(
            session,
            role=role,
            person_id=person.id if person else None,
            description=f"{DEMO_DESCRIPTION}: {persona}",
            days=TOKEN_DAYS,
        )
        expires = new.token.expires_at.isoformat() if new.token.expires_at else ""
        issued.append(PersonaToken(persona, role.value, new.secret, expires))
    return issued


def read_tokens_file(path: Path) -> list[PersonaToken]:
    """The tokens kept in `path`; none when it is missing or not ours."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [PersonaToken(**row) for row in rows]
    except (OSError, ValueError, TypeError):
        return []


def write_tokens_file(path: Path, tokens: list[PersonaToken]) -> None:
    """Keep `tokens` in `path`, readable by the owner only (they are secrets)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode through os.open
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump([asdict(t) for t in tokens], out, indent=1)


async def all_active(session: AsyncSession, tokens: list[PersonaToken], now: datetime) -> bool:
    """Every token is known to this database and neither revoked nor expired."""
    if not tokens:
        return False
    rows = {
        row.token_hash: row
        for row in await session.scalars(
            select(ApiToken).where(ApiToken.token_hash.in_([hash_token(t.secret) for t in tokens]))
        )
    }
    return all(
        (row := rows.get(hash_token(t.secret))) is not None and row.is_active(now) for t in tokens
    )


async def persona_tokens(
    session: AsyncSession, path: Path, *, rotate: bool = False
) -> tuple[list[PersonaToken], bool]:
    """The demo tokens kept in `path` while all are valid, else (or with `rotate`) fresh ones,
    earlier demo tokens revoked, written to `path`. Returns (tokens, whether they are fresh)."""
    kept = [] if rotate else read_tokens_file(path)
    if await all_active(session, kept, utcnow()):
        return kept, False
    fresh = await issue_persona_tokens(session)
    write_tokens_file(path, fresh)
    return fresh, True
