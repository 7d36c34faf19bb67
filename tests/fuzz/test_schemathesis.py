"""schemathesis fuzzes the whole schema against a running `syncpoint serve` (production settings,
the demo organisation), as ADMIN and as VIEWER, with real ids, each document sent twice: as
schemathesis wrote it (values inline) and with every root argument moved into variables (the
path where coercion bugs hid). No answer may be a 5xx, carry an INTERNAL error, or take 10 s.

The seed is fixed (`derandomize`) so a failure reproduces; SYNCPOINT_FUZZ_EXAMPLES sets the number
of examples per operation (default 6, about 2,400 requests).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes
from strawberry.relay import to_base64

from syncpoint.schema import build_schema

SYNCPOINT = Path(sys.executable).parent / "syncpoint"
EXAMPLES = int(os.environ.get("SYNCPOINT_FUZZ_EXAMPLES", "6"))
SCHEMA = build_schema()._schema
# Tables whose rows the fuzzer should point at, with their GraphQL type.
REAL = {
    "teams": "Team",
    "groups": "Group",
    "people": "Person",
    "backlog_items": "BacklogItem",
    "sprints": "Sprint",
    "dependencies": "Dependency",
    "blockers": "Blocker",
    "products": "Product",
    "forums": "Forum",
    "meetings": "Meeting",
    "integration_points": "IntegrationPoint",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(SYNCPOINT), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("fuzz")
    db = tmp / "fuzz.db"
    port = _free_port()
    env = {
        **os.environ,
        "SYNCPOINT_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "SYNCPOINT_ENVIRONMENT": "production",
        "SYNCPOINT_PORT": str(port),
        "SYNCPOINT_WORKERS": "1",
    }
    _cli(env, "db", "upgrade")
    _cli(env, "demo")
    tokens = {
        role: _cli(env, "token", "create", "--role", role, "--system", "fuzz").strip().split()[-1]
        for role in ("ADMIN", "VIEWER")
    }
    with sqlite3.connect(db) as conn:
        ids = [
            to_base64(type_name, row[0])
            for table, type_name in REAL.items()
            for row in conn.execute(f"SELECT id FROM {table} ORDER BY id LIMIT 20")  # noqa: S608
        ]
    log = (tmp / "server.log").open("w")
    process = subprocess.Popen([str(SYNCPOINT), "serve"], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail(f"syncpoint serve did not start: {(tmp / 'server.log').read_text()}")
        yield {"url": url, "tokens": tokens, "ids": ids, "log": tmp / "server.log"}
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


REAL_IDS: list[str] = []  # filled by the server fixture, drawn lazily
_real_id = st.integers(min_value=0, max_value=10**6).map(
    lambda i: nodes.String(REAL_IDS[i % len(REAL_IDS)] if REAL_IDS else "none")
)
schemathesis.graphql.scalar(
    "ID", st.one_of(_real_id, _real_id, st.text(max_size=12).map(nodes.String))
)
schemathesis.graphql.scalar("Date", st.dates().map(lambda d: nodes.String(d.isoformat())))
schemathesis.graphql.scalar(
    "DateTime", st.datetimes(timezones=st.just(UTC)).map(lambda d: nodes.String(d.isoformat()))
)
schemathesis.graphql.scalar("Time", st.times().map(lambda t: nodes.String(t.isoformat())))
schemathesis.graphql.scalar("JSON", st.just(nodes.Object([])))
FUZZ = schemathesis.graphql.from_path(
    str(Path(__file__).resolve().parents[2] / "schema" / "schema.graphql")
)
OPERATIONS = [result.ok() for result in FUZZ.get_all_operations()]


def as_variables(query: str) -> tuple[str, dict[str, Any]]:
    """The same document with every root field argument sent as a variable of its type."""
    document = graphql.parse(query)
    operation = document.definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    root = SCHEMA.mutation_type if operation.operation.value == "mutation" else SCHEMA.query_type
    assert root is not None
    variables: dict[str, Any] = {}
    definitions = []
    selections = []
    for selection in operation.selection_set.selections:
        if not isinstance(selection, graphql.FieldNode) or selection.name.value not in root.fields:
            selections.append(selection)
            continue
        declared = root.fields[selection.name.value].args
        arguments = []
        for argument in selection.arguments or ():
            name = f"v{len(variables)}"
            variables[name] = graphql.value_from_ast_untyped(argument.value)
            variable = graphql.VariableNode(name=graphql.NameNode(value=name))
            definitions.append(
                graphql.VariableDefinitionNode(
                    variable=variable,
                    type=graphql.parse_type(str(declared[argument.name.value].type)),
                )
            )
            arguments.append(graphql.ArgumentNode(name=argument.name, value=variable))
        selections.append(replace(selection, arguments=tuple(arguments)))
    moved = replace(
        operation,
        variable_definitions=tuple(definitions),
        selection_set=replace(operation.selection_set, selections=tuple(selections)),
    )
    document = replace(document, definitions=(moved, *document.definitions[1:]))
    return graphql.print_ast(document), variables


def check(response: httpx.Response, elapsed: float, what: str) -> None:
    assert response.status_code < 500, f"{what}: HTTP {response.status_code} {response.text}"
    assert elapsed < 10, f"{what}: {elapsed:.1f} s"
    body = response.json()
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    assert "INTERNAL" not in codes, f"{what}: {body}"
    assert "Unexpected error." not in response.text, f"{what}: {body}"


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_no_server_error_for_any_generated_document(operation: Any, server: dict[str, Any]) -> None:
    REAL_IDS[:] = server["ids"]
    client = httpx.Client(base_url=server["url"], timeout=30)

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        query = case.body if isinstance(case.body, str) else case.body["query"]
        variants = [("inline", {"query": query})]
        moved, variables = as_variables(query)
        if variables:
            variants.append(("variables", {"query": moved, "variables": variables}))
        for role, secret in server["tokens"].items():
            for kind, body in variants:
                started = time.monotonic()
                response = client.post(
                    "/graphql", json=body, headers={"Authorization": f"Bearer {secret}"}
                )
                check(response, time.monotonic() - started, f"{role} {kind} {body}")

    with client:
        run()
