"""The FastAPI application: /graphql (GraphiQL in development), /healthz, /readyz."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.requests import HTTPConnection
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from syncpoint.auth.oidc import OidcVerifier
from syncpoint.auth.transport import authenticate_request, install_refusals
from syncpoint.core.collector import tune_collector
from syncpoint.core.context import Context
from syncpoint.core.db import SerialSession, make_engine, make_sessionmaker
from syncpoint.core.faults import install_fault_handlers
from syncpoint.core.limits import install as install_request_limits
from syncpoint.core.settings import Settings, get_settings
from syncpoint.events import attach_bus, make_event_bus
from syncpoint.events.websocket import SubscriptionContext, SubscriptionRouter
from syncpoint.insights.routes import router as exports_router
from syncpoint.insights.warm import start_warming, stop_warming, warming_state
from syncpoint.migrate import migration_heads
from syncpoint.schema import build_schema
from syncpoint.scrum_of_scrums.calendar_routes import router as calendar_router
from syncpoint.web.app import graphiql_page
from syncpoint.web.app import router as web_app_router
from syncpoint.web.routes import router as web_router


def create_app(
    settings: Settings | None = None,
    *,
    engine: AsyncEngine | None = None,
    sessionmaker: async_sessionmaker[SerialSession] | None = None,
) -> FastAPI:
    """Build the app. Tests pass their own sessionmaker (bound to a rolled-back transaction)."""
    settings = settings or get_settings()
    owns_engine = engine is None and sessionmaker is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        nonlocal engine
        if owns_engine:
            engine = make_engine(
                settings.database_url,
                echo=settings.sql_echo,
                busy_timeout_s=settings.sqlite_busy_timeout_s,
                pool_size=settings.db_pool_size,
                pool_timeout_s=settings.db_pool_timeout_seconds,
            )
            app.state.sessionmaker = make_sessionmaker(engine)
            # A process serving this app (not a test building apps by the dozen).
            tune_collector(settings.collector_threshold)
        app.state.migration_heads = migration_heads(settings)
        await app.state.events.start()
        warming = app.state.warming = start_warming(app)
        yield
        await stop_warming(warming)
        await app.state.events.stop()
        if owns_engine and engine is not None:
            await engine.dispose()

    app = FastAPI(title="Syncpoint", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.oidc = OidcVerifier(settings) if settings.oidc_enabled else None
    # Blocker events published after commit: LISTEN/NOTIFY on PostgreSQL, in-process otherwise.
    app.state.events = make_event_bus(settings.database_url)
    if sessionmaker is not None:
        app.state.sessionmaker = sessionmaker
    elif engine is not None:
        app.state.sessionmaker = make_sessionmaker(engine)

    async def request_session(request: HTTPConnection) -> AsyncIterator[SerialSession | None]:
        if request.scope["type"] == "websocket":
            yield None  # a WebSocket opens one short session per event (events.websocket)
            return
        session = request.app.state.sessionmaker()
        attach_bus(session, request.app.state.events)
        try:
            yield session
        finally:
            # A dead connection: the pool discards it, and the answer already given stands.
            with suppress(Exception):
                await session.close()

    async def get_context(
        request: HTTPConnection, session: SerialSession | None = Depends(request_session)
    ) -> Context | SubscriptionContext:
        if session is None:
            return SubscriptionContext(
                settings=settings,
                sessionmaker=request.app.state.sessionmaker,
                bus=request.app.state.events,
            )
        request.state.session = session
        actor = await authenticate_request(request, session)
        context = Context(session=session, actor=actor, settings=settings)
        request.state.context = context
        return context

    graphql = SubscriptionRouter(
        build_schema(mask_unexpected=settings.is_production),
        context_getter=get_context,
        graphql_ide="graphiql" if not settings.is_production else None,
    )
    graphql.graphql_ide_page = graphiql_page
    app.include_router(graphql, prefix="/graphql")
    install_request_limits(app, settings)  # body, JSON, time, rate limits; response media
    app.include_router(calendar_router)
    app.include_router(exports_router)
    app.include_router(web_router)
    app.include_router(web_app_router)

    # One envelope for every refusal (401 with WWW-Authenticate: Bearer, 403, 404...).
    install_refusals(app)
    install_fault_handlers(app)

    @app.get("/healthz", include_in_schema=True)
    async def healthz() -> dict[str, str]:
        """The process is alive (no dependency checked)."""
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        """The database answers and its schema is at the migrations' head; `analysis` says
        whether today's analysis was warmed at start-up (off, warming, warm)."""
        heads: set[str] = request.app.state.migration_heads
        try:
            async with request.app.state.sessionmaker() as session:
                rows = await session.execute(text("SELECT version_num FROM alembic_version"))
                current = {row[0] for row in rows}
        except Exception as exc:  # any database failure means "not ready"
            return JSONResponse({"status": "unavailable", "reason": type(exc).__name__}, 503)
        body: dict[str, Any] = {
            "current": sorted(current),
            "head": sorted(heads),
            "analysis": warming_state(getattr(request.app.state, "warming", None)),
        }
        if current != heads:
            return JSONResponse({"status": "migrations pending", **body}, 503)
        return JSONResponse({"status": "ready", **body}, 200)

    @app.get("/", include_in_schema=False)
    async def index() -> RedirectResponse:
        return RedirectResponse("/graphql")

    return app
