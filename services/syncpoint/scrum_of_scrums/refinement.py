"""Cross-team refinement: a forum's joint backlog of cross-cutting items, each with a lead team
and participating teams (with their own linked items), and its own state. An item is on the
forum's agenda until it is refined or dropped. Never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.agenda import Candidate, ImpactFactors, Link, Section
from syncpoint.analysis.flag_types import days
from syncpoint.core.auth import Access, Actor, policy
from syncpoint.core.errors import (
    DomainError,
    DuplicateError,
    ErrorCode,
    PermissionDenied,
    check_version,
    require_found,
)
from syncpoint.core.loaders import rows_by_ids, rows_by_parent
from syncpoint.scrum_of_scrums.agenda_data import AgendaData
from syncpoint.scrum_of_scrums.refinement_models import (
    UNREFINED,
    RefinementItem,
    RefinementParticipant,
    RefinementState,
)
from syncpoint.scrum_of_scrums.service import is_facilitator_of, live_forum
from syncpoint.teams.models import Team
from syncpoint.work.models import BacklogItem

# The forum's facilitator, and members of the teams concerned, keep the joint backlog.
_REFINERS = {"admin": Access.ANY, "facilitator": Access.OWN, "team_member": Access.OWN}
CREATE_REFINEMENT = policy("createRefinementItem", **_REFINERS)
JOIN_REFINEMENT = policy("joinRefinementItem", **_REFINERS)
SET_REFINEMENT_STATE = policy("setRefinementItemState", **_REFINERS)

refinements_by_ids = rows_by_ids(RefinementItem)
participants_by_refinement = rows_by_parent(
    RefinementParticipant, "refinement_item_id", RefinementParticipant.id
)


def refinements_query(forum_id: int, states: Sequence[RefinementState] | None) -> Select:
    stmt = select(RefinementItem).where(RefinementItem.forum_id == forum_id)
    return stmt.where(RefinementItem.state.in_(list(states))) if states else stmt


async def unrefined_in(session: AsyncSession, forum_id: int) -> list[RefinementItem]:
    """The forum's items not yet refined (nor dropped), oldest first: its agenda's topics."""
    rows = await session.scalars(
        select(RefinementItem)
        .where(RefinementItem.forum_id == forum_id, RefinementItem.state.in_(UNREFINED))
        .order_by(RefinementItem.created_at, RefinementItem.id)
    )
    return list(rows.all())


def _require(actor: Actor, operation: str, forum_facilitator: bool, team_ids: set[int]) -> None:
    access = actor.require_access(operation)
    if access is Access.ANY or forum_facilitator or team_ids & actor.team_ids:
        return
    raise PermissionDenied(
        f"Only the forum's facilitator or a member of the teams concerned may {operation}.",
        reason="SCOPE",
    )


async def _team(session: AsyncSession, team_id: int, field: str) -> Team:
    team = await session.get(Team, team_id)
    require_found(team, "Team", team_id, field)
    assert team is not None
    return team


async def _participants(session: AsyncSession, ref_id: int) -> list[RefinementParticipant]:
    return (await participants_by_refinement(session, [ref_id]))[0]


async def create_refinement(
    session: AsyncSession,
    actor: Actor,
    *,
    forum_id: int,
    title: str,
    lead_team_id: int,
    description: str = "",
) -> RefinementItem:
    """Put a cross-cutting item on a forum's joint backlog, led by one team."""
    forum = await live_forum(session, forum_id, "forumId")
    await _team(session, lead_team_id, "leadTeamId")
    _require(actor, CREATE_REFINEMENT, is_facilitator_of(actor, forum), {lead_team_id})
    title = title.strip()
    if not title:
        raise DomainError("Title must not be empty.", field="title", code=ErrorCode.REQUIRED)
    ref = RefinementItem(
        forum_id=forum.id,
        title=title[:300],
        description=description,
        lead_team_id=lead_team_id,
        created_by_id=actor.person_id,
    )
    session.add(ref)
    await session.flush()
    session.add(RefinementParticipant(refinement_item_id=ref.id, team_id=lead_team_id))
    await session.flush()
    return ref


async def join_refinement(
    session: AsyncSession,
    actor: Actor,
    *,
    refinement_id: int,
    team_id: int,
    item_id: int | None = None,
) -> RefinementItem:
    """A team takes part in a refinement item, with (or later with) its own backlog item;
    joining again relinks its item."""
    ref = await session.get(RefinementItem, refinement_id)
    require_found(ref, "RefinementItem", refinement_id, "refinementItemId")
    assert ref is not None
    await _team(session, team_id, "teamId")
    forum = await live_forum(session, ref.forum_id, "refinementItemId")
    _require(actor, JOIN_REFINEMENT, is_facilitator_of(actor, forum), {team_id})
    if item_id is not None:
        item = await session.get(BacklogItem, item_id)
        require_found(item, "BacklogItem", item_id, "itemId")
        assert item is not None
        if item.team_id != team_id:
            raise DomainError("The item belongs to another team.", field="itemId")
    existing = next((p for p in await _participants(session, ref.id) if p.team_id == team_id), None)
    if existing is None:
        session.add(
            RefinementParticipant(refinement_item_id=ref.id, team_id=team_id, item_id=item_id)
        )
    elif item_id is None or existing.item_id == item_id:
        raise DuplicateError("The team takes part already.", field="teamId")
    else:
        existing.item_id = item_id
    await session.flush()
    return ref


async def set_refinement_state(
    session: AsyncSession, actor: Actor, refinement_id: int, version: int, state: RefinementState
) -> RefinementItem:
    """Move a refinement item to a state; REFINED or DROPPED take it off the agenda."""
    ref = await session.get(RefinementItem, refinement_id)
    require_found(ref, "RefinementItem", refinement_id, "id")
    assert ref is not None
    forum = await live_forum(session, ref.forum_id, "id")
    teams = {p.team_id for p in await _participants(session, ref.id)}
    _require(actor, SET_REFINEMENT_STATE, is_facilitator_of(actor, forum), teams)
    check_version(ref.version, version, "RefinementItem")
    ref.state = state
    await session.flush()
    return ref


def refinement_candidates(data: AgendaData) -> list[Candidate]:
    """The forum's cross-team items not yet refined: on every agenda until they are."""
    out = []
    for ref in data.refinements:
        if ref.created_at.date() > data.day:
            continue
        age = (data.day - ref.created_at.date()).days
        lead = data.team_name(ref.lead_team_id)
        out.append(
            Candidate(
                key=f"refinement:{ref.id}",
                section=Section.CROSS_TEAM_REFINEMENT,
                title=ref.title,
                reason=f"Cross-team item led by {lead}, {ref.state.value.lower()}, "
                f"on the joint backlog for {days(age)}: refine it together.",
                factors=ImpactFactors(severity=3, age_days=age),
                numbers={"ageDays": age},
                links=(Link("RefinementItem", ref.id),),
                owner_team_id=ref.lead_team_id,
            )
        )
    return out
