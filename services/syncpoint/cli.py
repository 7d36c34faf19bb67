"""The `syncpoint` command: serve, migrate, load the demo, manage tokens, export the schema."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from syncpoint import migrate
from syncpoint.analysis.graph import MapLevel
from syncpoint.core.auth import Actor, Role
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
audit_app = typer.Typer(help="The audit log of every change.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
openslo_app = typer.Typer(help="OpenSLO v1 import/export of product SLOs.", no_args_is_help=True)
app.add_typer(openslo_app, name="openslo")
mlflow_app = typer.Typer(help="Experiment tracking runs (MLflow).", no_args_is_help=True)
app.add_typer(mlflow_app, name="mlflow")
console = Console()
err = Console(stderr=True)

T = TypeVar("T")


def _refuse(message: str) -> NoReturn:
    err.print(message, soft_wrap=True, highlight=False, markup=False)
    raise typer.Exit(code=2)


def _require_database() -> None:
    """Refuse, with where it looked and how to set it, to open a SQLite file that does not exist:
    opening it would create an empty database (the default is ./syncpoint.db in the working
    directory). Every command but `db upgrade`, `export-schema` and `permissions` needs one."""
    settings = get_settings()
    path = settings.sqlite_file
    if path is None or path.exists():
        return
    how = (
        "Set SYNCPOINT_DATABASE_URL (in the environment or in ./.env), e.g. "
        "SYNCPOINT_DATABASE_URL=postgresql+asyncpg://user@host/syncpoint, or create the database "
        "with `syncpoint db upgrade` (in the repository: `make run`)."
    )
    if settings.database_url_is_default:
        _refuse(
            f"No database: SYNCPOINT_DATABASE_URL is not set (looked in the environment and in "
            f"{Path('.env').resolve()}) and the default SQLite database {path} does not exist. "
            + how
        )
    _refuse(f"No database: {path} (SYNCPOINT_DATABASE_URL) does not exist. " + how)


async def _require_schema(session: SerialSession) -> None:
    from alembic.migration import MigrationContext

    connection = await session.connection()
    revision = await connection.run_sync(
        lambda sync: MigrationContext.configure(sync).get_current_revision()
    )
    if revision is None:
        _refuse(
            f"The database {connection.engine.url.render_as_string(hide_password=True)} has no "
            "Syncpoint schema yet: run `syncpoint db upgrade` first."
        )


def cli_actor() -> Actor:
    """Who acts when the syncpoint command writes: the system user, as the audit log names it."""
    return Actor(role=Role.ADMIN, system=f"cli:{getpass.getuser()}")


def _in_session(
    work: Callable[[SerialSession], Awaitable[T]],
    *,
    audit: str | None = None,
    bulk: bool = False,
) -> T:
    """Run `work` in one transaction against the configured database, committing on success.
    A write names its `audit` operation: its entry (every object it touched, or with `bulk` a
    summary of what it returned) is written in the same transaction, actor the CLI's user."""
    _require_database()

    async def run() -> T:
        from syncpoint.audit.recorder import entry_for
        from syncpoint.core.mutations import recording

        engine = make_engine(get_settings().database_url, pool=False)
        try:
            async with make_sessionmaker(engine)() as session:
                await _require_schema(session)
                if audit is None:
                    result = await work(session)
                elif bulk:  # a summary: no need to record tens of thousands of rows first
                    actor = cli_actor()
                    result = await work(session)
                    await session.flush()
                    note = str(result)
                    session.add(entry_for(actor, audit, [], system=actor.system, note=note))
                else:
                    actor = cli_actor()
                    with recording(session) as recorder:
                        result = await work(session)
                        await session.flush()
                    changes = list(recorder.changes.values())
                    session.add(entry_for(actor, audit, changes, system=actor.system))
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

    _require_database()
    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    console.print(
        f"Serving http://{host}:{port}/graphql. Another port: SYNCPOINT_PORT=8001 make run "
        "(or syncpoint serve --port 8001).",
        soft_wrap=True,
        highlight=False,
    )
    uvicorn.run(
        "syncpoint.api:create_app",
        factory=True,
        host=host,
        port=port,
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
    _require_database()
    migrate.downgrade(get_settings(), revision)


@db_app.command("current")
def db_current() -> None:
    """Show the revision the database is at."""
    _require_database()
    migrate.current(get_settings())


@db_app.command("backup")
def db_backup(
    path: Annotated[Path, typer.Argument(help="File to write (replaced if it exists).")],
) -> None:
    """Write a consistent backup of the database (SQLite online backup, or pg_dump)."""
    from syncpoint.backup import BackupError, backup

    url = get_settings().database_url
    try:
        with console.status("Backing up the database..."):
            summary = backup(url, path)
    except BackupError as exc:
        err.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(code=1) from None
    console.print(f"{summary.kind} backup written to {summary.path} ({summary.bytes:,} bytes).")


@db_app.command("restore")
def db_restore(
    path: Annotated[Path, typer.Argument(help="A file written by `syncpoint db backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the whole database with a backup (stop the API processes first)."""
    from syncpoint.backup import BackupError, kind_of_file, restore

    url = get_settings().database_url
    try:
        kind_of_file(path)
        if not yes:
            typer.confirm(
                f"Replace every table of the configured database with {path}?", abort=True
            )
        with console.status("Restoring the database..."):
            summary = restore(url, path)
    except BackupError as exc:
        err.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(code=1) from None
    console.print(
        f"Restored the {summary.kind} backup {summary.path}; "
        "run `syncpoint db upgrade` if it predates the installed version."
    )


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

    console.print(_in_session(work, audit="demo", bulk=True))


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


class MapOutput(StrEnum):
    """The exports (text) and the pictures of /map (drawn by the page in Chromium)."""

    DOT = "DOT"
    MERMAID = "MERMAID"
    GRAPHML = "GRAPHML"
    JSON = "JSON"
    SVG = "SVG"
    PNG = "PNG"


@app.command("map")
def dependency_map(
    fmt: Annotated[
        MapOutput,
        typer.Option(
            "--format", case_sensitive=False, help="dot, mermaid, graphml, json; svg, png."
        ),
    ],
    level: Annotated[MapLevel, typer.Option(case_sensitive=False)] = MapLevel.TEAM,
    group: Annotated[str | None, typer.Option(help="Slug of a group (subgroups included).")] = None,
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Default: today.")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Export the cross-team dependency map (DOT renders with Graphviz: dot -Tsvg), or draw
    the /map page's picture for slides (svg, png: headless Chromium)."""
    from syncpoint.core.errors import DomainError
    from syncpoint.insights.commands import export_map

    day = as_of.date() if as_of else None
    if fmt in (MapOutput.SVG, MapOutput.PNG):
        _picture("map", fmt, output, as_of=day, group=group)
        return
    try:
        text = _in_session(
            lambda s: export_map(
                s, fmt=MapFormat(fmt.value), level=level, group_slug=group, as_of=day
            )
        )
    except DomainError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code=1) from exc
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"Dependency map written to {output}.")


class PictureOutput(StrEnum):
    SVG = "SVG"
    PNG = "PNG"


@app.command("timeline")
def timeline(
    fmt: Annotated[PictureOutput, typer.Option("--format", case_sensitive=False, help="svg, png.")],
    group: Annotated[str | None, typer.Option(help="Slug of a group (subgroups included).")] = None,
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Default: today.")
    ] = None,
    start: Annotated[
        datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day shown.")
    ] = None,
    end: Annotated[
        datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day shown.")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Draw the /timeline page's picture (lanes, sprints, integration points) for slides."""
    _picture(
        "timeline",
        fmt,
        output,
        as_of=as_of.date() if as_of else None,
        group=group,
        start=start.date() if start else None,
        end=end.date() if end else None,
    )


def _picture(
    page: str,
    fmt: StrEnum,
    output: Path | None,
    *,
    as_of: date | None,
    group: str | None,
    start: date | None = None,
    end: date | None = None,
) -> None:
    from syncpoint.web.pictures import PictureError, PictureFormat, View, draw_picture

    _require_database()
    picture = PictureFormat(fmt.value.lower())
    if picture is PictureFormat.PNG and output is None:
        _refuse("A PNG needs --output FILE.")
    view = View(page=page, as_of=as_of, group_slug=group, start=start, end=end)
    try:
        from syncpoint.api import create_app

        settings = get_settings()
        drawn = draw_picture(settings, create_app(settings), view, picture)
    except PictureError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=1) from exc
    if output is None:
        typer.echo(drawn.decode("utf-8"), nl=False)
    else:
        output.write_bytes(drawn)
        err.print(f"{page.capitalize()} picture written to {output}.")


@app.command("demo-tokens")
def demo_tokens(
    rotate: Annotated[
        bool, typer.Option(help="Revoke the demo tokens and issue fresh ones.")
    ] = False,
) -> None:
    """Print tokens for the demo personas: the ones printed last time while they are valid (kept
    in SYNCPOINT_DEMO_TOKENS_FILE, default ./.demo-tokens), else fresh ones."""
    from syncpoint.demo.personas import persona_tokens

    settings = get_settings()
    path = settings.demo_tokens_file
    tokens, fresh = _in_session(lambda s: persona_tokens(s, path, rotate=rotate))
    expires = min(t.expires_at for t in tokens)[:10]
    if fresh:
        console.print(
            f"[bold]Demo persona tokens[/bold] (fresh, valid until {expires}; earlier demo tokens "
            f"revoked; kept in {path} and printed again while valid):",
            soft_wrap=True,
        )
    else:
        console.print(
            f"[bold]Demo persona tokens[/bold] (from {path}, valid until {expires}; "
            "`syncpoint demo-tokens --rotate` for fresh ones):",
            soft_wrap=True,
        )
    for t in tokens:
        console.print(f"  {t.persona:<32} {t.role:<15} {t.secret}", soft_wrap=True, highlight=False)
    url = f"http://{settings.host}:{settings.port}/graphql"
    first = tokens[0].secret
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
    system: Annotated[
        str | None,
        typer.Option(help="Without --person: the system acting with it (e.g. ci, importer)."),
    ] = None,
    description: str = "",
    days: Annotated[
        int | None, typer.Option(min=1, help="Days until it expires (default 90).")
    ] = None,
    feed: Annotated[
        bool, typer.Option(help="A calendar feed key (VIEWER): opens only /calendar/feeds/<key>/.")
    ] = False,
) -> None:
    """Issue a token. The secret is printed once and never stored. Every token acts for a
    person (--person) or a named system (--system), as the audit log records it."""
    if (person is None) == (system is None):
        err.print("[red]Give exactly one of --person EMAIL or --system NAME.[/red]")
        raise typer.Exit(code=2)
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
            system=system,
            feed=feed,
        )
        return issued.secret

    from syncpoint.core.errors import DomainError

    try:
        secret = _in_session(work, audit="token create")
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
        _in_session(lambda s: revoke_token(s, token_id), audit="token revoke")
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
    from rich.markup import escape

    from syncpoint.core.errors import DomainError
    from syncpoint.products.sla import import_openslo_with_report

    async def work(session: SerialSession) -> str:
        version, unrepresented = await import_openslo_with_report(
            session,
            cli_actor(),
            await _product_id(session, product),
            file.read_text(),
            notes=notes,
            merge=merge,
        )
        kept = "".join(f"\n  not kept: {escape(str(n))}" for n in unrepresented)
        return f"{product}: SLA version {version.number} published from {file.name}.{kept}"

    try:
        console.print(_in_session(work, audit="openslo import"))
    except DomainError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code=1) from exc


