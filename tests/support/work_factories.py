"""Factories for work, cadences, sprints and dependencies, through the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from strawberry.relay import to_base64

from syncpoint.cadence import service as cadence
from syncpoint.cadence.calendar import sprint_node_id
from syncpoint.cadence.models import Cadence
from syncpoint.core.db import SerialSession
from syncpoint.dependencies import service as deps
from syncpoint.dependencies.models import Dependency, DependencyType
from syncpoint.teams.models import Team
from syncpoint.work import service as work
from syncpoint.work.models import BacklogItem, ItemKind
from tests.support.factories import ADMIN, unique

RESEARCH_DEFAULTS: dict[ItemKind, dict[str, Any]] = {
    ItemKind.EXPERIMENT: {
        "hypothesis": "A sequence model beats the baseline",
        "evaluation_method": "offline NDCG@10 on the holdout week",
        "time_cap_days": 10,
    },
    ItemKind.SPIKE: {"time_cap_days": 5},
}


def gid(type_name: str, ident: int | str) -> str:
    return to_base64(type_name, ident)


def sprint_gid(team: Team, start: date) -> str:
    return to_base64("Sprint", sprint_node_id(team.id, start))


async def make_item(
    session: SerialSession,
    team: Team,
    *,
    kind: ItemKind = ItemKind.ENGINEERING,
    key: str | None = None,
    title: str | None = None,
    **values: Any,
) -> BacklogItem:
    merged = {**RESEARCH_DEFAULTS.get(kind, {}), **values}
    return await work.create_item(
        session,
        ADMIN,
        team_id=team.id,
        title=title or unique("item"),
        kind=kind,
        values=merged,
        key=key,
    )


async def make_cadence(
    session: SerialSession,
    team: Team,
    length_days: int,
    anchor: date,
    effective_from: date | None = None,
) -> Cadence:
    return await cadence.set_cadence(
        session,
        ADMIN,
        team_id=team.id,
        length_days=length_days,
        anchor=anchor,
        effective_from=effective_from,
    )


async def plan(session: SerialSession, item: BacklogItem, start: date) -> BacklogItem:
    """Plan `item` into its team's sprint starting on `start`."""
    return await cadence.plan_item(
        session, ADMIN, item.id, item.version, sprint_node_id(item.team_id, start)
    )


async def make_dependency(
    session: SerialSession,
    consumer: BacklogItem,
    provider: BacklogItem,
    *,
    type: DependencyType = DependencyType.BLOCKING,
    needed_by: date | None = None,
) -> Dependency:
    return await deps.create_dependency(
        session,
        ADMIN,
        consumer_item_id=consumer.id,
        provider_item_id=provider.id,
        type=type,
        needed_by=needed_by,
    )
