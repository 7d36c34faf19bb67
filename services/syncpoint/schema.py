"""The GraphQL schema: every context's queries and mutations merged into one."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from syncpoint.core.graphql import NodeQuery
from syncpoint.teams.graphql import TeamsMutation, TeamsQuery


@strawberry.type(description="Everything Syncpoint can answer.")
class Query(NodeQuery, TeamsQuery):
    pass


@strawberry.type(description="Every change Syncpoint accepts; failures come back in `errors`.")
class Mutation(TeamsMutation):
    pass


def build_schema() -> strawberry.Schema:
    """The schema with its extensions: parser and validation caches, document size limits."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(auto_camel_case=True),
        extensions=[
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: QueryDepthLimiter(max_depth=12),
            lambda: MaxTokensLimiter(max_token_count=5000),
            lambda: MaxAliasesLimiter(max_alias_count=30),
        ],
    )


def export_sdl() -> str:
    """The schema's SDL, as checked in at schema/schema.graphql."""
    return build_schema().as_str().rstrip() + "\n"
