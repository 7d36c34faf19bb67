"""GraphQL types of time: sprints (generated or stored), cadences, expectations, team planning."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

import strawberry
from strawberry import relay

from syncpoint.cadence import calendar, models
from syncpoint.cadence import repository as repo
from syncpoint.cadence.calendar import SprintView
from syncpoint.core.clock import today
from syncpoint.core.context import Info
from syncpoint.core.loaders import NestedPage
from syncpoint.core.pagination import Connection, PageArgs, order_tag, paginate_list
from syncpoint.teams.graphql.types import PersonType, TeamType
from syncpoint.work import repository as work_repo
from syncpoint.work.graphql.types import (
    BacklogItemOrder,
    BacklogItemType,
    ChecklistItemType,
    person,
    team,
)
from syncpoint.work.models import BacklogItem, ChecklistKind

SprintState = strawberry.enum(models.SprintState, name="SprintState")


@strawberry.type(
    name="Sprint",
    description="A sprint of a team, generated from its cadence or stored (explicit, or planned "
    'into / started / closed). Its id ("<team>:<start date>") is stable either way.',
)
class SprintType(relay.Node):
    id: relay.NodeID[str]
    start_date: date
    end_date: date = strawberry.field(description="Last day of the sprint (inclusive).")
    length_days: int
    explicit: bool = strawberry.field(description="Created explicitly (wins over generated).")
    stored: bool = strawberry.field(description="Stored in the database (else generated only).")
    state: SprintState  # type: ignore[valid-type]
    goal: str
    version: int = strawberry.field(description="0 until the sprint is stored.")
    closed_at: datetime | None
    team_id: strawberry.Private[int]
    stored_id: strawberry.Private[int | None]
    stored_name: strawberry.Private[str]

    @classmethod
    def from_view(cls, v: SprintView) -> SprintType:
        return cls(
            id=v.node_id,
            start_date=v.start,
            end_date=v.end,
            length_days=(v.end - v.start).days + 1,
            explicit=v.explicit,
            stored=v.stored is not None,
            state=v.state,
            goal=v.stored.goal if v.stored else "",
            version=v.version,
            closed_at=v.stored.closed_at if v.stored else None,
            team_id=v.team_id,
            stored_id=v.stored_id,
            stored_name=v.stored.name if v.stored else "",
        )

    @classmethod
    def from_model(cls, m: models.Sprint) -> SprintType:
        return cls.from_view(SprintView(m.team_id, m.start_date, m.end_date, m))

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[SprintType | None]:
        views = await info.context.loaders.load_many(calendar.views_by_node_ids, list(node_ids))
        return [cls.from_view(v) if v else None for v in views]

    @strawberry.field(description="The stored name, else 'Sprint <start date>'.")
    def name(self) -> str:
        return self.stored_name or f"Sprint {self.start_date.isoformat()}"

    @strawberry.field
    async def team(self, info: Info) -> TeamType:
        return await team(info, self.team_id)

    @strawberry.field(description="Items planned in the sprint, with their status.")
    async def items(
        self,
        info: Info,
        order_by: BacklogItemOrder = work_repo.ItemOrder.KEY,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[BacklogItemType]:
        args = PageArgs(first, after, last, before)
        if self.stored_id is None:  # a sprint not stored yet has nothing planned
            tag = order_tag(work_repo.item_order(order_by))
            return paginate_list([], args, BacklogItemType.from_model, tag=tag)
        return await SPRINT_ITEMS[order_by].page(info, self.stored_id, args)

    async def _outcomes(self, info: Info) -> Counter[str] | None:
        if self.state is not models.SprintState.CLOSED or self.stored_id is None:
            return None
        counts: Counter[str] = await info.context.loaders.load(
            repo.outcome_counts_by_sprint, self.stored_id
        )
        return counts

    @strawberry.field(description="Closed sprints: items planned in it when it closed.")
    async def committed_count(self, info: Info) -> int | None:
        counts = await self._outcomes(info)
        return None if counts is None else sum(counts.values())

    @strawberry.field(description="Closed sprints: items DONE when it closed.")
    async def done_count(self, info: Info) -> int | None:
        counts = await self._outcomes(info)
        return None if counts is None else counts[models.SprintOutcomeKind.DONE.value]

    @strawberry.field(description="Closed sprints: unfinished items carried to the next sprint.")
    async def carried_over_count(self, info: Info) -> int | None:
        counts = await self._outcomes(info)
        return None if counts is None else counts[models.SprintOutcomeKind.CARRIED_OVER.value]


async def load_stored_sprint(info: Info, sprint_id: int | None) -> SprintType | None:
    """A stored sprint by its database id, through the request's loader."""
    if sprint_id is None:
        return None
    row = await info.context.loaders.load(repo.sprints_by_ids, sprint_id)
    return SprintType.from_model(row) if row else None


@strawberry.type(name="Cadence", description="A sprint rhythm, in force from effectiveFrom on.")
class CadenceType:
    length_days: int
    anchor: date
    effective_from: date
    created_at: datetime

    @classmethod
    def from_model(cls, m: models.Cadence) -> CadenceType:
        return cls(
            length_days=m.length_days,
            anchor=m.anchor,
            effective_from=m.effective_from,
            created_at=m.created_at,
        )


