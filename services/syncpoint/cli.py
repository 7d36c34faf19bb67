"""The `syncpoint` command: serve, migrate, load the demo, manage tokens, export the schema."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from syncpoint import migrate
from syncpoint.analysis.graph import MapLevel
from syncpoint.core.auth import Role
from syncpoint.core.db import SerialSession, make_engine, make_sessionmaker
from syncpoint.core.settings import get_settings
from syncpoint.insights.exports import MapFormat

app = typer.Typer(
    help="Syncpoint: coordination for many ML teams shipping together.", no_args_is_help=True
)
db_app = typer.Typer(help="Database migrations (Alembic).", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")
openslo_app = typer.Typer(help="OpenSLO v1 import/export of product SLOs.", no_args_is_help=True)
app.add_typer(openslo_app, name="openslo")
console = Console()
err = Console(stderr=True)

T = TypeVar("T")


def _in_session(work: Callable[[SerialSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction against the configured database, committing on success."""

    async def run() -> T:
        engine = make_engine(get_settings().database_url, pool=False)
        try:
            async with make_sessionmaker(engine)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(run())


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: SYNCPOINT_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: SYNCPOINT_PORT.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, help="Worker processes. Default: SYNCPOINT_WORKERS (production: one per core)."
        ),
    ] = None,
    reload: bool = False,
) -> None:
    """Serve the API (GraphiQL at /graphql in development)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "syncpoint.api:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=None if reload else (workers or settings.worker_count),
        reload=reload,
        # A worker imports the app and builds the schema before it answers the supervisor's
        # health check: on a busy machine that takes longer than uvicorn's 5 s default.
        timeout_worker_healthcheck=120,
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    migrate.upgrade(get_settings(), revision)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target, e.g. -1 or base.")]) -> None:
    """Revert migrations down to REVISION."""
    migrate.downgrade(get_settings(), revision)


@db_app.command("current")
def db_current() -> None:
    """Show the revision the database is at."""
    migrate.current(get_settings())


@app.command("export-schema")
def export_schema() -> None:
    """Print the GraphQL SDL (schema/schema.graphql must equal it)."""
    from syncpoint.schema import export_sdl

    typer.echo(export_sdl(), nl=False)


@app.command()
def permissions(
    write: Annotated[
        Path | None, typer.Option(help="Replace the table between the markers in this file.")
    ] = None,
) -> None:
    """Print the permission table (operation x role) in Markdown, as in the README."""
    import re

    import syncpoint.schema  # noqa: F401 - declaring the schema declares every operation's policy
    from syncpoint.core.auth import policy_table_markdown

    table = policy_table_markdown()
    if write is None:
        typer.echo(table)
        return
    start, end = "<!-- permissions:start -->", "<!-- permissions:end -->"
    text = write.read_text()
    if start not in text or end not in text:
        err.print(f"[red]{write} lacks the markers {start} ... {end}.[/red]")
        raise typer.Exit(code=1)
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    write.write_text(pattern.sub(lambda _m: f"{start}\n{table}\n{end}", text))


class DemoScale(StrEnum):
    DEMO = "demo"
    LARGE = "large"


@app.command()
def demo(
    force: Annotated[bool, typer.Option(help="Load even if the database has data.")] = False,
    if_empty: Annotated[bool, typer.Option(help="Do nothing (exit 0) if data exists.")] = False,
    scale: Annotated[
        DemoScale,
        typer.Option(case_sensitive=False, help="demo: 12 teams; large: 500 teams, in bulk."),
    ] = DemoScale.DEMO,
    teams: Annotated[
        int | None,
        typer.Option(min=1, max=5000, help="With --scale large: this many teams instead."),
    ] = None,
    seed: Annotated[int, typer.Option(help="With --scale large: the generator's seed.")] = 1,
) -> None:
    """Load the demo organisation (or a large synthetic one) into an empty database."""
    from syncpoint.demo import database_is_empty, load_demo

    async def work(session: SerialSession) -> str:
        if not await database_is_empty(session):
            if if_empty:
                return "The database has data already; demo not loaded."
            if not force:
                err.print("[red]The database is not empty.[/red] Use --force to load anyway.")
                raise typer.Exit(code=1)
        if scale is DemoScale.LARGE or teams is not None:
            return await _load_large(session, teams, seed)
        summary = await load_demo(session)
        return f"Demo organisation loaded: {summary}"

    console.print(_in_session(work))


async def _load_large(session: SerialSession, teams: int | None, seed: int) -> str:
    from rich.progress import Progress

    from syncpoint.core.clock import today
    from syncpoint.demo.large import LARGE, Scale, generate, load_large

    with console.status("Generating the organisation..."):
        org = generate(Scale.for_teams(teams) if teams else LARGE, seed, today())
    total = sum(len(rows) for rows in org.tables.values())
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("Loading rows", total=total)

        def advance(table: str, rows: int) -> None:
            bar.update(task, advance=rows, description=f"Loading {table}")

        await load_large(session, org, advance)
    return f"Large organisation loaded (seed {seed}): {org.summary()}; {total:,} rows."


@app.command("map")
def dependency_map(
    fmt: Annotated[
        MapFormat,
        typer.Option("--format", case_sensitive=False, help="dot, mermaid, graphml, json."),
    ],
    level: Annotated[MapLevel, typer.Option(case_sensitive=False)] = MapLevel.TEAM,
    group: Annotated[str | None, typer.Option(help="Slug of a group (subgroups included).")] = None,
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Default: today.")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Export the cross-team dependency map (DOT renders with Graphviz: dot -Tsvg)."""
    from syncpoint.core.errors import DomainError
    from syncpoint.insights.commands import export_map

    day = as_of.date() if as_of else None
    try:
        text = _in_session(
            lambda s: export_map(s, fmt=fmt, level=level, group_slug=group, as_of=day)
        )
    except DomainError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code=1) from exc
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"Dependency map written to {output}.")


