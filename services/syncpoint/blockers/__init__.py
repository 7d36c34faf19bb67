"""Blockers (impediments) on items or teams, with escalation and a never-lost history."""

from syncpoint.blockers import handlers as handlers  # noqa: E402  registers the event handlers
