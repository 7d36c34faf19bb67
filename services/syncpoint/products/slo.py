"""SLI measurements, per-objective compliance, and the SLA_BREACH blockers they raise.

A breached objective (SLI under target, or error budget exhausted) raises one SLA_BREACH blocker
per consumer item that is in progress and depends on the product, keyed
`sla:<product>:<objective>:item:<item>` so evaluating again never raises twice; the blockers
are resolved once the objective recovers (or leaves the SLA).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.error_budget import Compliance, Observation, compliance, window_bounds
from syncpoint.analysis.model import ItemStatus
from syncpoint.core.auth import Actor
from syncpoint.core.errors import DomainError, DuplicateError, ErrorCode
from syncpoint.core.models import utcnow
from syncpoint.products import repository as repo
from syncpoint.products.common import RECORD_MEASUREMENTS, live_product
from syncpoint.products.events import (
    CalledFor,
    Concern,
    SystemBlockersCalledFor,
    call_for_blockers,
    consumers_at_risk,
)
from syncpoint.products.models import Product, SliMeasurement, SloObjective
from syncpoint.products.objectives import THRESHOLD_INDICATORS, to_spec

MAX_BATCH = 1000
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class MeasurementInput:
    """One observation as sent by a client; `client_key` makes re-sending it harmless."""

    objective_key: str
    observed_at: datetime
    client_key: str
    good: int | None = None
    total: int | None = None
    value: float | None = None


@dataclass(frozen=True, slots=True)
class ObjectiveStatus:
    product_id: int
    objective: SloObjective
    compliance: Compliance


@dataclass
class Evaluation:
    statuses: list[ObjectiveStatus] = field(default_factory=list)
    raised: list[int] = field(default_factory=list)
    """Ids of the blockers raised (by the blockers context, on the event below)."""
    resolved: list[int] = field(default_factory=list)


@dataclass
class RecordResult:
    product: Product
    recorded: int
    unchanged: int
    evaluation: Evaluation


def sla_source_key(product_id: int, objective_key: str, item_id: int) -> str:
    return f"sla:{product_id}:{objective_key}:item:{item_id}"


def _check(m: MeasurementInput, objective: SloObjective | None, path: str, now: datetime) -> None:
    if objective is None:
        raise DomainError(
            f"No objective {m.objective_key!r} in the current SLA.", field=f"{path}.objectiveKey"
        )
    if not 1 <= len(m.client_key.strip()) <= 200:
        raise DomainError(
            "clientKey must be 1-200 characters.",
            field=f"{path}.clientKey",
            code=ErrorCode.REQUIRED,
        )
    if m.observed_at.tzinfo is None or m.observed_at > now + CLOCK_SKEW:
        raise DomainError(
            "observedAt must carry a time zone and not lie in the future.",
            field=f"{path}.observedAt",
        )
    if objective.indicator in THRESHOLD_INDICATORS:
        if (
            m.value is None
            or not math.isfinite(m.value)
            or m.good is not None
            or m.total is not None
        ):
            raise DomainError(
                f"{objective.name} is measured as a value ({objective.unit or 'number'}); send "
                "value, not good/total.",
                field=f"{path}.value",
            )
        return
    if m.value is not None or m.good is None or m.total is None:
        raise DomainError(
            f"{objective.name} is a ratio: send good and total event counts.", field=f"{path}.good"
        )
    if not (m.total > 0 and 0 <= m.good <= m.total):
        raise DomainError("Counts need total > 0 and 0 <= good <= total.", field=f"{path}.good")


def _same(row: SliMeasurement, m: MeasurementInput) -> bool:
    return (row.objective_key, row.observed_at, row.good, row.total, row.value) == (
        m.objective_key,
        m.observed_at,
        m.good,
        m.total,
        m.value,
    )


async def record_measurements(
    session: AsyncSession,
    actor: Actor,
    product_id: int,
    measurements: Sequence[MeasurementInput],
    *,
    at: datetime | None = None,
) -> RecordResult:
    """Store a batch of observations (all or nothing); observations whose client key is stored
    already are left alone, so re-sending a batch changes nothing. Then re-evaluate breaches as
    of `at` (default now; observations may not lie after it)."""
    product = await live_product(session, product_id)
    actor.require_team(RECORD_MEASUREMENTS, product.owner_team_id)
    if not 1 <= len(measurements) <= MAX_BATCH:
        raise DomainError(f"Send 1 to {MAX_BATCH} measurements.", field="measurements")
    objectives = {o.objective_key: o for o in await repo.current_objectives(session, product.id)}
    now = at or utcnow()
    for i, m in enumerate(measurements):
        _check(m, objectives.get(m.objective_key), f"measurements[{i}]", now)
    stored = await repo.measurements_by_client_keys(
        session, product.id, sorted({m.client_key for m in measurements})
    )
    fresh: dict[str, MeasurementInput] = {}
    unchanged = 0
    for i, m in enumerate(measurements):
        earlier = stored.get(m.client_key)
        if earlier is None and m.client_key in fresh:
            same = fresh[m.client_key] == m
        elif earlier is not None:
            same = _same(earlier, m)
        else:
            fresh[m.client_key] = m
            continue
        if not same:
            raise DuplicateError(
                f"clientKey {m.client_key!r} was used for a different observation.",
                field=f"measurements[{i}].clientKey",
            )
        unchanged += 1
    for m in fresh.values():
        session.add(
            SliMeasurement(
                product_id=product.id,
                objective_key=m.objective_key,
                observed_at=m.observed_at,
                good=m.good,
                total=m.total,
                value=m.value,
                client_key=m.client_key,
                recorded_by_id=actor.person_id,
            )
        )
    await session.flush()
    evaluation = await evaluate_slos(session, product, now) if fresh else Evaluation()
    return RecordResult(product, len(fresh), unchanged, evaluation)


async def statuses_by_product(
    session: AsyncSession, keys: Sequence[tuple[int, datetime]]
) -> list[list[ObjectiveStatus]]:
    """Compliance of the current objectives of each (product id, instant), in key order; a
    fixed number of queries whatever the number of products (a DataLoader batch function)."""
    product_ids = sorted({pid for pid, _ in keys})
    slas = await repo.current_sla_by_product(session, product_ids)
    version_ids = [s.id for s in slas if s is not None]
    grouped = await repo.objectives_by_sla_version(session, version_ids)
    by_version = dict(zip(version_ids, grouped, strict=True))
    objectives = {
        pid: by_version[s.id] if s is not None else []
        for pid, s in zip(product_ids, slas, strict=True)
    }
    bounds = [window_bounds(to_spec(o), at)[0] for pid, at in keys for o in objectives[pid]]
    if not bounds:
        return [[] for _ in keys]
    rows = await repo.measurements_for_products(
        session, product_ids, min(bounds), max(at for _, at in keys)
    )
    observed: dict[tuple[int, str], list[Observation]] = {}
    for r in rows:
        observed.setdefault((r.product_id, r.objective_key), []).append(
            Observation(r.observed_at, r.good, r.total, r.value)
        )
    return [
        [
            ObjectiveStatus(
                pid, o, compliance(to_spec(o), observed.get((pid, o.objective_key), []), at)
            )
            for o in objectives[pid]
        ]
        for pid, at in keys
    ]


async def product_statuses(
    session: AsyncSession, product_id: int, at: datetime | None = None
) -> list[ObjectiveStatus]:
    """Compliance of every objective of the product's current SLA at `at` (default now)."""
    return (await statuses_by_product(session, [(product_id, at or utcnow())]))[0]


