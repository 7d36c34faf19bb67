"""Blockers (impediments) on items or teams, with escalation and a never-lost history."""
