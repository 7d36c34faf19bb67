"""GraphQL face of the organisation context."""

from syncpoint.teams.graphql.mutations import TeamsMutation
from syncpoint.teams.graphql.queries import TeamsQuery

__all__ = ["TeamsMutation", "TeamsQuery"]
