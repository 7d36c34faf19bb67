"""Data readiness: the data an item needs (a product's dataset, or a DATA item) and whether it
is ready (the provider item DONE; the dataset known, at the expected schema version, and its
product's freshness objective not breached). Never commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Access, Actor, policy
from syncpoint.core.errors import ErrorCode, Problems, require_found
from syncpoint.core.models import utcnow
from syncpoint.products.common import live_product
from syncpoint.products.models import IndicatorKind
from syncpoint.products.slo import ObjectiveStatus, statuses_by_product
from syncpoint.work.gate_models import ItemDataNeed, ProductDataset
from syncpoint.work.history import record_change
from syncpoint.work.models import BacklogItem, ItemKind, ItemStatus
from syncpoint.work.service import TEAM_WORK, get_item, required_text

DECLARE_DATASET = policy("declareProductDataset", admin=Access.ANY, platform_owner=Access.OWN)
DECLARE_NEED = policy("declareDataNeed", **TEAM_WORK)
REMOVE_NEED = policy("removeDataNeed", **TEAM_WORK)


class DataState(StrEnum):
    READY = "READY"
    PROVIDER_NOT_DONE = "PROVIDER_NOT_DONE"
    DATASET_UNKNOWN = "DATASET_UNKNOWN"
    SCHEMA_MISMATCH = "SCHEMA_MISMATCH"
    FRESHNESS_BREACHED = "FRESHNESS_BREACHED"


@dataclass(frozen=True, slots=True)
class DataCheck:
    """One need of an item, judged: READY, or why not, in words."""

    need: ItemDataNeed
    state: DataState
    reason: str

    @property
    def ready(self) -> bool:
        return self.state is DataState.READY


async def declare_dataset(
    session: AsyncSession,
    actor: Actor,
    *,
    product_id: int,
    name: str,
    schema_version: str,
    freshness_objective_key: str | None = None,
) -> ProductDataset:
    """Declare (or bump the schema version of) a dataset a product serves."""
    product = await live_product(session, product_id)
    actor.require_team(DECLARE_DATASET, product.owner_team_id)
    problems = Problems()
    with problems.catch():
        name = required_text(name, "name", limit=200, label="Name")
    with problems.catch():
        schema_version = required_text(
            schema_version, "schemaVersion", limit=64, label="Schema version"
        )
    problems.raise_if_any()
    row = await session.scalar(
        select(ProductDataset).where(
            ProductDataset.product_id == product.id, ProductDataset.name == name
        )
    )
    if row is None:
        row = ProductDataset(product_id=product.id, name=name)
        session.add(row)
    row.schema_version = schema_version
    row.freshness_objective_key = (freshness_objective_key or "").strip() or None
    row.updated_at = utcnow()
    await session.flush()
    return row


async def declare_need(
    session: AsyncSession,
    actor: Actor,
    *,
    item_id: int,
    product_id: int | None = None,
    dataset: str | None = None,
    schema_version: str | None = None,
    require_fresh: bool = True,
    provider_item_id: int | None = None,
) -> ItemDataNeed:
    """Declare the data an item needs: a product's dataset, or a DATA item (one of the two)."""
    item = await get_item(session, item_id, "itemId")
    actor.require_team(DECLARE_NEED, item.team_id)
    problems = Problems()
    by_dataset = product_id is not None or dataset is not None
    if by_dataset == (provider_item_id is not None):
        problems.add(
            "dataset",
            "Name either a product and its dataset, or a DATA provider item.",
            ErrorCode.REQUIRED,
        )
    if by_dataset:
        problems.require(product_id, "productId", "A dataset need names its product.")
        problems.require(dataset, "dataset", "A dataset need names the dataset or table.")
        if product_id is not None:
            with problems.catch():
                await live_product(session, product_id)
    if provider_item_id is not None:
        provider = await session.get(BacklogItem, provider_item_id)
        if provider is None:
            problems.add(
                "providerItemId",
                f"Backlog item {provider_item_id} does not exist.",
                ErrorCode.NOT_FOUND,
            )
        elif provider.kind is not ItemKind.DATA:
            problems.add("providerItemId", f"{provider.key} is not a DATA item.")
        elif provider.id == item.id:
            problems.add(
                "providerItemId", "An item cannot provide its own data.", ErrorCode.SELF_REFERENCE
            )
    problems.raise_if_any()
    need = ItemDataNeed(
        item_id=item.id,
        product_id=product_id,
        dataset=dataset.strip() if dataset else None,
        schema_version=(schema_version or "").strip() or None,
        require_fresh=require_fresh,
        provider_item_id=provider_item_id,
    )
    session.add(need)
    await session.flush()
    await record_change(
        session,
        item,
        "dataNeed",
        None,
        await describe_need(session, need),
        actor_id=actor.person_id,
    )
    return need


