"""Whole responses of the analysis queries, kept per data version and reused.

The organisation's dependency map is the same answer for every director until the data changes,
yet building it as GraphQL objects field by field costs far more than computing it: at 500
teams the map's ~100,000 fields took a second to resolve, from an analysis already in memory,
and a page of 100 teams with their members (~9,000 fields) 180 ms against 6 ms for the same
JSON from hand-written SQL. A response of an operation that only asks such fields (the
analysis, and the organisation's teams and groups: `CACHEABLE_ROOTS`) is therefore kept,
keyed by:

- the data version the request reads at (`insights.analyses`: one statement, which the
  analysis reads anyway), and the analysis's day (a new day gives new flags);
- the document, operation name and variables;
- the caller (role, person, system name, teams): a caller only ever gets what it was answered
  itself, so permissions and scoped reach stay the resolvers' business.

A response is kept only when it has no errors and every analysis it was built from is at the
request's version (not an older one served while a newer one was computed). Documents naming a
field that reads what the data version does not cover (the audit log behind `history`) are
never kept. Each API process keeps `settings.response_cache_size` responses (least recently
used first out); they are consistent across processes because the version is a database row.

A kept response is kept as JSON already written (an `orjson.Fragment` per root field), so a
repeated request copies it into the answer instead of encoding it again (the organisation's
map is 2.3 MiB of JSON: 6 ms of encoding per request), and the cache holds bytes instead of
the tree of objects they were written from (several times larger). Whether a document can be
kept is decided once per document, operation and variables.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable
from typing import Any

import orjson
from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ObjectFieldNode,
    OperationType,
    SelectionSetNode,
    Visitor,
    get_operation_ast,
    visit,
)
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from syncpoint.core.context import Context
from syncpoint.insights.analyses import analyses_of

CACHEABLE_ROOTS = frozenset(
    {
        # the analysis
        "dependencyMap",
        "flags",
        "integrationPointRisk",
        "agenda",
        "criticalPath",
        "blastRadius",
        # the organisation's structure: every type reachable from a team or a group reads
        # versioned rows, the day (sprint states) or the analysis; none reads the clock
        # (checked by tests/insights/test_response_cache.py over the schema)
        "teams",
        "team",
        "groups",
        "group",
        # blockers: their age is in days of the day; `olderThanDays` reads the clock (below)
        "blockers",
        "blocker",
    }
)
"""Root fields whose answer is a function of the data version, the day, the arguments and the
caller (no clock time, no unversioned table). Not products (compliance is judged now)."""

UNCACHEABLE_FIELDS = frozenset({"history", "auditLog", "viewer"})
"""Fields, at any depth, that read what the data version does not cover."""

CLOCK_ARGUMENTS = frozenset({"olderThanDays"})
"""Arguments or input fields, in the document or its variables, that are judged against the
clock (`blockers(filter: {olderThanDays})` counts from now, not from the day)."""

DEFAULT_SIZE = 32


DECISIONS = 512
"""How many documents' `cacheable` answers an app remembers (LRU)."""


class ResponseCache:
    """The kept responses of one app: an LRU of at most `size` response data; and the
    `cacheable` answer of the last `DECISIONS` (document, operation, variables)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
        self._decisions: OrderedDict[Hashable, bool] = OrderedDict()

    def decision(self, key: Hashable, decide: Callable[[], bool]) -> bool:
        """Whether the document of ``key`` may be kept, decided on first sight."""
        found = self._decisions.get(key)
        if found is None:
            found = self._decisions[key] = decide()
            while len(self._decisions) > DECISIONS:
                self._decisions.popitem(last=False)
        else:
            self._decisions.move_to_end(key)
        return found

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> dict[str, Any] | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: Hashable, data: dict[str, Any]) -> None:
        self._entries[key] = data
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
        self._decisions.clear()


def written(data: dict[str, Any]) -> dict[str, Any] | None:
    """Response data as JSON written once (a fragment per root field, which orjson copies into
    every answer as it is); None when orjson cannot write it (an integer past 64 bits), so
    it is not kept."""
    try:
        return {
            name: orjson.Fragment(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))
            for name, value in data.items()
        }
    except orjson.JSONEncodeError:
        return None


def app_responses(app: Any) -> ResponseCache | None:
    """The app's response cache, created on first use (None outside an app: the CLI)."""
    if app is None:
        return None
    state = app.state
    found = getattr(state, "response_cache", None)
    if found is None:
        settings = getattr(state, "settings", None)
        size = int(getattr(settings, "response_cache_size", DEFAULT_SIZE))
        found = state.response_cache = ResponseCache(size)
    return found if found.size > 0 else None


def _root_fields(
    selections: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], seen: set[str]
) -> list[str]:
    names: list[str] = []
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            names.append(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            names += _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                return ["<unknown>"]
            names += _root_fields(fragments[name].selection_set, fragments, {*seen, name})
    return names


class _Names(Visitor):
    """The names a document uses: of fields, and of arguments and input-object fields."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: set[str] = set()
        self.arguments: set[str] = set()

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        self.fields.add(node.name.value)

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self.arguments.add(node.name.value)

    def enter_object_field(self, node: ObjectFieldNode, *_args: Any) -> None:
        self.arguments.add(node.name.value)


def _mentions(value: Any, names: frozenset[str]) -> bool:
    """Whether a variables value holds an input field named in `names`, at any depth."""
    if isinstance(value, dict):
        return any(k in names or _mentions(v, names) for k, v in value.items())
    if isinstance(value, list):
        return any(_mentions(v, names) for v in value)
    return False


def cacheable(
    document: DocumentNode, operation_name: str | None, variables: dict[str, Any] | None = None
) -> bool:
    """A query whose root fields are all kept roots, naming no uncovered field and no argument
    judged against the clock (in the document or its variables)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return False
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    roots = set(_root_fields(operation.selection_set, fragments, set())) - {"__typename"}
    if not roots or not roots <= CACHEABLE_ROOTS:
        return False
    names = _Names()
    visit(document, names)  # fragments included: the whole document
    if names.fields & UNCACHEABLE_FIELDS or names.arguments & CLOCK_ARGUMENTS:
        return False
    return not _mentions(variables or {}, CLOCK_ARGUMENTS)


def _caller(context: Context) -> Hashable:
    actor = context.actor
    return (actor.role, actor.person_id, actor.system, actor.team_ids)


class AnalysisResponses(SchemaExtension):
    """Answers a repeated analysis query from the app's response cache (module docstring)."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        store = app_responses(getattr(getattr(context, "request", None), "app", None))
        if (
            execution.result is not None  # refused before execution (cost, budget)
            or store is None
            or not isinstance(context, Context)
            or document is None
        ):
            yield
            return
        variables = json.dumps(execution.variables or {}, sort_keys=True, default=str)
        if not store.decision(
            (execution.query, execution.operation_name, variables),
            lambda: cacheable(document, execution.operation_name, execution.variables),
        ):
            yield
            return
        analyses = analyses_of(context)
        version = await analyses.data_version()
        if not isinstance(version, int):  # the session's own uncommitted writes
            yield
            return
        key = (
            version,
            analyses.day(),
            execution.query,
            execution.operation_name,
            variables,
            _caller(context),
        )
        kept = store.get(key)
        if kept is not None:
            execution.result = ExecutionResult(data=kept, errors=None)
            yield
            return
        yield
        result = execution.result
        fresh = analyses.served_versions <= {version}
        if result is not None and not result.errors and result.data is not None and fresh:
            kept = written(result.data)
            if kept is not None:
                store.put(key, kept)
