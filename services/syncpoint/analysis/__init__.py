"""Pure analysis engine: cadences, date conventions, flags and dependency graphs (no DB, no I/O)."""
