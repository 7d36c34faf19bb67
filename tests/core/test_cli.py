"""The `syncpoint` command as a newcomer uses it, on a fresh SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from syncpoint.cli import app
from syncpoint.core.settings import get_settings

runner = CliRunner()


@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SYNCPOINT_DATABASE_URL", url)
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


def test_export_schema_and_permissions_print():
    assert "type Query" in invoke("export-schema")
    assert "| `createTeam` | mutation |" in invoke("permissions")
