"""Writing the audit log: a hook after every mutation, a sink for refusals, and CLI writes."""

from __future__ import annotations

import decimal
import enum
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from syncpoint.audit.models import AuditEntry, AuditKind, AuditObject
from syncpoint.core.auth import Actor
from syncpoint.core.mutations import MutationEvent, ObjectChange, after_mutation
from syncpoint.core.refusals import Refusal, refusal_sink

# Never copied into the log: secrets and bookkeeping every update touches.
_REDACTED = "[redacted]"
_SKIPPED = frozenset({"updated_at"})
_AUDIT_TABLES = frozenset({"audit_log", "audit_log_objects"})


def _secret(column: str) -> bool:
    return column.endswith("_hash") or "secret" in column


def to_json(value: Any) -> Any:
    """A column value as JSON: dates and times in ISO 8601, enums by value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return to_json(value.value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(v) for v in value]
    return str(value)


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: _REDACTED if _secret(name) else to_json(value)
        for name, value in values.items()
        if name not in _SKIPPED
    }


def change_json(change: ObjectChange) -> dict[str, Any]:
    return {
        "type": change.type_name,
        "id": change.id,
        "kind": change.kind,
        "before": _columns(change.before),
        "after": _columns(change.after),
    }


def _actor_columns(actor: Actor, system: str | None = None) -> dict[str, Any]:
    return {
        "actor_person_id": actor.person_id,
        "actor_token_id": actor.token_id,
        "actor_role": actor.role.value if actor.role is not None else None,
        "actor_system": system or actor.system,
    }


def entry_for(
    actor: Actor,
    operation: str,
    changes: Iterable[ObjectChange],
    *,
    system: str | None = None,
    note: str | None = None,
) -> AuditEntry:
    """An audit entry of an accepted change (not yet added to a session)."""
    kept = [c for c in changes if c.table not in _AUDIT_TABLES]
    entry = AuditEntry(
        kind=AuditKind.CHANGE,
        operation=operation,
        note=note,
        changes=[change_json(c) for c in kept],
        **_actor_columns(actor, system),
    )
    seen: set[tuple[str, int]] = set()
    for change in kept:
        if isinstance(change.id, int) and (change.type_name, change.id) not in seen:
            seen.add((change.type_name, change.id))
            entry.objects.append(AuditObject(object_type=change.type_name, object_id=change.id))
    return entry


@after_mutation
async def record_mutation(event: MutationEvent) -> None:
    """Every accepted mutation writes its entry in its own transaction (its savepoint)."""
    event.session.add(entry_for(event.actor, event.operation, event.changes))


@refusal_sink
async def record_refusals(session: Any, actor: Actor, refusals: list[Refusal]) -> None:
    for refusal in refusals:
        session.add(
            AuditEntry(
                kind=AuditKind.REFUSAL,
                operation=refusal.operation,
                reason=f"{refusal.code}/{refusal.reason}: {refusal.message}",
                changes=[],
                **_actor_columns(actor),
            )
        )
