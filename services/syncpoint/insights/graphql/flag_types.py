"""The Flag type and its paginated list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from syncpoint.analysis.flags import Flag, FlagCode, SubjectKind
from syncpoint.core.context import Info
from syncpoint.core.pagination import Connection, PageArgs, paginate_list
from syncpoint.insights.graphql.enums import FlagCodeEnum, FlagSeverityEnum, FlagSubjectKindEnum
from syncpoint.teams import repository as teams_repo
from syncpoint.teams.graphql.types import TeamType

# GraphQL type names of the objects a flag can be about (global ids are "<type>:<id>").
SUBJECT_TYPES = {
    SubjectKind.DEPENDENCY: "Dependency",
    SubjectKind.INTEGRATION_POINT: "IntegrationPoint",
    SubjectKind.ITEM: "BacklogItem",
    SubjectKind.INTERACTION: "Interaction",
    SubjectKind.TEAM: "Team",
}


def gid(type_name: str, ident: int) -> relay.GlobalID:
    """The global id of an object of ``type_name``."""
    return relay.GlobalID(type_name, str(ident))


def camel(name: str) -> str:
    """``late_by_days`` -> ``lateByDays``: JSON keys follow the schema's camelCase."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


async def load_teams(info: Info, team_ids: Iterable[int]) -> list[TeamType]:
    """Teams by id through the request's loader (one batched query), unknown ones left out."""
    rows = await info.context.loaders.load_many(teams_repo.teams_by_ids, list(team_ids))
    return [TeamType.from_model(row) for row in rows if row is not None]


@strawberry.type(
    name="Flag",
    description="A finding of the analysis, explained in a sentence and backed by numbers.",
)
class FlagType:
    code: FlagCodeEnum  # type: ignore[valid-type]
    severity: FlagSeverityEnum  # type: ignore[valid-type]
    subject_kind: FlagSubjectKindEnum  # type: ignore[valid-type]
    subject_id: relay.GlobalID = strawberry.field(
        description="Global id of the subject: a Dependency, IntegrationPoint, BacklogItem, "
        "Interaction or Team (see subjectKind); fetch it with node(id:)."
    )
    message: str = strawberry.field(description="The finding in words a director understands.")
    numbers: JSON = strawberry.field(
        description="The numbers behind the message as one JSON object with camelCase keys "
        "(which keys depends on the code: e.g. lateByDays, neededBy, availableFrom, "
        "handoffLagDays, offsetDays, providerLengthDays, consumerLengthDays, gcdDays, "
        "commonPeriodDays, suggestedShiftDays, suggestedAnchor, boundaryBefore, boundaryAfter, "
        "teamId, cycleLength, cycle). Values are integers, ISO dates as strings, or null; ids "
        "are global ids (cycle: the list of the cycle's BacklogItem or Team ids, in order). "
        "A JSON object rather than a list of name/value pairs because the values mix "
        "integers, dates and nulls."
    )
    team_ids: list[relay.GlobalID] = strawberry.field(description="The teams concerned.")
    raw_team_ids: strawberry.Private[tuple[int, ...]]

    @classmethod
    def from_flag(cls, flag: Flag) -> FlagType:
        numbers = flag_numbers(flag)
        return cls(
            code=flag.code,
            severity=flag.severity,
            subject_kind=flag.subject_kind,
            subject_id=gid(SUBJECT_TYPES[flag.subject_kind], flag.subject_id),
            message=flag.message,
            numbers=cast(JSON, numbers),
            team_ids=[gid("Team", t) for t in flag.team_ids],
            raw_team_ids=flag.team_ids,
        )

    @strawberry.field(description="The teams concerned (the provider and consumer, ...).")
    async def teams(self, info: Info) -> list[TeamType]:
        return await load_teams(info, self.raw_team_ids)


def _cycle_ids(flag: Flag, value: object) -> object:
    """The engine's ``"1 -> 2 -> 3"`` as the global ids of those items (or teams), in order."""
    type_name = SUBJECT_TYPES[flag.subject_kind]
    parts = str(value).split(" -> ")
    if not all(p.strip().isdigit() for p in parts):
        return value
    return [str(gid(type_name, int(p))) for p in parts]


def flag_numbers(flag: Flag) -> dict[str, Any]:
    """A flag's numbers as the API shows them: camelCase keys, ids as global ids."""
    numbers: dict[str, Any] = {camel(k): v for k, v in flag.numbers.items()}
    if isinstance(numbers.get("teamId"), int):
        numbers["teamId"] = str(gid("Team", numbers["teamId"]))
    if flag.code is FlagCode.CYCLE and "cycle" in numbers:
        numbers["cycle"] = _cycle_ids(flag, numbers["cycle"])
    return numbers


def flag_list(flags: Iterable[Flag]) -> list[FlagType]:
    """Engine flags as GraphQL flags, order kept."""
    return [FlagType.from_flag(f) for f in flags]


def flag_page(flags: Sequence[Flag], first: int | None, after: str | None) -> FlagConnection:
    """One page of computed flags in the engine's deterministic order (most severe first).

    Flags are computed, not stored: a cursor holds the flag's position in that order, which is
    stable for the same asOf and unchanged data (walking the pages visits every flag once).
    """
    return paginate_list(  # type: ignore[type-var]  # flags are not nodes
        [((i,), flag) for i, flag in enumerate(flags)],
        PageArgs(first=first, after=after),
        FlagType.from_flag,
        tag="flags",
    )


FlagConnection = Connection[FlagType]  # type: ignore[type-var]  # flags are not nodes
