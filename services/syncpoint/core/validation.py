"""The shape of a GraphQL document, measured in one pass: depth, aliases, fields and cost.

Each fragment is measured once and remembered by name, so the work is linear in the document's
text however often its fragments spread one another (`fragment W0 on Team { ...W1 ...W1 }` and
so on doubles the *expanded* document at every level, not the work done here). A fragment that
spreads itself (a cycle, already refused by GraphQL's own `NoFragmentCycles`) counts as empty.

`DocumentLimits` is the validation rule built on it (depth, aliases, fields, string literals);
the query cost, which depends on the variables and on the organisation's size, is checked by
`syncpoint.core.limits.QueryCost` just before execution from the same measurement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from graphql import (
    BooleanValueNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FloatValueNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValidationRule,
    ValueNode,
    VariableNode,
    get_named_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef

# Counts saturate here: a fan-out of a thousand levels stays a small number to compare.
CAP = 10**15

# Fields whose answer is an analysis of the whole organisation (the dependency graph, the
# cadences, the agenda): their cost is a setting scaled by the organisation's size, charged once
# per distinct `asOf` (the analysis is computed once per request and date).
ANALYSIS_FIELDS = frozenset(
    {
        "Query.dependencyMap",
        "Query.cadenceAlignment",
        "Query.blastRadius",
        "Query.criticalPath",
        "Query.flags",
        "Query.integrationPointRisk",
        "Query.dependencyFlags",
        "Query.agenda",
    }
)
PAGE_ARGUMENTS = ("first", "last")


@dataclass(frozen=True, slots=True)
class Shape:
    """A selection set measured as if every fragment were expanded."""

    depth: int = 0
    aliases: int = 0
    fields: int = 0
    cost: int = 0
    analyses: frozenset[tuple[str, str]] = frozenset()

    def __add__(self, other: Shape) -> Shape:
        return Shape(
            depth=max(self.depth, other.depth),
            aliases=min(CAP, self.aliases + other.aliases),
            fields=min(CAP, self.fields + other.fields),
            cost=min(CAP, self.cost + other.cost),
            analyses=self.analyses | other.analyses if other.analyses else self.analyses,
        )


EMPTY = Shape()


@dataclass
class Measure:
    """One measurement of a document (per request when variables matter)."""

    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any] = field(default_factory=dict)
    default_page: int = 100
    max_string: int | None = None
    visits: int = 0
    long_strings: list[ValueNode] = field(default_factory=list)
    bad_pages: list[tuple[str, str, int]] = field(default_factory=list)
    """(field, argument, value) of page sizes outside 0..default_page (the maximum page)."""
    _memo: dict[str, Shape] = field(default_factory=dict)
    _open: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, schema: GraphQLSchema, document: DocumentNode, **options: Any) -> Measure:
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        return cls(schema=schema, fragments=fragments, **options)

    def operation(self, operation: OperationDefinitionNode) -> Shape:
        root = self.schema.get_root_type(operation.operation)
        for definition in operation.variable_definitions or ():
            if definition.default_value is not None:
                self._check_strings(definition.default_value)
        variables = dict(self.variables)
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in variables and definition.default_value is not None:
                variables[name] = _literal(definition.default_value, {})
        self.variables = variables
        try:
            return self.selection_set(operation.selection_set, root)
        except RecursionError:
            # Fragments spreading one another thousands deep: refused as too deep.
            self._open.clear()
            return Shape(depth=CAP, fields=CAP, cost=CAP)

    def selection_set(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None
    ) -> Shape:
        total = EMPTY
        for selection in selection_set.selections if selection_set else ():
            self.visits += 1
            if isinstance(selection, FieldNode):
                total = total + self._field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                type_ = self.schema.get_type(condition.name.value) if condition else parent
                total = total + self.selection_set(selection.selection_set, type_)
            elif isinstance(selection, FragmentSpreadNode):
                total = total + self._fragment(selection.name.value)
        return total

    def _fragment(self, name: str) -> Shape:
        known = self._memo.get(name)
        if known is not None:
            return known
        definition = self.fragments.get(name)
        if definition is None or name in self._open:
            return EMPTY  # unknown or cyclic: refused by GraphQL's own rules
        self._open.add(name)
        try:
            type_ = self.schema.get_type(definition.type_condition.name.value)
            shape = self.selection_set(definition.selection_set, type_)
        finally:
            self._open.discard(name)
        self._memo[name] = shape
        return shape

    def _field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Shape:
        definition = _field_def(parent, node.name.value)
        arguments = {a.name.value: a.value for a in node.arguments or ()}
        for value in arguments.values():
            self._check_strings(value)
        child_type = get_named_type(definition.type) if definition else None
        child = self.selection_set(node.selection_set, child_type) if node.selection_set else EMPTY
        multiplier = 1
        if definition is not None and any(a in definition.args for a in PAGE_ARGUMENTS):
            multiplier = self.default_page
            for name in PAGE_ARGUMENTS:
                if name in arguments:
                    value = _literal(arguments[name], self.variables)
                    if isinstance(value, int) and not isinstance(value, bool):
                        multiplier = max(1, min(value, CAP))
                        if not 0 <= value <= self.default_page:
                            self.bad_pages.append((node.name.value, name, value))
        analyses = child.analyses
        coordinate = f"{parent.name}.{node.name.value}" if parent is not None else ""
        if coordinate in ANALYSIS_FIELDS:
            as_of = _literal(arguments["asOf"], self.variables) if "asOf" in arguments else None
            analyses = analyses | {(coordinate, str(as_of))}
        return Shape(
            depth=child.depth + 1,
            aliases=min(CAP, child.aliases + (1 if node.alias else 0)),
            fields=min(CAP, child.fields + 1),
            cost=min(CAP, 1 + multiplier * child.cost),
            analyses=analyses,
        )

    def _check_strings(self, value: ValueNode) -> None:
        if self.max_string is None:
            return
        if isinstance(value, StringValueNode):
            if len(value.value) > self.max_string:
                self.long_strings.append(value)
        elif isinstance(value, ListValueNode):
            for item in value.values:
                self._check_strings(item)
        elif isinstance(value, ObjectValueNode):
            for entry in value.fields:
                self._check_strings(entry.value)


def _field_def(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if name == "__typename":
        return TypeNameMetaFieldDef
    if name == "__schema":
        return SchemaMetaFieldDef
    if name == "__type":
        return TypeMetaFieldDef
    if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
        return parent.fields.get(name)
    return None


def _literal(value: ValueNode, variables: Mapping[str, Any]) -> Any:
    """A literal's plain value (variables resolved), enough to read page sizes and dates."""
    if isinstance(value, VariableNode):
        return variables.get(value.name.value)
    if isinstance(value, IntValueNode):
        try:
            return int(value.value)
        except ValueError:
            return None
    if isinstance(value, (StringValueNode, EnumValueNode)):
        return value.value
    if isinstance(value, FloatValueNode):
        return value.value
    if isinstance(value, BooleanValueNode):
        return value.value
    if isinstance(value, NullValueNode):
        return None
    if isinstance(value, ListValueNode):
        return [_literal(v, variables) for v in value.values]
    if isinstance(value, ObjectValueNode):
        return {f.name.value: _literal(f.value, variables) for f in value.fields}
    return None


