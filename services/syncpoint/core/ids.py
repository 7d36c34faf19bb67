"""Global (Relay) ids in inputs: decode them to database ids, refusing ids of the wrong type."""

from __future__ import annotations

from strawberry import relay

from syncpoint.core.errors import NotFoundError

# Database ids are positive 64-bit integers: at most 19 ASCII digits.
_MAX_DIGITS = 18


class GlobalIdError(ValueError):
    """A global id that is not the id of an object of the expected type."""


def decode_global_id(gid: relay.GlobalID, type_name: str) -> int:
    """The database id inside a global id of `type_name`; GlobalIdError for anything else."""
    node_id = gid.node_id
    valid = node_id.isascii() and node_id.isdigit() and 0 < len(node_id) <= _MAX_DIGITS
    if gid.type_name != type_name or not valid:
        raise GlobalIdError(f"{gid} is not the id of a {type_name}.")
    return int(node_id)


def decode_id(gid: relay.GlobalID, type_name: str, field: str = "id") -> int:
    """The integer id inside a global id of `type_name`; NOT_FOUND for any other id."""
    try:
        return decode_global_id(gid, type_name)
    except GlobalIdError as exc:
        raise NotFoundError(str(exc), field=field) from exc


def decode_optional(gid: relay.GlobalID | None, type_name: str, field: str) -> int | None:
    return None if gid is None else decode_id(gid, type_name, field)
