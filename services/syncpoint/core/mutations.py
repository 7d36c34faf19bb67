"""Running a mutation: one SAVEPOINT per mutation, expected failures returned as `UserError`s."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from strawberry.types import Info

from syncpoint.core.errors import DomainError, ErrorCode, UserError

T = TypeVar("T")


class Outcome(Generic[T]):
    """What a mutation did: a value, or the user errors that explain why nothing changed."""

    __slots__ = ("errors", "value")

    def __init__(self, value: T | None, errors: list[UserError]) -> None:
        self.value = value
        self.errors = errors


async def run_mutation(info: Info, action: Callable[[], Awaitable[T]]) -> Outcome[T]:
    """Run `action` in a savepoint; on a domain error undo it and report; on success drop caches.

    Permission errors propagate (top-level); a concurrent writer that won the race on a versioned
    row (StaleDataError) and a unique-constraint race (IntegrityError) become CONFLICT/DUPLICATE.
    """
    ctx = info.context
    # Reads cached earlier in the request may be stale once anything changes.
    ctx.loaders.clear()
    ctx.extras.clear()
    try:
        async with ctx.session.savepoint():
            value = await action()
    except DomainError as exc:
        return Outcome(None, [exc.to_user_error()])
    except StaleDataError:
        message = "The object was changed by someone else meanwhile; reload it and try again."
        return Outcome(None, [UserError(field="version", message=message, code=ErrorCode.CONFLICT)])
    except IntegrityError:
        message = (
            "The change clashes with data saved meanwhile (a duplicate or a vanished reference)."
        )
        return Outcome(None, [UserError(field=None, message=message, code=ErrorCode.DUPLICATE)])
    ctx.loaders.clear()
    ctx.extras.clear()
    return Outcome(value, [])


P = TypeVar("P")


async def mutate(
    info: Info,
    action: Callable[[], Awaitable[T]],
    payload: Callable[..., P],
    field: str,
    convert: Callable[[T], object],
) -> P:
    """Run a mutation and build its payload: `payload(<field>=convert(value), errors=[...])`."""
    out = await run_mutation(info, action)
    value = convert(out.value) if out.value is not None else None
    return payload(**{field: value, "errors": out.errors})
