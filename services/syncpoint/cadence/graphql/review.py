"""GraphQL face of the sprint review and the retrospective."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from syncpoint.cadence import review as svc
from syncpoint.cadence.graphql.types import SprintType
from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.errors import NotFoundError, require_found
from syncpoint.core.ids import decode_id
from syncpoint.dependencies.graphql.types import DependencyNode
from syncpoint.teams import repository as teams_repo
from syncpoint.work.graphql.types import BacklogItemType

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
