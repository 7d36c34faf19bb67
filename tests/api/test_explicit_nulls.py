"""Explicit nulls never break a mutation: for every mutation, valid required fields taken from
the demo organisation and an explicit `null` for each optional (nullable) input field in turn,
as ADMIN. A null may be refused (REQUIRED in the payload) or accepted ("clear it"), but never
answers INTERNAL.

Each context has a table of inputs, `{mutation: async builder(demo) -> required fields}`; a
context's table must name every mutation of its GraphQL Mutation class (add yours to
`CONTEXTS`). Each case runs in a SAVEPOINT rolled back afterwards, so cases see the demo as
loaded and versions read once stay valid.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLInputObjectType, GraphQLList, GraphQLNonNull
from sqlalchemy import select
from strawberry.relay import to_base64

from syncpoint.cadence.calendar import sprint_node_id
from syncpoint.cadence.graphql.mutations import CadenceMutation
from syncpoint.cadence.models import Cadence, Sprint, SprintState
from syncpoint.core.auth import Role
from syncpoint.core.db import SerialSession
from syncpoint.demo import load_demo
from syncpoint.dependencies.graphql.mutations import DependenciesMutation
from syncpoint.dependencies.models import Dependency, DependencyStatus, IntegrationPoint
from syncpoint.products.models import Product
from syncpoint.quality import readiness
from syncpoint.quality.graphql.gates import GatesMutation
from syncpoint.quality.graphql.wip import WipMutation
from syncpoint.schema import build_schema
from syncpoint.teams.models import Framework, Team
from syncpoint.work.graphql.mutations import WorkMutation
from syncpoint.work.models import BacklogItem, ChecklistItem, ItemKind, ItemStatus
from tests.support.factories import ADMIN

SCHEMA = build_schema()
GQL = SCHEMA._schema


@dataclass
class Demo:
    """The loaded demo, and a way to pick objects from it."""

    session: SerialSession

    async def first(self, model: Any, *where: Any) -> Any:
        row = await self.session.scalar(select(model).where(*where).order_by(model.id).limit(1))
        assert row is not None, f"the demo has no {model.__name__} matching {where}"
        return row

    async def scrum_team(self) -> Team:
        with_cadence = select(Cadence.team_id)
        return await self.first(Team, Team.framework == Framework.SCRUM, Team.id.in_(with_cadence))

    async def open_item(self) -> BacklogItem:
        team = await self.scrum_team()
        return await self.first(
            BacklogItem,
            BacklogItem.team_id == team.id,
            BacklogItem.status.in_([ItemStatus.BACKLOG, ItemStatus.READY]),
        )

    async def sprint(self) -> tuple[str, int]:
        """A sprint of the Scrum team that is not closed: its global id and version."""
        team = await self.scrum_team()
        row = await self.session.scalar(
            select(Sprint)
            .where(Sprint.team_id == team.id, Sprint.state != SprintState.CLOSED)
            .order_by(Sprint.start_date)
            .limit(1)
        )
        if row is not None:
            return to_base64("Sprint", sprint_node_id(team.id, row.start_date)), row.version
        cadence = await self.first(Cadence, Cadence.team_id == team.id)
        return to_base64("Sprint", sprint_node_id(team.id, cadence.anchor)), 0


Build = Callable[[Demo], Awaitable[dict[str, Any]]]


def gid(type_name: str, obj: Any) -> str:
    return to_base64(type_name, obj.id)


# ---- work -------------------------------------------------------------------------------------


async def _create_item(demo: Demo) -> dict[str, Any]:
    team = await demo.scrum_team()
    return {"teamId": gid("Team", team), "title": "Null probe", "kind": "DATA"}


async def _item_version(demo: Demo) -> dict[str, Any]:
    item = await demo.open_item()
    return {"id": gid("BacklogItem", item), "version": item.version}


async def _change_status(demo: Demo) -> dict[str, Any]:
    return {**await _item_version(demo), "status": "IN_PROGRESS"}


async def _set_criteria(demo: Demo) -> dict[str, Any]:
    item = await demo.open_item()
    criterion = {
        "metric": "precision",
        "comparator": "GTE",
        "threshold": 0.9,
        "condition": {"metric": "recall", "comparator": "GTE", "threshold": 0.8},
    }
    return {"itemId": gid("BacklogItem", item), "version": item.version, "criteria": [criterion]}


async def _record_observation(demo: Demo) -> dict[str, Any]:
    item = await demo.open_item()
    return {"itemId": gid("BacklogItem", item), "values": [{"metric": "precision", "value": 0.9}]}


async def _create_check(demo: Demo) -> dict[str, Any]:
    team = await demo.scrum_team()
    return {"teamId": gid("Team", team), "kind": "READY", "text": "Null probe"}


async def _check(demo: Demo) -> ChecklistItem:
    team = await demo.scrum_team()
    return await demo.first(
        ChecklistItem, ChecklistItem.team_id == team.id, ChecklistItem.archived_at.is_(None)
    )


async def _archive_check(demo: Demo) -> dict[str, Any]:
    return {"id": gid("ChecklistItem", await _check(demo))}


async def _item_check(demo: Demo) -> dict[str, Any]:
    item = await demo.open_item()
    return {"itemId": gid("BacklogItem", item), "checkId": gid("ChecklistItem", await _check(demo))}


WORK: dict[str, Build] = {
    "createBacklogItem": _create_item,
    "updateBacklogItem": _item_version,
    "changeItemStatus": _change_status,
    "setAcceptanceCriteria": _set_criteria,
    "recordMetricObservation": _record_observation,
    "createChecklistItem": _create_check,
    "archiveChecklistItem": _archive_check,
    "markItemCheck": _item_check,
    "unmarkItemCheck": _item_check,
}

# ---- cadence ----------------------------------------------------------------------------------


async def _set_cadence(demo: Demo) -> dict[str, Any]:
    team = await demo.scrum_team()
    return {"teamId": gid("Team", team), "lengthDays": 14, "anchor": "2030-01-07"}


async def _set_sle(demo: Demo) -> dict[str, Any]:
    team = await demo.first(Team, Team.framework == Framework.KANBAN)
    return {"teamId": gid("Team", team), "percentile": 85, "days": 10}


async def _create_sprint(demo: Demo) -> dict[str, Any]:
    team = await demo.scrum_team()
    return {"teamId": gid("Team", team), "startDate": "2031-01-06", "endDate": "2031-01-19"}


async def _sprint_version(demo: Demo) -> dict[str, Any]:
    sprint, version = await demo.sprint()
    return {"id": sprint, "version": version}


async def _plan_item(demo: Demo) -> dict[str, Any]:
    sprint, _version = await demo.sprint()
    item = await demo.open_item()
    return {"itemId": gid("BacklogItem", item), "version": item.version, "sprintId": sprint}


async def _close_sprint(demo: Demo) -> dict[str, Any]:
    item = await demo.open_item()
    return {**await _sprint_version(demo), "carryOver": [{"itemId": gid("BacklogItem", item)}]}


CADENCE: dict[str, Build] = {
    "setCadence": _set_cadence,
    "setServiceLevelExpectation": _set_sle,
    "createSprint": _create_sprint,
    "updateSprint": _sprint_version,
    "planItem": _plan_item,
    "startSprint": _sprint_version,
    "closeSprint": _close_sprint,
}

# ---- dependencies -----------------------------------------------------------------------------


async def _create_dependency(demo: Demo) -> dict[str, Any]:
    consumer = await demo.open_item()
    provider = await demo.first(BacklogItem, BacklogItem.team_id != consumer.team_id)
    return {
        "consumerItemId": gid("BacklogItem", consumer),
        "providerItemId": gid("BacklogItem", provider),
        "type": "SLOWING",
    }


async def _dependency_version(demo: Demo) -> dict[str, Any]:
    dependency = await demo.first(Dependency, Dependency.status == DependencyStatus.OPEN)
    return {"id": gid("Dependency", dependency), "version": dependency.version}


async def _create_point(demo: Demo) -> dict[str, Any]:
    return {"name": "Null probe", "date": "2030-03-01"}


async def _point_version(demo: Demo) -> dict[str, Any]:
    point = await demo.first(IntegrationPoint, IntegrationPoint.archived_at.is_(None))
    return {"id": gid("IntegrationPoint", point), "version": point.version}


async def _point_items(demo: Demo) -> dict[str, Any]:
    item = await demo.open_item()
    return {**await _point_version(demo), "itemIds": [gid("BacklogItem", item)]}


DEPENDENCIES: dict[str, Build] = {
    "createDependency": _create_dependency,
    "updateDependency": _dependency_version,
    "resolveDependency": _dependency_version,
    "cancelDependency": _dependency_version,
    "createIntegrationPoint": _create_point,
    "updateIntegrationPoint": _point_version,
    "addItemsToIntegrationPoint": _point_items,
    "removeItemsFromIntegrationPoint": _point_items,
}

# ---- quality gates, data readiness, experiment designs (quality.graphql.gates)------------------


async def _experiment(demo: Demo) -> dict[str, Any]:
    item = await demo.first(BacklogItem, BacklogItem.kind == ItemKind.EXPERIMENT)
    return {"itemId": gid("BacklogItem", item)}


async def _set_gate(demo: Demo) -> dict[str, Any]:
    team = await demo.scrum_team()
    return {"teamId": gid("Team", team), "kind": "READY", "enforced": False}


async def _override_gate(demo: Demo) -> dict[str, Any]:
    item = await demo.open_item()
    return {
        "itemId": gid("BacklogItem", item),
        "version": item.version,
        "action": "DONE",
        "reason": "Null probe",
    }


async def _dataset(demo: Demo) -> dict[str, Any]:
    product = await demo.first(Product)
    return {"productId": gid("Product", product), "name": "null_probe", "schemaVersion": "v1"}


async def _data_need(demo: Demo) -> dict[str, Any]:
    item, product = await demo.open_item(), await demo.first(Product)
    return {
        "itemId": gid("BacklogItem", item),
        "productId": gid("Product", product),
        "dataset": "null_probe",
    }


async def _remove_need(demo: Demo) -> dict[str, Any]:
    item, product = await demo.open_item(), await demo.first(Product)
    need = await readiness.declare_need(
        demo.session, ADMIN, item_id=item.id, product_id=product.id, dataset="null_probe"
    )
    return {"id": gid("DataNeed", need)}


GATES: dict[str, Build] = {
    "setQualityGate": _set_gate,
    "overrideQualityGate": _override_gate,
    "declareProductDataset": _dataset,
    "declareDataNeed": _data_need,
    "removeDataNeed": _remove_need,
    "setExperimentDesign": _experiment,
    "reviewExperimentDesign": _experiment,
    "recordResearchResult": _experiment,
}


async def _set_wip_limits(demo: Demo) -> dict[str, Any]:
    team = await demo.first(Team, Team.framework == Framework.KANBAN)
    limits = [{"status": "IN_PROGRESS", "limit": 3, "enforced": True}]
    return {"teamId": gid("Team", team), "limits": limits}


WIP: dict[str, Build] = {"setWipLimits": _set_wip_limits}

# Each context's Mutation class and its table of inputs (other contexts add theirs here).
CONTEXTS: dict[type, dict[str, Build]] = {
    WorkMutation: WORK,
    CadenceMutation: CADENCE,
    DependenciesMutation: DEPENDENCIES,
    GatesMutation: GATES,
    WipMutation: WIP,
}

# ---- the probe --------------------------------------------------------------------------------


def mutations_of(mutation_class: type) -> set[str]:
    definition = mutation_class.__strawberry_definition__
    convert = SCHEMA.config.name_converter
    return {convert.get_graphql_name(f) for f in definition.fields}


def _named(type_: Any) -> Any:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def null_variants(
    type_: GraphQLInputObjectType, base: dict[str, Any]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, input) with one nullable field set to null, nested inputs in `base` included."""
    for name, field in type_.fields.items():
        if not isinstance(field.type, GraphQLNonNull):
            yield name, {**base, name: None}
        inner, value = _named(field.type), base.get(name)
        if not isinstance(inner, GraphQLInputObjectType):
            continue
        if isinstance(value, dict):
            for path, sub in null_variants(inner, value):
                yield f"{name}.{path}", {**base, name: sub}
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for path, sub in null_variants(inner, value[0]):
                yield f"{name}.0.{path}", {**base, name: [sub, *value[1:]]}


