"""Support of the ``syncpoint map`` command: the same map as the API, straight from a session."""

from __future__ import annotations

from datetime import date

from syncpoint.analysis.graph import MapLevel
from syncpoint.core.db import SerialSession
from syncpoint.core.errors import NotFoundError
from syncpoint.insights.analyses import Analyses
from syncpoint.insights.exports import MapFormat, render_off_loop
from syncpoint.insights.service import dependency_map_for
from syncpoint.teams import repository as teams_repo


async def export_map(
    session: SerialSession,
    *,
    fmt: MapFormat,
    level: MapLevel = MapLevel.TEAM,
    group_slug: str | None = None,
    as_of: date | None = None,
) -> str:
    """The dependency map of the organisation (or one group and its subgroups) as text."""
    group_id = None
    if group_slug is not None:
        group = await teams_repo.group_by_slug(session, group_slug)
        if group is None:
            raise NotFoundError(f"No group has the slug {group_slug!r}.", field="group")
        group_id = group.id
    found = await dependency_map_for(
        session, Analyses(session), level=level, as_of=as_of, group_id=group_id
    )
    return await render_off_loop(found.dependency_map, fmt)
