"""Inputs and payloads of the cadence and sprint mutations."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from syncpoint.cadence.graphql.types import CadenceType, ServiceLevelExpectationType, SprintType
from syncpoint.core.errors import UserError
from syncpoint.core.inputs import optional, ref

# ---- inputs ---------------------------------------------------------------------------------


@strawberry.input
class SetCadenceInput:
    team_id: relay.GlobalID = ref("Team")
    length_days: int
    anchor: date = strawberry.field(description="A day on which a sprint starts.")
    effective_from: date | None = strawberry.field(
        default=None,
        description="From this day on (default: the anchor). Earlier sprints and stored ones "
        "keep their dates.",
    )


@strawberry.input
class SetServiceLevelExpectationInput:
    team_id: relay.GlobalID = ref("Team")
    percentile: int = strawberry.field(description="e.g. 85 (% of items)")
    days: int = strawberry.field(description="e.g. 10 (finish within this many days)")
    effective_from: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input
class CreateSprintInput:
    team_id: relay.GlobalID = ref("Team")
    start_date: date
    end_date: date = strawberry.field(description="Last day (inclusive).")
    name: str = ""
    goal: str = ""


@strawberry.input
class UpdateSprintInput:
    # Sprint ids hold "<team>:<start>" (generated sprints have no row yet): text refs.
    id: relay.GlobalID = ref("Sprint", text=True)
    version: int = strawberry.field(description="0 for a sprint that is not stored yet.")
    name: str | None = optional()
    goal: str | None = optional()


@strawberry.input
class PlanItemInput:
    item_id: relay.GlobalID = ref("BacklogItem")
    version: int
    sprint_id: relay.GlobalID | None = ref(
        "Sprint",
        text=True,
        default=None,
        description="A sprint of the item's team; null takes it out of its sprint.",
    )
    note: str = ""


@strawberry.input
class SprintVersionInput:
    id: relay.GlobalID = ref("Sprint", text=True)
    version: int


@strawberry.input
class CarryOverInput:
    item_id: relay.GlobalID = ref("BacklogItem")
    note: str = strawberry.field(
        default="", description="Status note; required for experiments and spikes."
    )


@strawberry.input
class CloseSprintInput:
    id: relay.GlobalID = ref("Sprint", text=True)
    version: int
    carry_over: list[CarryOverInput] = strawberry.field(
        default_factory=list,
        description="Unfinished items to carry to the next sprint: every unfinished experiment "
        "and spike (with a note), plus any other the team chooses. The rest go back to the "
        "backlog.",
    )


# ---- payloads -------------------------------------------------------------------------------


@strawberry.type
class CadencePayload:
    cadence: CadenceType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ServiceLevelExpectationPayload:
    service_level_expectation: ServiceLevelExpectationType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SprintPayload:
    sprint: SprintType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
