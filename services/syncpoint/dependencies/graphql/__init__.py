"""GraphQL face of dependencies and integration points."""

from syncpoint.dependencies.graphql.mutations import DependenciesMutation
from syncpoint.dependencies.graphql.queries import DependenciesQuery

__all__ = ["DependenciesMutation", "DependenciesQuery"]