@mlflow_app.command("sync")
def mlflow_sync(
    team: Annotated[
        str | None, typer.Option(help="Only this team (its slug); default: every team.")
    ] = None,
) -> None:
    """Pull the linked runs' new metric points from SYNCPOINT_MLFLOW_TRACKING_URI."""
    from syncpoint.core.errors import DomainError
    from syncpoint.work.mlflow import TrackingClient, sync_runs

    settings = get_settings()

    async def work(session: SerialSession) -> str:
        import syncpoint.models_registry  # noqa: F401 - every table
        from syncpoint.teams.models import Team

        team_id = None
        if team is not None:
            from sqlalchemy import select

            team_id = await session.scalar(select(Team.id).where(Team.slug == team))
            if team_id is None:
                raise DomainError(f"No team with slug {team}.")
        async with TrackingClient.from_settings(settings) as client:
            report = await sync_runs(
                session, cli_actor(), client, team_id=team_id, tag=settings.mlflow_item_tag
            )
        lines = [
            f"{len(report.runs)} runs synced ({len(report.linked)} newly linked by tag), "
            f"{len(report.observations)} metric observations added."
        ]
        if report.missing_runs:
            missing = ", ".join(report.missing_runs)
            lines.append(f"Runs the tracking server no longer has: {missing}")
        if report.unknown_keys:
            lines.append("Tags naming no item: " + ", ".join(report.unknown_keys))
        return "\n".join(lines)

    try:
        console.print(
            _in_session(work, audit="mlflow sync"), soft_wrap=True, highlight=False, markup=False
        )
    except DomainError as exc:
        err.print(
            f"[{exc.code.value}] {exc.message}", soft_wrap=True, highlight=False, markup=False
        )
        raise typer.Exit(code=1) from exc


