"""GraphQL face of the products context."""

from syncpoint.products.graphql.mutations import ProductsMutation
from syncpoint.products.graphql.queries import ProductsQuery

__all__ = ["ProductsMutation", "ProductsQuery"]
