"""GraphQL face of authentication: the `viewer` query (who this token is)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from syncpoint.auth.models import ApiToken
from syncpoint.core.auth import Actor, Role, allowed, read_policy
from syncpoint.core.context import Info
from syncpoint.teams import repository as teams_repo
from syncpoint.teams.graphql.types import PersonType, TeamType

VIEWER = read_policy("viewer")


@strawberry.type(
    name="Viewer",
    description="Who the caller is: the token's person, role, scopes and expiry. An anonymous "
    "caller (no token, anonymous reads switched on) has no role, person nor token.",
)
class ViewerType:
    role: Role | None = strawberry.field(description="The token's role; null when anonymous.")
    anonymous: bool = strawberry.field(description="True when the request carried no token.")
    token_id: relay.GlobalID | None = strawberry.field(
        description="The token's id (as listed by `syncpoint tokens list`), as a global id."
    )
    token_prefix: str | None = strawberry.field(
        description="The first characters of the token, to recognise it; never the secret."
    )
    expires_at: datetime | None = strawberry.field(
        description="When the token stops working; null when it never expires or anonymous."
    )
    person_id: strawberry.Private[int | None]
    team_ids: strawberry.Private[frozenset[int]]

    @strawberry.field(description="The person the token belongs to; null for a service token.")
    async def person(self, info: Info) -> PersonType | None:
        if self.person_id is None:
            return None
        row = await info.context.loaders.load(teams_repo.people_by_ids, self.person_id)
        return PersonType.from_model(row) if row is not None else None

    @strawberry.field(
        description="The teams the person currently belongs to: the scope of the role's "
        "OWN access (see the permission table). Empty for a token without a person."
    )
    async def scopes(self, info: Info) -> list[TeamType]:
        ids = sorted(self.team_ids)
        rows = await info.context.loaders.load_many(teams_repo.teams_by_ids, ids)
        return [TeamType.from_model(row) for row in rows if row is not None]


async def viewer_of(info: Info, actor: Actor) -> ViewerType:
    token = None
    if actor.token_id is not None:
        token = await info.context.session.get(ApiToken, actor.token_id)
    return ViewerType(
        role=actor.role,
        anonymous=actor.is_anonymous,
        token_id=relay.GlobalID("ApiToken", str(actor.token_id)) if actor.token_id else None,
        token_prefix=token.prefix if token is not None else None,
        expires_at=token.expires_at if token is not None else None,
        person_id=actor.person_id,
        team_ids=actor.team_ids,
    )


@strawberry.type
class AuthQuery:
    @strawberry.field(
        description="Who this request's token is: person, role, scopes, token and expiry.",
        permission_classes=[allowed(VIEWER)],
    )
    async def viewer(self, info: Info) -> ViewerType:
        return await viewer_of(info, info.context.actor)
