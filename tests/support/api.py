"""A thin GraphQL client over httpx for tests, with tokens for any role."""

from __future__ import annotations

from typing import Any

import httpx

from syncpoint.auth.service import create_token
from syncpoint.core.auth import Role
from syncpoint.core.db import SerialSession


class ApiClient:
    def __init__(self, client: httpx.AsyncClient, session: SerialSession, app: Any = None) -> None:
        self.http = client
        self.session = session
        self.app = app
        self.token: str | None = None

    async def login(self, role: Role, person_id: int | None = None) -> str:
        """Issue a token for `role` (and person) and use it for the following requests."""
        issued = await create_token(self.session, role=role, person_id=person_id, days=1)
        await self.session.commit()
        self.token = issued.secret
        return issued.secret

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> httpx.Response:
        headers = {}
        bearer = token or self.token
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """Run an operation that must succeed without top-level errors; returns `data`."""
        response = await self.post(query, variables, token)
        body = response.json()
        assert "errors" not in body, body["errors"]
        return dict(body["data"])

    async def errors(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> list[dict[str, Any]]:
        """Run an operation expected to fail at top level; returns its errors."""
        body = (await self.post(query, variables, token)).json()
        assert body.get("errors"), body
        return list(body["errors"])


def nodes(connection: dict[str, Any]) -> list[Any]:
    """The nodes of a connection answer (`{edges: [{node}]}`), in order."""
    return [edge["node"] for edge in connection["edges"]]
