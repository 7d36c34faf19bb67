"""HTML of the director's dependency map page, rendered from the analysis (escaped throughout)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from html import escape
from importlib import resources
from string import Template
from typing import Any

from syncpoint.analysis.flags import Flag, Severity
from syncpoint.analysis.graph import DependencyMap, MapEdge

TOP_FLAGS = 20


@cache
def _resource(name: str) -> str:
    return resources.files("syncpoint.web").joinpath("templates", name).read_text("utf-8")


@cache
def _template(name: str) -> Template:
    return Template(_resource(name))


SIGN_OUT = '<button type="button" id="signout">Sign out</button>'
SIGN_IN = """<section><h2>Sign in</h2>
<p>Paste an API token. It stays in this browser tab (session storage) and is sent as an
<code>Authorization</code> header; it never goes into a link.</p>
<form id="signin" class="signin" autocomplete="off">
<input id="token" type="password" name="token" placeholder="sp_…" aria-label="API token" required>
<button type="submit">Sign in</button>
</form>
<p id="signin-error" class="error" role="alert"></p></section>"""


def _document(*, page: str, title: str, heading: str, subtitle: str, content: str) -> str:
    return _template("map.html").substitute(
        page=page,
        signout=SIGN_OUT if page == "map" else "",
        title=title,
        heading=heading,
        subtitle=subtitle,
        content=content,
        script=_resource("session.js"),
    )


@dataclass(frozen=True, slots=True)
class Download:
    """A link to an export of the map."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class MapPage:
    """What the page shows; ``flags`` are all flags in scope, most severe first."""

    as_of: date
    scope_label: str
    dependency_map: DependencyMap
    flags: list[Flag]
    downloads: list[Download]
    edge_severity: dict[tuple[str, str], Severity]


def _badge(severity: Severity | str, text: str | None = None) -> str:
    value = str(severity)
    return f'<span class="badge {escape(value)}">{escape(text or value)}</span>'


def _edge_rank(edge: MapEdge, worst: dict[tuple[str, str], Severity]) -> tuple[int, int, str]:
    severity = worst.get((edge.source, edge.target))
    return (-(severity.rank if severity else 0), -edge.count, edge.source + edge.target)


def _edges_table(page: MapPage) -> str:
    labels = {node.id: node.label for node in page.dependency_map.nodes}
    worst = page.edge_severity
    rows = []
    for edge in sorted(page.dependency_map.edges, key=lambda e: _edge_rank(e, worst)):
        severity = worst.get((edge.source, edge.target))
        worst_cell = _badge(severity, edge.worst_flag) if severity and edge.worst_flag else "—"
        by_type = edge.counts_by_type
        rows.append(
            "<tr>"
            f"<td>{escape(labels.get(edge.source, edge.source))}</td>"
            f"<td>{escape(labels.get(edge.target, edge.target))}</td>"
            f'<td class="num">{edge.count}</td>'
            f'<td class="num">{by_type.get("BLOCKING", 0)}</td>'
            f'<td class="num">{by_type.get("SLOWING", 0)}</td>'
            f'<td class="num">{by_type.get("OK", 0)}</td>'
            f"<td>{worst_cell}</td>"
            f"<td>{escape(', '.join(edge.flags)) or '—'}</td>"
            "</tr>"
        )
    if not rows:
        return '<p class="muted">No open cross-team dependencies in scope.</p>'
    head = (
        "<tr><th>Provider team</th><th>Consumer team</th><th>Dependencies</th><th>Blocking</th>"
        "<th>Slowing</th><th>OK</th><th>Worst flag</th><th>Flags</th></tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


def _flags_list(page: MapPage) -> str:
    counts = Counter(f.severity for f in page.flags)
    summary = " ".join(f"<span>{_badge(s)} {counts[s]}</span>" for s in Severity if counts.get(s))
    items = [
        f"<li>{_badge(f.severity)} <code>{escape(f.code.value)}</code> {escape(f.message)}</li>"
        for f in page.flags[:TOP_FLAGS]
    ]
    if not items:
        return '<p class="muted">No flags in scope: nothing is late or misaligned.</p>'
    more = len(page.flags) - TOP_FLAGS
    tail = f'<p class="muted">…and {more} more (see the flags query).</p>' if more > 0 else ""
    return f'<p class="summary">{summary}</p><ol class="flags">{"".join(items)}</ol>{tail}'


def _bottlenecks(page: MapPage) -> str:
    labels = {node.team_id: node.label for node in page.dependency_map.nodes}
    rows = [
        f"<tr><td>{escape(labels.get(b.team_id) or f'team {b.team_id}')}</td>"
        f'<td class="num">{b.in_degree}</td><td class="num">{b.waiting_dependencies}</td>'
        f'<td class="num">{b.betweenness:.3f}</td></tr>'
        for b in page.dependency_map.bottlenecks
    ]
    if not rows:
        return '<p class="muted">No team is waited on.</p>'
    head = (
        "<tr><th>Team</th><th>Teams waiting on it</th><th>Dependencies waiting</th>"
        "<th>Betweenness</th></tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


def _cycles(page: MapPage) -> str:
    labels = {node.id: node.label for node in page.dependency_map.nodes}
    items = [
        "<li>" + " → ".join(escape(labels.get(k, k)) for k in [*cycle, cycle[0]]) + "</li>"
        for cycle in page.dependency_map.cycles
    ]
    if not items:
        return '<p class="muted">No teams wait on each other in a circle.</p>'
    return f"<ul>{''.join(items)}</ul>"


def _downloads(page: MapPage) -> str:
    links = [
        f'<li><a href="{escape(d.url)}" data-download>{escape(d.label)}</a></li>'
        for d in page.downloads
    ]
    return f'<ul class="downloads">{"".join(links)}</ul>'


def render_map_page(page: MapPage) -> str:
    """The whole page as an HTML document."""
    sections = [
        ("Dependencies between teams", _edges_table(page)),
        ("Top flags", _flags_list(page)),
        ("Bottlenecks", _bottlenecks(page)),
        ("Cycles", _cycles(page)),
        ("Downloads", _downloads(page)),
    ]
    content = "\n".join(f"<section><h2>{escape(h)}</h2>{body}</section>" for h, body in sections)
    teams = sum(1 for n in page.dependency_map.nodes if n.kind == "TEAM")
    subtitle = (
        f"{escape(page.scope_label)} · as of {page.as_of.isoformat()} · {teams} teams · "
        f"{len(page.dependency_map.edges)} team-to-team edges · {len(page.flags)} flags"
    )
    return _document(
        page="map",
        title=escape(f"Dependency map · {page.as_of.isoformat()}"),
        heading="Cross-team dependency map",
        subtitle=subtitle,
        content=content,
    )


def error_page(status: int, message: str, envelope: dict[str, Any]) -> str:
    """The HTML page of a refused request: a sign-in form when a token is needed (401). It
    carries the same error envelope as every other route, as JSON in a data block."""
    data = json.dumps(envelope).replace("</", "<\\/")
    block = f'<script type="application/json" id="syncpoint-error">{data}</script>'
    return _document(
        page="signin" if status == 401 else "error",
        title=f"{status} · Syncpoint",
        heading=escape(f"{status}"),
        subtitle=escape(message),
        content=(SIGN_IN if status == 401 else "") + block,
    )
