"""GraphQL face of experiment tracking runs: link a run, sync runs, list an item's runs."""

from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy import select
from strawberry import relay
from strawberry.types import Info

from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.errors import UserError
from syncpoint.core.ids import decode_id
from syncpoint.core.inputs import ref
from syncpoint.core.loaders import rows_by_ids
from syncpoint.core.mutations import Call, mutation
from syncpoint.core.nodes import LoadedNode
from syncpoint.core.pagination import Connection, PageArgs, SortKey, paginate
from syncpoint.work import mlflow as svc
from syncpoint.work import repository as repo
from syncpoint.work.graphql.detail_types import MetricObservationType
from syncpoint.work.graphql.types import BacklogItemType
from syncpoint.work.tracking_models import RunLink, TrackingRun

TRACKING_RUNS = read_policy("trackingRuns")

RunLinkKind = strawberry.enum(RunLink, name="RunLink", description="How a run was linked.")


@strawberry.type(name="TrackingRun", description="An experiment tracking (MLflow) run of an item.")
class TrackingRunType(LoadedNode, relay.Node):
    id: relay.NodeID[int]
    run_id: str
    linked_by: RunLinkKind  # type: ignore[valid-type]
    run_url: str | None
    run_name: str | None
    status: str | None
    linked_at: datetime
    synced_at: datetime | None
    item_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: TrackingRun) -> TrackingRunType:
        return cls(
            id=m.id,
            run_id=m.run_id,
            linked_by=m.linked_by,
            run_url=m.run_url,
            run_name=m.run_name,
            status=m.status,
            linked_at=m.linked_at,
            synced_at=m.synced_at,
            item_id=m.item_id,
        )

    node_loader = rows_by_ids(TrackingRun)

    @strawberry.field
    async def item(self, info: Info) -> BacklogItemType:
        row = await info.context.loaders.load(repo.items_by_ids, self.item_id)
        return BacklogItemType.from_model(row)


@strawberry.type(description="What one sync of the tracking server did.")
class TrackingSync:
    runs: list[TrackingRunType] = strawberry.field(description="Every run synced.")
    linked: list[TrackingRunType] = strawberry.field(
        description="Runs linked by this sync (their tag names an item key)."
    )
    observations: list[MetricObservationType] = strawberry.field(
        description="Observations created: one per run and step with new metric points."
    )
    missing_run_ids: list[str] = strawberry.field(
        description="Linked runs the tracking server no longer has."
    )
    unknown_item_keys: list[str] = strawberry.field(
        description="Run tag values naming no item of the teams synced."
    )

    @classmethod
    def from_model(cls, report: svc.SyncReport) -> TrackingSync:
        return cls(
            runs=[TrackingRunType.from_model(r) for r in report.runs],
            linked=[TrackingRunType.from_model(r) for r in report.linked],
            observations=[MetricObservationType.from_model(o) for o in report.observations],
            missing_run_ids=list(report.missing_runs),
            unknown_item_keys=list(report.unknown_keys),
        )


@strawberry.input
class LinkTrackingRunInput:
    item_id: relay.GlobalID = ref("BacklogItem")
    run_id: str = strawberry.field(description="The tracking server's run id.")


@strawberry.input
class SyncTrackingRunsInput:
    team_id: relay.GlobalID | None = ref(
        "Team", default=None, description="Default: every team you may sync."
    )


@strawberry.type
class TrackingRunPayload:
    run: TrackingRunType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TrackingSyncPayload:
    sync: TrackingSync | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TrackingMutation:
    @mutation(
        svc.LINK_RUN,
        payload=TrackingRunPayload,
        description="Link an item to an experiment tracking run by the run's id.",
    )
    async def link_tracking_run(call: Call[LinkTrackingRunInput]) -> TrackingRun:
        async with svc.TrackingClient.from_settings(call.context.settings) as client:
            return await svc.link_run(
                call.session, call.actor, client, call.fields["item_id"], call.input.run_id
            )

    @mutation(
        svc.SYNC_RUNS,
        payload=TrackingSyncPayload,
        description="Link runs tagged with an item key and pull every linked run's new metric "
        "points into metric observations (idempotent; TRACKING_UNAVAILABLE when the server "
        "cannot be reached).",
    )
    async def sync_tracking_runs(call: Call[SyncTrackingRunsInput]) -> svc.SyncReport:
        settings = call.context.settings
        async with svc.TrackingClient.from_settings(settings) as client:
            return await svc.sync_runs(
                call.session,
                call.actor,
                client,
                team_id=call.fields.get("team_id"),
                tag=settings.mlflow_item_tag,
            )


@strawberry.type
class TrackingQuery:
    @strawberry.field(
        description="The tracking runs linked to an item.",
        permission_classes=[allowed(TRACKING_RUNS)],
    )
    async def tracking_runs(
        self,
        info: Info,
        item_id: relay.GlobalID,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[TrackingRunType]:
        ctx = info.context
        item = decode_id(item_id, "BacklogItem", "itemId")
        return await paginate(
            ctx.session,
            select(TrackingRun).where(TrackingRun.item_id == item),
            [SortKey(TrackingRun.id)],
            PageArgs(first, after, last, before),
            TrackingRunType.from_model,
            max_page=ctx.settings.max_page_size,
        )
