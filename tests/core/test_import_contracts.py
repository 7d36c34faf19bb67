"""The layering of the contexts holds (import-linter contracts in pyproject.toml, run by
`make lint`), and each contract fails when someone writes the import it forbids."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "services" / "syncpoint"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(python_path: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(python_path)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_code_keeps_every_import_contract():
    result = lint_imports(ROOT / "services", ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def copy_of_the_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("layers") / "src"
    shutil.copytree(PACKAGE, where / "syncpoint", ignore=shutil.ignore_patterns("__pycache__"))
    return where


BAD_IMPORTS = [
    # (module that gets the import, what it imports, the contract that must break)
    ("core/ids.py", "syncpoint.teams.models", "core imports no context"),
    ("core/errors.py", "syncpoint.models_registry", "core imports no context"),
    ("analysis/graph.py", "syncpoint.work.models", "the analysis engine is pure"),
    ("teams/service/__init__.py", "syncpoint.work.models", "contexts depend downwards"),
    ("products/slo.py", "syncpoint.blockers.service", "contexts depend downwards"),
    ("insights/snapshot.py", "syncpoint.scrum_of_scrums.models", "contexts depend downwards"),
    # blockers escalate through the forum structure; meetings and agendas sit above blockers
    ("blockers/escalation.py", "syncpoint.scrum_of_scrums.meetings", "contexts depend downwards"),
    ("forums/forest.py", "syncpoint.blockers.models", "contexts depend downwards"),
    # a dependency points at a product: products ask dependencies by event, never import them
    ("products/slo.py", "syncpoint.dependencies.repository", "contexts depend downwards"),
    ("auth/service.py", "syncpoint.audit.models", "contexts depend downwards"),
    ("work/graphql/types.py", "syncpoint.insights.analyses", "contexts depend downwards"),
    ("web/pages.py", "syncpoint.schema", "contexts depend downwards"),
]


@pytest.mark.parametrize(("module", "imported", "contract"), BAD_IMPORTS)
def test_a_forbidden_import_breaks_its_contract(
    copy_of_the_package: Path, tmp_path: Path, module: str, imported: str, contract: str
):
    target = copy_of_the_package / "syncpoint" / module
    original = target.read_text()
    target.write_text(original + f"\nimport {imported}  # the bad import under test\n")
    try:
        result = lint_imports(copy_of_the_package, tmp_path)
    finally:
        target.write_text(original)

    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken
    assert imported in broken