def operations(document: DocumentNode) -> Iterable[OperationDefinitionNode]:
    return (d for d in document.definitions if isinstance(d, OperationDefinitionNode))


def limit_error(message: str, code: str, nodes: Any = None, **extra: Any) -> GraphQLError:
    return GraphQLError(message, nodes, extensions={"code": code, **extra})


class DocumentLimits(ValidationRule):
    """Refuses a document too deep, with too many aliases or fields, or with an over-long
    string literal; measured once per fragment (see `Measure`). Configure with `configured`."""

    max_depth: ClassVar[int] = 13
    max_aliases: ClassVar[int] = 30
    max_fields: ClassVar[int] = 2000
    max_string: ClassVar[int] = 100_000

    @classmethod
    def configured(
        cls, *, max_depth: int, max_aliases: int, max_fields: int, max_string: int
    ) -> type[DocumentLimits]:
        attributes = {
            "max_depth": max_depth,
            "max_aliases": max_aliases,
            "max_fields": max_fields,
            "max_string": max_string,
        }
        return type("DocumentLimits", (cls,), attributes)

    def enter_document(self, node: DocumentNode, *_args: Any) -> Any:
        schema = self.context.schema
        measure = Measure.of(schema, node, max_string=self.max_string)
        for operation in operations(node):
            shape = measure.operation(operation)
            name = operation.name.value if operation.name else "anonymous"
            if shape.depth > self.max_depth:
                depth = "too many" if shape.depth >= CAP else str(shape.depth)
                self.report_error(
                    limit_error(
                        f"Operation {name} is {depth} fields deep; at most "
                        f"{self.max_depth} are allowed.",
                        "QUERY_TOO_DEEP",
                        operation,
                        depth=shape.depth,
                        limit=self.max_depth,
                    )
                )
            if shape.aliases > self.max_aliases:
                self.report_error(
                    limit_error(
                        f"Operation {name} uses {shape.aliases} aliases; at most "
                        f"{self.max_aliases} are allowed.",
                        "TOO_MANY_ALIASES",
                        operation,
                        aliases=shape.aliases,
                        limit=self.max_aliases,
                    )
                )
            if shape.fields > self.max_fields:
                self.report_error(
                    limit_error(
                        f"Operation {name} selects {shape.fields} fields once its fragments "
                        f"are expanded; at most {self.max_fields} are allowed.",
                        "TOO_MANY_FIELDS",
                        operation,
                        fields=shape.fields,
                        limit=self.max_fields,
                    )
                )
        for value in measure.long_strings[:1]:
            self.report_error(
                limit_error(
                    f"A string argument is longer than {self.max_string} characters.",
                    "BAD_USER_INPUT",
                    value,
                    limit=self.max_string,
                )
            )
        return self.SKIP
