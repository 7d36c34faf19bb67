"""Explicit nulls on every optional field of every products, Scrum-of-Scrums and blockers mutation.

Given the demo organisation, for every mutation of those contexts an admin sends valid required
fields (objects of the demo), once as they are and then with an explicit `null` on each optional
field in turn (top-level fields, and the fields of the first element of a list of inputs). No
answer may be a server error; a `null` on an update field that cannot be empty is a REQUIRED
error in the payload, on that field. (work, cadence and dependencies: test_explicit_nulls.py.)
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from graphql import GraphQLInputObjectType, GraphQLList, GraphQLNonNull
from sqlalchemy import select
from strawberry.relay import to_base64

from syncpoint.analysis.model import CLOSED_STATUSES
from syncpoint.blockers.graphql.mutations import BlockersMutation
from syncpoint.blockers.models import Blocker, BlockerStatus
from syncpoint.core.auth import Role
from syncpoint.core.clock import today
from syncpoint.core.inputs import camel, input_fields, spec_of
from syncpoint.demo import load_demo
from syncpoint.dependencies.models import Dependency
from syncpoint.forums.models import Forum, ForumMember
from syncpoint.products import repository as products_repo
from syncpoint.products.graphql.mutations import ProductsMutation
from syncpoint.products.models import (
    ComputeReservation,
    Product,
    ProductKind,
    ProductSubscription,
    ReservationStatus,
)
from syncpoint.products.sla import export_openslo
from syncpoint.schema import build_schema
from syncpoint.scrum_of_scrums.graphql.mutations import ScrumOfScrumsMutation
from syncpoint.scrum_of_scrums.models import ActionItem, ActionItemStatus, Meeting
from syncpoint.teams.models import Membership, Person, Team, Topology
from syncpoint.work.models import BacklogItem

SCHEMA = build_schema()
GQL = SCHEMA._schema
CONTEXTS = (ProductsMutation, ScrumOfScrumsMutation, BlockersMutation)

Inputs = Callable[[Any], Awaitable[dict[str, Any]]]
_SERIAL = itertools.count(1)


def gid(type_name: str, ident: int) -> str:
    return to_base64(type_name, ident)


async def _first(session: Any, statement: Any) -> Any:
    row = (await session.scalars(statement.limit(1))).first()
    assert row is not None, f"the demo has no row for {statement}"
    return row


async def _product(session: Any, kind: ProductKind | None = None) -> Product:
    statement = select(Product).where(Product.archived_at.is_(None)).order_by(Product.id)
    if kind is not None:
        statement = statement.where(Product.kind == kind)
    product: Product = await _first(session, statement)
    return product


async def _owner_item(session: Any, team_id: int) -> BacklogItem:
    item: BacklogItem = await _first(
        session,
        select(BacklogItem)
        .where(BacklogItem.team_id == team_id, BacklogItem.status.not_in(CLOSED_STATUSES))
        .order_by(BacklogItem.id),
    )
    return item


async def _consumer(session: Any, product: Product) -> Team:
    team: Team = await _first(
        session,
        select(Team)
        .where(Team.id != product.owner_team_id, Team.archived_at.is_(None))
        .where(Team.topology == Topology.STREAM_ALIGNED)
        .order_by(Team.id.desc()),
    )
    return team


async def _person(session: Any) -> Person:
    person: Person = await _first(
        session, select(Person).where(Person.archived_at.is_(None)).order_by(Person.id)
    )
    return person


async def _forum(session: Any) -> Forum:
    forum: Forum = await _first(
        session, select(Forum).where(Forum.archived_at.is_(None)).order_by(Forum.id.desc())
    )
    return forum


async def _meeting(session: Any) -> Meeting:
    meeting: Meeting = await _first(session, select(Meeting).order_by(Meeting.id))
    return meeting


def _entry_key(meeting: Meeting) -> str:
    """The key of an entry of the meeting's kept agenda."""
    key: str = (meeting.agenda or {})["entries"][0]["key"]
    return key


