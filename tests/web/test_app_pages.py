"""The single-page views' shells and assets over ASGI: no data, no token, nothing from a CDN."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("path", ["/map", "/timeline"])
async def test_a_view_shell_loads_only_the_packages_own_assets(api, path):
    page = await api.http.get(path, params={"group": "R3JvdXA6MQ=="})

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert f"/static/web{path}.js" in sources
    assert all(s.startswith(("/", "data:")) for s in sources)  # no CDN, no other origin
    assert 'id="signin"' in page.text


async def test_graphiql_is_served_from_the_package(api):
    ide = await api.http.get("/graphql", headers={"Accept": "text/html"})
    script = await api.http.get("/static/web/graphiql.js")

    assert ide.status_code == 200
    assert '<script src="/static/web/graphiql.js">' in ide.text
    assert "unpkg.com" not in ide.text
    assert "cdn" not in ide.text.lower()
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert len(script.content) > 100_000  # GraphiQL, React and graphql-js bundled


async def test_only_the_bundled_assets_are_served(api):
    known = await api.http.get("/static/web/map.js")
    unknown = await api.http.get("/static/web/..%2F__init__.py")
    other = await api.http.get("/static/web/pages.py")

    assert known.status_code == 200
    assert unknown.status_code == 404
    assert other.status_code == 404
