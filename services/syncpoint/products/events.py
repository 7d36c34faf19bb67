"""What products announce to other contexts, and what they ask of them.

Products decide which system blockers their state calls for (an SLA breach, compute
contention); the blockers context raises and resolves them (blockers/handlers.py). Which
consumer items a breach reaches is answered by the dependencies on the product, so products
ask it (dependencies/handlers.py). Products never import blockers or dependencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.events import Event, publish
from syncpoint.work.models import BacklogItem


class Concern(StrEnum):
    """Why a product calls for blockers (each maps to a blocker category and severity)."""

    SLA_BREACH = "SLA_BREACH"
    COMPUTE_CONTENTION = "COMPUTE_CONTENTION"


@dataclass(frozen=True, slots=True)
class CalledFor:
    """One blocker the product's state calls for, on one consumer item."""

    source_key: str
    item_id: int
    title: str
    description: str
    raise_new: bool = True
    """False: keep it if it is already open, but do not raise it anew."""


@dataclass(frozen=True, slots=True)
class BlockerOutcome:
    raised: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SystemBlockersCalledFor(Event[BlockerOutcome]):
    """Every open system blocker under `prefix` not in `called_for` is resolved with `note`;
    every one in `called_for` that is not open (and may be raised) is raised."""

    concern: Concern
    prefix: str
    called_for: list[CalledFor]
    note: str


async def call_for_blockers(
    session: AsyncSession, event: SystemBlockersCalledFor
) -> BlockerOutcome:
    """Publish `event` in this transaction; the blockers it raised and resolved."""
    outcomes = await publish(session, event)
    return BlockerOutcome(
        raised=[i for o in outcomes for i in o.raised],
        resolved=[i for o in outcomes for i in o.resolved],
    )


@dataclass(frozen=True, slots=True)
class ConsumersAtRiskAsked(Event[list[BacklogItem]]):
    """Which items of the product's subscribed consumer teams are in progress (or blocked) with
    an open dependency on it: the work its breach reaches."""

    product_id: int


async def consumers_at_risk(session: AsyncSession, product_id: int) -> list[BacklogItem]:
    """Ask, in this transaction, which consumer items the product's trouble reaches."""
    answers = await publish(session, ConsumersAtRiskAsked(product_id))
    return [item for answer in answers for item in answer]
