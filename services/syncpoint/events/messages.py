"""What travels on the bus: ids only, so a payload never leaks what a subscriber may not see."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

CHANNEL = "syncpoint_blocker_events"


@dataclass(frozen=True, slots=True)
class BlockerEventMessage:
    """A row was appended to `blocker_events`: which one, about which blocker, team and forum."""

    event_id: int
    blocker_id: int
    team_id: int
    forum_id: int | None
    kind: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> BlockerEventMessage | None:
        """Parse a payload; None for anything malformed (a foreign NOTIFY on our channel)."""
        try:
            data: Any = json.loads(raw)
            forum = data["forum_id"]
            return cls(
                event_id=int(data["event_id"]),
                blocker_id=int(data["blocker_id"]),
                team_id=int(data["team_id"]),
                forum_id=None if forum is None else int(forum),
                kind=str(data["kind"]),
            )
        except (ValueError, TypeError, KeyError):
            return None
