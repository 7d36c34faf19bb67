"""Exports of the map: the download route and the `syncpoint map` command."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
from pathlib import Path

import networkx as nx
import pytest
from strawberry.relay import to_base64
from typer.testing import CliRunner

from syncpoint import migrate
from syncpoint.cli import app
from syncpoint.core.auth import Role
from syncpoint.core.db import make_engine, make_sessionmaker
from syncpoint.core.settings import Settings, get_settings
from tests.support.insights_factories import worked_example

AS_OF = "2027-01-20"
runner = CliRunner()


async def download(api, extension: str, bearer: str | None = None, **params: str):
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return await api.http.get(
        f"/exports/dependency-map.{extension}", params={"asOf": AS_OF, **params}, headers=headers
    )


async def test_json_and_graphml_downloads_read_back(api, session):
    ex = await worked_example(session)
    token = await api.login(Role.DIRECTOR)

    as_json = await download(api, "json", token, level="ITEM")
    as_graphml = await download(api, "graphml", token)

    assert as_json.status_code == 200
    assert as_json.headers["content-type"] == "application/json"
    assert (
        'filename="dependency-map-item-2027-01-20.json"' in as_json.headers["content-disposition"]
    )
    data = json.loads(as_json.text)
    assert {n["label"] for n in data["nodes"]} == {
        "R-7 Rank by freshness",
        "FS-12 Freshness features",
        "S-3 Fresh results",
    }
    graph = nx.read_graphml(io.BytesIO(as_graphml.content))
    edge = graph.edges[f"team:{ex.features.id}", f"team:{ex.ranking.id}"]
    assert (edge["count"], edge["worst_flag"], edge["count_BLOCKING"]) == (1, "LATE", 1)
    assert graph.nodes[f"team:{ex.ranking.id}"]["label"] == "Ranking"


async def test_header_token_and_group_scope_work_for_links(api, session):
    ex = await worked_example(session)
    token = await api.login(Role.VIEWER)

    mermaid = await download(api, "mmd", token, groupId=to_base64("Group", ex.group.id))

    assert mermaid.status_code == 200
    assert mermaid.text.startswith("flowchart LR")
    assert "Features" in mermaid.text


async def test_dot_download_renders_with_graphviz(api, session):
    await worked_example(session)
    token = await api.login(Role.DIRECTOR)
    dot = await download(api, "dot", token)
    assert dot.status_code == 200
    assert dot.text.startswith("digraph dependency_map {")
    binary = shutil.which("dot")
    if binary is None:
        pytest.skip("Graphviz `dot` is not installed (apt-get install graphviz)")

    process = await asyncio.create_subprocess_exec(
        binary,
        "-Tsvg",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    svg, errors = await process.communicate(dot.text.encode())

    assert process.returncode == 0, errors.decode()
    assert b"<svg" in svg
    assert b"Ranking" in svg
    assert not errors, errors.decode()  # no warning either (e.g. an unknown attribute)


async def test_refusals_are_clear(api, session):
    await worked_example(session)
    token = await api.login(Role.DIRECTOR)

    anonymous = await download(api, "json")
    bad_token = await download(api, "json", "sp_not-a-token")
    unknown_format = await download(api, "png", token)
    bad_level = await download(api, "json", token, level="GALAXY")
    unknown_group = await download(api, "json", token, groupId=to_base64("Group", 999_999))

    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert bad_token.status_code == 401
    assert unknown_format.status_code == 404
    assert bad_level.status_code == 400
    assert unknown_group.status_code == 404


async def test_anonymous_download_when_the_setting_allows_reads(api, session, settings):
    await worked_example(session)
    settings.allow_anonymous_read = True

    response = await download(api, "json")

    assert response.status_code == 200


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh SQLite file holding the worked example, committed, for the command to read."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'map.db'}"
    migrate.upgrade(Settings(), "head", url=url)

    async def build() -> str:
        engine = make_engine(url, pool=False)
        try:
            async with make_sessionmaker(engine)() as session:
                ex = await worked_example(session)
                await session.commit()
                return ex.group.slug
        finally:
            await engine.dispose()

    slug = asyncio.run(build())
    monkeypatch.setenv("SYNCPOINT_DATABASE_URL", url)
    get_settings.cache_clear()
    yield slug
    get_settings.cache_clear()


def test_map_command_prints_and_writes_every_format(cli_db, tmp_path):
    as_json = runner.invoke(app, ["map", "--format", "json", "--as-of", AS_OF])
    as_dot = tmp_path / "map.dot"
    written = runner.invoke(
        app, ["map", "--format", "dot", "--as-of", AS_OF, "--output", str(as_dot)]
    )
    items = runner.invoke(
        app, ["map", "--format", "graphml", "--level", "item", "--group", cli_db, "--as-of", AS_OF]
    )
    mermaid = runner.invoke(app, ["map", "--format", "mermaid", "--as-of", AS_OF])

    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert {n["label"] for n in data["nodes"]} == {"Ranking", "Features", "Search"}
    assert any(e["worst_flag"] == "LATE" for e in data["edges"])
    assert written.exit_code == 0, written.output
    assert as_dot.read_text().startswith("digraph dependency_map {")
    assert items.exit_code == 0, items.output
    graph = nx.read_graphml(io.BytesIO(items.stdout.encode()))
    assert graph.number_of_edges() == 2
    assert mermaid.stdout.startswith("flowchart LR")


def test_map_command_refuses_an_unknown_group(cli_db):
    result = runner.invoke(app, ["map", "--format", "json", "--group", "nowhere"])

    assert result.exit_code == 1
    assert "nowhere" in result.output
