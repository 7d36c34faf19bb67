"""The `graphql-http` package's server audit (GraphQL over HTTP) against a live server.

The audit is installed from the npm registry (`npm ci` with the committed package-lock.json) and
run by audit.mjs against `uvicorn` started here on a free port: 61 audits, every one ok (no
warning). Without npm/node, or when the registry cannot be reached, the test is skipped with the
reason, except under CI=true where that fails.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from syncpoint import migrate
from syncpoint.core.settings import Settings

HERE = Path(__file__).parent
AUDITS = 61


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the GraphQL-over-HTTP audit", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def audit_installed() -> Path:
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        _unavailable("npm and node are needed for the graphql-http audit")
    assert npm is not None
    try:
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        output = getattr(exc, "stderr", "") or ""
        _unavailable(f"npm ci failed in {HERE}: {output.strip()[-300:] or exc}")
    return HERE / "audit.mjs"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`uvicorn` serving the app on a migrated SQLite database, anonymous reads allowed."""
    database = tmp_path_factory.mktemp("http_spec") / "audit.db"
    url = f"sqlite+aiosqlite:///{database}"
    migrate.upgrade(Settings(), "head", url=url)
    port = _free_port()
    env = {
        **os.environ,
        "SYNCPOINT_DATABASE_URL": url,
        "SYNCPOINT_ALLOW_ANONYMOUS_READ": "true",
        "SYNCPOINT_ENVIRONMENT": "development",
        "SYNCPOINT_RATE_LIMIT_STORAGE": "memory://",
    }
    command = [sys.executable, "-m", "uvicorn", "syncpoint.api:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("the server did not start") from None
                time.sleep(0.2)  # waiting for the server to listen, not timing anything
        yield f"{base}/graphql"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_graphql_http_audit_passes_every_check(audit_installed: Path, server_url: str) -> None:
    node = shutil.which("node")
    assert node is not None
    run = subprocess.run(
        [node, str(audit_installed), server_url],
        cwd=HERE,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    results = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    failures = [r for r in results if r["status"] != "ok"]
    assert failures == []
    assert len(results) == AUDITS
