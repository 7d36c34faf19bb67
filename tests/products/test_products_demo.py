"""The demo's products show what the issue asks for (loaded as of a fixed day)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from syncpoint.blockers.models import Blocker, BlockerCategory, BlockerStatus
from syncpoint.products import compute, repository, sla, slo
from syncpoint.products.models import ProductKind, ProductRequest
from tests.conftest import DEMO_DAY

AS_OF = DEMO_DAY  # the day the shared demo is dated around
AT = datetime(2027, 1, 20, tzinfo=UTC)


async def test_demo_products(demo_session):
    session = demo_session

    products = {p.slug: p for p in await repository.all_products(session)}
    assert set(products) == {"feature-store", "model-serving", "data-platform", "gpu-pool"}
    store, pool = products["feature-store"], products["gpu-pool"]
    versions = await repository.sla_by_number(session, [(store.id, 1), (store.id, 2)])
    old, new = await repository.objectives_by_sla_version(session, [v.id for v in versions])
    diff = sla.changes_between(versions[0], old, versions[1], new)
    assert [c.key for c in diff.changed] == ["feature-freshness"]
    assert {f.field for f in diff.changed[0].fields} == {"threshold", "target"}
    breached = [
        (p.slug, s.objective.objective_key)
        for p in products.values()
        for s in await slo.product_statuses(session, p.id, AT)
        if s.compliance.breached
    ]
    assert breached == [("feature-store", "feature-freshness")]
    sla_blockers = list(
        await session.scalars(
            select(Blocker).where(
                Blocker.category == BlockerCategory.SLA_BREACH,
                Blocker.status == BlockerStatus.OPEN,
            )
        )
    )
    assert len(sla_blockers) >= 2
    assert pool.kind is ProductKind.COMPUTE
    windows = await compute.contention(session, pool, None, None)
    assert len(windows) == 1
    assert len(windows[0].team_ids) == 2
    assert windows[0].excess > 0
    rows = list(await session.scalars(select(ProductRequest)))
    assert any(r.delivered_at for r in rows)
    assert any(r.triaged_at and not r.delivered_at for r in rows)
