"""Plain objects completed in one pass (core/executor.py) answer exactly what graphql-core's own
path answers: data, nulls and errors, on a small schema built for it and on the demo
organisation's largest responses."""

from __future__ import annotations

import enum
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from syncpoint.core.auth import Role
from syncpoint.core.executor import PlainObjectExecutor
from syncpoint.core.settings import Settings
from syncpoint.demo import load_demo
from syncpoint.schema import build_schema


@strawberry.enum
class Colour(enum.Enum):
    RED = "RED"
    BLUE = "BLUE"


@strawberry.type
class Leafy:
    name: str
    count: int
    colour: Colour
    tags: list[str]
    maybe: str | None
    maybe_tags: list[str | None] | None

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


class _Broken:
    """A source whose values break the types: a null for a non-null, a string for an Int."""

    name = None
    count = "many"
    colour = Colour.RED
    tags = ["a", None]
    maybe = None
    maybe_tags = None


@strawberry.type
class Query:
    @strawberry.field
    def good(self) -> list[Leafy]:
        return [
            Leafy(
                name=f"n{i}",
                count=i,
                colour=Colour.BLUE if i % 2 else Colour.RED,
                tags=["x", "y"][: i % 3],
                maybe=None if i % 2 else "m",
                maybe_tags=[None, "t"] if i % 2 else None,
            )
            for i in range(5)
        ]

    @strawberry.field(graphql_type=list[Leafy | None])
    def broken(self) -> list[Any]:
        return [_Broken(), _Broken()]

    @strawberry.field(graphql_type=list[Leafy | None])
    def holes(self) -> list[Any]:
        """A list of plain objects with a null among them, and one broken item last."""
        return [
            Leafy(name="a", count=1, colour=Colour.RED, tags=[], maybe=None, maybe_tags=None),
            None,
            _Broken(),
        ]


DOCUMENTS = [
    "{ good { name count colour tags maybe maybeTags } }",
    "{ good { __typename n: name c: count colour } }",
    "{ good { name shout } }",  # a resolver: graphql-core's path for it, the rest in line
    "{ good { c: count shout n: name __typename tags } }",  # merged in the selection's order
    "{ broken { colour shout } }",  # the resolver fails; its plain neighbour does not
    "{ good { ...F } } fragment F on Leafy { name tags }",
    "{ good { name @include(if: false) count } }",
    "{ broken { name } }",
    "{ broken { count } }",
    "{ broken { tags } }",
    "{ broken { maybe maybeTags colour } }",
    "{ holes { colour maybe } }",  # a null item among plain ones: the whole list's own path
    "{ holes { name count } }",  # and a broken item after them
]


def _answer(executor: type, document: str) -> tuple[Any, list[tuple[str, Any]]]:
    schema = strawberry.Schema(query=Query, execution_context_class=executor)
    result = schema.execute_sync(document)
    errors = sorted((e.message, e.path) for e in result.errors or [])
    return result.data, errors


@pytest.mark.parametrize("document", DOCUMENTS)
def test_plain_objects_answer_what_graphql_core_answers(document: str) -> None:
    fast = _answer(PlainObjectExecutor, document)
    standard = _answer(StrawberryGraphQLCoreExecutionContext, document)
    assert fast == standard
    assert list(fast[0]) == list(standard[0])
    for fast_item, standard_item in zip(
        next(iter(fast[0].values())), next(iter(standard[0].values())), strict=True
    ):
        assert list(fast_item or {}) == list(standard_item or {})  # keys in the same order


ORGANISATION = [
    """{ dependencyMap(level: TEAM) { level asOf nodes { id key label kind topology openCount
         lateCount teamId } edges { source target count flags worstFlag dependencyIds
         countsByType { blocking slowing ok } } cycles { nodeIds labels }
         bottlenecks { teamId name inDegree betweenness waitingDependencies } } }""",
    """{ dependencyMap(level: ITEM) { nodes { id label kind } edges { source target flags } } }""",
    """{ teams(first: 100) { totalCount edges { cursor node { id name topology framework
         group { name kind } members(first: 20) { edges { cursor node { role startedOn
         person { name email title } } } } } } } }""",
    """{ blockers(first: 100, orderBy: IMPACT) { edges { node { id title severity category
         item { key title status } team { name } owner { name } impact { itemCount teamCount }
         escalationPath { fromLevel toLevel reason } } } } }""",
    """{ flags(first: 100) { totalCount edges { node { code severity subjectKind message
         numbers teamIds } } } }""",
]


@pytest.fixture
def settings() -> Settings:
    # Every response built anew (not kept), with room for the whole organisation.
    return Settings(
        environment="development",
        allow_anonymous_read=False,
        max_query_cost=10**9,
        rate_limit_per_minute=10**9,
        response_cache_size=0,
    )


async def test_the_organisations_largest_answers_are_the_same_on_both_paths(
    api: Any, session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    await load_demo(session)
    await session.commit()
    await api.login(Role.DIRECTOR)
    schema = build_schema()
    assert schema.execution_context_class is PlainObjectExecutor
    fast = [await api.gql(document) for document in ORGANISATION]
    monkeypatch.setattr(schema, "execution_context_class", StrawberryGraphQLCoreExecutionContext)
    standard = [await api.gql(document) for document in ORGANISATION]
    assert fast == standard
    assert fast[0]["dependencyMap"]["edges"]
    assert any(edge["flags"] for edge in fast[0]["dependencyMap"]["edges"])