@app.command("demo-tokens")
def demo_tokens() -> None:
    """Issue fresh tokens for the demo personas (older demo tokens are revoked) and print them."""
    from syncpoint.demo.personas import issue_persona_tokens

    settings = get_settings()
    tokens = _in_session(issue_persona_tokens)
    console.print("[bold]Demo persona tokens[/bold] (valid 30 days; earlier demo tokens revoked):")
    for persona, role, secret in tokens:
        console.print(f"  {persona:<32} {role:<15} {secret}", soft_wrap=True, highlight=False)
    url = f"http://{settings.host}:{settings.port}/graphql"
    first = tokens[0][2]
    console.print(f"GraphiQL: open {url} and add the header (Headers tab):")
    console.print(f'  {{"Authorization": "Bearer {first}"}}')
    console.print("curl:")
    console.print(
        f"  curl -s {url} -H 'Authorization: Bearer {first}' -H 'Content-Type: application/json' "
        '-d \'{"query": "{ teams(first: 5) { edges { node { name topology } } } }"}\'',
        soft_wrap=True,
    )


@token_app.command("create")
def token_create(
    role: Annotated[Role, typer.Option(help="What the token may do.")],
    person: Annotated[str | None, typer.Option(help="E-mail of the person it belongs to.")] = None,
    description: str = "",
    days: Annotated[int | None, typer.Option(help="Days until it expires (default 90).")] = None,
    feed: Annotated[
        bool, typer.Option(help="A calendar feed key (VIEWER): opens only /calendar/feeds/<key>/.")
    ] = False,
) -> None:
    """Issue a token. The secret is printed once and never stored."""
    from syncpoint.auth.service import create_token
    from syncpoint.teams.repository import person_by_email

    async def work(session: SerialSession) -> str:
        person_id = None
        if person is not None:
            found = await person_by_email(session, person)
            if found is None:
                err.print(f"[red]No person with e-mail {person}.[/red]")
                raise typer.Exit(code=1)
            person_id = found.id
        issued = await create_token(
            session,
            role=role,
            person_id=person_id,
            description=description,
            days=days or get_settings().token_default_days,
            feed=feed,
        )
        return issued.secret

    from syncpoint.core.errors import DomainError

    try:
        secret = _in_session(work)
    except DomainError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code=1) from exc
    console.print(secret)


@token_app.command("list")
def token_list(include_revoked: bool = False) -> None:
    """List tokens (prefixes only)."""
    from syncpoint.auth.service import list_tokens

    rows = _in_session(lambda s: list_tokens(s, include_revoked=include_revoked))
    table = Table()
    for column in ("id", "prefix", "role", "person", "description", "expires", "revoked"):
        table.add_column(column)
    for t in rows:
        table.add_row(
            str(t.id),
            t.prefix + "…",
            t.role.value,
            str(t.person_id or "-"),
            t.description,
            str(t.expires_at or "never"),
            str(t.revoked_at or "-"),
        )
    console.print(table)


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke a token by id (see `token list`)."""
    from syncpoint.auth.service import revoke_token
    from syncpoint.core.errors import DomainError

    try:
        _in_session(lambda s: revoke_token(s, token_id))
    except DomainError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code=1) from exc
    console.print(f"Token {token_id} revoked.")


async def _product_id(session: SerialSession, slug: str) -> int:
    import syncpoint.models_registry  # noqa: F401 - every table, for the blockers an import raises
    from syncpoint.products.repository import product_by_slug

    product = await product_by_slug(session, slug)
    if product is None:
        err.print(f"[red]No product with slug {slug}.[/red]")
        raise typer.Exit(code=1)
    return product.id


@openslo_app.command("export")
def openslo_export(
    product: Annotated[str, typer.Option(help="The product's slug.")],
    output: Annotated[
        Path | None, typer.Option(help="Write to this file (default: stdout).")
    ] = None,
) -> None:
    """Print a product's current objectives as OpenSLO v1 YAML (re-importable)."""
    from syncpoint.products.sla import export_openslo

    async def work(session: SerialSession) -> str:
        return await export_openslo(session, await _product_id(session, product))

    text = _in_session(work)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text)


@openslo_app.command("import")
def openslo_import(
    file: Annotated[Path, typer.Argument(help="OpenSLO v1 YAML (Service, SLI, SLO documents).")],
    product: Annotated[str, typer.Option(help="The product's slug.")],
    notes: str = "",
    merge: Annotated[bool, typer.Option(help="Keep objectives the file does not mention.")] = False,
) -> None:
    """Publish a new SLA version of a product from an OpenSLO file (all or nothing), as admin."""
    from syncpoint.core.auth import Actor
    from syncpoint.core.errors import DomainError
    from syncpoint.products.sla import import_openslo

    async def work(session: SerialSession) -> str:
        version = await import_openslo(
            session,
            Actor(role=Role.ADMIN),
            await _product_id(session, product),
            file.read_text(),
            notes=notes,
            merge=merge,
        )
        return f"{product}: SLA version {version.number} published from {file.name}."

    try:
        console.print(_in_session(work))
    except DomainError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code=1) from exc
