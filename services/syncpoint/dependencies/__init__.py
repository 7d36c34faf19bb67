"""Cross-team dependencies between items, and integration points where work comes together."""
