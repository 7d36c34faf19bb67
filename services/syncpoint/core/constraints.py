"""Turn a database constraint failure into the user error it stands for.

Constraints are named by the metadata's naming convention (core/models.py), so the name (given
by PostgreSQL, and by SQLite for CHECK) or the table and columns (SQLite's UNIQUE / NOT NULL
messages) identify the constraint: unique -> DUPLICATE, foreign key -> NOT_FOUND, check ->
INVALID, not null -> REQUIRED, each on the input field of its column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from syncpoint.core.errors import ErrorCode, UserError
from syncpoint.core.inputs import camel
from syncpoint.core.models import Base

# SQLSTATE classes of integrity violations (PostgreSQL; asyncpg exposes them as `sqlstate`).
_SQLSTATE = {
    "23505": "unique",
    "23503": "foreign_key",
    "23514": "check",
    "23502": "not_null",
}
_SQLITE = re.compile(r"(UNIQUE|NOT NULL|CHECK|FOREIGN KEY) constraint failed(?::\s*(.*))?")


@dataclass(frozen=True, slots=True)
class Violation:
    kind: str  # unique | foreign_key | check | not_null | unknown
    constraint: str | None
    table: str | None
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Known:
    kind: str
    table: str
    columns: tuple[str, ...]


def _constraints() -> dict[str, _Known]:
    """Every named constraint of the models mapped so far, by name.

    Core knows no context: it reads the shared metadata every context's models register on,
    and reads it again when more tables have been mapped since."""
    return _constraints_of(len(Base.metadata.tables))


@cache
def _constraints_of(_tables: int) -> dict[str, _Known]:
    known: dict[str, _Known] = {}
    kinds = {UniqueConstraint: "unique", ForeignKeyConstraint: "foreign_key"}
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            kind = (
                "check" if isinstance(constraint, CheckConstraint) else kinds.get(type(constraint))
            )
            if kind is None or not isinstance(constraint.name, str):
                continue
            columns = tuple(c.name for c in constraint.columns)  # type: ignore[attr-defined]
            known[constraint.name] = _Known(kind, table.name, columns)
        for index in table.indexes:
            if index.unique and isinstance(index.name, str):
                known[index.name] = _Known(
                    "unique", table.name, tuple(c.name for c in index.columns)
                )
    return known


def _unique_by_columns(table: str, columns: tuple[str, ...]) -> str | None:
    for name, known in _constraints().items():
        if known.kind == "unique" and known.table == table and known.columns == columns:
            return name
    return None


def violation(exc: IntegrityError) -> Violation:
    """What an integrity error says: which kind of constraint, on which table and columns."""
    original = exc.orig
    cause = getattr(original, "__cause__", None) or original
    sqlstate = getattr(cause, "sqlstate", None) or getattr(original, "sqlstate", None)
    if sqlstate in _SQLSTATE:
        name = getattr(cause, "constraint_name", None)
        known = _constraints().get(name) if name else None
        column = getattr(cause, "column_name", None)
        table = getattr(cause, "table_name", None)
        columns = known.columns if known else ((column,) if column else ())
        return Violation(_SQLSTATE[sqlstate], name, known.table if known else table, columns)
    match = _SQLITE.search(str(original))
    if match is None:
        return Violation("unknown", None, None, ())
    kind = {"UNIQUE": "unique", "NOT NULL": "not_null", "CHECK": "check"}.get(
        match.group(1), "foreign_key"
    )
    detail = (match.group(2) or "").strip()
    if kind == "check":
        known = _constraints().get(detail)
        return Violation(
            kind, detail or None, known.table if known else None, known.columns if known else ()
        )
    if kind in ("unique", "not_null") and detail:
        pairs = [part.strip().split(".", 1) for part in detail.split(",")]
        table = pairs[0][0]
        columns = tuple(p[1] for p in pairs if len(p) == 2)
        name = _unique_by_columns(table, columns) if kind == "unique" else None
        return Violation(kind, name, table, columns)
    return Violation(kind, None, None, ())


def _field(columns: tuple[str, ...]) -> str | None:
    # The column a person typed is the one that is not a reference (team_id, key -> key).
    plain = [c for c in columns if not c.endswith("_id")]
    chosen = (plain or list(columns))[-1:] if columns else []
    return camel(chosen[0]) if chosen else None


def integrity_user_error(exc: IntegrityError) -> UserError:
    """The user error a constraint failure stands for, with the code and field of its column."""
    v = violation(exc)
    field = _field(v.columns)
    what = f" ({v.constraint})" if v.constraint else ""
    if v.kind == "unique":
        names = ", ".join(camel(c) for c in v.columns) or "a unique value"
        message = f"Another object already has this {names}{what}."
        return UserError(field=field, message=message, code=ErrorCode.DUPLICATE)
    if v.kind == "foreign_key":
        message = f"A referenced object does not exist (or was removed meanwhile){what}."
        return UserError(field=field, message=message, code=ErrorCode.NOT_FOUND)
    if v.kind == "not_null":
        return UserError(
            field=field, message=f"{field or 'A value'} is required.", code=ErrorCode.REQUIRED
        )
    if v.kind == "check":
        message = f"A value is outside what is allowed{what}."
        return UserError(field=field, message=message, code=ErrorCode.INVALID)
    message = "The change clashes with data saved meanwhile; reload and try again."
    return UserError(field=None, message=message, code=ErrorCode.CONFLICT)
