"""GraphQL face of the Scrum of Scrums: forums, agendas, meetings, action items."""

from syncpoint.scrum_of_scrums.graphql.mutations import ScrumOfScrumsMutation
from syncpoint.scrum_of_scrums.graphql.queries import ScrumOfScrumsQuery

__all__ = ["ScrumOfScrumsMutation", "ScrumOfScrumsQuery"]
