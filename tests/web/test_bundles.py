"""The committed bundles are the build of the committed sources: web/build.mjs records the hash
of every input and output in static/bundles.json; a source changed without `make web`, or a
bundle edited by hand, fails here. With web/node_modules present the bundles are also rebuilt
and compared byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
STATIC = ROOT / "services" / "syncpoint" / "web" / "static"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stamp() -> dict[str, dict[str, str]]:
    return dict(json.loads((STATIC / "bundles.json").read_text("utf-8")))


def test_the_bundles_were_built_from_the_committed_sources() -> None:
    # given the stamp the last `make web` wrote
    stamp = _stamp()
    inputs = [WEB / "build.mjs", WEB / "package.json", WEB / "package-lock.json"]
    inputs += sorted((WEB / "src").iterdir())

    # when the sources are hashed as the build hashed them
    sources = {str(path.relative_to(ROOT)): _sha256(path) for path in inputs}

    # then none changed since, none was added or removed, and no bundle was edited after it
    assert sources == stamp["sources"], "web/ changed since the bundles were built: run `make web`"
    assert {"map.js", "timeline.js", "graphiql.js", "graphiql.css"} <= set(stamp["bundles"])
    for name, digest in stamp["bundles"].items():
        assert _sha256(STATIC / name) == digest, f"{name} differs from its build: run `make web`"


@pytest.mark.skipif(
    not (WEB / "node_modules" / "esbuild").is_dir() or shutil.which("node") is None,
    reason="web/node_modules is not installed (cd web && npm ci)",
)
def test_rebuilding_gives_the_committed_bundles_byte_for_byte(tmp_path: Path) -> None:
    # when the sources are built again, elsewhere
    subprocess.run(
        ["node", "build.mjs"],
        cwd=WEB,
        env={**os.environ, "SYNCPOINT_WEB_OUT": str(tmp_path)},
        check=True,
        capture_output=True,
        timeout=300,
    )

    # then every bundle is the committed one
    for name in _stamp()["bundles"]:
        assert (tmp_path / name).read_bytes() == (STATIC / name).read_bytes(), name
