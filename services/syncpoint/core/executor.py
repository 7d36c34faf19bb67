"""graphql-core's executor, with plain objects completed in one pass.

graphql-core executes every field on its own: resolve info, resolver, completion, an awaitable
check, about 15 microseconds a field on this machine. A dependency map of 500 teams is ~125,000
fields (24,721 edges of five values each), so its response took two seconds to build from an
analysis already in memory, and a page of 100 teams with their members ~9,000.

Most of those fields are *plain*: a strawberry field without a resolver, permission or argument
(strawberry marks its resolver `_is_default`: it only reads the attribute), whose type is a
scalar or enum, or a list of them. When every field an object's selection asks is plain, this
executor completes the object in one loop: it reads each attribute the way strawberry's basic
resolver does and coerces it with the type's own `coerce_output_value`, exactly as
`complete_leaf_value` would. The plan (which attribute, which type) is made once per selection
of a type within a request. Anything else (a resolver, an argument, an abstract or object type,
a null where the type forbids one, a value that does not coerce) takes graphql-core's own path
for that object, which re-reads its plain fields (reading an attribute has no effect) and
reports errors as it always did. `tests/core/test_executor.py` checks both paths give the same
answers, errors included.
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


def _plan(parent_type: GraphQLObjectType, fields: Mapping[str, Any]) -> tuple[_Plain, ...] | None:
    """The plan of a selection of `parent_type` when every field it asks is plain, else None."""
    plan = []
    for key, details in fields.items():
        node = details[0].node
        name = node.name.value
        if name == "__typename":
            plan.append(_Plain(key, None, None))
            continue
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
        plan.append(_Plain(key, attribute, leaf, nullable, is_list, items_nullable))
    return tuple(plan)


_MISSING = object()


def _complete(plan: tuple[_Plain, ...], type_name: str, source: Any) -> dict[str, Any] | None:
    """The completed object, or None when some value needs graphql-core's own path."""
    out: dict[str, Any] = {}
    for field in plan:
        if field.leaf is None:
            out[field.key] = type_name
            continue
        value = getattr(source, field.attribute, _MISSING)  # type: ignore[arg-type]
        if value is _MISSING:
            return None
        if value is None or value is Undefined:
            if not field.nullable:
                return None
            out[field.key] = None
            continue
        coerce = field.leaf.coerce_output_value
        try:
            if field.is_list:
                if not isinstance(value, list | tuple):
                    return None
                items: list[Any] = []
                for item in value:
                    if item is None:
                        if not field.items_nullable:
                            return None
                        items.append(None)
                        continue
                    coerced = coerce(item)
                    if coerced is None or coerced is Undefined:
                        return None
                    items.append(coerced)
                out[field.key] = items
            else:
                coerced = coerce(value)
                if coerced is None or coerced is Undefined:
                    return None
                out[field.key] = coerced
        except Exception:  # the standard path reports it, located, as a field error
            return None
    return out


class PlainObjectExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, completing objects whose selection is all plain fields in one pass
    (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per request: (the selection, its plan); the selection is kept so its id stays its own.
        self._plans: dict[int, tuple[Mapping[str, Any], tuple[_Plain, ...] | None]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        found = self._plans.get(id(grouped_field_set))
        if found is None or found[0] is not grouped_field_set:
            found = (grouped_field_set, _plan(parent_type, grouped_field_set))
            self._plans[id(grouped_field_set)] = found
        plan = found[1]
        if plan is not None:
            completed = _complete(plan, parent_type.name, source_value)
            if completed is not None:
                return completed
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )
