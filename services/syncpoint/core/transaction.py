"""One transaction per HTTP request, all or nothing for a document's mutations.

A document may hold several mutations (`a: raiseBlocker ... b: updateTeam ...`). They run in
order in the request's one transaction, each in its own SAVEPOINT (core.mutations). If any of
them ends in a top-level error (refused, or a bug), the whole document is rolled back and every
other mutation is reported `ROLLED_BACK`: nothing is stored whose result the client did not
get. Expected failures (`errors` in a payload) undo only their own mutation, which says so.

On SQLite a mutation document takes the write lock before its first mutation
(`core.db.begin_write`), so concurrent writers wait their turn instead of failing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from graphql import FieldNode, GraphQLError, InlineFragmentNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from syncpoint.core.db import SerialSession, begin_write
from syncpoint.core.faults import DATABASE_UNAVAILABLE, is_database_fault

log = logging.getLogger("syncpoint.transaction")

ROLLED_BACK = "ROLLED_BACK"
# session.info key: the response keys of a mutation document's top-level fields.
_MUTATION_FIELDS = "syncpoint_mutation_fields"


def _top_level_keys(operation: OperationDefinitionNode | None) -> list[str]:
    keys: list[str] = []
    selections = list(operation.selection_set.selections) if operation else []
    while selections:
        node = selections.pop(0)
        if isinstance(node, FieldNode):
            keys.append((node.alias or node.name).value)
        elif isinstance(node, InlineFragmentNode):
            selections[:0] = node.selection_set.selections
    return keys


def _operation(document: Any, name: str | None) -> OperationDefinitionNode | None:
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name and definition.name.value == name)
        ):
            return definition
    return None


class DocumentTransaction(SchemaExtension):
    """Marks a mutation document on its request session and takes the write lock for it."""

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        session = _request_session(ctx.context)
        if session is not None:
            try:
                is_mutation = ctx.operation_type is OperationType.MUTATION
            except Exception:  # no operation to run: execution reports it
                is_mutation = False
            if is_mutation:
                operation = _operation(ctx.graphql_document, ctx.operation_name)
                session.info[_MUTATION_FIELDS] = _top_level_keys(operation)
                await begin_write(session)
        yield


def _request_session(context: Any) -> SerialSession | None:
    # Only an HTTP request's context owns a session (a WebSocket's opens one per event).
    from syncpoint.core.context import Context

    return context.session if isinstance(context, Context) else None


def _rolled_back(result: ExecutionResult, keys: list[str]) -> ExecutionResult:
    errors = list(result.errors or [])
    if any(not error.path for error in errors):
        # The document as a whole failed (before any field ran): its error says it all.
        return ExecutionResult(data=None, errors=errors, extensions=result.extensions)
    failed = {error.path[0] for error in errors if error.path}
    for key in keys:
        if key not in failed:
            error = GraphQLError(
                "Not saved: another mutation of this document failed, so the whole document "
                "was rolled back. Fix it and send the document again.",
                path=[key],
                extensions={"code": ROLLED_BACK},
            )
            errors.append(error)
    return ExecutionResult(data=None, errors=errors, extensions=result.extensions)


async def _quiet_rollback(session: SerialSession) -> None:
    try:
        await session.rollback()
    except Exception:  # the connection is gone: closing the session discards it
        log.warning("rollback failed", exc_info=True)


async def end_document(session: SerialSession, result: ExecutionResult) -> ExecutionResult:
    """Commit the request's work, or roll back all of a mutation document that failed."""
    keys = session.info.pop(_MUTATION_FIELDS, None)
    if keys is not None and result.errors:
        await _quiet_rollback(session)
        return _rolled_back(result, keys)
    if keys is None:
        # A read: what it read stands whatever happens to its transaction (never CONFLICT).
        try:
            await session.commit()
        except Exception:
            log.warning("ending a read transaction failed", exc_info=True)
            await _quiet_rollback(session)
        return result
    try:
        await session.commit()
    except Exception as exc:
        await _quiet_rollback(session)
        if is_database_fault(exc):
            log.warning("commit failed: database unavailable (%s)", type(exc).__name__)
            error = GraphQLError(
                "The database failed while saving; the change was not acknowledged. "
                "Read the object before you try again.",
                extensions={"code": DATABASE_UNAVAILABLE},
            )
        else:
            log.exception("commit failed")
            error = GraphQLError(
                "The change could not be saved; nothing was changed.",
                extensions={"code": "CONFLICT"},
            )
        return ExecutionResult(data=None, errors=[error])
    return result
