"""Live updates: blocker events published after commit, to subscribers in any API process.

SQLite (one process): an in-process broadcast. PostgreSQL: NOTIFY inside the committing
transaction (PostgreSQL delivers it only if and when the transaction commits) and one LISTEN
connection per process that fans the notifications out to that process's subscribers. Payloads
carry ids only; subscribers read what they may see.
"""

from syncpoint.events.bus import EventBus, LocalBus, Subscription, make_event_bus
from syncpoint.events.messages import BlockerEventMessage
from syncpoint.events.pending import attach_bus, collect

__all__ = [
    "BlockerEventMessage",
    "EventBus",
    "LocalBus",
    "Subscription",
    "attach_bus",
    "collect",
    "make_event_bus",
]
