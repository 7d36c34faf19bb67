"""Parse, validate, plan and apply: the one path every importer takes (CLI and GraphQL).

The plan is the write itself run inside a savepoint: a dry run rolls the savepoint back, so what
it reports is exactly what `apply` would do (the services' rules included)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor
from syncpoint.imports.report import Report
from syncpoint.imports.sources import SourceFile
from syncpoint.imports.spec import OrgSpec
from syncpoint.imports.writer import Progress, Writer


class Plan(Protocol):
    """What a parser produces: a size (for the progress bar) and a sync into the database."""

    def size(self) -> int: ...

    async def sync(
        self, session: AsyncSession, actor: Actor, report: Report, progress: Progress
    ) -> None: ...


class OrgPlan:
    def __init__(self, spec: OrgSpec) -> None:
        self.spec = spec

    def size(self) -> int:
        return self.spec.size()

    async def sync(
        self, session: AsyncSession, actor: Actor, report: Report, progress: Progress
    ) -> None:
        await Writer(session, actor, report, progress).sync(self.spec)


Parser = Callable[[Sequence[SourceFile], Report], "OrgSpec | Plan"]


def _plan(parsed: OrgSpec | Plan) -> Plan:
    return OrgPlan(parsed) if isinstance(parsed, OrgSpec) else parsed


def _noop(_: int) -> None:
    return None


def parse(
    source: str, parser: Parser, files: Sequence[SourceFile], *, apply: bool, strict: bool
) -> tuple[Report, Plan]:
    """Read and validate the files (no database): the report so far and what they describe."""
    report = Report(source=source, applied=apply, strict=strict)
    return report, _plan(parser(files, report))


async def write(
    session: AsyncSession, actor: Actor, report: Report, spec: Plan, progress: Progress = _noop
) -> Report:
    """Plan `spec` against the database, and keep it when the report says it is written
    (`--apply`, and with `--strict` no invalid document). Never commits."""
    savepoint = await session.begin_nested()
    try:
        await spec.sync(session, actor, report, progress)
        await session.flush()
    except BaseException:
        await savepoint.rollback()
        raise
    if report.written:
        await savepoint.commit()
    else:
        await savepoint.rollback()
    return report


async def run_import(
    session: AsyncSession,
    actor: Actor,
    *,
    source: str,
    parser: Parser,
    files: Sequence[SourceFile],
    apply: bool = False,
    strict: bool = False,
) -> Report:
    """Import `files`: a dry run unless `apply`; with `strict` nothing is written when any
    document is invalid."""
    report, spec = parse(source, parser, files, apply=apply, strict=strict)
    return await write(session, actor, report, spec)