@audit_app.command("prune")
def audit_prune(
    older_than_days: Annotated[
        int | None,
        typer.Option(min=1, help="Default: SYNCPOINT_AUDIT_RETENTION_DAYS."),
    ] = None,
) -> None:
    """Delete audit entries older than the retention period (the pruning itself is audited)."""
    from datetime import UTC, timedelta

    from syncpoint.audit.service import prune

    days = older_than_days or get_settings().audit_retention_days
    if days is None:
        err.print(
            "[red]No retention set: pass --older-than-days N or set "
            "SYNCPOINT_AUDIT_RETENTION_DAYS.[/red]",
            soft_wrap=True,
        )
        raise typer.Exit(code=2)
    before = datetime.now(UTC) - timedelta(days=days)

    async def work(session: SerialSession) -> str:
        removed = await prune(session, before)
        return f"{removed:,} audit entries older than {before:%Y-%m-%d %H:%M} UTC removed."

    with console.status("Pruning the audit log..."):
        console.print(_in_session(work, audit="audit prune", bulk=True))


# ---- import / export: bringing an existing organisation in (services/syncpoint/imports) --------

import_app = typer.Typer(
    help="Bring an organisation in: a dry run unless --apply.", no_args_is_help=True
)
app.add_typer(import_app, name="import")
export_app = typer.Typer(help="Write the organisation out for other tools.", no_args_is_help=True)
app.add_typer(export_app, name="export")
_BULK_FROM = 500  # objects: from this many the audit entry is a summary, and a progress bar shows
ApplyOption = Annotated[bool, typer.Option("--apply", help="Write (default: a dry run).")]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Write nothing when any document is invalid.")
]
ShowOption = Annotated[bool, typer.Option("--show-unchanged", help="List unchanged objects too.")]


