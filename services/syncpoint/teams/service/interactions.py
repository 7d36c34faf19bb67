"""Team Topologies interactions between two teams (rule 7: overruns)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor
from syncpoint.core.clock import today
from syncpoint.core.errors import (
    DomainError,
    DuplicateError,
    ErrorCode,
    check_version,
)
from syncpoint.teams import repository as repo
from syncpoint.teams.models import (
    Interaction,
    InteractionMode,
    Team,
)
from syncpoint.teams.service.common import (
    END_INTERACTION,
    START_INTERACTION,
    UPDATE_INTERACTION,
    check_dates,
    get_live,
    get_row,
)

# ---- interactions ---------------------------------------------------------------------------


async def start_interaction(
    session: AsyncSession,
    actor: Actor,
    *,
    team_id: int,
    partner_id: int,
    mode: InteractionMode,
    purpose: str,
    starts_on: date | None,
    expected_end: date | None,
) -> Interaction:
    """Start an interaction between two different teams (one of them the actor's)."""
    actor.require_any_team(START_INTERACTION, {team_id, partner_id})
    if team_id == partner_id:
        raise DomainError(
            "A team cannot interact with itself.", field="partnerId", code=ErrorCode.SELF_REFERENCE
        )
    await get_live(session, Team, team_id, "Team", "teamId")
    await get_live(session, Team, partner_id, "Team", "partnerId")
    check_dates(starts_on or today(), expected_end, "expectedEnd")
    if await repo.open_interaction(session, team_id, partner_id, mode):
        raise DuplicateError(
            f"These teams already have an open {mode.value} interaction.", field="partnerId"
        )
    interaction = build_interaction(
        actor,
        team_id=team_id,
        partner_id=partner_id,
        mode=mode,
        purpose=purpose,
        starts_on=starts_on,
        expected_end=expected_end,
    )
    session.add(interaction)
    await session.flush()
    return interaction


def build_interaction(
    actor: Actor,
    *,
    team_id: int,
    partner_id: int,
    mode: InteractionMode,
    purpose: str,
    starts_on: date | None,
    expected_end: date | None,
) -> Interaction:
    """A new interaction checked by the rules that need no lookup, not added to a session (the
    bulk import knows both teams are live and have no open interaction of that mode)."""
    actor.require_any_team(START_INTERACTION, {team_id, partner_id})
    if team_id == partner_id:
        raise DomainError(
            "A team cannot interact with itself.", field="partnerId", code=ErrorCode.SELF_REFERENCE
        )
    start = starts_on or today()
    check_dates(start, expected_end, "expectedEnd")
    return Interaction(
        team_id=team_id,
        partner_id=partner_id,
        mode=mode,
        purpose=purpose,
        starts_on=start,
        expected_end=expected_end,
    )


async def _open_interaction(session: AsyncSession, interaction_id: int) -> Interaction:
    interaction: Interaction = await get_row(
        session, Interaction, interaction_id, "Interaction", "id"
    )
    if interaction.ended_on is not None:
        raise DomainError("This interaction has ended.", field="id", code=ErrorCode.INVALID_STATE)
    return interaction


async def update_interaction(
    session: AsyncSession,
    actor: Actor,
    interaction_id: int,
    version: int,
    changes: Mapping[str, Any],
) -> Interaction:
    """Change the purpose, mode or expected end of an open interaction."""
    interaction = await _open_interaction(session, interaction_id)
    actor.require_any_team(UPDATE_INTERACTION, {interaction.team_id, interaction.partner_id})
    check_version(interaction.version, version, "Interaction")
    if "expected_end" in changes:
        check_dates(interaction.starts_on, changes["expected_end"], "expectedEnd")
        interaction.expected_end = changes["expected_end"]
    if "purpose" in changes:
        interaction.purpose = changes["purpose"]
    if "mode" in changes:
        interaction.mode = changes["mode"]
    await session.flush()
    return interaction


async def end_interaction(
    session: AsyncSession,
    actor: Actor,
    interaction_id: int,
    version: int,
    ended_on: date | None = None,
) -> Interaction:
    """End an interaction on a date (default today); it stays in the history."""
    interaction = await _open_interaction(session, interaction_id)
    actor.require_any_team(END_INTERACTION, {interaction.team_id, interaction.partner_id})
    check_version(interaction.version, version, "Interaction")
    end = ended_on or today()
    check_dates(interaction.starts_on, end, "endedOn")
    interaction.ended_on = end
    await session.flush()
    return interaction