async def _open_blocker(session: Any) -> Blocker:
    blocker: Blocker = await _first(
        session,
        select(Blocker).where(Blocker.status == BlockerStatus.OPEN).order_by(Blocker.id.desc()),
    )
    return blocker


async def _member(session: Any) -> ForumMember:
    member: ForumMember = await _first(
        session,
        select(ForumMember).where(ForumMember.removed_on.is_(None)).order_by(ForumMember.id),
    )
    return member


def _objective() -> dict[str, Any]:
    return {
        "key": "explicit-null-latency",
        "name": "Latency under load",
        "indicator": "LATENCY",
        "target": 0.99,
        "windowDays": 28,
        "threshold": 300.0,
        "operator": "LTE",
        "unit": "ms",
        "percentile": 99.0,
        "calendarStart": None,
        "calendarTimeZone": "UTC",
        "timesliceTarget": 0.95,
        "timesliceMinutes": 5,
    }


# ---- products ---------------------------------------------------------------------------------


async def create_product(session: Any) -> dict[str, Any]:
    owner = await _product(session)
    return {
        "slug": f"explicit-null-{next(_SERIAL)}",
        "name": "Explicit null product",
        "kind": "COMPUTE",
        "ownerTeamId": gid("Team", owner.owner_team_id),
        "capacityUnits": 8,
    }


async def update_product(session: Any) -> dict[str, Any]:
    product = await _product(session, ProductKind.COMPUTE)
    return {
        "id": gid("Product", product.id),
        "version": product.version,
        "name": product.name,
        "description": "Pool of GPUs",
        "capacityUnits": product.capacity_units,
        "ownerTeamId": gid("Team", product.owner_team_id),
        "archived": False,
    }


async def set_item_product(session: Any) -> dict[str, Any]:
    product = await _product(session)
    item = await _owner_item(session, product.owner_team_id)
    return {"itemId": gid("BacklogItem", item.id), "productId": gid("Product", product.id)}


async def subscribe_to_product(session: Any) -> dict[str, Any]:
    product = await _product(session)
    team = await _consumer(session, product)
    return {
        "productId": gid("Product", product.id),
        "teamId": gid("Team", team.id),
        "since": today().isoformat(),
    }


async def unsubscribe_from_product(session: Any) -> dict[str, Any]:
    subscription: ProductSubscription = await _first(
        session,
        select(ProductSubscription)
        .where(ProductSubscription.until.is_(None))
        .order_by(ProductSubscription.id),
    )
    return {
        "id": gid("ProductSubscription", subscription.id),
        "version": subscription.version,
        "until": today().isoformat(),
    }


async def publish_sla(session: Any) -> dict[str, Any]:
    product = await _product(session)
    return {
        "productId": gid("Product", product.id),
        "objectives": [_objective()],
        "triageDays": 2,
        "deliveryDays": 10,
        "deliverySprints": None,
    }


async def import_open_slo(session: Any) -> dict[str, Any]:
    product = await _product(session)
    return {
        "productId": gid("Product", product.id),
        "yaml": await export_openslo(session, product.id),
    }


async def _request(session: Any) -> dict[str, Any]:
    dependency: Dependency = await _first(
        session,
        select(Dependency)
        .where(Dependency.provider_product_id.is_not(None))
        .order_by(Dependency.id.desc()),
    )
    return {"dependencyId": gid("Dependency", dependency.id)}


async def record_measurements(session: Any) -> dict[str, Any]:
    product = await _product(session)
    (objective, *_rest) = await products_repo.current_objectives(session, product.id)
    return {
        "productId": gid("Product", product.id),
        "measurements": [
            {
                "objectiveKey": objective.objective_key,
                "observedAt": datetime.now(UTC).isoformat(),
                "clientKey": "explicit-null-1",
                "good": 99,
                "total": 100,
            }
        ],
    }


