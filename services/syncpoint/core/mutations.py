"""Mutations declared once, run by one pipeline.

A context declares a mutation with its policy row, its input (read by the declaration of each
field, see core/inputs.py), its payload and what it returns::

    @mutation(svc.UPDATE_GROUP, payload=GroupPayload)
    async def update_group(call: Call[UpdateGroupInput]) -> models.Group:
        return await svc.update_group(
            call.session, call.actor, call.id, call.input.version, call.changes
        )

The pipeline: permission (declared on the field) -> read the input into a typed patch, every
problem at once -> a SAVEPOINT -> before hooks -> the handler -> after hooks (with every object
the mutation created, changed or deleted, before and after) -> the payload. Expected failures
(domain rules, stale versions, constraint violations) undo the savepoint and come back as
`errors` in the payload; permission failures and bugs are top-level errors.
"""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

from syncpoint.core.auth import Actor, allowed
from syncpoint.core.constraints import integrity_user_error
from syncpoint.core.context import Info
from syncpoint.core.db import SerialSession
from syncpoint.core.errors import DomainError, ErrorCode, PermissionDenied, UserError
from syncpoint.core.inputs import check_declared, read_input
from syncpoint.core.refusals import Refusal, note_refusal
from syncpoint.core.validation_inputs import text_problems

I = TypeVar("I")  # noqa: E741 - the input type
T = TypeVar("T")


@dataclass(slots=True)
class Call(Generic[I]):
    """One run of a mutation, as its handler sees it."""

    operation: str
    session: SerialSession
    actor: Actor
    input: I
    fields: dict[str, Any]
    """Every field the client sent (and defaults), global ids decoded to database ids."""
    context: Any = None
    """The request's context, for handlers that need a request-scoped component (analyses)."""

    @property
    def id(self) -> int:
        return int(self.fields["id"])

    @property
    def changes(self) -> dict[str, Any]:
        """The patch: what the client sent, less the id and version of the object it changes."""
        return {k: v for k, v in self.fields.items() if k not in ("id", "version")}


@dataclass(frozen=True, slots=True)
class ObjectChange:
    """One row a mutation created, changed or deleted, with its columns before and after."""

    kind: str  # created | updated | deleted
    table: str
    id: Any
    before: dict[str, Any]
    after: dict[str, Any]
    type_name: str = ""
    """The model's class name, which is also its GraphQL type's (global ids use it)."""


@dataclass(slots=True)
class MutationEvent:
    """What hooks see: who runs which operation with what, and (after) what it touched."""

    operation: str
    actor: Actor
    session: SerialSession
    input: Any
    fields: dict[str, Any]
    changes: list[ObjectChange] = field(default_factory=list)
    result: Any = None


Hook = Callable[[MutationEvent], Awaitable[None]]
_BEFORE: list[Hook] = []
_AFTER: list[Hook] = []


def before_mutation(hook: Hook) -> Hook:
    """Run `hook` before every mutation's handler, inside its transaction (it may refuse)."""
    _BEFORE.append(hook)
    return hook


def after_mutation(hook: Hook) -> Hook:
    """Run `hook` after every successful mutation, inside its transaction, with its changes."""
    _AFTER.append(hook)
    return hook


