"""Health endpoints, the checked-in SDL, and the request transaction."""

from __future__ import annotations

from pathlib import Path

import httpx

from syncpoint.analysis.graph import MapLevel
from syncpoint.api import create_app
from syncpoint.core.auth import Role
from syncpoint.insights.analyses import Analyses, app_caches
from syncpoint.insights.result import Analysis, MapFilter
from syncpoint.insights.service import dependency_map_for
from syncpoint.schema import export_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"

CREATE_GROUP = """
mutation($input: CreateGroupInput!) {
  createGroup(input: $input) { group { slug } errors { code } }
}"""
GROUP = "query($slug: String!) { group(slug: $slug) { slug } }"


def test_checked_in_schema_matches_the_code():
    assert SCHEMA_FILE.read_text() == export_sdl(), (
        "schema/schema.graphql is stale: run `make schema`"
    )


async def test_health_and_readiness(api):
    assert (await api.http.get("/healthz")).json() == {"status": "ok"}
    ready = await api.http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


async def test_readiness_says_whether_the_analysis_was_warmed(sessionmaker, settings, session):
    # off by default outside production
    cold = create_app(settings, sessionmaker=sessionmaker)
    cold.state.migration_heads = {"unused"}  # readiness itself is not what is asked here
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=cold), base_url="http://t") as c:
        assert (await c.get("/readyz")).json()["analysis"] == "off"

    # warmed at start-up when asked: warming, then warm
    warmed = create_app(
        settings.model_copy(update={"warm_analysis": True}), sessionmaker=sessionmaker
    )
    async with (
        warmed.router.lifespan_context(warmed),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=warmed), base_url="http://t") as c,
    ):
        states = [(await c.get("/readyz")).json()["analysis"]]
        await warmed.state.warming
        states.append((await c.get("/readyz")).json()["analysis"])
    assert states[0] in {"warming", "warm"}
    assert states[-1] == "warm"


async def test_warming_draws_the_whole_organisations_team_map(sessionmaker, settings, monkeypatch):
    drawn: list[tuple[MapLevel, MapFilter]] = []
    draw = Analysis.dependency_map

    def counted(self: Analysis, level: MapLevel, flt: MapFilter):  # type: ignore[no-untyped-def]
        drawn.append((level, flt))
        return draw(self, level, flt)

    monkeypatch.setattr(Analysis, "dependency_map", counted)
    app = create_app(settings.model_copy(update={"warm_analysis": True}), sessionmaker=sessionmaker)
    async with app.router.lifespan_context(app):
        await app.state.warming
        assert drawn == [(MapLevel.TEAM, MapFilter())]

        # a director's first map (the whole organisation, by team) finds it drawn
        caches = app_caches(app)
        assert caches is not None
        async with sessionmaker() as session:
            scoped = await dependency_map_for(
                session, Analyses(session, caches[0], drawings=caches[1])
            )
            await session.rollback()
        assert scoped.dependency_map.level == "TEAM"
        assert len(drawn) == 1


async def test_readiness_fails_when_migrations_are_pending(sessionmaker, settings, session):
    app = create_app(settings, sessionmaker=sessionmaker)
    app.state.migration_heads = {"9999_not_applied"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        response = await c.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "migrations pending"


async def test_a_mutation_is_committed_and_a_failed_one_leaves_nothing(api):
    await api.login(Role.ADMIN)
    ok = await api.gql(CREATE_GROUP, {"input": {"slug": "kept", "name": "Kept"}})
    assert ok["createGroup"]["errors"] == []
    bad = await api.gql(CREATE_GROUP, {"input": {"slug": "kept", "name": "Again"}})
    assert bad["createGroup"]["errors"] == [{"code": "DUPLICATE"}]
    assert (await api.gql(GROUP, {"slug": "kept"}))["group"] == {"slug": "kept"}


async def test_two_mutations_in_one_request_are_independent(api):
    await api.login(Role.ADMIN)
    document = """
    mutation {
      a: createGroup(input: {slug: "one", name: "One"}) { errors { code } }
      b: createGroup(input: {slug: "one", name: "Dup"}) { errors { code } }
      c: createGroup(input: {slug: "two", name: "Two"}) { errors { code } }
    }"""
    data = await api.gql(document)
    assert [data[k]["errors"] for k in "abc"] == [[], [{"code": "DUPLICATE"}], []]
    assert (await api.gql(GROUP, {"slug": "two"}))["group"] == {"slug": "two"}


async def test_production_masks_unexpected_errors(sessionmaker, settings, session, monkeypatch):
    from syncpoint.teams.graphql import queries

    async def boom(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(queries.repo, "team_by_slug", boom)
    settings.environment = "production"
    settings.allow_anonymous_read = True
    app = create_app(settings, sessionmaker=sessionmaker)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        body = (await c.post("/graphql", json={"query": '{ team(slug: "x") { name } }'})).json()
    assert body["errors"][0]["message"] == "Unexpected error."
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert "secret" not in str(body)