async def reserve_compute(session: Any) -> dict[str, Any]:
    product = await _product(session, ProductKind.COMPUTE)
    team = await _consumer(session, product)
    item = await _owner_item(session, team.id)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    return {
        "productId": gid("Product", product.id),
        "teamId": gid("Team", team.id),
        "itemId": gid("BacklogItem", item.id),
        "units": 1,
        "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(hours=4)).isoformat(),
    }


async def cancel_reservation(session: Any) -> dict[str, Any]:
    reservation: ComputeReservation = await _first(
        session,
        select(ComputeReservation)
        .where(ComputeReservation.status == ReservationStatus.ACTIVE)
        .order_by(ComputeReservation.id.desc()),
    )
    return {"id": gid("ComputeReservation", reservation.id), "version": reservation.version}


# ---- scrum of scrums --------------------------------------------------------------------------


async def create_forum(session: Any) -> dict[str, Any]:
    facilitator = await _person(session)
    parent = await _forum(session)
    return {
        "name": "Explicit null forum",
        "facilitatorId": gid("Person", facilitator.id),
        "weekdays": ["TUESDAY"],
        "meetingTime": "09:30:00",
        "parentId": gid("Forum", parent.id),
    }


async def update_forum(session: Any) -> dict[str, Any]:
    forum = await _forum(session)
    return {
        "id": gid("Forum", forum.id),
        "version": forum.version,
        "name": forum.name,
        "description": "Weekly sync",
        "facilitatorId": gid("Person", forum.facilitator_id),
        "weekdays": ["MONDAY", "THURSDAY"],
        "meetingTime": "10:00:00",
        "timeZone": "UTC",
        "durationMinutes": 30,
        "parentId": None if forum.parent_id is None else gid("Forum", forum.parent_id),
    }


async def archive_forum(session: Any) -> dict[str, Any]:
    forum = await _forum(session)
    return {"id": gid("Forum", forum.id), "version": forum.version}


async def add_forum_member(session: Any) -> dict[str, Any]:
    forum = await _forum(session)
    membership: Membership = await _first(
        session, select(Membership).where(Membership.ended_on.is_(None)).order_by(Membership.id)
    )
    return {
        "forumId": gid("Forum", forum.id),
        "teamId": gid("Team", membership.team_id),
        "representativeId": gid("Person", membership.person_id),
    }


async def change_representative(session: Any) -> dict[str, Any]:
    member = await _member(session)
    return {
        "id": gid("ForumMember", member.id),
        "version": member.version,
        "representativeId": gid("Person", member.representative_id),
    }


async def remove_forum_member(session: Any) -> dict[str, Any]:
    member = await _member(session)
    return {
        "id": gid("ForumMember", member.id),
        "version": member.version,
        "removedOn": today().isoformat(),
    }


async def hold_meeting(session: Any) -> dict[str, Any]:
    forum = await _forum(session)
    return {"forumId": gid("Forum", forum.id), "date": (today() + timedelta(days=1)).isoformat()}


async def record_meeting_notes(session: Any) -> dict[str, Any]:
    meeting = await _meeting(session)
    return {
        "meetingId": gid("Meeting", meeting.id),
        "text": "Noted",
        "entryKey": _entry_key(meeting),
    }


async def record_decision(session: Any) -> dict[str, Any]:
    meeting = await _meeting(session)
    blocker = await _open_blocker(session)
    return {
        "meetingId": gid("Meeting", meeting.id),
        "text": "Decided",
        "entryKey": _entry_key(meeting),
        "blockerId": gid("Blocker", blocker.id),
    }


async def create_action_item(session: Any) -> dict[str, Any]:
    meeting = await _meeting(session)
    owner = await _person(session)
    blocker = await _open_blocker(session)
    return {
        "title": "Follow up",
        "ownerId": gid("Person", owner.id),
        "dueOn": (today() + timedelta(days=7)).isoformat(),
        "meetingId": gid("Meeting", meeting.id),
        "forumId": gid("Forum", meeting.forum_id),
        "entryKey": _entry_key(meeting),
        "blockerId": gid("Blocker", blocker.id),
    }