async def remove_need(session: AsyncSession, actor: Actor, need_id: int) -> BacklogItem:
    """Withdraw a data need (its declaration stays in the item's history)."""
    need = await session.get(ItemDataNeed, need_id)
    require_found(need, "Data need", need_id, "id")
    assert need is not None
    item = await get_item(session, need.item_id)
    actor.require_team(REMOVE_NEED, item.team_id)
    text = await describe_need(session, need)
    await session.delete(need)
    await record_change(session, item, "dataNeed", text, None, actor_id=actor.person_id)
    await session.flush()
    return item


async def describe_need(session: AsyncSession, need: ItemDataNeed) -> str:
    if need.provider_item_id is not None:
        provider = await session.get(BacklogItem, need.provider_item_id)
        return f"data from {provider.key if provider else need.provider_item_id}"
    version = f" (schema {need.schema_version})" if need.schema_version else ""
    return f"dataset {need.dataset}{version}"


async def needs_of(session: AsyncSession, item_ids: Sequence[int]) -> list[ItemDataNeed]:
    if not item_ids:
        return []
    rows = await session.scalars(
        select(ItemDataNeed)
        .where(ItemDataNeed.item_id.in_(item_ids))
        .order_by(ItemDataNeed.item_id, ItemDataNeed.id)
    )
    return list(rows)


async def data_checks(session: AsyncSession, item_ids: Sequence[int]) -> dict[int, list[DataCheck]]:
    """Every need of the items judged, by item id; a fixed number of queries for any count."""
    needs = await needs_of(session, item_ids)
    checks: dict[int, list[DataCheck]] = {i: [] for i in item_ids}
    if not needs:
        return checks
    provider_ids = {n.provider_item_id for n in needs if n.provider_item_id is not None}
    providers = {
        p.id: p
        for p in await session.scalars(
            select(BacklogItem).where(BacklogItem.id.in_(provider_ids or {-1}))
        )
    }
    product_ids = sorted({n.product_id for n in needs if n.product_id is not None})
    datasets = {
        (d.product_id, d.name): d
        for d in await session.scalars(
            select(ProductDataset).where(ProductDataset.product_id.in_(product_ids or [-1]))
        )
    }
    now = utcnow()
    statuses = dict(
        zip(
            product_ids,
            await statuses_by_product(session, [(p, now) for p in product_ids]),
            strict=True,
        )
    )
    for need in needs:
        if need.provider_item_id is not None:
            provider = providers[need.provider_item_id]
            if provider.status is ItemStatus.DONE:
                check = DataCheck(need, DataState.READY, f"{provider.key} is DONE.")
            else:
                check = DataCheck(
                    need,
                    DataState.PROVIDER_NOT_DONE,
                    f"The data comes from {provider.key}, which is {provider.status.value}, "
                    "not DONE.",
                )
        else:
            assert need.product_id is not None
            found = datasets.get((need.product_id, need.dataset or ""))
            check = _dataset_check(need, found, statuses.get(need.product_id, []))
        checks[need.item_id].append(check)
    return checks


def _dataset_check(
    need: ItemDataNeed, dataset: ProductDataset | None, statuses: Sequence[ObjectiveStatus]
) -> DataCheck:
    if dataset is None:
        return DataCheck(
            need, DataState.DATASET_UNKNOWN, f"Dataset {need.dataset} is unknown to its product."
        )
    if need.schema_version and need.schema_version != dataset.schema_version:
        return DataCheck(
            need,
            DataState.SCHEMA_MISMATCH,
            f"Dataset {dataset.name} is at schema {dataset.schema_version}, "
            f"not {need.schema_version}.",
        )
    if need.require_fresh:
        for status in statuses:
            objective = status.objective
            if objective.indicator is not IndicatorKind.FRESHNESS:
                continue
            key = dataset.freshness_objective_key
            if key is not None and objective.objective_key != key:
                continue
            if status.compliance.breached:
                return DataCheck(
                    need,
                    DataState.FRESHNESS_BREACHED,
                    f"Dataset {dataset.name}: freshness objective {objective.name} is breached.",
                )
    return DataCheck(need, DataState.READY, f"Dataset {dataset.name} is ready.")


def unready(checks: Sequence[DataCheck]) -> list[DataCheck]:
    return [c for c in checks if not c.ready]
