"""The audit log: every accepted mutation and every refused action, read by ADMIN and DIRECTOR."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from strawberry.relay import to_base64

from syncpoint.audit.models import AuditEntry, AuditKind
from syncpoint.core.auth import Role
from syncpoint.schema import build_schema
from tests.support.factories import make_group, make_member, make_person, make_team
from tests.teams.test_teams_api import gid

UPDATE_TEAM = """
mutation($input: UpdateTeamInput!) {
  updateTeam(input: $input) { team { name version } errors { field code message } }
}"""

AUDIT_LOG = """
query($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id at kind operation reason
      actor { person { name } tokenId role system }
      changes { objectId typeName kind fields { name before after } }
    } }
  }
}"""


def entries(data: dict) -> list[dict]:
    return [edge["node"] for edge in data["auditLog"]["edges"]]


async def test_a_mutation_writes_who_changed_which_fields_before_and_after(api, session):
    team = await make_team(session, name="Ranking")
    director = await make_person(session, name="Dana Director")
    await session.commit()
    await api.login(Role.ADMIN)
    changed = await api.gql(
        UPDATE_TEAM, {"input": {"id": gid("Team", team.id), "version": 1, "name": "Search"}}
    )
    assert changed["updateTeam"]["errors"] == []

    token = await api.login(Role.DIRECTOR, person_id=director.id)
    data = await api.gql(AUDIT_LOG, {"filter": {"objectId": gid("Team", team.id)}}, token=token)
    (entry,) = entries(data)
    assert entry["kind"] == "CHANGE"
    assert entry["operation"] == "updateTeam"
    assert entry["actor"]["role"] == "ADMIN"
    assert entry["actor"]["tokenId"] is not None
    (touched,) = [c for c in entry["changes"] if c["typeName"] == "Team"]
    assert touched["objectId"] == gid("Team", team.id)
    assert touched["kind"] == "UPDATED"
    fields = {f["name"]: (f["before"], f["after"]) for f in touched["fields"]}
    assert fields["name"] == ("Ranking", "Search")
    assert "updated_at" not in fields


async def test_the_actor_is_the_person_behind_the_token(api, session):
    person = await make_person(session, name="Ada Admin")
    group = await make_group(session)
    await session.commit()
    token = await api.login(Role.ADMIN, person_id=person.id)
    await api.gql(
        "mutation($input: UpdateGroupInput!) { updateGroup(input: $input) { errors { code } } }",
        {"input": {"id": gid("Group", group.id), "version": 1, "description": "value stream"}},
    )
    data = await api.gql(
        AUDIT_LOG, {"filter": {"actor": gid("Person", person.id), "operation": "updateGroup"}}
    )
    (entry,) = entries(data)
    assert entry["actor"]["person"] == {"name": "Ada Admin"}
    assert entry["actor"]["tokenId"] is not None
    assert token


async def test_a_refused_mutation_is_a_security_event_kept_after_the_rollback(api, session):
    team = await make_team(session)
    person = await make_person(session, name="Vera Viewer")
    await session.commit()
    viewer = await api.login(Role.VIEWER, person_id=person.id)
    refused = await api.errors(
        UPDATE_TEAM, {"input": {"id": gid("Team", team.id), "version": 1, "name": "x"}}
    )
    assert refused[0]["extensions"]["code"] == "FORBIDDEN"

    await api.login(Role.ADMIN)
    data = await api.gql(AUDIT_LOG, {"filter": {"kind": "REFUSAL"}})
    (entry,) = entries(data)
    assert entry["operation"] == "updateTeam"
    assert entry["actor"]["person"] == {"name": "Vera Viewer"}
    assert entry["actor"]["role"] == "VIEWER"
    assert entry["reason"].startswith("FORBIDDEN/ROLE")
    assert entry["changes"] == []
    assert viewer
    # Nothing else was written: the refused change left no CHANGE entry.
    changes = await api.gql(AUDIT_LOG, {"filter": {"kind": "CHANGE"}})
    assert changes["auditLog"]["totalCount"] == 0


async def test_a_scope_refusal_inside_the_handler_is_recorded_too(api, session):
    mine, other = await make_team(session), await make_team(session)
    member = await make_member(session, mine)
    await session.commit()
    await api.login(Role.TEAM_MEMBER, person_id=member.id)
    body = (
        await api.post(
            UPDATE_TEAM, {"input": {"id": gid("Team", other.id), "version": 1, "focus": "x"}}
        )
    ).json()
    codes = [e["extensions"]["code"] for e in body.get("errors") or []]
    payload_codes = [
        e["code"] for e in ((body.get("data") or {}).get("updateTeam") or {}).get("errors", [])
    ]
    assert "FORBIDDEN" in codes + payload_codes
    count = await session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.kind == AuditKind.REFUSAL)
    )
    assert count == 1


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
async def test_only_admin_and_director_read_the_log(api, session, role):
    person = await make_member(session, await make_team(session))
    await api.login(role, person_id=person.id)
    body = (await api.post(AUDIT_LOG)).json()
    if role in (Role.ADMIN, Role.DIRECTOR):
        assert "errors" not in body, body
    else:
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_anonymous_callers_never_read_the_log(api, settings):
    settings.allow_anonymous_read = True
    api.token = None
    body = (await api.post(AUDIT_LOG)).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_node_answers_entries_only_to_their_readers(api, session):
    team = await make_team(session)
    await session.commit()
    await api.login(Role.ADMIN)
    await api.gql(UPDATE_TEAM, {"input": {"id": gid("Team", team.id), "version": 1, "name": "N"}})
    (entry,) = entries(await api.gql(AUDIT_LOG))
    node = "query($id: ID!) { node(id: $id) { ... on AuditEntry { operation } } }"
    assert (await api.gql(node, {"id": entry["id"]}))["node"] == {"operation": "updateTeam"}
    await api.login(Role.VIEWER)
    assert (await api.gql(node, {"id": entry["id"]}))["node"] is None


async def test_newest_first_one_page_at_a_time_with_a_time_window(api, session):
    team = await make_team(session)
    await session.commit()
    await api.login(Role.ADMIN)
    for version, name in enumerate(["A", "B", "C"], start=1):
        await api.gql(
            UPDATE_TEAM, {"input": {"id": gid("Team", team.id), "version": version, "name": name}}
        )
    first = await api.gql(AUDIT_LOG, {"first": 2})
    names = [e["changes"][0]["fields"] for e in entries(first)]
    afters = [next(f["after"] for f in fs if f["name"] == "name") for fs in names]
    assert afters == ["C", "B"]
    assert first["auditLog"]["pageInfo"]["hasNextPage"] is True
    rest = await api.gql(
        AUDIT_LOG, {"first": 2, "after": first["auditLog"]["pageInfo"]["endCursor"]}
    )
    assert len(entries(rest)) == 1
    assert rest["auditLog"]["pageInfo"]["hasNextPage"] is False
    now = datetime.now(UTC)
    window = {"from": (now - timedelta(hours=1)).isoformat(), "to": now.isoformat()}
    assert (await api.gql(AUDIT_LOG, {"filter": window}))["auditLog"]["totalCount"] == 3
    later = {"from": (now + timedelta(hours=1)).isoformat()}
    assert (await api.gql(AUDIT_LOG, {"filter": later}))["auditLog"]["totalCount"] == 0


async def test_bad_filters_are_coded_client_errors(api):
    await api.login(Role.ADMIN)
    naive = await api.errors(AUDIT_LOG, {"filter": {"from": "2026-12-01T00:00:00"}})
    assert naive[0]["extensions"] == {"code": "INVALID", "field": "filter.from"}
    bad_object = await api.errors(AUDIT_LOG, {"filter": {"objectId": to_base64("Team", "x1")}})
    assert bad_object[0]["extensions"]["code"] == "INVALID"
    bad_actor = await api.errors(AUDIT_LOG, {"filter": {"actor": gid("Team", 1)}})
    assert bad_actor[0]["extensions"]["code"] == "NOT_FOUND"


def test_no_mutation_changes_the_log():
    mutations = build_schema()._schema.mutation_type.fields
    assert not [name for name in mutations if "audit" in name.lower()]


async def test_cli_writes_carry_their_actor_and_prune_keeps_the_retention(tmp_path, monkeypatch):
    import asyncio

    from typer.testing import CliRunner

    from syncpoint.cli import app
    from syncpoint.core.db import make_engine, make_sessionmaker
    from syncpoint.core.settings import get_settings

    url = f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}"
    monkeypatch.setenv("SYNCPOINT_DATABASE_URL", url)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str) -> str:
        # In a thread: the command runs its own event loop.
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    try:
        await asyncio.to_thread(invoke, "db", "upgrade")
        await asyncio.to_thread(invoke, "demo")
        secret = (
            await asyncio.to_thread(invoke, "token", "create", "--role", "VIEWER", "--system", "ci")
        ).strip()

        async def read() -> list[AuditEntry]:
            engine = make_engine(url, pool=False)
            async with make_sessionmaker(engine)() as s:
                rows = list(await s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
            await engine.dispose()
            return rows

        demo, token = await read()
        assert demo.operation == "demo"
        assert demo.actor_system.startswith("cli:")
        assert "loaded" in demo.note
        assert token.operation == "token create"
        (created,) = [c for c in token.changes if c["type"] == "ApiToken"]
        assert created["after"]["system_actor"] == "ci"
        assert created["after"]["token_hash"] == "[redacted]"
        assert secret not in str(token.changes)

        refused = runner.invoke(app, ["audit", "prune"])
        assert refused.exit_code == 2
        out = await asyncio.to_thread(invoke, "audit", "prune", "--older-than-days", "1")
        assert "0 audit entries" in out
        monkeypatch.setenv("SYNCPOINT_AUDIT_RETENTION_DAYS", "1")
        get_settings.cache_clear()

        async def age() -> None:
            engine = make_engine(url, pool=False)
            async with make_sessionmaker(engine)() as s:
                for entry in await s.scalars(select(AuditEntry)):
                    entry.at = entry.at - timedelta(days=2)
                await s.commit()
            await engine.dispose()

        await age()
        out = await asyncio.to_thread(invoke, "audit", "prune")
        assert "3 audit entries" in out
        (left,) = await read()
        assert left.operation == "audit prune"
    finally:
        get_settings.cache_clear()


TEAM_HISTORY = """
query($slug: String!) {
  team(slug: $slug) {
    history(first: 5) { totalCount edges { node { operation actor { role } changes { kind } } } }
  }
}"""


async def test_an_objects_history_reads_from_the_audit_log(api, session):
    team = await make_team(session, name="Ranking")
    other = await make_team(session)
    await session.commit()
    await api.login(Role.ADMIN)
    for version, name in enumerate(["Search", "Search 2"], start=1):
        await api.gql(
            UPDATE_TEAM, {"input": {"id": gid("Team", team.id), "version": version, "name": name}}
        )
    await api.gql(UPDATE_TEAM, {"input": {"id": gid("Team", other.id), "version": 1, "name": "X"}})

    history = (await api.gql(TEAM_HISTORY, {"slug": team.slug}))["team"]["history"]
    assert history["totalCount"] == 2  # this team's changes only
    assert [e["node"]["operation"] for e in history["edges"]] == ["updateTeam", "updateTeam"]
    assert history["edges"][0]["node"]["changes"][0]["kind"] == "UPDATED"

    await api.login(Role.VIEWER)
    body = (await api.post(TEAM_HISTORY, {"slug": team.slug})).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["team", "history"]