def _columns(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    return {attr.key: attr.value for attr in state.attrs if attr.key in state.mapper.columns}


class _Recorder:
    """Records every row flushed while a mutation runs (ORM units of work, not bulk SQL)."""

    def __init__(self) -> None:
        self.changes: dict[tuple[str, Any], ObjectChange] = {}

    def __call__(self, session: Session, _context: Any) -> None:
        for obj in session.new:
            self._record("created", obj, {}, _columns(obj))
        for obj in session.dirty:
            before, after = self._diff(obj)
            if after:
                self._record("updated", obj, before, after)
        for obj in session.deleted:
            self._record("deleted", obj, _columns(obj), {})

    @staticmethod
    def _diff(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        state = inspect(obj)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for key in state.mapper.columns.keys():  # noqa: SIM118 - a ColumnCollection
            history = state.attrs[key].history
            if history.added or history.deleted:
                before[key] = history.deleted[0] if history.deleted else None
                after[key] = history.added[0] if history.added else None
        return before, after

    def _record(self, kind: str, obj: Any, before: dict[str, Any], after: dict[str, Any]) -> None:
        mapper = inspect(obj).mapper
        table = mapper.local_table.name
        ident = getattr(obj, "id", None)
        previous = self.changes.get((table, ident))
        if previous is not None:
            # Flushed twice in one mutation: keep the first "before" and the latest "after".
            kind = previous.kind if previous.kind == "created" else kind
            before = {**before, **previous.before}
            after = {**previous.after, **after}
        type_name = mapper.class_.__name__
        self.changes[(table, ident)] = ObjectChange(kind, table, ident, before, after, type_name)


@contextmanager
def recording(session: SerialSession) -> Iterator[_Recorder]:
    """Record every row flushed by `session` inside the block (for writes outside mutations,
    such as the CLI's, to be audited as the pipeline audits mutations)."""
    recorder = _Recorder()
    sa_event.listen(session.sync_session, "after_flush", recorder)
    try:
        yield recorder
    finally:
        sa_event.remove(session.sync_session, "after_flush", recorder)


def _user_errors(exc: BaseException) -> list[UserError]:
    if isinstance(exc, DomainError):
        return exc.to_user_errors()
    if isinstance(exc, StaleDataError):
        message = "The object was changed by someone else meanwhile; reload it and try again."
        return [UserError(field="version", message=message, code=ErrorCode.CONFLICT)]
    assert isinstance(exc, IntegrityError)
    return [integrity_user_error(exc)]


async def run(
    info: Info,
    operation: str,
    input: Any,
    handler: Callable[[Call[Any]], Awaitable[T]],
    refs: dict[str, str] | None = None,
) -> tuple[T | None, list[UserError]]:
    """Run one mutation through the pipeline: its value, or the errors that explain why not."""
    ctx = info.context
    fields, errors = read_input(input, refs)
    errors += text_problems(input)
    if errors:
        return None, errors
    session: SerialSession = ctx.session
    call = Call(operation, session, ctx.actor, input, fields, ctx)
    mutation_event = MutationEvent(operation, ctx.actor, session, input, fields)
    recorder = _Recorder()
    # Reads cached earlier in the request may be stale once anything changes.
    ctx.loaders.clear()
    ctx.extras.clear()
    sa_event.listen(session.sync_session, "after_flush", recorder)
    try:
        async with session.savepoint():
            for hook in _BEFORE:
                await hook(mutation_event)
            value = await handler(call)
            await session.flush()
            mutation_event.changes = list(recorder.changes.values())
            mutation_event.result = value
            for hook in _AFTER:
                await hook(mutation_event)
    except (DomainError, StaleDataError, IntegrityError) as exc:
        return None, _user_errors(exc)
    except PermissionDenied as exc:
        note_refusal(ctx, Refusal(operation, exc.code.value, exc.reason, exc.message))
        raise
    finally:
        sa_event.remove(session.sync_session, "after_flush", recorder)
        ctx.loaders.clear()
        ctx.extras.clear()
    return value, []


@dataclass(frozen=True, slots=True)
class _Result:
    """Where a payload carries the mutation's value, and how a model becomes that value."""

    field: str
    convert: Callable[[Any], Any]


def _result_of(payload: type, convert: Callable[[Any], Any] | None) -> _Result:
    definition = payload.__strawberry_definition__  # type: ignore[attr-defined]
    # Fields with their own resolver (derived from the value) are not where the value goes.
    fields = [f for f in definition.fields if f.python_name != "errors" and f.base_resolver is None]
    if len(fields) != 1:
        raise TypeError(f"{payload.__name__} must carry one value besides errors")
    value_field: StrawberryField = fields[0]
    if convert is None:
        target = value_field.type
        if isinstance(target, StrawberryOptional):
            target = target.of_type
        from_model = getattr(target, "from_model", None)
        convert = from_model if callable(from_model) else (lambda value: value)
    return _Result(value_field.python_name, convert)


def mutation(
    operation: str,
    *,
    payload: type,
    convert: Callable[[Any], Any] | None = None,
    refs: dict[str, str] | None = None,
    description: str | None = None,
) -> Callable[[Callable[[Call[Any]], Awaitable[Any]]], Any]:
    """Declare a mutation: its policy row (`operation`), its payload, and a handler taking a
    `Call[InputType]` (the input type is read from the annotation) and returning the model the
    payload carries (converted with the payload type's `from_model` unless `convert` is given).
    `refs` names the type of the input's shared id fields (`ref(None)`), e.g. {"id": "Team"}."""

    def declare(handler: Callable[[Call[Any]], Awaitable[Any]]) -> Any:
        hints = typing.get_type_hints(handler)
        call_type = next(iter(hints.values()))
        (input_type,) = typing.get_args(call_type)
        check_declared(input_type, refs)
        result: list[_Result] = []

        async def resolver(info: Info, input: Any) -> Any:
            if not result:
                result.append(_result_of(payload, convert))
            value, errors = await run(info, operation, input, handler, refs)
            spec = result[0]
            converted = None if value is None else spec.convert(value)
            return payload(**{spec.field: converted, "errors": errors})

        resolver.__annotations__ = {"info": Info, "input": input_type, "return": payload}
        resolver.__name__ = handler.__name__
        resolver.__doc__ = handler.__doc__
        return strawberry.mutation(
            resolver=resolver,
            permission_classes=[allowed(operation)],
            description=description or (handler.__doc__ or "").strip() or None,
        )

    return declare


@contextmanager
def unrecorded(session: SerialSession) -> Iterator[None]:
    """Flush inside the block without the running mutation recording it: for work that is
    rolled back to a savepoint before the mutation ends (an import's dry run), so the audit
    log never lists changes that were not made."""
    listeners = [
        fn for fn in session.sync_session.dispatch.after_flush if isinstance(fn, _Recorder)
    ]
    for fn in listeners:
        sa_event.remove(session.sync_session, "after_flush", fn)
    try:
        yield
    finally:
        for fn in listeners:
            sa_event.listen(session.sync_session, "after_flush", fn)
