"""Today's date. One place, so that "as of" defaults agree across the API, CLI and analysis."""

from __future__ import annotations

from datetime import UTC, date, datetime


def today() -> date:
    """The current calendar date in UTC."""
    return datetime.now(UTC).date()
