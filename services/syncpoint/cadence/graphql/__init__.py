"""GraphQL face of cadences and sprints."""

from syncpoint.cadence.graphql.mutations import CadenceMutation
from syncpoint.cadence.graphql.queries import CadenceQuery

__all__ = ["CadenceMutation", "CadenceQuery"]
