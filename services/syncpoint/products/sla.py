"""Publishing SLAs: immutable versions of runtime objectives plus the request-turnaround promise,
OpenSLO import/export, and what changed between two versions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor
from syncpoint.core.errors import DomainError
from syncpoint.core.models import utcnow
from syncpoint.products import repository as repo
from syncpoint.products.common import IMPORT_OPENSLO, PUBLISH_SLA, get_product, live_product
from syncpoint.products.models import Product, SlaVersion, SloObjective
from syncpoint.products.objectives import (
    ObjectiveDraft,
    SlaDiff,
    Turnaround,
    diff_slas,
    validate_sla,
)
from syncpoint.products.openslo import Unrepresented, read_openslo
from syncpoint.products.openslo_export import render_openslo
from syncpoint.products.slo import evaluate_slos

MAX_OBJECTIVES = 100


async def _publish(
    session: AsyncSession,
    actor: Actor,
    product: Product,
    objectives: Sequence[ObjectiveDraft],
    turnaround: Turnaround,
    *,
    notes: str,
    source: str,
) -> SlaVersion:
    if len(objectives) > MAX_OBJECTIVES:
        raise DomainError(f"At most {MAX_OBJECTIVES} objectives.", field="objectives")
    drafts = validate_sla(objectives, turnaround)
    version = SlaVersion(
        product_id=product.id,
        number=await repo.latest_sla_number(session, product.id) + 1,
        published_at=utcnow(),
        published_by_id=actor.person_id,
        notes=notes.strip(),
        source=source,
        triage_days=turnaround.triage_days,
        delivery_days=turnaround.delivery_days,
        delivery_sprints=turnaround.delivery_sprints,
    )
    session.add(version)
    await session.flush()
    for position, draft in enumerate(drafts):
        session.add(SloObjective(sla_version_id=version.id, position=position, **_columns(draft)))
    await session.flush()
    # Objectives (and so breaches) may have changed: blockers follow the new promise.
    await evaluate_slos(session, product, utcnow())
    return version


def _columns(draft: ObjectiveDraft) -> dict[str, object]:
    return {name: getattr(draft, name) for name in ObjectiveDraft.__dataclass_fields__}


async def publish_sla(
    session: AsyncSession,
    actor: Actor,
    product_id: int,
    objectives: Sequence[ObjectiveDraft],
    turnaround: Turnaround,
    notes: str = "",
) -> SlaVersion:
    """Publish a new SLA version (the previous ones stay readable, unchanged)."""
    product = await live_product(session, product_id)
    actor.require_team(PUBLISH_SLA, product.owner_team_id)
    return await _publish(
        session, actor, product, objectives, turnaround, notes=notes, source="MANUAL"
    )


async def current_drafts(session: AsyncSession, product_id: int) -> list[ObjectiveDraft]:
    return [ObjectiveDraft.of(o) for o in await repo.current_objectives(session, product_id)]


async def import_openslo(
    session: AsyncSession,
    actor: Actor,
    product_id: int,
    yaml_text: str,
    *,
    notes: str = "",
    merge: bool = False,
) -> SlaVersion:
    """Publish a new SLA version from OpenSLO v1 documents: the file's objectives replace the
    current ones (with `merge`, objectives absent from the file are kept). The turnaround
    promise carries over. A file with any problem is refused whole."""
    version, _ = await import_openslo_with_report(
        session, actor, product_id, yaml_text, notes=notes, merge=merge
    )
    return version


async def import_openslo_with_report(
    session: AsyncSession,
    actor: Actor,
    product_id: int,
    yaml_text: str,
    *,
    notes: str = "",
    merge: bool = False,
) -> tuple[SlaVersion, list[Unrepresented]]:
    """`import_openslo`, with every field of the file that Syncpoint does not keep."""
    product = await live_product(session, product_id)
    actor.require_team(IMPORT_OPENSLO, product.owner_team_id)
    imported = read_openslo(yaml_text, product.slug)
    current = (await repo.current_sla_by_product(session, [product.id]))[0]
    turnaround = Turnaround.of(current) if current else Turnaround()
    objectives = imported.drafts
    if merge:
        keys = {d.objective_key for d in imported.drafts}
        kept = [d for d in await current_drafts(session, product.id) if d.objective_key not in keys]
        objectives = kept + imported.drafts
    version = await _publish(
        session,
        actor,
        product,
        objectives,
        turnaround,
        notes=notes or "Imported from OpenSLO",
        source="OPENSLO",
    )
    return version, imported.unrepresented


async def export_openslo(session: AsyncSession, product_id: int) -> str:
    """The product's current objectives as OpenSLO v1 YAML (re-imports to the same objectives)."""
    product = await get_product(session, product_id)
    drafts = await current_drafts(session, product.id)
    return render_openslo(product.slug, product.name, product.description, drafts)


def changes_between(
    previous: SlaVersion | None,
    previous_objectives: Sequence[SloObjective],
    version: SlaVersion,
    objectives: Sequence[SloObjective],
) -> SlaDiff:
    """What `version` changed from `previous` (everything is "added" for a first version)."""
    return diff_slas(
        [ObjectiveDraft.of(o) for o in previous_objectives],
        [ObjectiveDraft.of(o) for o in objectives],
        Turnaround.of(previous) if previous else Turnaround(),
        Turnaround.of(version),
    )
