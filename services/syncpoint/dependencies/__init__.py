"""Cross-team dependencies between items, and integration points where work comes together."""

from syncpoint.dependencies import handlers as handlers  # noqa: E402  registers the event handlers