@strawberry.type(
    name="ServiceLevelExpectation",
    description="A Kanban promise: `percentile`% of items finish within `days` days.",
)
class ServiceLevelExpectationType:
    percentile: int
    days: int
    effective_from: date

    @classmethod
    def from_model(cls, m: models.ServiceLevelExpectation) -> ServiceLevelExpectationType:
        return cls(percentile=m.percentile, days=m.days, effective_from=m.effective_from)


@strawberry.type(name="CarryOver", description="An unfinished item moved to the next sprint.")
class CarryOverType:
    note: str
    at: datetime
    item_id: strawberry.Private[int]
    from_sprint_id: strawberry.Private[int]
    to_sprint_id: strawberry.Private[int]
    actor_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.CarryOver) -> CarryOverType:
        return cls(
            note=m.note,
            at=m.at,
            item_id=m.item_id,
            from_sprint_id=m.from_sprint_id,
            to_sprint_id=m.to_sprint_id,
            actor_id=m.actor_id,
        )

    @strawberry.field
    async def item(self, info: Info) -> BacklogItemType:
        row = await info.context.loaders.referenced(work_repo.items_by_ids, self.item_id)
        return BacklogItemType.from_model(row)

    @strawberry.field
    async def from_sprint(self, info: Info) -> SprintType:
        sprint = await load_stored_sprint(info, self.from_sprint_id)
        assert sprint is not None
        return sprint

    @strawberry.field
    async def to_sprint(self, info: Info) -> SprintType:
        sprint = await load_stored_sprint(info, self.to_sprint_id)
        assert sprint is not None
        return sprint

    @strawberry.field
    async def actor(self, info: Info) -> PersonType | None:
        return await person(info, self.actor_id)


async def carry_overs_of(info: Info, item_id: int) -> list[CarryOverType]:
    rows = await info.context.loaders.load(repo.carry_overs_by_item, item_id)
    return [CarryOverType.from_model(r) for r in rows]


@strawberry.type(name="SprintOutcomeCounts", description="Committed vs done of a closed sprint.")
class SprintOutcomeCounts:
    sprint: SprintType
    committed: int
    done: int
    carried_over: int
    returned: int
    dropped: int


@strawberry.type(
    name="TeamSprintStats",
    description="Per-sprint committed vs done for a team's last closed sprints, newest first.",
)
class TeamSprintStatsType:
    sprints: list[SprintOutcomeCounts]
    committed: int
    done: int
    carried_over: int
    carry_over_rate: float | None = strawberry.field(
        description="carriedOver / committed over these sprints (null: nothing committed)."
    )
    done_rate: float | None
    team_id: strawberry.Private[int]

    @strawberry.field
    async def team(self, info: Info) -> TeamType:
        return await team(info, self.team_id)


async def sprint_stats(info: Info, team_id: int, last_n: int) -> TeamSprintStatsType:
    """Committed vs done of the team's last `last_n` closed sprints."""
    sprints = await repo.last_closed_sprints(info.context.session, team_id, last_n)
    counts = await info.context.loaders.load_many(
        repo.outcome_counts_by_sprint, [s.id for s in sprints]
    )
    rows = [
        SprintOutcomeCounts(
            sprint=SprintType.from_model(s),
            committed=sum(c.values()),
            done=c[models.SprintOutcomeKind.DONE.value],
            carried_over=c[models.SprintOutcomeKind.CARRIED_OVER.value],
            returned=c[models.SprintOutcomeKind.RETURNED.value],
            dropped=c[models.SprintOutcomeKind.DROPPED.value],
        )
        for s, c in zip(sprints, counts, strict=True)
    ]
    committed = sum(r.committed for r in rows)
    done = sum(r.done for r in rows)
    carried = sum(r.carried_over for r in rows)
    return TeamSprintStatsType(
        sprints=rows,
        committed=committed,
        done=done,
        carried_over=carried,
        carry_over_rate=carried / committed if committed else None,
        done_rate=done / committed if committed else None,
        team_id=team_id,
    )


async def team_sprint_views(info: Info, team_id: int, start: date, end: date) -> list[SprintView]:
    """A team's sprints in [start, end] through the request's loaders."""
    calendar.check_range(start, end)
    cadences = await info.context.loaders.load(repo.cadences_by_team, team_id)
    stored = await info.context.loaders.load(repo.stored_sprints_by_team, team_id)
    return calendar.merged(team_id, calendar.calendar_for(cadences, stored), stored, start, end)


def in_force(rows: list[models.Cadence], day: date) -> models.Cadence | None:
    current = None
    for row in rows:
        if row.effective_from <= day:
            current = row
    return current


async def checklist(info: Info, team_id: int, kind: ChecklistKind) -> list[ChecklistItemType]:
    rows = await info.context.loaders.load(work_repo.checklists_by_team, team_id)
    return [ChecklistItemType.from_model(r) for r in rows if r.kind is kind]


def default_day(day: date | None) -> date:
    return day or today()


# Nested pages: one statement for every sprint's page, one loader per order.
SPRINT_ITEMS = {
    order: NestedPage(
        work_repo.sprint_items_query,
        BacklogItem.sprint_id,
        work_repo.item_order(order),
        BacklogItemType.from_model,
    )
    for order in work_repo.ItemOrder
}
