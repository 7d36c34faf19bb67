"""Every mutation, run as every role, against the declared permission table (and the README's).

Inputs are synthesised from the schema (syntactically valid, pointing at objects that do not
exist), so this covers each mutation as soon as it is declared: a role the table says NO must get
a FORBIDDEN (role) error before anything runs; a role with ANY or OWN access must get past the
declared check (the service may then answer NOT_FOUND or a scope refusal). Scope (OWN) rules are
tested against real data in each context's tests.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)
from strawberry.relay import to_base64

from syncpoint.core.auth import (
    POLICY,
    QUERY_OPERATIONS,
    READ_OPERATIONS,
    Access,
    Role,
    policy_table_markdown,
)
from syncpoint.schema import build_schema

SCHEMA = build_schema()
GQL = SCHEMA._schema
README = Path(__file__).resolve().parents[2] / "README.md"

SCALARS: dict[str, Any] = {
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "Date": "2027-01-04",
    "DateTime": "2027-01-04T09:00:00+00:00",
    "Time": "09:30:00",
    "JSON": {},
    "ID": to_base64("Nothing", 987654321),
}


def sample(type_: GraphQLInputType) -> Any:
    """A syntactically valid value for a GraphQL input type (required fields only)."""
    if isinstance(type_, GraphQLNonNull):
        return sample(type_.of_type)
    if isinstance(type_, GraphQLList):
        return []
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: sample(field.type)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and not _has_default(field)
        }
    assert isinstance(type_, GraphQLScalarType)
    return SCALARS.get(type_.name, "x")


def _has_default(field: Any) -> bool:
    from graphql.pyutils import Undefined

    return field.default_value is not Undefined


def mutation_document(name: str) -> tuple[str, dict[str, Any]]:
    field = GQL.mutation_type.fields[name]
    args = ", ".join(f"${a}: {t.type}" for a, t in field.args.items())
    passed = ", ".join(f"{a}: ${a}" for a in field.args)
    variables = {a: sample(t.type) for a, t in field.args.items()}
    call = f"{name}({passed})" if passed else name
    return f"mutation{'(' + args + ')' if args else ''} {{ {call} {{ __typename }} }}", variables


MUTATIONS = sorted(GQL.mutation_type.fields)


def _strawberry_fields(type_name: str) -> dict[str, Any]:
    definition = SCHEMA.get_type_by_name(type_name)
    convert = SCHEMA.config.name_converter
    return {convert.get_graphql_name(f): f for f in definition.fields}  # type: ignore[union-attr]


def test_every_mutation_and_root_query_declares_a_policy():
    assert set(MUTATIONS) <= set(POLICY), set(MUTATIONS) - set(POLICY)
    queries = set(GQL.query_type.fields)
    assert queries <= QUERY_OPERATIONS, queries - QUERY_OPERATIONS
    # Every query is open to every role, except the audit log (ADMIN and DIRECTOR).
    assert queries - READ_OPERATIONS == {"auditLog"}
    for type_name, names in (("Query", queries), ("Mutation", MUTATIONS)):
        fields = _strawberry_fields(type_name)
        for name in names:
            assert fields[name].permission_classes, f"{type_name}.{name} has no permission class"
    assert not set(MUTATIONS) & READ_OPERATIONS


def test_readme_permission_table_is_the_declared_one():
    text = README.read_text()
    match = re.search(r"<!-- permissions:start -->\n(.*?)\n<!-- permissions:end -->", text, re.S)
    assert match, "README.md lacks the permission table markers"
    assert match.group(1).strip() == policy_table_markdown().strip(), (
        "README permission table is stale: run `syncpoint permissions` and paste it"
    )


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
async def test_every_mutation_as_role(api, session, role):
    from tests.support.factories import make_member, make_team

    team = await make_team(session)
    person = await make_member(session, team)
    token = await api.login(role, person_id=person.id)
    for name in MUTATIONS:
        document, variables = mutation_document(name)
        body = (await api.post(document, variables, token=token)).json()
        errors = body.get("errors") or []
        codes = [(e.get("extensions") or {}).get("code") for e in errors]
        reasons = [(e.get("extensions") or {}).get("reason") for e in errors]
        assert "INTERNAL" not in codes, (name, role, errors)
        assert "GRAPHQL_VALIDATION_FAILED" not in codes, (name, role, errors)
        if POLICY[name][role] is Access.NO:
            assert codes == ["FORBIDDEN"], (name, role, errors)
            assert reasons == ["ROLE"], (name, role, errors)
            assert body["data"] is None
        else:
            assert "ROLE" not in reasons, (name, role, errors)
            assert "UNAUTHENTICATED" not in codes, (name, role, errors)


async def test_anonymous_may_not_mutate_nor_read_by_default(api):
    for name in MUTATIONS:
        document, variables = mutation_document(name)
        body = (await api.post(document, variables)).json()
        assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"], name
    body = (await api.post("{ teams(first: 1) { totalCount } }")).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_anonymous_read_when_switched_on(api, settings):
    settings.allow_anonymous_read = True
    body = (await api.post("{ teams(first: 1) { totalCount } }")).json()
    assert body["data"] == {"teams": {"totalCount": 0}}
    assert "errors" not in body
    document, variables = mutation_document("createGroup")
    body = (await api.post(document, variables)).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_revoked_and_expired_tokens_are_refused(api, session):
    from datetime import timedelta

    from syncpoint.auth.models import ApiToken
    from syncpoint.auth.service import create_token, revoke_token
    from syncpoint.core.models import utcnow

    issued = await create_token(session, role=Role.VIEWER, person_id=None, days=1)
    ok = await api.post("{ teams(first: 1) { totalCount } }", token=issued.secret)
    assert ok.status_code == 200
    assert "errors" not in ok.json()
    await revoke_token(session, issued.token.id)
    refused = await api.post("{ teams(first: 1) { totalCount } }", token=issued.secret)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    expired = await create_token(session, role=Role.VIEWER, person_id=None, days=1)
    token = await session.get(ApiToken, expired.token.id)
    assert token is not None
    token.expires_at = utcnow() - timedelta(minutes=1)
    await session.flush()
    assert (await api.post("{ __typename }", token=expired.secret)).status_code == 401
