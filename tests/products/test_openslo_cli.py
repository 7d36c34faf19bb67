"""`syncpoint openslo export/import` on a fresh SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

import syncpoint.models_registry  # noqa: F401
from syncpoint.cli import app
from syncpoint.core.db import make_engine, make_sessionmaker
from syncpoint.core.settings import get_settings
from tests.support.products_factories import FRESHNESS, make_product, publish

runner = CliRunner()


@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SYNCPOINT_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _seed(url: str) -> str:
    async def seed() -> str:
        engine = make_engine(url, pool=False)
        async with make_sessionmaker(engine)() as session:
            product = await make_product(session)
            await publish(session, product, [FRESHNESS])
            await session.commit()
            slug = product.slug
        await engine.dispose()
        return slug

    return asyncio.run(seed())


def test_export_then_import_publishes_the_same_objectives(fresh_db, tmp_path):
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    slug = _seed(fresh_db)
    target = tmp_path / "slo.yaml"

    exported = runner.invoke(app, ["openslo", "export", "--product", slug, "--output", str(target)])
    imported = runner.invoke(app, ["openslo", "import", str(target), "--product", slug])
    again = runner.invoke(app, ["openslo", "export", "--product", slug])
    # 1Q is a specification unit now (held as 91 days); a zero count is no duration.
    target.write_text(target.read_text().replace("duration: 7d", "duration: 0Q"))
    refused = runner.invoke(app, ["openslo", "import", str(target), "--product", slug])
    missing = runner.invoke(app, ["openslo", "export", "--product", "nope"])

    assert exported.exit_code == 0, exported.output
    assert imported.exit_code == 0, imported.output
    assert "SLA version 2" in imported.output
    assert again.output == target.read_text().replace("duration: 0Q", "duration: 7d")
    assert refused.exit_code == 1
    assert "document 3 (SLO 'freshness')" in refused.output
    assert missing.exit_code == 1


def test_import_of_a_specification_example_lists_what_is_not_kept(fresh_db):
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    slug = _seed(fresh_db)
    example = Path(__file__).parent / "openslo_spec" / "examples" / "ratio-timeslices.yaml"

    imported = runner.invoke(app, ["openslo", "import", str(example), "--product", slug])

    assert imported.exit_code == 0, imported.output
    assert "SLA version 2" in imported.output
    output = " ".join(imported.output.split())
    assert "not kept: document 1 (SLO 'main-page'): spec.budgetingMethod: RatioTimeslices" in output
    assert "not kept: document 1 (SLO 'main-page'): spec.objectives[0].op:" in output