def _run_import(
    source: str, parser: Any, files: list[Any], apply: bool, strict: bool, show: bool
) -> None:
    from rich.progress import Progress

    from syncpoint.imports.report import render
    from syncpoint.imports.runner import parse, write

    report, spec = parse(source, parser, files, apply=apply, strict=strict)
    size = spec.size()

    async def work(session: SerialSession) -> Any:
        import syncpoint.models_registry  # noqa: F401 - every table the services touch

        with Progress(console=err, transient=True, disable=size < _BULK_FROM) as progress:
            task = progress.add_task(f"{source}: {size:,} objects", total=size)
            return await write(
                session, cli_actor(), report, spec, lambda n: progress.advance(task, n)
            )

    written = apply and not (strict and report.invalid)
    _in_session(work, audit=f"import {source}" if written else None, bulk=size >= _BULK_FROM)
    render(report, console, show_unchanged=show)
    if report.invalid and strict:
        raise typer.Exit(code=1)


@import_app.command("backstage")
def import_backstage(
    paths: Annotated[list[Path], typer.Argument(help="Catalog YAML files or directories.")],
    apply: ApplyOption = False,
    strict: StrictOption = False,
    show_unchanged: ShowOption = False,
) -> None:
    """A Backstage catalog (Group, User, System, Component, API, Resource, Domain, Location)."""
    from functools import partial

    from syncpoint.imports.backstage import parse_backstage
    from syncpoint.imports.sources import read_paths

    def load(path: str) -> str | None:
        file = Path(path)
        return file.read_text(encoding="utf-8") if file.is_file() else None

    parser = partial(parse_backstage, loader=load)
    _run_import("backstage", parser, read_paths(paths), apply, strict, show_unchanged)


