"""Tokens for the demo personas, so a newcomer can try every role at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.auth.models import ApiToken
from syncpoint.auth.service import create_token, revoke_token
from syncpoint.core.auth import Role
from syncpoint.demo.org import DIRECTOR_EMAIL, FACILITATOR_EMAIL
from syncpoint.teams.models import Membership, MembershipRole, Person, Team
from syncpoint.teams.repository import person_by_email

DEMO_DESCRIPTION = "demo persona"


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


async def issue_persona_tokens(session: AsyncSession) -> list[tuple[str, str, str]]:
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
            days=30,
        )
        issued.append((persona, role.value, new.secret))
    return issued
