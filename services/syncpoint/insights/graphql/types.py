"""Answers of the analysis other than the map and flags: alignment, blast radius, critical path,
integration point risk."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from syncpoint.analysis.graph import BlastRadius, PathStep
from syncpoint.analysis.integration import TeamReadiness
from syncpoint.core.context import Info
from syncpoint.insights.graphql.flag_types import FlagType, flag_list, gid, load_teams
from syncpoint.insights.service import IntegrationRisk, TeamAlignment
from syncpoint.teams.graphql.types import TeamType

if TYPE_CHECKING:
    from syncpoint.work.graphql.types import BacklogItemType

BacklogItem = Annotated["BacklogItemType", strawberry.lazy("syncpoint.work.graphql.types")]


async def load_items(info: Info, item_ids: list[int]) -> list[BacklogItemType]:
    """Backlog items by id through the work context's loader (one batched query)."""
    from syncpoint.work import repository as work_repo
    from syncpoint.work.graphql.types import BacklogItemType

    rows = await info.context.loaders.load_many(work_repo.items_by_ids, item_ids)
    return [BacklogItemType.from_model(row) for row in rows if row is not None]


@strawberry.type(
    name="CadenceAlignment",
    description="How two teams' sprint cadences line up. Team A plays the provider: the "
    "suggested shift applies to its anchor.",
)
class CadenceAlignmentType:
    on: date = strawberry.field(description="The day whose cadences were compared.")
    team_a_length_days: int
    team_b_length_days: int
    gcd_days: int = strawberry.field(description="gcd of the two sprint lengths.")
    offset_days: int = strawberry.field(
        description="(anchor A - anchor B) mod gcd: boundaries can coincide only when 0."
    )
    common_period_days: int | None = strawberry.field(
        description="Boundaries coincide every lcm of the lengths when the offset is 0; null "
        "when they never coincide."
    )
    aligned: bool = strawberry.field(description="Same length and same boundaries.")
    misaligned: bool = strawberry.field(description="Would raise CADENCE_MISALIGNED.")
    suggested_shift_days: int = strawberry.field(
        description="Smallest move of team A's anchor making the offset 0 (ties: backwards)."
    )
    suggested_anchor: date
    sentence: str
    team_a_id: strawberry.Private[int]
    team_b_id: strawberry.Private[int]

    @classmethod
    def from_alignment(cls, found: TeamAlignment) -> CadenceAlignmentType:
        a = found.alignment
        return cls(
            on=found.on,
            team_a_length_days=a.provider_length,
            team_b_length_days=a.consumer_length,
            gcd_days=a.gcd,
            offset_days=a.offset_days,
            common_period_days=a.common_period_days,
            aligned=a.aligned,
            misaligned=a.misaligned,
            suggested_shift_days=a.suggested_shift_days,
            suggested_anchor=a.suggested_anchor,
            sentence=a.sentence,
            team_a_id=found.team_a.id,
            team_b_id=found.team_b.id,
        )

    @strawberry.field
    async def team_a(self, info: Info) -> TeamType:
        return (await load_teams(info, [self.team_a_id]))[0]

    @strawberry.field
    async def team_b(self, info: Info) -> TeamType:
        return (await load_teams(info, [self.team_b_id]))[0]


@strawberry.type(
    name="BlastRadius",
    description="Everything downstream of an item: all transitive consumers over open "
    "dependencies, and their teams.",
)
class BlastRadiusType:
    item_id: relay.GlobalID
    as_of: date
    item_count: int
    team_count: int
    item_ids: list[relay.GlobalID] = strawberry.field(description="Downstream items, by id.")
    team_ids: list[relay.GlobalID]
    raw_item_ids: strawberry.Private[tuple[int, ...]]
    raw_team_ids: strawberry.Private[tuple[int, ...]]

    @classmethod
    def build(cls, item_id: int, as_of: date, radius: BlastRadius) -> BlastRadiusType:
        return cls(
            item_id=gid("BacklogItem", item_id),
            as_of=as_of,
            item_count=len(radius.item_ids),
            team_count=len(radius.team_ids),
            item_ids=[gid("BacklogItem", i) for i in radius.item_ids],
            team_ids=[gid("Team", t) for t in radius.team_ids],
            raw_item_ids=radius.item_ids,
            raw_team_ids=radius.team_ids,
        )

    @strawberry.field(description="The downstream items (one batched query).")
    async def items(self, info: Info) -> list[BacklogItem]:
        return await load_items(info, list(self.raw_item_ids))

    @strawberry.field(description="The teams owning them.")
    async def teams(self, info: Info) -> list[TeamType]:
        return await load_teams(info, self.raw_team_ids)


