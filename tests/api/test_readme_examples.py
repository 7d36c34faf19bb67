"""The README's example queries run on the demo and return what the README shows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from syncpoint.core.auth import Role

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"```(graphql|json)\n(.*?)```", re.S)
ELLIPSIS = "…"


def examples() -> list[tuple[str, Any]]:
    """(query, expected result or None) for every graphql block; a json block right after is
    the expected `data`."""
    blocks = BLOCK.findall(README.read_text())
    pairs: list[tuple[str, Any]] = []
    for index, (kind, body) in enumerate(blocks):
        if kind != "graphql":
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        expected = json.loads(following[1]) if following and following[0] == "json" else None
        pairs.append((body, expected))
    return pairs


def matches(expected: Any, actual: Any) -> bool:
    if expected == ELLIPSIS:
        return True
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(matches(v, actual[k]) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(matches(e, a) for e, a in zip(expected, actual, strict=True))
        )
    return bool(expected == actual)


def test_readme_has_examples_with_results():
    pairs = examples()
    assert len(pairs) >= 3
    assert sum(1 for _query, expected in pairs if expected is not None) >= 2


FIRST_FORUM = "{ forums(first: 1, rootsOnly: true) { edges { node { id } } } }"


async def test_readme_examples_return_what_the_readme_shows(demo_api):
    api = demo_api  # the demo as of today, as `make run` loads it
    await api.login(Role.DIRECTOR)
    forums = (await api.gql(FIRST_FORUM))["forums"]["edges"]
    variables = {"forumId": forums[0]["node"]["id"]}
    for query, expected in examples():
        body = (await api.post(query, variables)).json()
        assert "errors" not in body, (query, body)
        if expected is not None:
            assert matches(expected, body["data"]), (query, json.dumps(body["data"], indent=1))