@import_app.command("team-api")
def import_team_api(
    paths: Annotated[list[Path], typer.Argument(help="Team API YAML files or directories.")],
    apply: ApplyOption = False,
    strict: StrictOption = False,
    show_unchanged: ShowOption = False,
) -> None:
    """Team Topologies Team API documents: Team API fields, interactions, dependencies."""
    from syncpoint.imports.sources import read_paths
    from syncpoint.imports.team_api import parse_team_api

    _run_import("team-api", parse_team_api, read_paths(paths), apply, strict, show_unchanged)


@import_app.command("dependencies")
def import_dependencies(
    paths: Annotated[list[Path], typer.Argument(help="CSV: consumer team, provider team, ...")],
    apply: ApplyOption = False,
    strict: StrictOption = False,
    show_unchanged: ShowOption = False,
) -> None:
    """A dependency spreadsheet: consumer team, provider team, type, description, needed-by."""
    from syncpoint.imports.dependency_csv import parse_dependency_csv
    from syncpoint.imports.sources import read_paths

    files = read_paths(paths, (".csv",))
    _run_import("dependencies", parse_dependency_csv, files, apply, strict, show_unchanged)


@import_app.command("jira")
def import_jira(
    paths: Annotated[list[Path], typer.Argument(help="Jira issue-search CSV export(s).")],
    mapping: Annotated[Path, typer.Option(help="YAML: projects, issue types, statuses, fields.")],
    apply: ApplyOption = False,
    strict: StrictOption = False,
    show_unchanged: ShowOption = False,
) -> None:
    """A Jira CSV export: items, sprints, carry-over history and Blocks links across teams."""
    from functools import partial

    from syncpoint.imports.jira import parse_jira
    from syncpoint.imports.sources import SourceFile, read_paths

    rules = SourceFile(str(mapping), mapping.read_text(encoding="utf-8"))
    parser = partial(parse_jira, mapping=rules)
    _run_import("jira", parser, read_paths(paths, (".csv",)), apply, strict, show_unchanged)


@export_app.command("backstage")
def export_backstage_command(
    directory: Annotated[Path, typer.Argument(help="Directory to write (created if missing).")],
) -> None:
    """Groups, teams, people, products and their dependencies as Backstage descriptor YAML."""
    from syncpoint.imports.backstage_export import export_backstage

    async def work(session: SerialSession) -> dict[str, str]:
        return await export_backstage(session)

    files = _in_session(work)
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (directory / name).write_text(content, encoding="utf-8")
    console.print(f"Wrote {len(files)} files to {directory} (start at catalog-info.yaml).")