@strawberry.type(
    name="CriticalPathStep",
    description="An item (or product request) on the path; lateByDays: how late it is for the "
    "next step (for the last step: for the integration date).",
)
class CriticalPathStepType:
    item_id: relay.GlobalID | None
    product_id: relay.GlobalID | None
    team_id: relay.GlobalID | None
    label: str
    available_from: date | None
    late_by_days: int
    raw_team_id: strawberry.Private[int | None]

    @classmethod
    def from_step(cls, step: PathStep) -> CriticalPathStepType:
        return cls(
            item_id=gid("BacklogItem", step.item_id) if step.item_id is not None else None,
            product_id=gid("Product", step.product_id) if step.product_id is not None else None,
            team_id=gid("Team", step.team_id) if step.team_id is not None else None,
            label=step.label,
            available_from=step.available_from,
            late_by_days=step.late_by_days,
            raw_team_id=step.team_id,
        )

    @strawberry.field
    async def team(self, info: Info) -> TeamType | None:
        if self.raw_team_id is None:
            return None
        found = await load_teams(info, [self.raw_team_id])
        return found[0] if found else None


@strawberry.type(
    name="CriticalPath",
    description="The longest chain of open dependencies (in hand-overs) ending at an item of "
    "the integration point; among equally long chains the latest one.",
)
class CriticalPathType:
    integration_point_id: relay.GlobalID
    name: str
    integration_date: date = strawberry.field(name="date")
    as_of: date
    steps: list[CriticalPathStepType]
    hops: int = strawberry.field(description="Hand-overs on the path (steps - 1).")
    total_late_days: int = strawberry.field(description="Sum of the steps' lateByDays.")


@strawberry.type(
    name="TeamReadiness",
    description="One participating team's readiness for an integration point.",
)
class TeamReadinessType:
    team_id: relay.GlobalID
    ready_date: date | None = strawberry.field(
        description="Latest available-from of its open items (null: none can be dated)."
    )
    late_by_days: int
    boundary_before: date | None = strawberry.field(
        description="The team's sprint boundary nearest the integration date, on or before it."
    )
    boundary_after: date | None = strawberry.field(
        description="The team's first sprint boundary after the integration date."
    )
    item_ids: list[relay.GlobalID]
    unplanned_item_ids: list[relay.GlobalID]
    at_risk: bool
    flags: list[FlagType]
    raw_team_id: strawberry.Private[int]

    @classmethod
    def from_readiness(cls, r: TeamReadiness) -> TeamReadinessType:
        return cls(
            team_id=gid("Team", r.team_id),
            ready_date=r.ready_date,
            late_by_days=r.late_by_days,
            boundary_before=r.boundary_before,
            boundary_after=r.boundary_after,
            item_ids=[gid("BacklogItem", i) for i in r.item_ids],
            unplanned_item_ids=[gid("BacklogItem", i) for i in r.unplanned_item_ids],
            at_risk=r.at_risk,
            flags=flag_list(r.flags),
            raw_team_id=r.team_id,
        )

    @strawberry.field
    async def team(self, info: Info) -> TeamType | None:
        found = await load_teams(info, [self.raw_team_id])
        return found[0] if found else None


@strawberry.type(
    name="IntegrationPointRisk",
    description="Will the integration point's deliverables come together on its date?",
)
class IntegrationPointRiskType:
    integration_point_id: relay.GlobalID
    name: str
    integration_date: date = strawberry.field(name="date")
    as_of: date
    at_risk: bool = strawberry.field(description="A team is late or cannot be dated.")
    teams: list[TeamReadinessType]
    flags: list[FlagType] = strawberry.field(
        description="Every flag on the integration point: INTEGRATION_AT_RISK per team and "
        "CADENCE_MISALIGNED per misaligned pair of Scrum teams, most severe first."
    )

    @classmethod
    def from_risk(cls, risk: IntegrationRisk, as_of: date) -> IntegrationPointRiskType:
        ip = risk.integration_point
        return cls(
            integration_point_id=gid("IntegrationPoint", ip.id),
            name=ip.name,
            integration_date=ip.date,
            as_of=as_of,
            at_risk=any(team.at_risk for team in risk.teams),
            teams=[TeamReadinessType.from_readiness(r) for r in risk.teams],
            flags=flag_list(risk.flags),
        )
