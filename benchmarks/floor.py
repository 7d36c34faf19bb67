"""The floor: hand-written SQL + JSON for the same answers as two hot GraphQL queries.

Served by uvicorn next to the API in `make bench`, so every API figure is judged against the
fastest straightforward way to produce the same bytes on the same machine in the same run.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

TEAMS = """
SELECT t.id, t.name, g.name AS group_name,
       coalesce(json_agg(json_build_object('name', p.name, 'role', m.role)
                ORDER BY m.role, m.id) FILTER (WHERE m.id IS NOT NULL), '[]') AS members
FROM teams t
JOIN groups g ON g.id = t.group_id
LEFT JOIN memberships m ON m.team_id = t.id AND m.ended_on IS NULL
LEFT JOIN people p ON p.id = m.person_id
WHERE t.archived_at IS NULL
GROUP BY t.id, g.name
ORDER BY t.name, t.id
LIMIT 100
"""

# Impact here is the number of open dependencies whose provider is the blocked item: the
# floor reads what a maintained impact figure would give, straight from the tables.
BLOCKERS = """
SELECT b.id, b.title, b.severity, i.key AS item_key, t.name AS team_name, o.name AS owner_name,
       (SELECT count(*) FROM dependencies d
         WHERE d.provider_item_id = b.item_id AND d.status = 'OPEN') AS impact,
       coalesce((SELECT json_agg(json_build_object('from', e.from_level, 'to', e.to_level)
                 ORDER BY e.at) FROM blocker_escalations e WHERE e.blocker_id = b.id), '[]')
         AS escalation_path
FROM blockers b
JOIN teams t ON t.id = b.team_id
LEFT JOIN backlog_items i ON i.id = b.item_id
LEFT JOIN people o ON o.id = b.owner_id
WHERE b.status = 'OPEN'
ORDER BY impact DESC, b.id
LIMIT 100
"""


def _dsn() -> str:
    return os.environ["BENCH_FLOOR_DSN"].replace("postgresql+asyncpg://", "postgresql://")


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(_dsn(), min_size=2, max_size=10)
    yield
    await app.state.pool.close()


async def _answer(request: Request, sql: str) -> Response:
    async with request.app.state.pool.acquire() as conn:
        rows = await conn.fetch(sql)
    records: list[dict[str, Any]] = [dict(row) for row in rows]
    for record in records:
        for key in ("members", "escalation_path"):
            if isinstance(record.get(key), str):
                record[key] = orjson.loads(record[key])
    return Response(orjson.dumps({"data": records}), media_type="application/json")


async def teams(request: Request) -> Response:
    return await _answer(request, TEAMS)


async def blockers(request: Request) -> Response:
    return await _answer(request, BLOCKERS)


app = Starlette(
    routes=[Route("/floor/teams", teams), Route("/floor/blockers", blockers)], lifespan=lifespan
)
