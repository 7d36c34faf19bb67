"""Products, consumers, backlog and requests through GraphQL: given / when / then, both DBs."""

from __future__ import annotations

from sqlalchemy import select
from strawberry.relay import to_base64

from syncpoint.core.auth import Role
from syncpoint.dependencies.models import Dependency, DependencyStatus
from syncpoint.products.models import ProductKind
from syncpoint.products.service import set_item_product
from syncpoint.teams.models import MembershipRole, Topology
from tests.support.api import nodes
from tests.support.factories import ADMIN, make_member, make_team
from tests.support.products_factories import (
    make_item,
    make_platform_team,
    make_product,
    publish,
    request,
    subscribe,
)

CREATE_PRODUCT = """
mutation($input: CreateProductInput!) {
  createProduct(input: $input) {
    product { slug name kind capacityUnits version ownerTeam { slug } }
    errors { field code message }
  }
}"""

PRODUCTS = """
query($filter: ProductFilter, $first: Int) {
  products(filter: $filter, first: $first) {
    totalCount
    edges {
      node {
        slug kind ownerTeam { slug } currentSla { number }
        consumers { edges { node { team { slug } } } }
      }
    }
  }
}"""

SUBSCRIBE = """
mutation($input: SubscribeToProductInput!) {
  subscribeToProduct(input: $input) {
    subscription { id since until version isActive team { slug } }
    errors { field code }
  }
}"""

UNSUBSCRIBE = """
mutation($input: UnsubscribeFromProductInput!) {
  unsubscribeFromProduct(input: $input) { subscription { until isActive } errors { field code } }
}"""

CONSUMERS = """
query($slug: String!) {
  product(slug: $slug) {
    active: consumers { totalCount edges { node { team { slug } } } }
    all: consumers(includeEnded: true) { edges { node { team { slug } since until } } }
  }
}"""

BACKLOG_AND_REQUESTS = """
query($slug: String!, $states: [ProductRequestState!]) {
  product(slug: $slug) {
    requestTurnaroundDays
    backlog(first: 10) { totalCount edges { node { key value effort } } }
    requests(first: 10, states: $states) {
      totalCount
      edges { node { id state triagedAt deliveredAt triageDueOn deliveryDueOn
                     consumerItem { key } consumerTeam { slug } dependency { status } } }
    }
  }
}"""

TRIAGE = """
mutation($input: RequestActionInput!) {
  triageRequest(input: $input) { request { state triagedAt triageNote } errors { field code } }
}"""

DELIVER = """
mutation($input: RequestActionInput!) {
  deliverRequest(input: $input) { request { state triagedAt deliveredAt } errors { field code } }
}"""


def gid(type_name: str, ident: int) -> str:
    return to_base64(type_name, ident)


async def test_platform_owner_creates_a_product_for_their_own_team(api, session):
    owner = await make_platform_team(session)
    person = await make_member(session, owner, MembershipRole.PRODUCT_OWNER)
    await api.login(Role.PLATFORM_OWNER, person.id)

    data = await api.gql(
        CREATE_PRODUCT,
        {
            "input": {
                "slug": "gpu-pool",
                "name": "GPU Pool",
                "kind": "COMPUTE",
                "ownerTeamId": gid("Team", owner.id),
                "capacityUnits": 16,
            }
        },
    )

    payload = data["createProduct"]
    assert payload["errors"] == []
    assert payload["product"]["capacityUnits"] == 16
    assert payload["product"]["ownerTeam"]["slug"] == owner.slug


async def test_platform_owner_may_not_create_for_another_team(api, session):
    owner = await make_platform_team(session)
    other = await make_platform_team(session)
    person = await make_member(session, other, MembershipRole.PRODUCT_OWNER)
    await api.login(Role.PLATFORM_OWNER, person.id)
    values = {"slug": "fs", "name": "FS", "kind": "FEATURE_STORE"}

    errors = await api.errors(
        CREATE_PRODUCT, {"input": {**values, "ownerTeamId": gid("Team", owner.id)}}
    )

    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert errors[0]["extensions"]["reason"] == "SCOPE"


