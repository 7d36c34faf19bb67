"""GraphQL face of the sprint review and the retrospective."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from syncpoint.blockers.graphql.types import BlockerCategory as BlockerCategoryEnum
from syncpoint.blockers.graphql.types import BlockerType
from syncpoint.cadence.graphql.types import SprintType
from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.errors import NotFoundError, require_found
from syncpoint.core.ids import decode_id
from syncpoint.dependencies.graphql.types import DependencyNode
from syncpoint.quality import retrospective as retro_svc
from syncpoint.quality import review as svc
from syncpoint.teams import repository as teams_repo
from syncpoint.work.graphql.types import BacklogItemType, ItemKind, ItemStatus

SPRINT_REVIEW = read_policy("sprintReview")


@strawberry.type(description="An item of the sprint and what became of it.")
class ReviewedItemType:
    item: BacklogItemType
    outcome: str = strawberry.field(
        description="DONE, CARRIED_OVER, RETURNED, DROPPED; OPEN while the sprint runs."
    )
    note: str = strawberry.field(description="The status note it was carried over with.")

    @classmethod
    def of(cls, r: svc.ReviewedItem) -> ReviewedItemType:
        return cls(item=BacklogItemType.from_model(r.item), outcome=r.outcome, note=r.note)


@strawberry.type
class ReviewedMetric:
    metric: str
    value: float


@strawberry.type
class CriterionVerdictType:
    text: str
    met: bool | None
    observed_value: float | None


@strawberry.type(description="An experiment or spike of the sprint: how it ended, with numbers.")
class ExperimentOutcomeType:
    item: BacklogItemType
    outcome: str
    note: str = strawberry.field(description="Its carry-over status note, if any.")
    latest_metrics: list[ReviewedMetric] = strawberry.field(
        description="The latest value observed of each metric."
    )
    criteria: list[CriterionVerdictType]
    result: str | None = strawberry.field(
        default=None,
        description="How it ended, as recorded: CONFIRMED, REFUTED, INCONCLUSIVE (an experiment) "
        "or DECIDED (a spike); null until recordResearchResult.",
    )
    observed_value: float | None = strawberry.field(
        default=None, description="The design metric's value the result was recorded with."
    )
    result_notes: str = strawberry.field(default="", description="The result's notes.")


@strawberry.type
class MetricTrendPoint:
    sprint: SprintType
    value: float | None = strawberry.field(description="Latest value observed in the sprint.")
    delta: float | None = strawberry.field(
        description="Change from the previous sprint that observed it."
    )


@strawberry.type(description="A metric the team's acceptance criteria name, sprint by sprint.")
class MetricTrendType:
    metric: str
    points: list[MetricTrendPoint]


@strawberry.type(description="A team's sprint reviewed.")
class SprintReviewType:
    sprint: SprintType
    done: list[ReviewedItemType]
    carried_over: list[ReviewedItemType]
    returned: list[ReviewedItemType]
    dropped: list[ReviewedItemType]
    open: list[ReviewedItemType] = strawberry.field(description="Unfinished, sprint running.")
    experiments: list[ExperimentOutcomeType]
    metric_trends: list[MetricTrendType]
    delivered_to_team: list[DependencyNode] = strawberry.field(
        description="Dependencies other teams delivered to this team in the sprint."
    )
    delivered_by_team: list[DependencyNode] = strawberry.field(
        description="Dependencies this team delivered to other teams in the sprint."
    )

    @classmethod
    def of(cls, r: svc.SprintReview) -> SprintReviewType:
        def items(outcome: str) -> list[ReviewedItemType]:
            return [ReviewedItemType.of(i) for i in r.with_outcome(outcome)]

        return cls(
            sprint=SprintType.from_view(r.sprint),
            done=items("DONE"),
            carried_over=items("CARRIED_OVER"),
            returned=items("RETURNED"),
            dropped=items("DROPPED"),
            open=items("OPEN"),
            experiments=[
                ExperimentOutcomeType(
                    item=BacklogItemType.from_model(e.item),
                    outcome=e.outcome,
                    note=e.note,
                    latest_metrics=[
                        ReviewedMetric(metric=k, value=v) for k, v in sorted(e.latest.items())
                    ],
                    criteria=[
                        CriterionVerdictType(text=c.text, met=c.met, observed_value=c.value)
                        for c in e.criteria
                    ],
                    result=e.design.outcome.value if e.design and e.design.outcome else None,
                    observed_value=e.design.observed_value if e.design else None,
                    result_notes=e.design.result_notes if e.design else "",
                )
                for e in r.experiments
            ],
            metric_trends=[
                MetricTrendType(
                    metric=t.metric,
                    points=[
                        MetricTrendPoint(
                            sprint=SprintType.from_view(p.sprint), value=p.value, delta=p.delta
                        )
                        for p in t.points
                    ],
                )
                for t in r.trends
            ],
            delivered_to_team=[DependencyNode.from_model(d) for d in r.delivered_to],
            delivered_by_team=[DependencyNode.from_model(d) for d in r.delivered_by],
        )


async def team_id_of(info: Info, gid: relay.GlobalID) -> int:
    team_id = decode_id(gid, "Team", "teamId")
    row = await info.context.loaders.load(teams_repo.teams_by_ids, team_id)
    require_found(row, "Team", gid, "teamId")
    return team_id


@strawberry.type
class ReviewQuery:
    @strawberry.field(
        description="A sprint's review: done, carried over, returned and dropped work, each "
        "experiment's outcome, the trend of the metrics the team's acceptance criteria name over "
        "its last sprints, and dependencies delivered to and by other teams.",
        permission_classes=[allowed(SPRINT_REVIEW)],
    )
    async def sprint_review(
        self,
        info: Info,
        team_id: relay.GlobalID,
        sprint_id: relay.GlobalID,
        last_sprints: int = 3,
    ) -> SprintReviewType:
        team = await team_id_of(info, team_id)
        if sprint_id.type_name != "Sprint":
            raise NotFoundError(f"{sprint_id} is not the id of a Sprint.", field="sprintId")
        review = await svc.sprint_review(
            info.context.session, team, sprint_id.node_id, last_sprints=last_sprints
        )
        return SprintReviewType.of(review)


RETROSPECTIVE = read_policy("retrospective")


@strawberry.type(description="An item behind a figure, with its days.")
class ItemDaysType:
    item: BacklogItemType
    days: float | None = strawberry.field(description="Actual, overrun, blocked or waited days.")
    reference: float | None = strawberry.field(
        description="What the days are compared with: its estimate or its time cap."
    )

    @classmethod
    def of(cls, d: retro_svc.ItemDays) -> ItemDaysType:
        return cls(item=BacklogItemType.from_model(d.item), days=d.days, reference=d.estimate)


@strawberry.type(description="Estimate vs actual days (IN_PROGRESS to DONE) of one item kind.")
class EstimationAccuracyType:
    kind: ItemKind  # type: ignore[valid-type]
    estimated_days: float
    actual_days: float
    ratio: float | None = strawberry.field(description="Actual days per estimated day.")
    items: list[ItemDaysType]


@strawberry.type(description="Blockers of one category in the period, and their blocked days.")
class BlockerFigureType:
    category: BlockerCategoryEnum  # type: ignore[valid-type]
    blocked_days: float
    blockers: list[BlockerType]


@strawberry.type(description="Cycle time (IN_PROGRESS to DONE) vs the service-level expectation.")
class CycleTimeType:
    sle_days: int
    percentile: int
    share_within: float | None = strawberry.field(
        description="Share of the items finished that did so within the SLE."
    )
    items: list[ItemDaysType]
    within: list[ItemDaysType]


@strawberry.type(description="A WIP limit passed by a lead, with the reason.")
class WipOverrideType:
    item: BacklogItemType
    at: datetime
    reason: str
    count: str = strawberry.field(description="The status and its count then: IN_PROGRESS: 5 of 4.")


@strawberry.type(
    description="A status with a WIP limit over the period: the days it held more items than "
    "the limit (from the items' status history), with the items behind it."
)
class WipFigureType:
    status: ItemStatus  # type: ignore[valid-type]
    limit: int
    enforced: bool
    period_days: int = strawberry.field(
        description="Days in the period, its first and last included."
    )
    days_over: int = strawberry.field(
        description="Days on which, at some moment, the status held more items than the limit."
    )
    share_of_days_over: float | None = strawberry.field(description="daysOver / periodDays.")
    dates_over: list[date]
    peak: int = strawberry.field(description="The most items in the status at once in the period.")
    items: list[ItemDaysType] = strawberry.field(
        description="Items in the status on days over the limit (days: how many of those days)."
    )
    overrides: list[WipOverrideType]

    @classmethod
    def of(cls, f: retro_svc.WipFigure) -> WipFigureType:
        return cls(
            status=f.status,
            limit=f.limit,
            enforced=f.enforced,
            period_days=f.period_days,
            days_over=len(f.days_over),
            share_of_days_over=f.share_of_days_over,
            dates_over=list(f.days_over),
            peak=f.peak,
            items=[ItemDaysType.of(d) for d in f.items],
            overrides=[
                WipOverrideType(
                    item=BacklogItemType.from_model(f.item_of[o.item_id]),
                    at=o.at,
                    reason=o.note,
                    count=o.new_value or "",
                )
                for o in f.overrides
            ],
        )


@strawberry.type(description="Figures over a team's last sprints a team can act on.")
class RetrospectiveType:
    start: date
    end: date
    sprints: list[SprintType]
    estimation_accuracy: list[EstimationAccuracyType]
    research_carry_over_rate: float | None
    research_items: list[BacklogItemType]
    carried_over_research: list[BacklogItemType]
    overruns: list[ItemDaysType] = strawberry.field(
        description="Research items that took longer than their time cap (reference: the cap)."
    )
    blockers_by_category: list[BlockerFigureType]
    waiting_on_other_teams: list[ItemDaysType] = strawberry.field(
        description="Days started items waited for another team's provider item."
    )
    cycle_time: CycleTimeType | None = strawberry.field(
        description="Against the team's service-level expectation (null: none published)."
    )
    wip_limits: list[WipFigureType] = strawberry.field(
        description="Per status with a WIP limit: the days in the period it was exceeded."
    )

    @classmethod
    def of(cls, r: retro_svc.Retrospective) -> RetrospectiveType:
        def days(rows: list[retro_svc.ItemDays]) -> list[ItemDaysType]:
            return [ItemDaysType.of(d) for d in rows]

        cycle = r.cycle_time
        return cls(
            start=r.start,
            end=r.end,
            sprints=[SprintType.from_model(s) for s in r.sprints],
            estimation_accuracy=[
                EstimationAccuracyType(
                    kind=a.kind,
                    estimated_days=a.estimated,
                    actual_days=a.actual,
                    ratio=a.ratio,
                    items=days(a.items),
                )
                for a in r.accuracy
            ],
            research_carry_over_rate=r.research_carry_over_rate,
            research_items=[BacklogItemType.from_model(i) for i in r.research],
            carried_over_research=[BacklogItemType.from_model(i) for i in r.carried_research],
            overruns=days(r.overruns),
            blockers_by_category=[
                BlockerFigureType(
                    category=b.category,
                    blocked_days=b.blocked_days,
                    blockers=[BlockerType.from_model(x) for x in b.blockers],
                )
                for b in r.blockers
            ],
            waiting_on_other_teams=days(r.waiting),
            cycle_time=None
            if cycle is None
            else CycleTimeType(
                sle_days=cycle.sle_days,
                percentile=cycle.percentile,
                share_within=cycle.share_within,
                items=days(cycle.items),
                within=days(cycle.within),
            ),
            wip_limits=[WipFigureType.of(f) for f in r.wip_limits],
        )


@strawberry.type
class RetrospectiveQuery:
    @strawberry.field(
        description="Retrospective figures over a team's last closed sprints (a team without "
        "sprints: the last 2 x lastN weeks), each with the items behind it.",
        permission_classes=[allowed(RETROSPECTIVE)],
    )
    async def retrospective(
        self, info: Info, team_id: relay.GlobalID, last_n: int = 3
    ) -> RetrospectiveType:
        team = await team_id_of(info, team_id)
        return RetrospectiveType.of(
            await retro_svc.retrospective(info.context.session, team, last_n)
        )