async def complete_action_item(session: Any) -> dict[str, Any]:
    item: ActionItem = await _first(
        session,
        select(ActionItem)
        .where(ActionItem.status != ActionItemStatus.DONE)
        .order_by(ActionItem.id),
    )
    return {"id": gid("ActionItem", item.id), "version": item.version}


# ---- blockers ---------------------------------------------------------------------------------


async def raise_blocker(session: Any) -> dict[str, Any]:
    product = await _product(session)
    item = await _owner_item(session, product.owner_team_id)
    owner = await _person(session)
    return {
        "category": "ACCESS",
        "severity": "LOW",
        "title": "No bucket access",
        "itemId": gid("BacklogItem", item.id),
        "teamId": gid("Team", product.owner_team_id),
        "ownerId": gid("Person", owner.id),
    }


async def update_blocker(session: Any) -> dict[str, Any]:
    blocker = await _open_blocker(session)
    owner = await _person(session)
    return {
        "id": gid("Blocker", blocker.id),
        "version": blocker.version,
        "title": blocker.title,
        "description": "More detail",
        "category": blocker.category.value,
        "severity": blocker.severity.value,
        "ownerId": gid("Person", owner.id),
        "roam": "OWNED",
    }


async def escalate_blocker(session: Any) -> dict[str, Any]:
    blocker = await _open_blocker(session)
    forum = await _forum(session)
    return {
        "id": gid("Blocker", blocker.id),
        "version": blocker.version,
        "reason": "Needs the forum",
        "forumId": gid("Forum", forum.id),
    }


async def resolve_blocker(session: Any) -> dict[str, Any]:
    blocker = await _open_blocker(session)
    return {"id": gid("Blocker", blocker.id), "version": blocker.version}


# Per mutation: how to build its input from the demo, and the fields on which an explicit null
# must be refused as REQUIRED (update fields that cannot be empty).
TABLE: dict[str, tuple[Inputs, frozenset[str]]] = {
    # products
    "createProduct": (create_product, frozenset()),
    "updateProduct": (
        update_product,
        frozenset({"name", "description", "ownerTeamId", "archived"}),
    ),
    "setItemProduct": (set_item_product, frozenset()),
    "subscribeToProduct": (subscribe_to_product, frozenset()),
    "unsubscribeFromProduct": (unsubscribe_from_product, frozenset()),
    "publishSla": (publish_sla, frozenset()),
    "importOpenSlo": (import_open_slo, frozenset()),
    "triageRequest": (_request, frozenset()),
    "deliverRequest": (_request, frozenset()),
    "recordMeasurements": (record_measurements, frozenset()),
    "reserveCompute": (reserve_compute, frozenset()),
    "cancelReservation": (cancel_reservation, frozenset()),
    # scrum of scrums
    "createForum": (create_forum, frozenset()),
    "updateForum": (
        update_forum,
        frozenset(
            {
                "name",
                "description",
                "facilitatorId",
                "weekdays",
                "meetingTime",
                "timeZone",
                "durationMinutes",
            }
        ),
    ),
    "archiveForum": (archive_forum, frozenset()),
    "addForumMember": (add_forum_member, frozenset()),
    "changeRepresentative": (change_representative, frozenset()),
    "removeForumMember": (remove_forum_member, frozenset()),
    "holdMeeting": (hold_meeting, frozenset()),
    "recordMeetingNotes": (record_meeting_notes, frozenset()),
    "recordDecision": (record_decision, frozenset()),
    "createActionItem": (create_action_item, frozenset()),
    "completeActionItem": (complete_action_item, frozenset()),
    # blockers
    "raiseBlocker": (raise_blocker, frozenset()),
    "updateBlocker": (
        update_blocker,
        frozenset({"title", "description", "category", "severity"}),
    ),
    "escalateBlocker": (escalate_blocker, frozenset()),
    "resolveBlocker": (resolve_blocker, frozenset()),
}
# Archiving the forum or resolving the blocker the other rows use goes last.
LAST = ("archiveForum", "cancelReservation", "resolveBlocker")


