"""The imports as GraphQL mutations: file content in, the report out; ADMIN only; a dry run
writes nothing (and audits nothing), apply writes and is audited."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from syncpoint.audit.models import AuditEntry
from syncpoint.core.auth import Role
from syncpoint.teams.models import Team
from tests.imports.catalogs import INVALID, catalog
from tests.support.api import ApiClient

EXAMPLES = Path(__file__).parents[2] / "examples"

IMPORT_BACKSTAGE = """
mutation($input: ImportFilesInput!) {
  importBackstage(input: $input) {
    report {
      source written created updated unchanged summary notes
      actions { kind key outcome changes }
      problems { file document entity field reason invalid }
      defaults { kind key field value }
    }
    errors { field message code }
  }
}
"""
IMPORT_TEAM_API = """
mutation($input: ImportFilesInput!) {
  importTeamApi(input: $input) { report { written created updated problems { field invalid } } }
}
"""
IMPORT_DEPENDENCIES = """
mutation($input: ImportFilesInput!) {
  importDependencies(input: $input) { report { written created problems { field invalid } } }
}
"""
IMPORT_JIRA = """
mutation($input: ImportJiraInput!) {
  importJira(input: $input) { report { written created problems { field reason invalid } } }
}
"""


def _files() -> list[dict[str, str]]:
    return [{"name": f.name, "content": f.content} for f in catalog()]


async def test_a_dry_run_returns_the_plan_and_writes_nothing(api: ApiClient) -> None:
    await api.login(Role.ADMIN)

    data = await api.gql(IMPORT_BACKSTAGE, {"input": {"files": _files()}})

    report = data["importBackstage"]["report"]
    assert report["written"] is False
    assert report["created"] > 0
    assert {"kind": "TEAM", "key": "ranking", "outcome": "CREATED", "changes": []} in report[
        "actions"
    ]
    assert await api.session.scalar(select(Team).where(Team.slug == "ranking")) is None
    entries = list(
        await api.session.scalars(
            select(AuditEntry).where(AuditEntry.operation == "importBackstage")
        )
    )
    assert [e.changes for e in entries] == [[]]  # the run is logged; no change is claimed


async def test_apply_writes_reports_problems_and_is_audited(api: ApiClient) -> None:
    await api.login(Role.ADMIN)
    files = [*_files(), {"name": "bad.yaml", "content": INVALID}]

    data = await api.gql(IMPORT_BACKSTAGE, {"input": {"files": files, "apply": True}})

    report = data["importBackstage"]["report"]
    assert report["written"] is True
    assert {"file": "bad.yaml", "document": 0, "field": "spec.owner"} in [
        {k: p[k] for k in ("file", "document", "field")} for p in report["problems"]
    ]
    assert await api.session.scalar(select(Team).where(Team.slug == "ranking")) is not None
    entries = list(
        await api.session.scalars(
            select(AuditEntry).where(AuditEntry.operation == "importBackstage")
        )
    )
    assert len(entries) == 1
    assert entries[0].changes


async def test_strict_writes_nothing_with_an_invalid_document(api: ApiClient) -> None:
    await api.login(Role.ADMIN)
    files = [*_files(), {"name": "bad.yaml", "content": INVALID}]

    data = await api.gql(
        IMPORT_BACKSTAGE, {"input": {"files": files, "apply": True, "strict": True}}
    )

    assert data["importBackstage"]["report"]["written"] is False
    assert await api.session.scalar(select(Team).where(Team.slug == "ranking")) is None


async def test_only_an_admin_imports(api: ApiClient) -> None:
    await api.login(Role.DIRECTOR)

    errors = await api.errors(IMPORT_BACKSTAGE, {"input": {"files": _files()}})

    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_example_files_import_through_every_mutation(api: ApiClient) -> None:
    await api.login(Role.ADMIN)
    backstage = [
        {"name": f"backstage/{p.name}", "content": p.read_text()}
        for p in sorted((EXAMPLES / "backstage").glob("*.yaml"))
    ]
    team_api = [
        {"name": "ranking.yaml", "content": (EXAMPLES / "team-api/ranking.yaml").read_text()}
    ]
    deps = [{"name": "d.csv", "content": (EXAMPLES / "dependencies.csv").read_text()}]
    jira = {
        "files": [{"name": "i.csv", "content": (EXAMPLES / "jira/issues.csv").read_text()}],
        "mapping": {"name": "m.yaml", "content": (EXAMPLES / "jira/mapping.yaml").read_text()},
        "apply": True,
    }

    results = [
        (await api.gql(IMPORT_BACKSTAGE, {"input": {"files": backstage, "apply": True}}))[
            "importBackstage"
        ]["report"],
        (await api.gql(IMPORT_TEAM_API, {"input": {"files": team_api, "apply": True}}))[
            "importTeamApi"
        ]["report"],
        (await api.gql(IMPORT_DEPENDENCIES, {"input": {"files": deps, "apply": True}}))[
            "importDependencies"
        ]["report"],
        (await api.gql(IMPORT_JIRA, {"input": jira}))["importJira"]["report"],
    ]

    assert all(r["written"] for r in results)
    assert [r["created"] > 0 for r in results] == [True, True, True, True]
    assert [r for r in results if any(p["invalid"] for p in r["problems"])] == []
