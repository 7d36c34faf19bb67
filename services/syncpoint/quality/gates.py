"""Quality gates: a team's Definition of Ready / Done is advisory or enforced.

Enforced DoR: an item is planned into a sprint or set READY only when its ready checks are met,
its data is ready (quality.readiness) and, when the gate asks for it, an experiment's design is
reviewed. Enforced DoD: set DONE only when its done checks are met and every acceptance criterion
is met by a recorded metric observation. A lead of the team (product owner, Scrum master) or an
admin may override with a reason, kept in the item's history and reported.

The gates are a before-hook of the mutation pipeline on `changeItemStatus` and `planItem`, so
those services stay as they were; `overrideQualityGate` runs them past the gate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.cadence import service as cadence
from syncpoint.core.auth import Access, Actor, policy
from syncpoint.core.errors import (
    DomainError,
    ErrorCode,
    Invalid,
    PermissionDenied,
    Problems,
    UserError,
    check_version,
)
from syncpoint.core.mutations import MutationEvent, before_mutation
from syncpoint.quality.readiness import data_checks, unready
from syncpoint.teams.models import Membership, MembershipRole
from syncpoint.work import repository as repo
from syncpoint.work import service as work
from syncpoint.work.criteria import check_criterion, describe
from syncpoint.work.gate_models import ExperimentDesign, GateAction, GateOverride, QualityGate
from syncpoint.work.history import record_change
from syncpoint.work.models import BacklogItem, ChecklistKind, ItemKind, ItemStatus
from syncpoint.work.service import TEAM_WORK, get_item, get_team

SET_GATE = policy("setQualityGate", **TEAM_WORK)
OVERRIDE_GATE = policy("overrideQualityGate", admin=Access.ANY, team_member=Access.OWN)
LEAD_ROLES = frozenset({MembershipRole.PRODUCT_OWNER, MembershipRole.SCRUM_MASTER})
_KIND_OF = {
    GateAction.PLAN: ChecklistKind.READY,
    GateAction.READY: ChecklistKind.READY,
    GateAction.DONE: ChecklistKind.DONE,
}


@dataclass(frozen=True, slots=True)
class Unmet:
    """One thing a gate wants and the item lacks, in words, with the code a refusal carries."""

    code: ErrorCode
    message: str


@dataclass(frozen=True, slots=True)
class GateVerdict:
    action: GateAction
    enforced: bool
    unmet: list[Unmet]

    @property
    def refuses(self) -> bool:
        return self.enforced and bool(self.unmet)


async def gates_of(session: AsyncSession, team_id: int) -> dict[ChecklistKind, QualityGate]:
    rows = await session.scalars(select(QualityGate).where(QualityGate.team_id == team_id))
    return {row.kind: row for row in rows}


async def set_gate(
    session: AsyncSession,
    actor: Actor,
    *,
    team_id: int,
    kind: ChecklistKind,
    enforced: bool,
    require_design_review: bool = False,
) -> QualityGate:
    """Make a team's DoR or DoD advisory or enforced (DoR: optionally a design review too)."""
    team = await get_team(session, team_id)
    actor.require_team(SET_GATE, team.id)
    if require_design_review and kind is not ChecklistKind.READY:
        raise DomainError(
            "A design review is part of the Definition of Ready.", field="requireDesignReview"
        )
    gate = (await gates_of(session, team.id)).get(kind)
    if gate is None:
        gate = QualityGate(team_id=team.id, kind=kind)
        session.add(gate)
    gate.enforced = enforced
    gate.require_design_review = require_design_review
    await session.flush()
    return gate


async def _unmet_checks(
    session: AsyncSession, item: BacklogItem, kind: ChecklistKind
) -> list[Unmet]:
    checks = [c for c in (await repo.checklists_by_team(session, [item.team_id]))[0]]
    met = {m.check_id for m in (await repo.checks_by_item(session, [item.id]))[0]}
    label = "Definition of Ready" if kind is ChecklistKind.READY else "Definition of Done"
    return [
        Unmet(ErrorCode.GATE_NOT_MET, f"{item.key}: {label} check not met: {c.text}.")
        for c in checks
        if c.kind is kind and c.id not in met
    ]


async def _unmet_criteria(session: AsyncSession, item: BacklogItem) -> list[Unmet]:
    criteria = await repo.criteria_of(session, item.id)
    if not criteria:
        return []
    observations = await repo.observations_of(session, item.id)
    unmet: list[Unmet] = []
    for criterion in criteria:
        verdict = check_criterion(criterion, observations)
        if verdict.met:
            continue
        seen = "no observation reports it" if verdict.met is None else f"observed {verdict.value:g}"
        unmet.append(
            Unmet(
                ErrorCode.GATE_NOT_MET,
                f"{item.key}: acceptance criterion {describe(criterion)} not met ({seen}).",
            )
        )
    return unmet


async def _unmet_design(session: AsyncSession, item: BacklogItem) -> list[Unmet]:
    if item.kind is not ItemKind.EXPERIMENT:
        return []
    design = await session.scalar(
        select(ExperimentDesign).where(ExperimentDesign.item_id == item.id)
    )
    unmet: list[Unmet] = []
    if (
        design is None
        or design.metric is None
        or design.baseline_value is None
        or (design.minimum_effect is None)
    ):
        unmet.append(
            Unmet(
                ErrorCode.GATE_NOT_MET,
                f"{item.key}: the design does not say what makes the result conclusive "
                "(metric, baseline value, minimum effect).",
            )
        )
    if design is None or design.reviewed_at is None:
        unmet.append(Unmet(ErrorCode.GATE_NOT_MET, f"{item.key}: the design is not reviewed."))
    return unmet


