"""Database faults: told apart from the client's mistakes and answered as retryable.

A database that is down, restarting, locked for too long, or that killed the request's
connection is nobody's bug: the request answers HTTP 503 with `DATABASE_UNAVAILABLE` and a
`Retry-After`, whatever layer met the fault (authentication, a resolver, the commit). Errors
from the database never show their SQL or parameters to a client, in any environment.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    PendingRollbackError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger("syncpoint.faults")

DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
RETRY_AFTER_SECONDS = 1
UNAVAILABLE_MESSAGE = "The database is unavailable or busy; nothing was changed. Try again."
DATABASE_ERROR_MESSAGE = "Unexpected database error."

# asyncpg's and PostgreSQL's signs of a lost server or connection, for drivers that report
# them as a plain DBAPIError.
_PG_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57")


def is_database_fault(exc: BaseException | None) -> bool:
    """True for a failure of the database or of the connection to it (worth retrying)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | InterfaceError | DisconnectionError | PoolTimeout):
            return True
        if isinstance(exc, PendingRollbackError):
            # The session lost an earlier statement (a fault, or a cancelled task).
            return True
        if isinstance(exc, DBAPIError):
            if exc.connection_invalidated:
                return True
            sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
            if isinstance(sqlstate, str) and sqlstate[:2] in _PG_UNAVAILABLE_SQLSTATE_CLASSES:
                return True
        if isinstance(exc, ConnectionError | OSError) and not isinstance(exc, FileNotFoundError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def is_bad_value(exc: BaseException | None) -> bool:
    """The database refused a value the client sent (SQLSTATE class 22, "data exception":
    a NUL in text, a number out of range) that no check caught before."""
    orig = getattr(exc, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return isinstance(exc, DBAPIError) and isinstance(sqlstate, str) and sqlstate.startswith("22")


def is_database_error(exc: BaseException | None) -> bool:
    """Any error raised by SQLAlchemy or the driver (its message may quote SQL and values)."""
    return isinstance(exc, SQLAlchemyError)


def retry_headers() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}


def install_fault_handlers(app: FastAPI) -> None:
    """Answer a database failure outside GraphQL execution (authentication, the request's
    session) as coded JSON, never as a plain-text 500 or a closed connection."""

    async def database_failure(_request: Request, exc: Exception) -> JSONResponse:
        if is_database_fault(exc):
            log.warning("database unavailable: %s", type(exc).__name__)
            body = {"message": UNAVAILABLE_MESSAGE, "extensions": {"code": DATABASE_UNAVAILABLE}}
            return JSONResponse({"errors": [body]}, status_code=503, headers=retry_headers())
        log.error("database error", exc_info=exc)
        body = {"message": DATABASE_ERROR_MESSAGE, "extensions": {"code": "INTERNAL"}}
        return JSONResponse({"errors": [body]}, status_code=500)

    app.add_exception_handler(SQLAlchemyError, database_failure)
    app.add_exception_handler(ConnectionError, database_failure)
