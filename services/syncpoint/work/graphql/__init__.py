"""GraphQL face of the work context."""

from syncpoint.work.graphql.mutations import WorkMutation
from syncpoint.work.graphql.queries import WorkQuery

__all__ = ["WorkMutation", "WorkQuery"]