async def test_invalid_products_are_refused_with_codes_and_nothing_is_created(api, session):
    platform = await make_platform_team(session)
    stream = await make_team(session, topology=Topology.STREAM_ALIGNED)
    await make_product(session, owner=platform, name="Taken")
    taken = (await api_products(api))[0]["slug"]
    await api.login(Role.ADMIN)
    base = {"name": "X", "kind": "FEATURE_STORE", "ownerTeamId": gid("Team", platform.id)}
    cases = [
        ({**base, "slug": "x", "ownerTeamId": gid("Team", stream.id)}, "ownerTeamId", "INVALID"),
        ({**base, "slug": "x", "kind": "COMPUTE"}, "capacityUnits", "REQUIRED"),
        ({**base, "slug": "x", "capacityUnits": 4}, "capacityUnits", "INVALID"),
        ({**base, "slug": "x", "kind": "COMPUTE", "capacityUnits": 0}, "capacityUnits", "INVALID"),
        ({**base, "slug": taken}, "slug", "DUPLICATE"),
        ({**base, "slug": "Not A Slug"}, "slug", "INVALID"),
        ({**base, "slug": "x", "name": " "}, "name", "REQUIRED"),
    ]
    for values, field, code in cases:
        payload = (await api.gql(CREATE_PRODUCT, {"input": values}))["createProduct"]
        assert payload["product"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)], values
    assert len(await api_products(api)) == 1


async def api_products(api, filter=None):
    await api.login(Role.VIEWER)
    data = await api.gql(PRODUCTS, {"filter": filter, "first": 50})
    return [edge["node"] for edge in data["products"]["edges"]]


async def test_products_filter_by_kind_owner_and_consumer(api, session):
    owner = await make_platform_team(session, Topology.COMPLICATED_SUBSYSTEM)
    consumer = await make_team(session)
    store = await make_product(session, owner=owner, name="A store")
    pool = await make_product(session, kind=ProductKind.COMPUTE, capacity=8, name="B pool")
    await subscribe(session, store, consumer)
    await publish(session, store)

    everything = await api_products(api)
    compute = await api_products(api, {"kinds": ["COMPUTE"]})
    owned = await api_products(api, {"ownerTeamId": gid("Team", owner.id)})
    consumed = await api_products(api, {"consumerTeamId": gid("Team", consumer.id)})

    assert [p["slug"] for p in everything] == [store.slug, pool.slug]
    assert [p["slug"] for p in compute] == [pool.slug]
    assert [p["slug"] for p in owned] == [store.slug]
    assert nodes(consumed[0]["consumers"]) == [{"team": {"slug": consumer.slug}}]
    assert consumed[0]["currentSla"] == {"number": 1}


async def test_team_member_subscribes_own_team_and_unsubscribing_keeps_history(api, session):
    product = await make_product(session)
    team = await make_team(session)
    member = await make_member(session, team)
    await api.login(Role.TEAM_MEMBER, member.id)
    subscribe_input = {
        "productId": gid("Product", product.id),
        "teamId": gid("Team", team.id),
        "since": "2027-01-04",
    }

    first = (await api.gql(SUBSCRIBE, {"input": subscribe_input}))["subscribeToProduct"]
    again = (await api.gql(SUBSCRIBE, {"input": subscribe_input}))["subscribeToProduct"]
    sub = first["subscription"]
    too_early = {"id": sub["id"], "version": sub["version"], "until": "2027-01-01"}
    refused = (await api.gql(UNSUBSCRIBE, {"input": too_early}))["unsubscribeFromProduct"]
    ended = await api.gql(UNSUBSCRIBE, {"input": {**too_early, "until": "2027-02-01"}})

    assert sub["since"] == "2027-01-04"
    assert sub["isActive"]
    assert again["errors"] == [{"field": "teamId", "code": "DUPLICATE"}]
    assert refused["errors"] == [{"field": "until", "code": "INVALID_DATE_RANGE"}]
    assert ended["unsubscribeFromProduct"]["subscription"] == {
        "until": "2027-02-01",
        "isActive": False,
    }
    consumers = (await api.gql(CONSUMERS, {"slug": product.slug}))["product"]
    assert nodes(consumers["active"]) == []
    assert consumers["active"]["totalCount"] == 0
    assert nodes(consumers["all"]) == [
        {"team": {"slug": team.slug}, "since": "2027-01-04", "until": "2027-02-01"}
    ]