def _context_mutations() -> set[str]:
    convert = SCHEMA.config.name_converter
    return {
        convert.get_graphql_name(field)
        for context in CONTEXTS
        for field in context.__strawberry_definition__.fields  # type: ignore[attr-defined]
    }


def _input_type(name: str) -> GraphQLInputObjectType:
    type_ = GQL.mutation_type.fields[name].args["input"].type
    assert isinstance(type_, GraphQLNonNull)
    assert isinstance(type_.of_type, GraphQLInputObjectType)
    return type_.of_type


def _nullable(type_: GraphQLInputObjectType) -> list[str]:
    return [n for n, f in type_.fields.items() if not isinstance(f.type, GraphQLNonNull)]


def _element_type(type_: Any) -> GraphQLInputObjectType | None:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_ if isinstance(type_, GraphQLInputObjectType) else None


def _must_not_be_null(type_name: str) -> set[str]:
    """Update fields declared optional() but not nullable: an explicit null is REQUIRED."""
    definition = SCHEMA.get_type_by_name(type_name)
    origin = definition.origin  # type: ignore[union-attr]
    return {
        camel(f.python_name)
        for f in input_fields(origin)
        if spec_of(f).optional and not spec_of(f).nullable
    }


def _variants(type_: GraphQLInputObjectType, base: dict[str, Any]) -> list[tuple[str, ...]]:
    """Where to put a null: nowhere, on each optional field, on each optional field of the first
    element of a list of inputs."""
    variants: list[tuple[str, ...]] = [()]
    variants += [(name,) for name in _nullable(type_)]
    for name, field in type_.fields.items():
        element = _element_type(field.type)
        if element is not None and base.get(name):
            variants += [(name, inner) for inner in _nullable(element)]
    return variants


def _with_null(base: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(base)
    if len(path) == 1:
        changed[path[0]] = None
    elif len(path) == 2:
        changed[path[0]][0][path[1]] = None
    return changed


def _document(name: str, type_name: str) -> str:
    return (
        f"mutation($input: {type_name}!) {{ {name}(input: $input) "
        "{ errors { field code message } } }"
    )


def test_the_table_covers_every_mutation_of_these_contexts():
    assert set(TABLE) == _context_mutations()


def test_the_inputs_declare_the_fields_that_cannot_be_null():
    # The REQUIRED fields of the table are exactly those declared optional() but not nullable.
    for name, (_build, required) in TABLE.items():
        assert _must_not_be_null(_input_type(name).name) == required, name


async def test_explicit_nulls_on_every_optional_field_never_answer_internal(api, session):
    # Given the demo organisation and an admin
    await load_demo(session)
    await session.commit()
    await api.login(Role.ADMIN)
    order = [n for n in sorted(TABLE) if n not in LAST] + list(LAST)
    sent = 0
    for name in order:
        type_ = _input_type(name)
        build, required = TABLE[name]
        session.expire_all()
        for path in _variants(type_, await build(session)):
            # when the admin sends it, built afresh (current versions) with a null at `path`
            session.expire_all()
            variables = _with_null(await build(session), path)
            body = (await api.post(_document(name, type_.name), {"input": variables})).json()
            sent += 1
            # then nothing is a server error; a null where a value is needed is REQUIRED
            assert "errors" not in body, (name, path, body.get("errors"))
            errors = body["data"][name]["errors"]
            assert "INTERNAL" not in [e["code"] for e in errors], (name, path, errors)
            if len(path) == 1 and path[0] in required:
                found = [(e["field"], e["code"]) for e in errors]
                assert (path[0], "REQUIRED") in found, (name, path, errors)
    assert sent > 2 * len(TABLE)
