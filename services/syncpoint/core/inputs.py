"""Typed input patches: how each input field is read is declared once, on the field.

An input field is one of
- a plain field (required, or with a default): always read, as sent or defaulted;
- `optional(...)`: left out of the patch when not sent; an explicit `null` is a REQUIRED error
  unless the field is declared `nullable=True` (then `null` means "clear it");
- `ref("Team", ...)`: a global id of the named type, decoded to the database id (a list of ids
  when annotated so); an id of another type or a malformed one is a NOT_FOUND error on the field.

`read_input` turns an input object into the patch (a dict keyed by service names) and collects
every problem at once, so a client learns all of them in one round trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.field import StrawberryField

from syncpoint.core.errors import ErrorCode, UserError
from syncpoint.core.ids import GlobalIdError, decode_global_id

UNSET: Any = strawberry.UNSET
_SPEC = "syncpoint.input"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one input field is read into the patch."""

    optional: bool = False
    nullable: bool = False
    id_of: str | None = None
    is_ref: bool = False
    key: str | None = None
    text: bool = False


def optional(
    *,
    description: str | None = None,
    nullable: bool = False,
    key: str | None = None,
    name: str | None = None,
) -> Any:
    """An update field: absent from the patch when not sent; `null` is REQUIRED unless nullable.

    `name` is the GraphQL name when it is not the camelCase of the attribute."""
    return strawberry.field(
        default=UNSET,
        description=description,
        name=name,
        metadata={_SPEC: FieldSpec(optional=True, nullable=nullable, key=key)},
    )


def ref(
    type_name: str | None,
    *,
    description: str | None = None,
    default: Any = strawberry.UNSET,
    optional: bool = False,
    nullable: bool = False,
    key: str | None = None,
    text: bool = False,
) -> Any:
    """A global id (or list of them) of `type_name`, decoded to database ids in the patch.

    `type_name=None` for an input shared by mutations on several types (archive, end): each
    mutation then names the type with `mutation(..., refs={"id": "Team"})`.

    `optional=True` makes it an update field (absent when not sent); a plain default (`None`,
    `[]`) makes it a create field that may be left out. `text=True` for ids whose node id is
    not a database id (a generated sprint's "<team>:<start>"): the patch holds the node id.
    """
    spec = FieldSpec(
        optional=optional, nullable=nullable, id_of=type_name, is_ref=True, key=key, text=text
    )
    if optional:
        default = UNSET
    kwargs: dict[str, Any] = {"description": description, "metadata": {_SPEC: spec}}
    if isinstance(default, list):
        kwargs["default_factory"] = list
    elif default is not strawberry.UNSET or optional:
        kwargs["default"] = default
    return strawberry.field(**kwargs)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def input_fields(input_type: type) -> list[StrawberryField]:
    definition = getattr(input_type, "__strawberry_definition__", None)
    if definition is None or not definition.is_input:
        raise TypeError(f"{input_type!r} is not a strawberry input type")
    return list(definition.fields)


def spec_of(field: StrawberryField) -> FieldSpec:
    metadata: dict[str, Any] = dict(field.metadata or {})
    spec = metadata.get(_SPEC)
    return spec if isinstance(spec, FieldSpec) else FieldSpec()


def _is_global_id(type_: Any) -> bool:
    while isinstance(type_, StrawberryOptional | StrawberryList):
        type_ = type_.of_type
    return type_ is relay.GlobalID


def check_declared(input_type: type, refs: dict[str, str] | None = None) -> None:
    """Refuse (at schema build) an input whose global-id fields do not say what they point at."""
    refs = refs or {}
    for field in input_fields(input_type):
        spec = spec_of(field)
        if not _is_global_id(field.type):
            continue
        if not spec.is_ref:
            raise TypeError(
                f"{input_type.__name__}.{field.python_name} is a global id without ref(type): "
                "declare the type it points at"
            )
        if spec.id_of is None and field.python_name not in refs:
            raise TypeError(
                f"{input_type.__name__}.{field.python_name} is shared by several types: the "
                "mutation must name it with refs={...}"
            )


def read_input(
    obj: Any, refs: dict[str, str] | None = None
) -> tuple[dict[str, Any], list[UserError]]:
    """The patch of an input object (sent fields, ids decoded) and every problem found.

    `refs` names the type of shared id fields (`ref(None)`) for the mutation at hand."""
    values: dict[str, Any] = {}
    errors: list[UserError] = []
    for field in input_fields(type(obj)):
        spec = spec_of(field)
        if spec.is_ref and spec.id_of is None:
            spec = FieldSpec(
                spec.optional,
                spec.nullable,
                (refs or {}).get(field.python_name),
                True,
                spec.key,
                spec.text,
            )
        value = getattr(obj, field.python_name)
        name = field.graphql_name or camel(field.python_name)
        if value is UNSET:
            continue
        if value is None and spec.optional and not spec.nullable:
            errors.append(
                UserError(field=name, message=f"{name} cannot be null.", code=ErrorCode.REQUIRED)
            )
            continue
        if spec.id_of is not None and value is not None:
            try:
                value = _decode(value, spec.id_of, spec.text)
            except GlobalIdError as exc:
                errors.append(UserError(field=name, message=str(exc), code=ErrorCode.NOT_FOUND))
                continue
        values[spec.key or field.python_name] = value
    return values, errors


def _decode(value: Any, type_name: str, text: bool = False) -> Any:
    if isinstance(value, list):
        return [_decode(v, type_name, text) for v in value]
    if text:
        if value.type_name != type_name or not value.node_id:
            raise GlobalIdError(f"{value} is not the id of a {type_name}.")
        return value.node_id
    return decode_global_id(value, type_name)


def read_each(
    objs: list[Any], field: str, refs: dict[str, str] | None = None
) -> tuple[list[dict[str, Any]], list[UserError]]:
    """The patches of a list of nested inputs, and every problem found, on `field.<i>.<name>`."""
    patches: list[dict[str, Any]] = []
    errors: list[UserError] = []
    for index, obj in enumerate(objs):
        values, found = read_input(obj, refs)
        patches.append(values)
        for error in found:
            name = f"{field}.{index}" + (f".{error.field}" if error.field else "")
            errors.append(UserError(field=name, message=error.message, code=error.code))
    return patches, errors