async def _unmet_data(session: AsyncSession, item: BacklogItem) -> list[Unmet]:
    checks = (await data_checks(session, [item.id]))[item.id]
    return [Unmet(ErrorCode.DATA_NOT_READY, f"{item.key}: {c.reason}") for c in unready(checks)]


async def verdict(session: AsyncSession, item: BacklogItem, action: GateAction) -> GateVerdict:
    """What the team's gate for `action` wants of the item that it lacks (advisory or not)."""
    kind = _KIND_OF[action]
    gate = (await gates_of(session, item.team_id)).get(kind)
    unmet = await _unmet_checks(session, item, kind)
    if kind is ChecklistKind.READY:
        if gate is not None and gate.require_design_review:
            unmet += await _unmet_design(session, item)
        unmet += await _unmet_data(session, item)
    else:
        unmet += await _unmet_criteria(session, item)
    return GateVerdict(action, gate is not None and gate.enforced, unmet)


def _refusal(found: GateVerdict, field: str) -> Invalid:
    return Invalid([UserError(field=field, message=u.message, code=u.code) for u in found.unmet])


@before_mutation
async def enforce_gates(event: MutationEvent) -> None:
    """Refuse a status change to READY/DONE or a planning an enforced gate does not allow,
    with every unmet check at once."""
    action: GateAction | None = None
    field = "status"
    if event.operation == work.CHANGE_STATUS:
        status = event.fields.get("status")
        if status is ItemStatus.READY:
            action = GateAction.READY
        elif status is ItemStatus.DONE:
            action = GateAction.DONE
        item_id = event.fields.get("id")
    elif event.operation == cadence.PLAN_ITEM and event.fields.get("sprint_id") is not None:
        action, field, item_id = GateAction.PLAN, "sprintId", event.fields.get("item_id")
    if action is None or item_id is None:
        return
    item = await event.session.get(BacklogItem, item_id)
    if item is None or (action is not GateAction.PLAN and item.status.value == action.value):
        return  # the service reports a missing item; an unchanged status is no transition
    event.actor.require_team(event.operation, item.team_id)
    found = await verdict(event.session, item, action)
    if found.refuses:
        raise _refusal(found, field)


async def require_lead(
    session: AsyncSession, actor: Actor, team_id: int, what: str = "override a quality gate"
) -> None:
    """Only the team's product owner or Scrum master (or an admin) may `what`."""
    actor.require_team(OVERRIDE_GATE, team_id)
    if actor.is_admin:
        return
    roles = set(
        await session.scalars(
            select(Membership.role).where(
                Membership.team_id == team_id,
                Membership.person_id == actor.person_id,
                Membership.ended_on.is_(None),
            )
        )
    )
    if not roles & LEAD_ROLES:
        raise PermissionDenied(
            f"Only the team's product owner or Scrum master (or an admin) may {what}.",
            reason="SCOPE",
        )


async def override_gate(
    session: AsyncSession,
    actor: Actor,
    *,
    item_id: int,
    version: int,
    action: GateAction,
    reason: str,
    sprint_node_id: str | None = None,
    on: date | None = None,
) -> BacklogItem:
    """Plan an item or set it READY/DONE although its enforced gate is not met, with a reason
    kept in the item's history and in the quality report."""
    item = await get_item(session, item_id, "itemId")
    await require_lead(session, actor, item.team_id)
    problems = Problems()
    problems.require(reason, "reason", "An override needs a reason.")
    if action is GateAction.PLAN:
        problems.require(sprint_node_id, "sprintId", "Name the sprint to plan the item into.")
    found = await verdict(session, item, action)
    if not found.refuses:
        problems.add(
            "action",
            f"Nothing to override: the gate for {action.value} is "
            + ("met." if found.enforced else "advisory."),
            ErrorCode.INVALID_STATE,
        )
    problems.raise_if_any()
    check_version(item.version, version, "Backlog item")
    reason = reason.strip()
    note = f"Quality gate overridden: {reason}"
    if action is GateAction.PLAN:
        assert sprint_node_id is not None
        item = await cadence.plan_item(session, actor, item.id, version, sprint_node_id, note=note)
    else:
        status = ItemStatus(action.value)
        item = await work.change_status(session, actor, item.id, version, status, note=note, on=on)
    unmet = "; ".join(u.message for u in found.unmet)
    session.add(
        GateOverride(
            item_id=item.id,
            action=action,
            reason=reason,
            unmet=unmet,
            sprint_id=item.sprint_id if action is GateAction.PLAN else None,
            actor_id=actor.person_id,
        )
    )
    await record_change(
        session,
        item,
        "qualityGateOverride",
        None,
        f"{action.value}: {unmet}",
        actor_id=actor.person_id,
        note=reason,
    )
    await session.flush()
    return item


async def overrides_of(session: AsyncSession, item_ids: Sequence[int]) -> list[GateOverride]:
    if not item_ids:
        return []
    rows = await session.scalars(
        select(GateOverride)
        .where(GateOverride.item_id.in_(item_ids))
        .order_by(GateOverride.at, GateOverride.id)
    )
    return list(rows)
