"""The imports as GraphQL mutations taking the files' content (ADMIN only): the same path as
the CLI (parse, validate, plan, apply) and the same report."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from enum import StrEnum
from functools import partial

import strawberry

from syncpoint.core.auth import Access, policy
from syncpoint.core.errors import UserError
from syncpoint.core.mutations import Call, mutation, unrecorded
from syncpoint.imports import report as rpt
from syncpoint.imports.backstage import parse_backstage
from syncpoint.imports.dependency_csv import parse_dependency_csv
from syncpoint.imports.jira import parse_jira
from syncpoint.imports.runner import Parser, parse, write
from syncpoint.imports.sources import SourceFile
from syncpoint.imports.team_api import parse_team_api

IMPORT_BACKSTAGE = policy("importBackstage", admin=Access.ANY)
IMPORT_TEAM_API = policy("importTeamApi", admin=Access.ANY)
IMPORT_DEPENDENCIES = policy("importDependencies", admin=Access.ANY)
IMPORT_JIRA = policy("importJira", admin=Access.ANY)


@strawberry.enum(description="What an import did (or, in a dry run, would do) to an object.")
class ImportOutcome(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"


@strawberry.input(description="One file: its name (Locations resolve against it) and content.")
class ImportFileInput:
    name: str
    content: str


@strawberry.input
class ImportFilesInput:
    files: list[ImportFileInput]
    apply: bool = strawberry.field(default=False, description="Write (default: a dry run).")
    strict: bool = strawberry.field(
        default=False, description="Write nothing when any document is invalid."
    )


@strawberry.input
class ImportJiraInput:
    files: list[ImportFileInput] = strawberry.field(description="Jira CSV exports.")
    mapping: ImportFileInput = strawberry.field(description="The mapping YAML.")
    apply: bool = False
    strict: bool = False


@strawberry.type
class ImportAction:
    kind: str
    key: str
    outcome: ImportOutcome
    changes: list[str]


@strawberry.type
class ImportProblem:
    file: str
    document: int | None = strawberry.field(description="Document index, or CSV row number.")
    entity: str
    field: str
    reason: str
    invalid: bool = strawberry.field(description="True: the document was not imported.")


@strawberry.type
class ImportDefault:
    kind: str
    key: str
    field: str
    value: str


@strawberry.type
class ImportReport:
    source: str
    written: bool
    created: int
    updated: int
    unchanged: int
    actions: list[ImportAction]
    problems: list[ImportProblem]
    defaults: list[ImportDefault]
    notes: list[str]
    summary: str

    @classmethod
    def from_model(cls, report: rpt.Report) -> ImportReport:
        counts = report.counts()
        return cls(
            source=report.source,
            written=report.written,
            created=counts[rpt.Outcome.CREATED],
            updated=counts[rpt.Outcome.UPDATED],
            unchanged=counts[rpt.Outcome.UNCHANGED],
            actions=[
                ImportAction(
                    kind=a.kind,
                    key=a.key,
                    outcome=ImportOutcome(a.outcome.value),
                    changes=list(a.changes),
                )
                for a in report.actions
            ],
            problems=[
                ImportProblem(
                    file=p.origin.file,
                    document=p.origin.index,
                    entity=p.origin.entity,
                    field=p.field,
                    reason=p.reason,
                    invalid=p.invalid,
                )
                for p in report.problems
            ],
            defaults=[
                ImportDefault(kind=d.kind, key=d.key, field=d.field, value=d.value)
                for d in report.defaults
            ],
            notes=list(report.notes),
            summary=str(report),
        )


@strawberry.type
class ImportPayload:
    report: ImportReport | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _files(files: Sequence[ImportFileInput]) -> list[SourceFile]:
    return [SourceFile(f.name, f.content) for f in files]


async def _run(
    call: Call[ImportFilesInput] | Call[ImportJiraInput], source: str, parser: Parser
) -> rpt.Report:
    files = _files(call.input.files)
    report, plan = parse(source, parser, files, apply=call.input.apply, strict=call.input.strict)
    quiet = contextlib.nullcontext() if report.written else unrecorded(call.session)
    with quiet:
        return await write(call.session, call.actor, report, plan)


@strawberry.type
class ImportsMutation:
    @mutation(IMPORT_BACKSTAGE, payload=ImportPayload)
    async def import_backstage(call: Call[ImportFilesInput]) -> rpt.Report:
        """A Backstage catalog; Locations are followed among the files sent."""
        given = {f.name: f.content for f in _files(call.input.files)}
        parser = partial(parse_backstage, loader=given.get)
        return await _run(call, "backstage", parser)

    @mutation(IMPORT_TEAM_API, payload=ImportPayload)
    async def import_team_api(call: Call[ImportFilesInput]) -> rpt.Report:
        """Team Topologies Team API documents (YAML)."""
        return await _run(call, "team-api", parse_team_api)

    @mutation(IMPORT_DEPENDENCIES, payload=ImportPayload)
    async def import_dependencies(call: Call[ImportFilesInput]) -> rpt.Report:
        """A dependency spreadsheet (CSV)."""
        return await _run(call, "dependencies", parse_dependency_csv)

    @mutation(IMPORT_JIRA, payload=ImportPayload)
    async def import_jira(call: Call[ImportJiraInput]) -> rpt.Report:
        """A Jira issue-search CSV export with its mapping."""
        mapping = SourceFile(call.input.mapping.name, call.input.mapping.content)
        return await _run(call, "jira", partial(parse_jira, mapping=mapping))
