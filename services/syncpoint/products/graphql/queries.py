"""Queries of the products context."""

from __future__ import annotations

import strawberry
from strawberry import relay

from syncpoint.core.auth import allowed, read_policy
from syncpoint.core.context import Info
from syncpoint.core.ids import decode_optional
from syncpoint.core.pagination import Connection, PageArgs, SortKey, paginate
from syncpoint.products import models
from syncpoint.products import repository as repo
from syncpoint.products.graphql.types import ProductKind, ProductType

PRODUCTS, PRODUCT = read_policy("products"), read_policy("product")


@strawberry.input
class ProductFilter:
    kinds: list[ProductKind] | None = None  # type: ignore[valid-type]
    owner_team_id: relay.GlobalID | None = None
    consumer_team_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Products this team currently consumes."
    )
    search: str | None = strawberry.field(default=None, description="Part of the name or slug.")
    include_archived: bool = False


@strawberry.type
class ProductsQuery:
    @strawberry.field(
        description="Shared products by name, filtered by kind, owner or consumer team.",
        permission_classes=[allowed(PRODUCTS)],
    )
    async def products(
        self,
        info: Info,
        filter: ProductFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ProductType]:
        ctx = info.context
        f = filter or ProductFilter()
        stmt = repo.products_query(
            repo.ProductFilter(
                kinds=f.kinds,
                owner_team_id=decode_optional(f.owner_team_id, "Team", "filter.ownerTeamId"),
                consumer_team_id=decode_optional(
                    f.consumer_team_id, "Team", "filter.consumerTeamId"
                ),
                search=f.search,
                include_archived=f.include_archived,
            )
        )
        return await paginate(
            ctx.session,
            stmt,
            [SortKey(models.Product.name), SortKey(models.Product.id)],
            PageArgs(first, after, last, before),
            ProductType.from_model,
            max_page=ctx.settings.max_page_size,
        )

    @strawberry.field(permission_classes=[allowed(PRODUCT)])
    async def product(self, info: Info, slug: str) -> ProductType | None:
        row = await repo.product_by_slug(info.context.session, slug)
        return ProductType.from_model(row) if row else None
