"""GraphQL face of the dependency analysis."""

from syncpoint.insights.graphql.queries import InsightsQuery

__all__ = ["InsightsQuery"]
