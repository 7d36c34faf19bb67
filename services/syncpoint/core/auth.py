"""Who is calling, and the declared policy of who may do what.

Every mutation declares a row of `POLICY` (role -> access) with `policy(...)`; the GraphQL layer
checks the row before the resolver runs (`Allowed`), services check the OWN scope again against the
object (`Actor.require_team`), and the README's permission table is generated from the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.permission import BasePermission

from syncpoint.core.errors import AuthenticationRequired, PermissionDenied
from syncpoint.core.refusals import Refusal, note_refusal

if TYPE_CHECKING:  # core.context imports this module
    from syncpoint.core.context import Info


@strawberry.enum(description="What a token lets its holder do (one role per token).")
class Role(Enum):
    ADMIN = "ADMIN"
    DIRECTOR = "DIRECTOR"
    TEAM_MEMBER = "TEAM_MEMBER"
    PLATFORM_OWNER = "PLATFORM_OWNER"
    FACILITATOR = "FACILITATOR"
    VIEWER = "VIEWER"


class Access(Enum):
    ANY = "yes"
    OWN = "own"
    NO = "-"


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller of one request. Scopes (teams) are derived from the person's live memberships."""

    role: Role | None
    person_id: int | None = None
    token_id: int | None = None
    team_ids: frozenset[int] = field(default_factory=frozenset)
    system: str | None = None
    """A named system actor (a token without a person, the CLI), as the audit log names it."""

    @property
    def is_anonymous(self) -> bool:
        return self.role is None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def require_access(self, operation: str) -> Access:
        """Access of this actor to a declared operation; raises when it has none."""
        if self.role is None:
            raise AuthenticationRequired(AUTHENTICATION_REQUIRED)
        access = POLICY[operation].get(self.role, Access.NO)
        if access is Access.NO:
            raise PermissionDenied(f"Role {self.role.value} may not {operation}.")
        return access

    def require_team(self, operation: str, team_id: int) -> None:
        """Check the OWN scope: a scoped role may act only on teams the person belongs to."""
        if self.require_access(operation) is Access.OWN and team_id not in self.team_ids:
            role = self.role.value if self.role else "-"
            raise PermissionDenied(
                f"Role {role} may {operation} only for its own teams.", reason="SCOPE"
            )

    def require_any_team(self, operation: str, team_ids: set[int]) -> None:
        """OWN scope over an object that concerns several teams: one of them must be the actor's."""
        if self.require_access(operation) is Access.OWN and not (team_ids & self.team_ids):
            raise PermissionDenied(
                f"{operation} is allowed only when one of your teams is involved.", reason="SCOPE"
            )


ANONYMOUS = Actor(role=None)

# operation name (the GraphQL mutation name) -> role -> access. Filled by `policy()` at import.
POLICY: dict[str, dict[Role, Access]] = {}


# Operations that only read; anonymous callers may run them when the setting allows it.
READ_OPERATIONS: set[str] = set()


def policy(operation: str, **access: Access) -> str:
    """Declare who may run `operation`; keys are lower-case role names. Returns the name."""
    row = {role: Access.NO for role in Role}
    for key, value in access.items():
        row[Role[key.upper()]] = value
    if operation in POLICY and POLICY[operation] != row:
        raise ValueError(f"conflicting policy declarations for {operation}")
    POLICY[operation] = row
    return operation


# Every root query's operation: the READ_OPERATIONS and the queries only some roles may run.
QUERY_OPERATIONS: set[str] = set()


def read_policy(operation: str) -> str:
    """Declare a query every role may run (and anonymous callers when the setting allows)."""
    READ_OPERATIONS.add(operation)
    QUERY_OPERATIONS.add(operation)
    return policy(operation, **{role.name.lower(): Access.ANY for role in Role})


def query_policy(operation: str, **access: Access) -> str:
    """Declare a query only the named roles may run (never anonymous callers)."""
    QUERY_OPERATIONS.add(operation)
    return policy(operation, **access)


AUTHENTICATION_REQUIRED = "Authentication required: send Authorization: Bearer <token>."


def parse_bearer(value: str | None) -> str | None:
    """The secret of an ``Authorization: Bearer <secret>`` value; None for anything else.
    The one place a bearer credential is parsed, whatever the transport."""
    scheme, _, secret = (value or "").strip().partition(" ")
    secret = secret.strip()
    return secret if scheme.lower() == "bearer" and secret else None


def check_operation(actor: Actor, operation: str, *, allow_anonymous_read: bool) -> None:
    """The rule every transport applies before an operation runs: anonymous callers may run
    declared reads when the setting allows it, nothing else; a role runs what its row allows.
    Raises AuthenticationRequired or PermissionDenied (reason ROLE)."""
    if actor.is_anonymous:
        if operation in READ_OPERATIONS and allow_anonymous_read:
            return
        raise AuthenticationRequired(AUTHENTICATION_REQUIRED)
    assert actor.role is not None
    if POLICY[operation].get(actor.role, Access.NO) is Access.NO:
        raise PermissionDenied(f"Role {actor.role.value} may not {operation}.")


def allowed(operation: str) -> type[BasePermission]:
    """A permission class for a declared operation (checks the role's row, not the scope)."""

    class Allowed(BasePermission):
        def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
            actor: Actor = info.context.actor
            try:
                check_operation(
                    actor,
                    operation,
                    allow_anonymous_read=info.context.settings.allow_anonymous_read,
                )
            except PermissionDenied as exc:
                self.message = exc.message
                self.error_extensions = {"code": exc.code.value, "reason": exc.reason}
            except AuthenticationRequired as exc:
                self.message = exc.message
                self.error_extensions = {"code": exc.code.value}
            else:
                return True
            # A security event, except an anonymous read (which only lacks its token).
            if not (actor.is_anonymous and operation in READ_OPERATIONS):
                code = self.error_extensions["code"]
                reason = self.error_extensions.get("reason", "NO_TOKEN")
                note_refusal(info.context, Refusal(operation, code, reason, self.message))
            return False

    Allowed.__name__ = f"Allowed_{operation}"
    return Allowed


def policy_table_markdown() -> str:
    """The permission table (operation x role) as Markdown, for the README."""
    roles = list(Role)
    lines = [
        "| operation | kind | " + " | ".join(r.value for r in roles) + " | anonymous |",
        "|---|---|" + "|".join(":-:" for _ in roles) + "|:-:|",
    ]
    for operation in sorted(POLICY, key=lambda op: (op not in QUERY_OPERATIONS, op)):
        row = POLICY[operation]
        cells = " | ".join(row[r].value for r in roles)
        kind = "query" if operation in QUERY_OPERATIONS else "mutation"
        anonymous = "setting" if operation in READ_OPERATIONS else "-"
        lines.append(f"| `{operation}` | {kind} | {cells} | {anonymous} |")
    return "\n".join(lines)
