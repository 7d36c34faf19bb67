"""The demo's quality gates: Search tried an enforced Definition of Ready in launch week
and its Product Owner overrode it for an item another team waits on (so the Discovery agenda
has a QUALITY_OVERRIDES entry), then the team went back to an advisory DoR."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor
from syncpoint.demo.org import DemoOrg
from syncpoint.dependencies.models import Dependency, DependencyStatus
from syncpoint.quality import gates
from syncpoint.work import checklists
from syncpoint.work import repository as work_repo
from syncpoint.work.gate_models import GateAction, GateOverride
from syncpoint.work.models import BacklogItem, ChecklistKind, ItemStatus

TEAM = "search"
REASON = "Launch week: the consumer team needs it started; labels are confirmed on Monday"


async def load_gates(session: AsyncSession, actor: Actor, org: DemoOrg, as_of: date) -> None:
    """One override, dated `as_of`, on a BACKLOG item of TEAM that another team depends on."""
    team = org.teams[TEAM]
    consumer = BacklogItem.__table__.alias("consumer")
    item = await session.scalar(
        select(BacklogItem)
        .join(Dependency, Dependency.provider_item_id == BacklogItem.id)
        .join(consumer, consumer.c.id == Dependency.consumer_item_id)
        .where(
            BacklogItem.team_id == team.id,
            BacklogItem.status == ItemStatus.BACKLOG,
            Dependency.status == DependencyStatus.OPEN,
            consumer.c.team_id != team.id,
        )
        .order_by(BacklogItem.id)
        .limit(1)
    )
    if item is None:
        return
    ready = (await work_repo.checklists_by_team(session, [team.id]))[0]
    if not any(c.kind is ChecklistKind.READY for c in ready):
        await checklists.create_check(
            session, actor, team_id=team.id, kind=ChecklistKind.READY, text="Labels confirmed"
        )
    await gates.set_gate(session, actor, team_id=team.id, kind=ChecklistKind.READY, enforced=True)
    await gates.override_gate(
        session,
        actor,
        item_id=item.id,
        version=item.version,
        action=GateAction.READY,
        reason=REASON,
        on=as_of,
    )
    override = await session.scalar(select(GateOverride).where(GateOverride.item_id == item.id))
    assert override is not None
    override.at = datetime.combine(as_of, time(9), UTC)
    await gates.set_gate(session, actor, team_id=team.id, kind=ChecklistKind.READY, enforced=False)
    await session.flush()