async def evaluate_slos(session: AsyncSession, product: Product, at: datetime) -> Evaluation:
    """Raise the SLA_BREACH blockers a breach calls for and resolve those no longer called for."""
    statuses = await product_statuses(session, product.id, at)
    breached = [s for s in statuses if s.compliance.breached]
    items = await consumers_at_risk(session, product.id) if breached else []
    # An open blocker stays while the breach lasts; a new one is raised only on work in progress.
    called_for = [
        _breach(product, status, item.id, raise_new=item.status is ItemStatus.IN_PROGRESS)
        for status in breached
        for item in items
    ]
    outcome = await call_for_blockers(
        session,
        SystemBlockersCalledFor(
            Concern.SLA_BREACH,
            f"sla:{product.id}:",
            called_for,
            note="The objective recovered (or left the SLA).",
        ),
    )
    return Evaluation(statuses, outcome.raised, outcome.resolved)


def _breach(
    product: Product, status: ObjectiveStatus, item_id: int, *, raise_new: bool
) -> CalledFor:
    c, objective = status.compliance, status.objective
    sli = f"{c.sli:.2%}" if c.sli is not None else "-"
    return CalledFor(
        source_key=sla_source_key(product.id, objective.objective_key, item_id),
        item_id=item_id,
        title=f"{product.name}: {objective.name} breached",
        description=(
            f"SLI {sli} against a target of {objective.target:.2%} over "
            f"{objective.window_days} days; error budget remaining {c.budget_remaining:.0%}, "
            f"burn rate {c.burn_rate or 0:.1f}x."
        ),
        raise_new=raise_new,
    )
