"""GraphQL enums of the analysis (the engine's own enums, exposed under stable names)."""

from __future__ import annotations

import enum

import strawberry

from syncpoint.analysis.flags import FlagCode, Severity, SubjectKind
from syncpoint.analysis.graph import MapLevel
from syncpoint.insights.exports import MapFormat

FlagCodeEnum = strawberry.enum(
    FlagCode, name="FlagCode", description="The rules that flag trouble (domain guide order)."
)
FlagSeverityEnum = strawberry.enum(
    Severity, name="FlagSeverity", description="How urgent a flag is, CRITICAL first."
)
FlagSubjectKindEnum = strawberry.enum(
    SubjectKind, name="FlagSubjectKind", description="What kind of object a flag is about."
)
MapLevelEnum = strawberry.enum(
    MapLevel, name="MapLevel", description="Draw teams (one edge per team pair) or items."
)
MapFormatEnum = strawberry.enum(
    MapFormat,
    name="MapFormat",
    description="DOT (Graphviz), MERMAID (flowchart), GRAPHML or JSON (the map's data).",
)


@strawberry.enum(name="MapNodeKind", description="What a node of the dependency map stands for.")
class MapNodeKind(enum.Enum):
    TEAM = "TEAM"
    ITEM = "ITEM"
    PRODUCT = "PRODUCT"
