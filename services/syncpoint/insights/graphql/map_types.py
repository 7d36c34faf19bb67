"""The dependency map as GraphQL: nodes, edges, cycles, bottlenecks and its exports."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

import strawberry
from strawberry import relay

from syncpoint.analysis.graph import Bottleneck, DependencyMap, MapEdge, MapNode
from syncpoint.core.context import Info
from syncpoint.insights.exports import MapFormat, render_off_loop
from syncpoint.insights.graphql.enums import FlagCodeEnum, MapFormatEnum, MapLevelEnum, MapNodeKind
from syncpoint.insights.graphql.flag_types import gid, load_teams
from syncpoint.insights.service import map_bottlenecks
from syncpoint.teams.graphql.types import TeamType, Topology

# Map node keys ("team:3", "item:12", "product:4") -> GraphQL type of the global id.
_KEY_TYPES = {"team": "Team", "item": "BacklogItem", "product": "Product"}


def key_to_gid(key: str) -> relay.GlobalID:
    """The global id of the object behind a map node key such as ``team:3``."""
    prefix, _, ident = key.partition(":")
    return relay.GlobalID(_KEY_TYPES[prefix], ident)


@functools.lru_cache(maxsize=1 << 17)
def key_to_id(key: str) -> strawberry.ID:
    """`key_to_gid` as the text a response carries, encoded once per key: the organisation's
    map names each of its 500 teams on ~100 of its 25,000 edges (50,000 ids encoded again in
    every response built anew took a quarter of it)."""
    return strawberry.ID(str(key_to_gid(key)))


@strawberry.type(description="Dependencies on an edge, by type.")
class DependencyTypeCounts:
    blocking: int
    slowing: int
    ok: int


@strawberry.type(
    name="DependencyMapNode", description="A team, backlog item or product on the map."
)
class MapNodeType:
    id: relay.GlobalID = strawberry.field(
        description="Global id of the Team, BacklogItem or Product (edges refer to it)."
    )
    key: str = strawberry.field(description="The node's id in the exports, e.g. team:3.")
    label: str
    kind: MapNodeKind
    topology: Topology | None  # type: ignore[valid-type]
    open_count: int = strawberry.field(
        description="Open dependencies drawn on the map that this node provides or consumes."
    )
    late_count: int = strawberry.field(description="Of those, the ones flagged LATE.")
    team_id: relay.GlobalID | None = strawberry.field(description="The owning team.")

    @classmethod
    def from_node(cls, node: MapNode) -> MapNodeType:
        return cls(
            id=key_to_gid(node.id),
            key=node.id,
            label=node.label,
            kind=MapNodeKind(node.kind),
            topology=Topology(node.topology) if node.topology else None,
            open_count=node.open_count,
            late_count=node.late_count,
            team_id=gid("Team", node.team_id) if node.team_id is not None else None,
        )


@strawberry.type(name="DependencyMapEdge", description="Provider -> consumer (the work flows).")
class MapEdgeType:
    source: strawberry.ID = strawberry.field(description="The provider node's id.")
    target: strawberry.ID = strawberry.field(description="The consumer node's id.")
    count: int = strawberry.field(description="Open dependencies on this edge.")
    flags: list[FlagCodeEnum] = strawberry.field(  # type: ignore[valid-type]
        description="Codes raised on its dependencies (and CYCLE when the edge is on a cycle)."
    )
    worst_flag: FlagCodeEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The most severe of them."
    )
    # Built when asked: a map of 25,000 edges names ~100,000 dependencies.
    edge: strawberry.Private[MapEdge]

    @strawberry.field
    def counts_by_type(self) -> DependencyTypeCounts:
        counts = self.edge.counts_by_type
        return DependencyTypeCounts(
            blocking=counts.get("BLOCKING", 0),
            slowing=counts.get("SLOWING", 0),
            ok=counts.get("OK", 0),
        )

    @strawberry.field(
        description="Global ids of the open dependencies its count is made of (the map's "
        "filters applied), ascending; fetch them with `nodes(ids:)`."
    )
    def dependency_ids(self) -> list[relay.GlobalID]:
        return [gid("Dependency", d) for d in self.edge.dependency_ids]

    @classmethod
    def from_edge(cls, edge: MapEdge) -> MapEdgeType:
        return cls(
            source=key_to_id(edge.source),
            target=key_to_id(edge.target),
            count=edge.count,
            flags=list(edge.flags),
            worst_flag=edge.worst_flag,
            edge=edge,
        )


@strawberry.type(name="DependencyCycle", description="Nodes that wait on each other, in order.")
class CycleType:
    node_ids: list[relay.GlobalID]
    labels: list[str]


@strawberry.type(
    name="Bottleneck",
    description="A team others wait on: by distinct waiting teams, then betweenness.",
)
class BottleneckType:
    team_id: relay.GlobalID
    name: str
    in_degree: int = strawberry.field(description="Distinct teams waiting on this team.")
    betweenness: float = strawberry.field(
        description="Betweenness centrality on the team graph (sampled on large graphs)."
    )
    waiting_dependencies: int = strawberry.field(description="Open dependencies waiting on it.")
    raw_team_id: strawberry.Private[int]

    @strawberry.field
    async def team(self, info: Info) -> TeamType | None:
        found = await load_teams(info, [self.raw_team_id])
        return found[0] if found else None


@strawberry.type(
    name="DependencyMap",
    description="How teams (or items) depend on each other as of a day: what a director opens "
    "first.",
)
class DependencyMapType:
    level: MapLevelEnum  # type: ignore[valid-type]
    as_of: date
    nodes: list[MapNodeType]
    edges: list[MapEdgeType]
    cycles: list[CycleType]
    data: strawberry.Private[DependencyMap]
    team_name: strawberry.Private[Callable[[int], str]]

    @classmethod
    def build(
        cls, dependency_map: DependencyMap, as_of: date, team_name: Callable[[int], str]
    ) -> DependencyMapType:
        labels = {node.id: node.label for node in dependency_map.nodes}
        return cls(
            level=dependency_map.level,
            as_of=as_of,
            nodes=[MapNodeType.from_node(n) for n in dependency_map.nodes],
            edges=[MapEdgeType.from_edge(e) for e in dependency_map.edges],
            cycles=[
                CycleType(node_ids=[key_to_gid(k) for k in c], labels=[labels.get(k, k) for k in c])
                for c in dependency_map.cycles
            ],
            data=dependency_map,
            team_name=team_name,
        )

    @strawberry.field
    async def bottlenecks(self) -> list[BottleneckType]:
        return [_bottleneck(b, self.team_name) for b in await map_bottlenecks(self.data)]

    @strawberry.field(description="The map as text: DOT renders with Graphviz (`dot -Tsvg`).")
    async def export(self, format: MapFormatEnum) -> str:  # type: ignore[valid-type]
        return await render_off_loop(self.data, MapFormat(format))


def _bottleneck(b: Bottleneck, team_name: Callable[[int], str]) -> BottleneckType:
    return BottleneckType(
        team_id=gid("Team", b.team_id),
        name=team_name(b.team_id),
        in_degree=b.in_degree,
        betweenness=b.betweenness,
        waiting_dependencies=b.waiting_dependencies,
        raw_team_id=b.team_id,
    )
