"""Document limits: depth, aliases and fields measured once per fragment, so a document whose
fragments spread one another is refused at once instead of stalling the process."""

from __future__ import annotations

from graphql import parse, validate
from hypothesis import given, settings
from hypothesis import strategies as st

from syncpoint.core.auth import Role
from syncpoint.core.validation import DocumentLimits, Measure, operations
from syncpoint.schema import build_schema

SCHEMA = build_schema()._schema

# 14 levels: teams > edges > node, then group > teams five times, then name.
DEEP = "{ teams(first: 1) { edges { node { " + "group { teams { " * 5 + "name" + " } }" * 5
DEEP += " } } } }"
ALIASES = "{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }"
CYCLE = """
query Q { team(slug: "x") { ...A } }
fragment A on Team { name ...B }
fragment B on Team { slug ...A }
"""


def fan_out(levels: int, width: int = 2, leaf: str = "name") -> str:
    """`fragment W0 on Team { ...W1 ...W1 }` and so on: width**levels fields once expanded."""
    parts = ['query FanOut { team(slug: "ranking") { ...W0 } }']
    for level in range(levels):
        spreads = " ".join([f"...W{level + 1}"] * width)
        parts.append(f"fragment W{level} on Team {{ {spreads} }}")
    parts.append(f"fragment W{levels} on Team {{ {leaf} }}")
    return "\n".join(parts)


def selection_count(text: str) -> int:
    """Selections written in the document (each fragment counted once)."""
    document = parse(text)
    count = 0

    def walk(selection_set: object) -> None:
        nonlocal count
        for selection in getattr(selection_set, "selections", ()):
            count += 1
            walk(getattr(selection, "selection_set", None))

    for definition in document.definitions:
        walk(definition.selection_set)  # type: ignore[attr-defined]
    return count


async def test_the_fan_out_document_is_refused_with_a_code(api):
    # Given a viewer, when the 22- and 40-level fan-outs of the report are sent
    await api.login(Role.VIEWER)
    for levels in (22, 40):
        response = await api.post(fan_out(levels))
        # then each is refused before execution, with the number of fields it would expand to
        body = response.json()
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "TOO_MANY_FIELDS"
        assert error["extensions"]["fields"] == 2**levels + 1
        assert str(2**levels + 1) in error["message"]


async def test_an_anonymous_fan_out_is_refused_too(api):
    [error] = await api.errors(fan_out(40))
    assert error["extensions"]["code"] == "TOO_MANY_FIELDS"


async def test_depth_and_aliases_are_refused_with_their_codes(api):
    await api.login(Role.VIEWER)
    [deep] = await api.errors(DEEP)
    assert deep["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert deep["extensions"]["limit"] == 13
    [aliases] = await api.errors(ALIASES)
    assert aliases["extensions"]["code"] == "TOO_MANY_ALIASES"
    assert "31 aliases" in aliases["message"]


async def test_a_long_string_literal_is_a_client_error(api):
    await api.login(Role.VIEWER)
    query = '{ team(slug: "' + "x" * 100_001 + '") { name } }'
    [error] = await api.errors(query)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_fragment_cycle_is_refused_without_recursing(api):
    await api.login(Role.VIEWER)
    errors = await api.errors(CYCLE)
    assert {e["extensions"]["code"] for e in errors} == {"GRAPHQL_VALIDATION_FAILED"}
    assert any("Cannot spread fragment" in e["message"] for e in errors)


def test_the_rule_stays_silent_on_an_ordinary_document():
    document = parse("{ teams(first: 5) { edges { node { name slug } } } }")
    assert validate(SCHEMA, document, [DocumentLimits]) == []


@settings(max_examples=40, deadline=None)
@given(levels=st.integers(min_value=1, max_value=60), width=st.integers(min_value=2, max_value=4))
def test_measuring_visits_each_written_selection_once(levels, width):
    # Given a fan-out of `width` spreads per fragment over `levels` fragments
    text = fan_out(levels, width)
    document = parse(text)
    measure = Measure.of(SCHEMA, document)
    # when it is measured
    [operation] = operations(document)
    shape = measure.operation(operation)
    # then each selection written in the document was visited once: the work is linear in the
    # text, while the expanded document has width**levels fields
    assert measure.visits == selection_count(text)
    assert measure.visits <= 2 + levels * width + 1
    assert shape.fields == min(width**levels + 1, 10**15)
    assert shape.depth == 2


@settings(max_examples=20, deadline=None)
@given(size=st.integers(min_value=2, max_value=30))
def test_a_cycle_of_any_length_is_measured_without_recursing(size):
    fragments = [f"fragment C{i} on Team {{ name ...C{(i + 1) % size} }}" for i in range(size)]
    document = parse('query Q { team(slug: "x") { ...C0 } }\n' + "\n".join(fragments))
    measure = Measure.of(SCHEMA, document)
    [operation] = operations(document)
    shape = measure.operation(operation)
    assert shape.fields == size + 1
    assert measure.visits == 2 + 2 * size


def test_a_chain_of_fragments_too_long_to_walk_is_refused_as_too_deep():
    # Given fragments each spreading the next, 2,000 long (deeper than Python's recursion)
    parts = ['query Q { team(slug: "x") { ...C0 } }']
    parts += [f"fragment C{i} on Team {{ ...C{i + 1} }}" for i in range(2000)]
    parts.append("fragment C2000 on Team { name }")
    document = parse("\n".join(parts))
    # then measuring it refuses it as too deep rather than failing
    [operation] = operations(document)
    assert Measure.of(SCHEMA, document).operation(operation).depth > DocumentLimits.max_depth
    errors = validate(SCHEMA, document, [DocumentLimits])
    codes = [(e.extensions or {}).get("code") for e in errors]
    assert "QUERY_TOO_DEEP" in codes
    assert "Validation aborted." in [e.message for e in errors]  # graphql-core's own nesting cap
