"""Global (Relay) ids in inputs: decode them to database ids, refusing ids of the wrong type."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry import relay

from syncpoint.core.errors import NotFoundError

# Database ids are positive 64-bit integers: at most 19 ASCII digits.
_MAX_DIGITS = 18


class GlobalIdError(ValueError):
    """A global id that is not the id of an object of the expected type."""


def is_database_id(node_id: str) -> bool:
    """A node id that can be a database id: 1 to 18 ASCII digits (not '١٢', not 20 digits,
    which int() would take and the database would overflow on)."""
    return node_id.isascii() and node_id.isdigit() and 0 < len(node_id) <= _MAX_DIGITS


def node_int(node_id: object) -> int:
    """The database id of a node id; -1 (matches no row) for one that cannot be."""
    text = str(node_id)
    return int(text) if is_database_id(text) else -1


def decode_global_id(gid: relay.GlobalID, type_name: str) -> int:
    """The database id inside a global id of `type_name`; GlobalIdError for anything else."""
    node_id = gid.node_id
    if gid.type_name != type_name or not is_database_id(node_id):
        raise GlobalIdError(f"{gid} is not the id of a {type_name}.")
    return int(node_id)


def decode_id(gid: relay.GlobalID, type_name: str, field: str = "id") -> int:
    """The integer id inside a global id of `type_name`; NOT_FOUND for any other id."""
    try:
        return decode_global_id(gid, type_name)
    except GlobalIdError as exc:
        raise NotFoundError(str(exc), field=field) from exc


def decode_ids(gids: Sequence[relay.GlobalID], type_name: str, field: str) -> list[int]:
    """The ids of a list of global ids, at most MAX_IDS of them (a coded error beyond)."""
    from syncpoint.core.validation_inputs import id_list

    return [decode_id(gid, type_name, field) for gid in id_list(gids, field)]


def decode_optional(gid: relay.GlobalID | None, type_name: str, field: str) -> int | None:
    return None if gid is None else decode_id(gid, type_name, field)
