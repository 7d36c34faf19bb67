"""Errors with stable codes.

Expected failures (validation, conflict, not found) raised by services as `DomainError` become
`errors: [UserError!]!` data in mutation payloads, or top-level errors with `extensions.code` in
queries. Authentication and permission failures are always top-level.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum

import strawberry


@strawberry.enum(description="Stable machine-readable error codes.")
class ErrorCode(Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    CONFLICT = "CONFLICT"
    SELF_REFERENCE = "SELF_REFERENCE"
    CYCLE = "CYCLE"
    INVALID_DATE_RANGE = "INVALID_DATE_RANGE"
    INVALID_STATE = "INVALID_STATE"
    ARCHIVED = "ARCHIVED"
    OVERLAP = "OVERLAP"
    BAD_PAGINATION = "BAD_PAGINATION"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INTERNAL = "INTERNAL"
    # Hostile or careless input (core.validation_inputs).
    TOO_LONG = "TOO_LONG"
    INVALID_TIMEZONE = "INVALID_TIMEZONE"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    # An enforced quality gate (quality.gates): a check, a criterion or the data is not ready.
    GATE_NOT_MET = "GATE_NOT_MET"
    DATA_NOT_READY = "DATA_NOT_READY"
    # An enforced WIP limit (quality.wip): the status already holds as many items as allowed.
    WIP_LIMIT_REACHED = "WIP_LIMIT_REACHED"
    # An external service Syncpoint talks to (the experiment tracking server) cannot be reached.
    TRACKING_UNAVAILABLE = "TRACKING_UNAVAILABLE"


@strawberry.type(description="An expected failure of a mutation; nothing was changed.")
class UserError:
    field: str | None = strawberry.field(description="Input field at fault, in camelCase.")
    message: str
    code: ErrorCode


class SyncpointError(Exception):
    """Base of every error Syncpoint raises on purpose; carries a stable code."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str, *, field: str | None = None, code: ErrorCode | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def to_user_error(self) -> UserError:
        return UserError(field=self.field, message=self.message, code=self.code)

    def to_user_errors(self) -> list[UserError]:
        return [self.to_user_error()]


class DomainError(SyncpointError):
    """A rule of the domain refused the request."""

    code = ErrorCode.INVALID


class Invalid(DomainError):
    """Several problems with one request, reported together (each with its field)."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__(
            "; ".join(e.message for e in errors), field=errors[0].field if errors else None
        )
        self.errors = errors

    def to_user_errors(self) -> list[UserError]:
        return list(self.errors)


class Problems:
    """Collects every problem of an input so they are reported at once, not one per round trip."""

    def __init__(self) -> None:
        self.errors: list[UserError] = []

    def add(self, field: str | None, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        self.errors.append(UserError(field=field, message=message, code=code))

    def require(self, value: object, field: str, message: str) -> None:
        """Record a REQUIRED problem when `value` is missing (None or blank text)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(field, message, ErrorCode.REQUIRED)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise Invalid(list(self.errors))

    @contextmanager
    def catch(self) -> Iterator[None]:
        """Record a `DomainError` raised inside the block instead of stopping at it, so the
        checks after it still run: `with problems.catch(): name = check_name(name)`."""
        try:
            yield
        except DomainError as exc:
            self.errors.extend(exc.to_user_errors())


class NotFoundError(DomainError):
    code = ErrorCode.NOT_FOUND


class ConflictError(DomainError):
    code = ErrorCode.CONFLICT


class DuplicateError(DomainError):
    code = ErrorCode.DUPLICATE


class AuthenticationRequired(SyncpointError):
    code = ErrorCode.UNAUTHENTICATED


class PermissionDenied(SyncpointError):
    """Refused by the role (`reason="ROLE"`) or by the scope of a role (`reason="SCOPE"`)."""

    code = ErrorCode.FORBIDDEN

    def __init__(self, message: str, *, reason: str = "ROLE") -> None:
        super().__init__(message)
        self.reason = reason


class BadPagination(SyncpointError):
    code = ErrorCode.BAD_PAGINATION


def require_found(obj: object, kind: str, ident: object, field: str | None = "id") -> None:
    """Raise NOT_FOUND for a missing object (or one the actor may not see)."""
    if obj is None:
        raise NotFoundError(f"{kind} {ident} does not exist.", field=field)


def check_version(actual: int, expected: int | None, kind: str) -> None:
    """Refuse an update that was prepared against a stale version of the object."""
    if expected is not None and actual != expected:
        raise ConflictError(
            f"{kind} was changed by someone else (version {actual}, you sent {expected}); "
            "reload it and apply your change again.",
            field="version",
        )
