"""Filters of the analysis queries."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from syncpoint.insights.graphql.enums import FlagCodeEnum, FlagSeverityEnum


@strawberry.input(
    name="DependencyMapFilter",
    description="Which dependencies the map draws; every given criterion applies.",
)
class DependencyMapFilter:
    group_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Edges touching teams of this group or its subgroups."
    )
    team_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None,
        description="Edges touching these teams (with groupId: teams in both).",
    )
    from_: date | None = strawberry.field(
        default=None,
        name="from",
        description="Dependencies needed on or after this day (undated ones left out).",
    )
    to: date | None = strawberry.field(
        default=None, description="Dependencies needed on or before this day."
    )
    flags: list[FlagCodeEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None,
        description="Dependencies carrying one of these flags (CYCLE: on an item cycle).",
    )


@strawberry.input(name="FlagFilter", description="Which flags to list; every criterion applies.")
class FlagFilter:
    codes: list[FlagCodeEnum] | None = None  # type: ignore[valid-type]
    severities: list[FlagSeverityEnum] | None = None  # type: ignore[valid-type]
    team_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="Flags concerning at least one of these teams."
    )
    group_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Flags concerning a team of this group or its subgroups."
    )
