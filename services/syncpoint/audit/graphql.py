"""GraphQL face of the audit log: `auditLog(filter:)` for ADMIN and DIRECTOR, newest first.

Entries are read-only through the API: there is no mutation that changes or deletes one
(retention is the operator's `syncpoint audit prune`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from syncpoint.audit import models
from syncpoint.audit.service import AuditFilter, entries_query
from syncpoint.core.auth import POLICY, Access, Role, allowed, query_policy
from syncpoint.core.context import Info
from syncpoint.core.errors import ErrorCode, PermissionDenied, SyncpointError
from syncpoint.core.ids import GlobalIdError, decode_global_id, decode_id
from syncpoint.core.pagination import Connection, PageArgs, SortKey, paginate
from syncpoint.teams.graphql.types import PersonType

AUDIT_LOG = query_policy("auditLog", admin=Access.ANY, director=Access.ANY)

AuditKind = strawberry.enum(models.AuditKind, description="A change, or a refused action.")


@strawberry.enum(description="What a change did to one object.")
class ChangeKind(Enum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


@strawberry.type(description="One field of an object, before and after a change.")
class AuditFieldChange:
    name: str
    before: JSON | None
    after: JSON | None


@strawberry.type(
    name="AuditObjectChange", description="One object a change created, updated or deleted."
)
class ObjectChangeType:
    object_id: relay.GlobalID = strawberry.field(description="The object's global id.")
    type_name: str
    kind: ChangeKind
    fields: list[AuditFieldChange]

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ObjectChangeType:
        before: dict[str, Any] = raw.get("before") or {}
        after: dict[str, Any] = raw.get("after") or {}
        names = sorted(set(before) | set(after))
        return cls(
            object_id=relay.GlobalID(str(raw["type"]), str(raw["id"])),
            type_name=str(raw["type"]),
            kind=ChangeKind(raw["kind"]),
            fields=[
                AuditFieldChange(name=n, before=before.get(n), after=after.get(n)) for n in names
            ],
        )


@strawberry.type(description="Who acted: a person's token, or a named system actor (CLI).")
class AuditActor:
    person_id: strawberry.Private[int | None]
    token_id: int | None
    role: Role | None
    system: str | None = strawberry.field(description="e.g. `cli` for the syncpoint command.")

    @strawberry.field
    async def person(self, info: Info) -> PersonType | None:
        if self.person_id is None:
            return None
        (found,) = await PersonType.resolve_nodes(info=info, node_ids=[str(self.person_id)])
        return found


def _can_read(info: Info) -> bool:
    role = info.context.actor.role
    return role is not None and POLICY[AUDIT_LOG][role] is not Access.NO


@strawberry.type(name="AuditEntry", description="One accepted change or refused action.")
class AuditEntryType(relay.Node):
    id: relay.NodeID[int]
    at: datetime
    kind: AuditKind  # type: ignore[valid-type]
    operation: str
    actor: AuditActor
    reason: str | None = strawberry.field(description="Why the action was refused.")
    note: str | None = strawberry.field(description="Summary of a bulk write (CLI loads).")
    changes: list[ObjectChangeType]

    @classmethod
    def from_model(cls, m: models.AuditEntry) -> AuditEntryType:
        return cls(
            id=m.id,
            at=m.at,
            kind=m.kind,
            operation=m.operation,
            actor=AuditActor(
                person_id=m.actor_person_id,
                token_id=m.actor_token_id,
                role=Role(m.actor_role) if m.actor_role else None,
                system=m.actor_system,
            ),
            reason=m.reason,
            note=m.note,
            changes=[ObjectChangeType.from_json(c) for c in m.changes or []],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[AuditEntryType | None]:
        """`node(id:)` answers entries only to the roles that may read the log."""
        ids = [int(i) if str(i).isdigit() else -1 for i in node_ids]
        if not _can_read(info):
            return [None for _ in ids]
        rows = await info.context.session.scalars(
            entries_query(AuditFilter()).where(models.AuditEntry.id.in_(ids))
        )
        found = {row.id: row for row in rows}
        return [cls.from_model(found[i]) if i in found else None for i in ids]


@strawberry.input(description="Every condition given must hold; `from` inclusive, `to` exclusive.")
class AuditLogFilter:
    actor: relay.GlobalID | None = strawberry.field(default=None, description="A Person's id.")
    operation: str | None = None
    object_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Entries that touched this object (any type)."
    )
    kind: AuditKind | None = None  # type: ignore[valid-type]
    from_: datetime | None = strawberry.field(default=None, name="from")
    to: datetime | None = None


def _filter(f: AuditLogFilter) -> AuditFilter:
    object_type = object_id = None
    if f.object_id is not None:
        try:
            object_id = decode_global_id(f.object_id, f.object_id.type_name)
        except GlobalIdError as exc:
            raise SyncpointError(str(exc), field="filter.objectId", code=ErrorCode.INVALID) from exc
        object_type = f.object_id.type_name
    for name, value in (("from", f.from_), ("to", f.to)):
        if value is not None and value.tzinfo is None:
            raise SyncpointError(
                f"{name} needs a time zone (e.g. 2026-12-01T00:00:00Z).",
                field=f"filter.{name}",
                code=ErrorCode.INVALID,
            )
    return AuditFilter(
        actor_person_id=None if f.actor is None else decode_id(f.actor, "Person", "filter.actor"),
        operation=f.operation,
        object_type=object_type,
        object_id=object_id,
        kind=f.kind,
        start=f.from_,
        end=f.to,
    )


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="Who changed what and which actions were refused, newest first "
        "(ADMIN and DIRECTOR).",
        permission_classes=[allowed(AUDIT_LOG)],
    )
    async def audit_log(
        self,
        info: Info,
        filter: AuditLogFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AuditEntryType]:
        ctx = info.context
        stmt = entries_query(_filter(filter or AuditLogFilter()))
        return await paginate(
            ctx.session,
            stmt,
            [
                SortKey(models.AuditEntry.at, descending=True),
                SortKey(models.AuditEntry.id, descending=True),
            ],
            PageArgs(first, after, last, before),
            AuditEntryType.from_model,
            max_page=ctx.settings.max_page_size,
        )


async def object_history(
    info: Info, type_name: str, object_id: int, first: int | None, after: str | None
) -> Connection[AuditEntryType]:
    """An object's `history`: the audit entries that touched it, newest first, for the roles
    that may read the audit log (its history is part of it)."""
    if not _can_read(info):
        role = info.context.actor.role
        raise PermissionDenied(
            f"Role {role.value if role else 'anonymous'} may not read the audit log (history)."
        )
    stmt = entries_query(AuditFilter(object_type=type_name, object_id=object_id))
    return await paginate(
        info.context.session,
        stmt,
        [
            SortKey(models.AuditEntry.at, descending=True),
            SortKey(models.AuditEntry.id, descending=True),
        ],
        PageArgs(first, after, None, None),
        AuditEntryType.from_model,
        max_page=info.context.settings.max_page_size,
    )