async def test_subscribing_another_team_or_the_owner_is_refused(api, session):
    owner = await make_platform_team(session)
    product = await make_product(session, owner=owner)
    mine, other = await make_team(session), await make_team(session)
    member = await make_member(session, mine)
    await api.login(Role.TEAM_MEMBER, member.id)

    errors = await api.errors(
        SUBSCRIBE,
        {"input": {"productId": gid("Product", product.id), "teamId": gid("Team", other.id)}},
    )
    await api.login(Role.ADMIN)
    own = await api.gql(
        SUBSCRIBE,
        {"input": {"productId": gid("Product", product.id), "teamId": gid("Team", owner.id)}},
    )

    assert errors[0]["extensions"]["reason"] == "SCOPE"
    assert own["subscribeToProduct"]["errors"] == [{"field": "teamId", "code": "SELF_REFERENCE"}]


async def test_backlog_by_value_per_effort_and_requests_with_triage_and_delivery(api, session):
    owner = await make_platform_team(session)
    product = await make_product(session, owner=owner)
    await publish(session, product)  # triage 2 days, delivery 2 sprints (owner has no cadence)
    cheap = await make_item(session, owner, value=8, effort=2)
    dear = await make_item(session, owner, value=9, effort=9)
    unsized = await make_item(session, owner)
    for item in (dear, unsized, cheap):
        await set_item_product(session, ADMIN, item.id, product.id)
    consumer = await make_team(session)
    asks = await make_item(session, consumer)
    dependency = await request(session, asks, product)
    person = await make_member(session, owner, MembershipRole.PRODUCT_OWNER)
    await api.login(Role.PLATFORM_OWNER, person.id)
    ref_id = dependency.id
    ref = {"dependencyId": gid("Dependency", ref_id)}

    before = (await api.gql(BACKLOG_AND_REQUESTS, {"slug": product.slug}))["product"]
    triaged = (await api.gql(TRIAGE, {"input": {**ref, "note": "next sprint"}}))["triageRequest"]
    twice = (await api.gql(TRIAGE, {"input": ref}))["triageRequest"]
    delivered = (await api.gql(DELIVER, {"input": ref}))["deliverRequest"]
    after = await api.gql(BACKLOG_AND_REQUESTS, {"slug": product.slug, "states": ["DELIVERED"]})

    assert before["requestTurnaroundDays"] == 28
    assert [e["node"]["key"] for e in before["backlog"]["edges"]] == [
        cheap.key,
        dear.key,
        unsized.key,
    ]
    request_before = before["requests"]["edges"][0]["node"]
    assert request_before["state"] == "NEW"
    assert request_before["consumerItem"]["key"] == asks.key
    assert request_before["consumerTeam"]["slug"] == consumer.slug
    assert request_before["triageDueOn"] is not None
    assert request_before["deliveryDueOn"] is not None
    assert triaged["request"]["state"] == "TRIAGED"
    assert triaged["request"]["triageNote"] == "next sprint"
    assert twice["errors"] == [{"field": "dependencyId", "code": "INVALID_STATE"}]
    assert delivered["request"]["state"] == "DELIVERED"
    assert delivered["request"]["triagedAt"] == triaged["request"]["triagedAt"]
    requests = after["product"]["requests"]
    assert requests["totalCount"] == 1
    assert requests["edges"][0]["node"]["dependency"]["status"] == "SATISFIED"
    status = await session.scalar(select(Dependency.status).where(Dependency.id == ref_id))
    assert status is DependencyStatus.SATISFIED


async def test_consumer_may_not_triage_requests(api, session):
    product = await make_product(session)
    consumer = await make_team(session)
    dependency = await request(session, await make_item(session, consumer), product)
    person = await make_member(session, consumer)

    await api.login(Role.TEAM_MEMBER, person.id)
    errors = await api.errors(TRIAGE, {"input": {"dependencyId": gid("Dependency", dependency.id)}})

    assert errors[0]["extensions"] == {"code": "FORBIDDEN", "reason": "ROLE"}


async def test_products_page_statements_do_not_grow_with_page_size(api, session, count_statements):
    for _ in range(6):
        product = await make_product(session)
        await subscribe(session, product, await make_team(session))
        await publish(session, product)
    await api.login(Role.VIEWER)
    deep = """
    query($first: Int) { products(first: $first) { edges { node {
      ownerTeam { slug } consumers { edges { node { team { slug } } } } requestTurnaroundDays
      currentSla { number objectives { key } }
      compliance { status objective { key } }
    } } } }"""

    count_statements.count = 0
    await api.gql(deep, {"first": 2})
    small = count_statements.count
    count_statements.count = 0
    await api.gql(deep, {"first": 6})

    assert count_statements.count == small
