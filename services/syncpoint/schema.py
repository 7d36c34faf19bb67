"""The GraphQL schema: every context's queries and mutations merged into one."""

from __future__ import annotations

from functools import cache

import strawberry
from strawberry.extensions import MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from syncpoint.audit import recorder as _audit_recorder  # noqa: F401 - registers the hooks
from syncpoint.audit.graphql import AuditQuery
from syncpoint.auth.graphql import AuthQuery
from syncpoint.blockers.graphql import BlockersMutation, BlockersQuery, BlockersSubscription
from syncpoint.cadence.graphql import CadenceMutation, CadenceQuery
from syncpoint.core.graphql import NodeQuery, SyncpointSchema
from syncpoint.core.limits import QueryCost
from syncpoint.dependencies.graphql import DependenciesMutation, DependenciesQuery
from syncpoint.imports.graphql import ImportsMutation
from syncpoint.insights.graphql import InsightsQuery
from syncpoint.insights.responses import AnalysisResponses
from syncpoint.products.graphql import ProductsMutation, ProductsQuery
from syncpoint.quality.graphql.gates import GatesMutation, GatesQuery
from syncpoint.quality.graphql.review import RetrospectiveQuery, ReviewQuery
from syncpoint.quality.graphql.standup import StandupQuery
from syncpoint.quality.graphql.wip import WipMutation
from syncpoint.scrum_of_scrums.graphql import ScrumOfScrumsMutation, ScrumOfScrumsQuery
from syncpoint.scrum_of_scrums.graphql.refinement import RefinementMutation, RefinementQuery
from syncpoint.teams.graphql import TeamsMutation, TeamsQuery
from syncpoint.work.graphql import WorkMutation, WorkQuery
from syncpoint.work.graphql.mlflow import TrackingMutation, TrackingQuery


@strawberry.type(description="Everything Syncpoint can answer.")
class Query(
    NodeQuery,
    AuthQuery,
    TeamsQuery,
    WorkQuery,
    CadenceQuery,
    DependenciesQuery,
    InsightsQuery,
    ProductsQuery,
    BlockersQuery,
    ScrumOfScrumsQuery,
    AuditQuery,
    GatesQuery,
    TrackingQuery,
    ReviewQuery,
    RetrospectiveQuery,
    StandupQuery,
    RefinementQuery,
):
    pass


@strawberry.type(description="Every change Syncpoint accepts; failures come back in `errors`.")
class Mutation(
    TeamsMutation,
    WorkMutation,
    CadenceMutation,
    DependenciesMutation,
    ProductsMutation,
    BlockersMutation,
    ScrumOfScrumsMutation,
    GatesMutation,
    WipMutation,
    TrackingMutation,
    RefinementMutation,
    ImportsMutation,
):
    pass


@strawberry.type(description="Live updates over WebSocket (graphql-transport-ws).")
class Subscription(BlockersSubscription):
    pass


@cache  # built once per process (and per `mask_unexpected`): every app instance shares it
def build_schema(*, mask_unexpected: bool = False) -> strawberry.Schema:
    """The schema with its extensions (parser and validation caches, document limits and query
    cost) and stable error codes; `mask_unexpected` hides unexpected errors' details
    (production)."""
    return SyncpointSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(auto_camel_case=True),
        extensions=[
            lambda: ParserCache(maxsize=256),
            # Before the validation cache: it adds the document-limits rule to the cached rules.
            QueryCost,
            # After the cost: a refused operation is never answered from the cache.
            AnalysisResponses,
            lambda: ValidationCache(maxsize=256),
            lambda: MaxTokensLimiter(max_token_count=5000),
        ],
        mask_unexpected=mask_unexpected,
    )


def export_sdl() -> str:
    """The schema's SDL, as checked in at schema/schema.graphql."""
    return build_schema().as_str().rstrip() + "\n"
