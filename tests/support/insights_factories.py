"""A small organisation for the analysis tests: the domain guide's worked example, and more.

Built through the services (so it obeys the rules). Dates as in the guide; analyse it as of
2027-01-20.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from syncpoint.cadence import service as cadence
from syncpoint.core.db import SerialSession
from syncpoint.dependencies import service as deps
from syncpoint.dependencies.models import Dependency, DependencyType, IntegrationPoint
from syncpoint.teams.models import Framework, Group, Team, Topology
from syncpoint.work import service as work
from syncpoint.work.models import BacklogItem, ItemKind
from tests.support.factories import ADMIN, make_group, make_team

AS_OF = date(2027, 1, 20)


async def scrum_team(
    session: SerialSession,
    name: str,
    length: int,
    anchor: date,
    *,
    group: Group | None = None,
    topology: Topology = Topology.STREAM_ALIGNED,
) -> Team:
    """A Scrum team with one cadence."""
    team = await make_team(
        session, name=name, group=group, topology=topology, framework=Framework.SCRUM
    )
    await cadence.set_cadence(session, ADMIN, team_id=team.id, length_days=length, anchor=anchor)
    return team


async def item(
    session: SerialSession,
    team: Team,
    key: str,
    title: str,
    *,
    sprint_start: date | None = None,
    kind: ItemKind = ItemKind.ENGINEERING,
) -> BacklogItem:
    """An item of the team, planned in its sprint starting on ``sprint_start`` if given."""
    created = await work.create_item(
        session, ADMIN, team_id=team.id, title=title, kind=kind, values={}, key=key
    )
    if sprint_start is None:
        return created
    node_id = f"{team.id}:{sprint_start.isoformat()}"
    return await cadence.plan_item(session, ADMIN, created.id, created.version, node_id)


async def depend(
    session: SerialSession,
    consumer: BacklogItem,
    provider: BacklogItem,
    type: DependencyType = DependencyType.BLOCKING,
    needed_by: date | None = None,
) -> Dependency:
    """``consumer`` needs ``provider``."""
    return await deps.create_dependency(
        session,
        ADMIN,
        consumer_item_id=consumer.id,
        provider_item_id=provider.id,
        type=type,
        needed_by=needed_by,
    )


@dataclass
class WorkedExample:
    """Ranking needs Features' FS-12 (the guide's example); Search needs Ranking's R-7; all
    three meet at the Launch integration point."""

    group: Group
    ranking: Team
    features: Team
    search: Team
    r7: BacklogItem
    fs12: BacklogItem
    s3: BacklogItem
    r7_needs_fs12: Dependency
    s3_needs_r7: Dependency
    launch: IntegrationPoint


async def worked_example(session: SerialSession) -> WorkedExample:
    """The domain guide's worked example plus a 10-day Search team downstream of it.

    - R-7 (Ranking, sprint 02-01..02-14) needs FS-12 (Features, sprint 01-25..02-07): LATE by
      7 days, CADENCE_MISALIGNED offset 7, suggested shift -7, handoff lag 7.
    - S-3 (Search, 10-day sprints from 01-04; sprint 02-13..02-22) needs R-7 (SLOWING).
    - Launch on 2027-02-20 names R-7 and S-3: Search is ready on 02-23, 3 days late.
    """
    group = await make_group(session, name="Discovery")
    ranking = await scrum_team(session, "Ranking", 14, date(2027, 1, 4), group=group)
    features = await scrum_team(
        session, "Features", 14, date(2027, 1, 11), group=group, topology=Topology.PLATFORM
    )
    search = await scrum_team(session, "Search", 10, date(2027, 1, 4), group=group)
    r7 = await item(session, ranking, "R-7", "Rank by freshness", sprint_start=date(2027, 2, 1))
    fs12 = await item(
        session,
        features,
        "FS-12",
        "Freshness features",
        sprint_start=date(2027, 1, 25),
        kind=ItemKind.DATA,
    )
    s3 = await item(session, search, "S-3", "Fresh results", sprint_start=date(2027, 2, 13))
    r7_needs_fs12 = await depend(session, r7, fs12)
    s3_needs_r7 = await depend(session, s3, r7, DependencyType.SLOWING)
    launch = await deps.create_integration_point(
        session, ADMIN, name="Launch", day=date(2027, 2, 20), item_ids=[r7.id, s3.id]
    )
    return WorkedExample(
        group, ranking, features, search, r7, fs12, s3, r7_needs_fs12, s3_needs_r7, launch
    )
