"""The quality report and the sprint plan of a team's sprint, as plain data (the GraphQL layer
renders them). Reads only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.flag_types import Flag, SubjectKind
from syncpoint.cadence import calendar
from syncpoint.cadence.calendar import SprintView
from syncpoint.core.errors import DomainError, NotFoundError
from syncpoint.insights.result import Analysis
from syncpoint.products.models import ComputeReservation, ReservationStatus
from syncpoint.quality.gates import GateVerdict, gates_of, overrides_of, verdict
from syncpoint.quality.readiness import DataCheck, data_checks
from syncpoint.work import repository as repo
from syncpoint.work.gate_models import GateAction, GateOverride
from syncpoint.work.models import BacklogItem, ChecklistKind, ItemStatus


async def team_sprint(session: AsyncSession, team_id: int, node_id: str) -> SprintView:
    """The sprint `node_id` of the team; NOT_FOUND for a sprint of none or of another team."""
    view = await calendar.sprint_by_node_id(session, node_id)
    if view is None:
        raise NotFoundError(f"Sprint {node_id} does not exist.", field="sprintId")
    if view.team_id != team_id:
        raise DomainError("That sprint belongs to another team.", field="sprintId")
    return view


async def planned_items(session: AsyncSession, view: SprintView) -> list[BacklogItem]:
    if view.stored is None:
        return []
    return list((await repo.items_by_sprint(session, [view.stored.id]))[0])


@dataclass
class QualityReport:
    view: SprintView
    ready_enforced: bool
    done_enforced: bool
    planned_without_readiness: list[tuple[BacklogItem, GateVerdict]] = field(default_factory=list)
    done_without_checks: list[tuple[BacklogItem, GateVerdict]] = field(default_factory=list)
    overrides: list[GateOverride] = field(default_factory=list)


async def quality_report(session: AsyncSession, team_id: int, node_id: str) -> QualityReport:
    """Items of the sprint planned without readiness, done without their checks, and every
    override on them with its reason."""
    view = await team_sprint(session, team_id, node_id)
    gates = await gates_of(session, team_id)
    report = QualityReport(
        view,
        ready_enforced=bool(gates.get(ChecklistKind.READY) and gates[ChecklistKind.READY].enforced),
        done_enforced=bool(gates.get(ChecklistKind.DONE) and gates[ChecklistKind.DONE].enforced),
    )
    items = await planned_items(session, view)
    for item in items:
        ready = await verdict(session, item, GateAction.PLAN)
        if ready.unmet:
            report.planned_without_readiness.append((item, ready))
        if item.status is ItemStatus.DONE:
            done = await verdict(session, item, GateAction.DONE)
            if done.unmet:
                report.done_without_checks.append((item, done))
    report.overrides = await overrides_of(session, [i.id for i in items])
    return report


@dataclass
class PlannedItem:
    item: BacklogItem
    data: list[DataCheck]
    reservations: list[ComputeReservation]
    flags: list[Flag]

    @property
    def data_ready(self) -> bool:
        return all(c.ready for c in self.data)


def _flags_by_item(analysis: Analysis, item_ids: set[int]) -> dict[int, list[Flag]]:
    """Flags on the items themselves and on the dependencies they consume or provide."""
    touching: defaultdict[int, set[int]] = defaultdict(set)
    for dep in analysis.inp.index.dependencies.values():
        for item_id in (dep.consumer_item_id, dep.provider_item_id):
            if item_id in item_ids:
                touching[dep.id].add(item_id)
    found: defaultdict[int, list[Flag]] = defaultdict(list)
    for flag in analysis.flags:
        if flag.subject_kind is SubjectKind.ITEM and flag.subject_id in item_ids:
            found[flag.subject_id].append(flag)
        elif flag.subject_kind is SubjectKind.DEPENDENCY:
            for item_id in touching.get(flag.subject_id, ()):
                found[item_id].append(flag)
    return found


async def sprint_plan(
    session: AsyncSession, team_id: int, node_id: str, analysis: Analysis
) -> tuple[SprintView, list[PlannedItem]]:
    """Every planned item of the sprint with its data readiness, compute reservations and the
    dependency flags of the analysis."""
    view = await team_sprint(session, team_id, node_id)
    items = await planned_items(session, view)
    ids = [i.id for i in items]
    checks = await data_checks(session, ids)
    reservations: defaultdict[int, list[ComputeReservation]] = defaultdict(list)
    if ids:
        rows = await session.scalars(
            select(ComputeReservation)
            .where(
                ComputeReservation.item_id.in_(ids),
                ComputeReservation.status == ReservationStatus.ACTIVE,
            )
            .order_by(ComputeReservation.starts_at, ComputeReservation.id)
        )
        for row in rows:
            reservations[row.item_id].append(row)
    flags = _flags_by_item(analysis, set(ids))
    return view, [
        PlannedItem(i, checks[i.id], reservations.get(i.id, []), flags.get(i.id, [])) for i in items
    ]
