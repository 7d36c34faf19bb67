"""graphql-core's executor, with plain objects completed in one pass.

graphql-core executes every field on its own: resolve info, resolver, completion, an awaitable
check, about 15 microseconds a field on this machine. A dependency map of 500 teams is ~125,000
fields (24,721 edges of five values each), so its response took two seconds to build from an
analysis already in memory, and a page of 100 teams with their members ~9,000.

Most of those fields are *plain*: a strawberry field without a resolver, permission or argument
(strawberry marks its resolver `_is_default`: it only reads the attribute), whose type is a
scalar or enum, or a list of them. This executor completes an object's plain fields in one
loop: it reads each attribute the way strawberry's basic resolver does and coerces it with the
type's own `coerce_output_value`, exactly as `complete_leaf_value` would; the object's other
fields (a resolver, an argument, an object or abstract type) go through graphql-core as a
selection of their own, and the two are merged in the selection's order. The plan (which
attribute, which type) is made once per selection of a type within a request. When a plain
value is not what its type allows (a null where none is allowed, a value that does not coerce),
the whole object takes graphql-core's own path, which re-reads it (reading an attribute has no
effect) and reports the error as it always did. `tests/core/test_executor.py` checks both paths
give the same answers, errors included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
)
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF


@dataclass(frozen=True, slots=True)
class _Plain:
    """How to complete one plain field: the response key, the attribute, the leaf type, whether
    the value (and a list's items) may be null, and whether it is a list."""

    key: str
    attribute: str | None  # None: __typename
    leaf: GraphQLScalarType | GraphQLEnumType | None
    nullable: bool = True
    is_list: bool = False
    items_nullable: bool = True


def _leaf_shape(
    field_type: GraphQLOutputType,
) -> tuple[GraphQLScalarType | GraphQLEnumType, bool, bool, bool] | None:
    """(leaf type, nullable, is a list, items nullable) of a leaf or a list of leaves."""
    nullable = not isinstance(field_type, GraphQLNonNull)
    inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if isinstance(inner, GraphQLScalarType | GraphQLEnumType):
        return inner, nullable, False, True
    if isinstance(inner, GraphQLList):
        item = inner.of_type
        items_nullable = not isinstance(item, GraphQLNonNull)
        leaf = item.of_type if isinstance(item, GraphQLNonNull) else item
        if isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
            return leaf, nullable, True, items_nullable
    return None


def _plain(key: str, parent_type: GraphQLObjectType, details: Any) -> _Plain | None:
    """How to complete one field of a selection in line, or None when it is not plain."""
    node = details[0].node
    name = node.name.value
    if name == "__typename":
        return _Plain(key, None, None)
    field = parent_type.fields.get(name)
    if field is None or node.arguments or field.args or node.directives:
        return None
    if not getattr(field.resolve, "_is_default", False):
        return None
    definition = (field.extensions or {}).get(_BACKREF)
    attribute = getattr(definition, "python_name", None)
    if not isinstance(attribute, str) or getattr(definition, "base_resolver", None):
        return None
    shape = _leaf_shape(field.type)
    if shape is None:
        return None
    leaf, nullable, is_list, items_nullable = shape
    return _Plain(key, attribute, leaf, nullable, is_list, items_nullable)


@dataclass(frozen=True, slots=True)
class _Plan:
    """A selection split: its plain fields, the rest (graphql-core's path) as a selection of its
    own, and the response keys in the selection's order."""

    plain: tuple[_Plain, ...]
    rest: dict[str, Any]
    order: tuple[str, ...]


def _plan(parent_type: GraphQLObjectType, fields: Mapping[str, Any]) -> _Plan | None:
    """The plan of a selection of `parent_type`, or None when none of its fields is plain."""
    plain, rest = [], {}
    for key, details in fields.items():
        found = _plain(key, parent_type, details)
        if found is None:
            rest[key] = details
        else:
            plain.append(found)
    if not plain:
        return None
    return _Plan(tuple(plain), rest, tuple(fields))


_MISSING = object()
_FALLBACK = object()


def _value(field: _Plain, type_name: str, source: Any) -> Any:
    """The completed value of a plain field, or _FALLBACK when graphql-core's own path must
    complete it (and report the error it finds)."""
    if field.leaf is None:
        return type_name
    value = getattr(source, field.attribute, _MISSING)  # type: ignore[arg-type]
    if value is _MISSING:
        return _FALLBACK
    if value is None or value is Undefined:
        return None if field.nullable else _FALLBACK
    coerce = field.leaf.coerce_output_value
    try:
        if not field.is_list:
            coerced = coerce(value)
            return _FALLBACK if coerced is None or coerced is Undefined else coerced
        if not isinstance(value, list | tuple):
            return _FALLBACK
        items: list[Any] = []
        for item in value:
            if item is None:
                if not field.items_nullable:
                    return _FALLBACK
                items.append(None)
                continue
            coerced = coerce(item)
            if coerced is None or coerced is Undefined:
                return _FALLBACK
            items.append(coerced)
        return items
    except Exception:  # the standard path reports it, located, as a field error
        return _FALLBACK


class PlainObjectExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, completing objects whose selection is all plain fields in one pass
    (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per request: (the selection, its plan); the selection is kept so its id stays its own.
        self._plans: dict[int, tuple[Mapping[str, Any], _Plan | None]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        plan = self._plan_of(parent_type, grouped_field_set)
        if plan is None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        done: dict[str, Any] = {}
        rest = plan.rest
        for field in plan.plain:
            value = _value(field, parent_type.name, source_value)
            if value is _FALLBACK:
                rest = grouped_field_set  # this object, whole, on graphql-core's path
                break
            done[field.key] = value
        if rest is grouped_field_set:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        if not rest:
            return done
        others = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if isinstance(others, dict):
            return _in_order(plan.order, done, others)

        async def merged() -> dict[str, Any]:
            return _in_order(plan.order, done, await others)

        return merged()

    def _plan_of(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> _Plan | None:
        found = self._plans.get(id(grouped_field_set))
        if found is None or found[0] is not grouped_field_set:
            found = (grouped_field_set, _plan(parent_type, grouped_field_set))
            self._plans[id(grouped_field_set)] = found
        return found[1]

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """A list of objects whose selection is all plain fields, completed in one loop (a map's
        25,000 edges: graphql-core completed each item on its own, path and all, ~15 us an
        item on top of its fields); anything else, or any item the loop cannot complete,
        takes graphql-core's own path for the whole list."""
        item_type = return_type.of_type
        if isinstance(item_type, GraphQLNonNull):
            item_type = item_type.of_type
        if (
            isinstance(item_type, GraphQLObjectType)
            and isinstance(result, list | tuple)
            and self.get_stream_usage(field_details_list, path) is None
        ):
            grouped_field_set, new_defer_usages, _forbidden = self.collect_subfields(
                item_type, field_details_list
            )
            plan = None if new_defer_usages else self._plan_of(item_type, grouped_field_set)
            if plan is not None and not plan.rest:
                done = _plain_items(plan, item_type, info, result)
                if done is not None:
                    return done
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )


def _plain_items(
    plan: _Plan, item_type: GraphQLObjectType, info: Any, items: list[Any] | tuple[Any, ...]
) -> list[dict[str, Any]] | None:
    """Each item's plain fields (the plan has no others), or None when an item is null, not of
    the type, or has a value the loop cannot complete."""
    is_type_of, name, plain = item_type.is_type_of, item_type.name, plan.plain
    out: list[dict[str, Any]] = []
    for item in items:
        if item is None or (is_type_of is not None and is_type_of(item, info) is not True):
            return None
        done: dict[str, Any] = {}
        for field in plain:
            value = _value(field, name, item)
            if value is _FALLBACK:
                return None
            done[field.key] = value
        out.append(done)
    return out


def _in_order(order: tuple[str, ...], *parts: dict[str, Any]) -> dict[str, Any]:
    """The object's fields in the selection's order (a field graphql-core left out stays out)."""
    merged = {}
    for key in order:
        for part in parts:
            if key in part:
                merged[key] = part[key]
                break
    return merged
