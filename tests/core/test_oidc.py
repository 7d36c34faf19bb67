"""Single sign-on: JWTs validated against an issuer's JWKS served locally, keys made here."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from syncpoint.auth.oidc import OidcRefused, OidcVerifier, looks_like_jwt
from syncpoint.core.auth import Role
from syncpoint.core.settings import Settings
from tests.support.factories import make_person

ISSUER = "https://sso.example.test/realms/ml"
AUDIENCE = "syncpoint"
TEAMS = "{ teams(first: 1) { totalCount } }"
CREATE_GROUP = """
mutation { createGroup(input: {name: "SSO group", slug: "sso-group"}) {
  group { name } errors { code } } }"""


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


SIGNING = new_key()
STRANGER = new_key()


class _Jwks(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(SIGNING.public_key()))
    _Jwks.body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/jwks.json"
    server.shutdown()


@pytest.fixture
def settings(jwks_url: str) -> Settings:
    return Settings(
        environment="development",
        allow_anonymous_read=False,
        oidc_issuer=ISSUER,
        oidc_audience=AUDIENCE,
        oidc_jwks_url=jwks_url,
        oidc_role_map={"sp-admins": "ADMIN", "ml-people": "VIEWER"},
    )


def token(
    email: str = "ada@example.test",
    groups: list[str] | None = None,
    *,
    key: rsa.RSAPrivateKey = SIGNING,
    kid: str = "k1",
    **claims: Any,
) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-1",
        "iat": now,
        "exp": now + 300,
        "email": email,
        "groups": ["ml-people"] if groups is None else groups,
        **claims,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


async def test_a_valid_jwt_acts_as_its_person_with_the_mapped_role(api, session):
    await make_person(session, name="Ada", email="Ada@Example.test")
    await session.commit()
    viewer = token(groups=["ml-people"])
    assert (await api.gql(TEAMS, token=viewer))["teams"]["totalCount"] >= 0
    refused = await api.errors(CREATE_GROUP, token=viewer)
    assert refused[0]["extensions"]["code"] == "FORBIDDEN"
    admin = token(groups=["ml-people", "sp-admins"])  # the most capable mapped group wins
    created = await api.gql(CREATE_GROUP, token=admin)
    assert created["createGroup"] == {"group": {"name": "SSO group"}, "errors": []}


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda: token(exp=int(time.time()) - 3600), id="expired"),
        pytest.param(lambda: token(aud="another-app"), id="audience"),
        pytest.param(lambda: token(iss="https://evil.test"), id="issuer"),
        pytest.param(lambda: token(key=STRANGER), id="signature"),
        pytest.param(lambda: token(kid="unknown"), id="kid"),
        pytest.param(lambda: token(email="nobody@example.test"), id="unknown-person"),
        pytest.param(lambda: token(groups=["interns"]), id="no-mapped-group"),
        pytest.param(
            lambda: jwt.encode(
                {"iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 60, "email": "a"},
                None,
                algorithm="none",
            ),
            id="alg-none",
        ),
    ],
)
async def test_a_refused_jwt_is_401_with_the_bearer_challenge(api, session, bad):
    await make_person(session, name="Ada", email="ada@example.test")
    await session.commit()
    response = await api.post(TEAMS, token=bad())
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_api_tokens_keep_working_beside_sso(api):
    await api.login(Role.VIEWER)
    assert "teams" in await api.gql(TEAMS)


def test_default_role_for_people_in_no_mapped_group(jwks_url: str):
    settings = Settings(
        oidc_issuer=ISSUER,
        oidc_audience=AUDIENCE,
        oidc_jwks_url=jwks_url,
        oidc_default_role=Role.VIEWER,
    )
    verifier = OidcVerifier(settings)
    assert verifier.role_of({"groups": ["interns"]}) is Role.VIEWER
    assert verifier.role_of({}) is Role.VIEWER
    strict = OidcVerifier(settings.model_copy(update={"oidc_default_role": None}))
    with pytest.raises(OidcRefused):
        strict.role_of({"groups": "interns"})


def test_api_tokens_are_never_mistaken_for_jwts():
    assert not looks_like_jwt("sp_abc.def.ghi")
    assert not looks_like_jwt("sp_" + "a" * 40)
    assert looks_like_jwt(token())
