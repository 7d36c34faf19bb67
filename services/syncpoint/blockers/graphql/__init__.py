"""GraphQL face of blockers: queries, mutations and the live `blockerEvents` subscription."""

from syncpoint.blockers.graphql.mutations import BlockersMutation
from syncpoint.blockers.graphql.queries import BlockersQuery
from syncpoint.blockers.graphql.subscriptions import BlockersSubscription

__all__ = ["BlockersMutation", "BlockersQuery", "BlockersSubscription"]
