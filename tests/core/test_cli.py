"""The `syncpoint` command as a newcomer uses it, on a fresh SQLite file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syncpoint.cli import app
from syncpoint.core.settings import get_settings

runner = CliRunner()
SECRET = re.compile(r"sp_[A-Za-z0-9_-]+")


@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SYNCPOINT_DATABASE_URL", url)
    monkeypatch.setenv("SYNCPOINT_DEMO_TOKENS_FILE", str(tmp_path / ".demo-tokens"))
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_migrate_demo_tokens(fresh_db):
    invoke("db", "upgrade")
    assert "(head)" in invoke("db", "current")
    assert "loaded" in invoke("demo")
    refused = runner.invoke(app, ["demo"])
    assert refused.exit_code == 1
    assert "not empty" in refused.output
    assert "has data already" in invoke("demo", "--if-empty")
    first = invoke("demo-tokens")
    assert first.count("sp_") >= 5
    kept = Path(get_settings().demo_tokens_file)
    assert kept.stat().st_mode & 0o777 == 0o600
    printed = set(SECRET.findall(first))
    assert set(SECRET.findall(invoke("demo-tokens"))) == printed  # still valid: not revoked
    assert "--rotate" in invoke("demo-tokens")
    rotated = set(SECRET.findall(invoke("demo-tokens", "--rotate")))
    assert len(rotated) >= 5
    assert rotated.isdisjoint(printed)
    active = invoke("token", "list")
    assert not any(secret[:10] in active for secret in printed)  # the rotated-out are revoked
    assert all(secret[:10] in active for secret in rotated)
    secret = invoke(
        "token", "create", "--role", "VIEWER", "--system", "ci", "--description", "ci"
    ).strip()
    assert secret.startswith("sp_")
    listing = invoke("token", "list")
    assert secret[:10] in listing
    token_id = next(
        line.split("│")[1].strip() for line in listing.splitlines() if secret[:10] in line
    )
    assert "revoked" in invoke("token", "revoke", token_id)
    assert secret[:10] not in invoke("token", "list")
    missing = runner.invoke(app, ["token", "create", "--role", "TEAM_MEMBER", "--system", "ci"])
    assert missing.exit_code == 1
    assert "person" in missing.output
    # Every CLI token acts for someone: a person or a named system, never nobody.
    nobody = runner.invoke(app, ["token", "create", "--role", "VIEWER"])
    assert nobody.exit_code == 2
    assert "--person EMAIL or --system NAME" in nobody.output
    for days in ("0", "-3"):
        refused_days = runner.invoke(
            app, ["token", "create", "--role", "VIEWER", "--system", "ci", "--days", days]
        )
        assert refused_days.exit_code == 2, refused_days.output
    invoke("db", "downgrade", "base")
    unmigrated = runner.invoke(app, ["token", "list"])
    assert unmigrated.exit_code == 2, unmigrated.output
    assert "syncpoint db upgrade" in unmigrated.output


def test_export_schema_and_permissions_print():
    assert "type Query" in invoke("export-schema")
    assert "| `createTeam` | mutation |" in invoke("permissions")


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory outside the repository, and no database configured."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SYNCPOINT_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.mark.parametrize(
    "args",
    [
        ["token", "list"],
        ["demo"],
        ["demo-tokens"],
        ["serve"],
        ["db", "current"],
        ["map", "--format", "dot"],
    ],
)
def test_without_a_database_the_cli_says_where_it_looked_and_creates_none(elsewhere, args):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert str(elsewhere / "syncpoint.db") in result.output
    assert str(elsewhere / ".env") in result.output
    assert "SYNCPOINT_DATABASE_URL=" in result.output
    assert "syncpoint db upgrade" in result.output
    assert not (elsewhere / "syncpoint.db").exists()


def test_outside_the_repository_db_upgrade_creates_it_and_serve_tells_how_to_change_the_port(
    elsewhere, monkeypatch
):
    assert "type Query" in invoke("export-schema")
    invoke("db", "upgrade")
    assert (elsewhere / "syncpoint.db").exists()
    assert "(head)" in invoke("db", "current")
    monkeypatch.setenv("SYNCPOINT_PORT", "8001")
    get_settings.cache_clear()
    served: dict[str, object] = {}
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: served.update(kwargs))
    output = invoke("serve")
    assert served["port"] == 8001
    assert "http://127.0.0.1:8001/graphql" in output
    assert "SYNCPOINT_PORT=8001 make run" in output