def input_type_of(mutation: str) -> GraphQLInputObjectType:
    input_type = _named(GQL.mutation_type.fields[mutation].args["input"].type)
    assert isinstance(input_type, GraphQLInputObjectType)
    return input_type


def document(mutation: str) -> str:
    input_type = input_type_of(mutation)
    return (
        f"mutation($input: {input_type.name}!) {{ {mutation}(input: $input) "
        "{ errors { field code message } } }"
    )


def test_every_mutation_of_a_context_has_inputs():
    for mutation_class, table in CONTEXTS.items():
        assert set(table) == mutations_of(mutation_class), mutation_class.__name__


async def test_explicit_nulls_never_answer_internal(api, session, connection):
    # Given the demo organisation and an admin
    await load_demo(session)
    await session.commit()
    await api.login(Role.ADMIN)
    demo = Demo(session)
    probed = 0
    for table in CONTEXTS.values():
        for mutation, build in table.items():
            base = await build(demo)
            variants = list(null_variants(input_type_of(mutation), base))
            cases = [("(required fields only)", base), *variants]
            for path, value in cases:
                # when the mutation runs with that field null (undone afterwards)
                savepoint = await connection.begin_nested()
                try:
                    body = (await api.post(document(mutation), {"input": value})).json()
                finally:
                    await savepoint.rollback()
                    session.expire_all()
                # then no error is INTERNAL, the input was well formed, and a payload came back
                errors = body.get("errors") or []
                codes = [(e.get("extensions") or {}).get("code") for e in errors]
                assert not errors, (mutation, path, errors)
                payload = body["data"][mutation]
                assert "INTERNAL" not in codes, (mutation, path, errors)
                assert all(e["code"] != "INTERNAL" for e in payload["errors"]), (mutation, path)
                probed += 1 if path != "(required fields only)" else 0
    assert probed >= 30  # the optional fields of these contexts were in fact sent as null
