"""GraphQL face of a team's daily digest (`standup`)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from syncpoint.blockers.graphql.types import BlockerType
from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.errors import require_found
from syncpoint.core.ids import decode_id
from syncpoint.insights.analyses import analyses_of
from syncpoint.insights.graphql.flag_types import FlagType, flag_list
from syncpoint.quality import standup as svc
from syncpoint.teams import repository as teams_repo
from syncpoint.work.graphql.detail_types import MetricObservationType
from syncpoint.work.graphql.types import BacklogItemType, ItemStatus

STANDUP = read_policy("standup")


@strawberry.type(description="A research item that ended since the last working day.")
class ExperimentResultType:
    item: BacklogItemType
    status: ItemStatus  # type: ignore[valid-type]
    note: str = strawberry.field(description="The note it was ended with.")
    at: datetime


@strawberry.type(description="A metric observation of one of the team's items.")
class StandupObservation:
    item: BacklogItemType
    observation: MetricObservationType


@strawberry.type(description="A team's daily digest, from the start of the last working day.")
class StandupType:
    day: date
    since: date = strawberry.field(description="The last working day (weekdays).")
    experiment_results: list[ExperimentResultType]
    observations: list[StandupObservation]
    blockers: list[BlockerType] = strawberry.field(
        description="Pipeline-failure and data blockers open in the period."
    )
    new_dependency_flags: list[FlagType] = strawberry.field(
        description="Flags on the team's dependencies that were not raised the last working day."
    )
    text: str = strawberry.field(description="The digest in a few lines.")

    @classmethod
    def of(cls, s: svc.Standup) -> StandupType:
        return cls(
            day=s.day,
            since=s.since,
            experiment_results=[
                ExperimentResultType(
                    item=BacklogItemType.from_model(r.item), status=r.status, note=r.note, at=r.at
                )
                for r in s.results
            ],
            observations=[
                StandupObservation(
                    item=BacklogItemType.from_model(item),
                    observation=MetricObservationType.from_model(obs),
                )
                for item, obs in s.observations
            ],
            blockers=[BlockerType.from_model(b) for b in s.blockers],
            new_dependency_flags=flag_list(s.new_flags),
            text=s.text(),
        )


@strawberry.type
class StandupQuery:
    @strawberry.field(
        description="A team's daily digest: experiment results and metric observations since "
        "the last working day, pipeline-failure and data blockers, new flags on its "
        "dependencies; also as a short text.",
        permission_classes=[allowed(STANDUP)],
    )
    async def standup(self, info: Info, team_id: relay.GlobalID, date: date) -> StandupType:
        team = decode_id(team_id, "Team", "teamId")
        row = await info.context.loaders.load(teams_repo.teams_by_ids, team)
        require_found(row, "Team", team_id, "teamId")
        analyses = analyses_of(info.context)
        now = await analyses.analysis(date)
        before = await analyses.analysis(svc.last_working_day(date))
        digest = await svc.standup(
            info.context.session, team, date, flags_now=now.flags, flags_before=before.flags
        )
        return StandupType.of(digest)
