"""Export the demo organisation as a Backstage catalog, import it into an empty database, and
find the same organisation."""

from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy import select

from syncpoint.core.db import SerialSession
from syncpoint.dependencies.models import Dependency, DependencyStatus
from syncpoint.imports.backstage import parse_backstage
from syncpoint.imports.backstage_export import export_backstage
from syncpoint.imports.report import Outcome
from syncpoint.imports.runner import run_import
from syncpoint.imports.sources import SourceFile
from syncpoint.products.models import Product, ProductSubscription
from syncpoint.teams.models import Group, Membership, Person, Team
from syncpoint.work.models import BacklogItem
from tests.support.factories import ADMIN


async def _organisation(session: SerialSession) -> dict[str, Any]:
    groups = {g.id: g for g in await session.scalars(select(Group))}
    teams = {t.id: t for t in await session.scalars(select(Team))}
    people = {p.id: p for p in await session.scalars(select(Person))}
    products = {p.id: p for p in await session.scalars(select(Product))}
    items = {i: t for i, t in await session.execute(select(BacklogItem.id, BacklogItem.team_id))}
    subscriptions = {
        (products[s.product_id].slug, teams[s.team_id].slug)
        for s in await session.scalars(
            select(ProductSubscription).where(ProductSubscription.until.is_(None))
        )
    }
    team_pairs = set()
    for d in await session.scalars(
        select(Dependency).where(Dependency.status == DependencyStatus.OPEN)
    ):
        consumer = teams[items[d.consumer_item_id]].slug
        if d.provider_product_id is not None:
            provider = products[d.provider_product_id].slug
        else:
            provider = teams[items[d.provider_item_id or 0]].slug
        if provider != consumer:
            team_pairs.add((consumer, provider))
    return {
        "groups": {
            (
                g.slug,
                g.name,
                g.kind,
                g.description,
                groups[g.parent_id].slug if g.parent_id else None,
            )
            for g in groups.values()
        },
        "teams": {
            (t.slug, t.name, groups[t.group_id].slug, t.topology, t.framework, t.focus)
            for t in teams.values()
        },
        "people": {(p.email, p.name, p.title) for p in people.values()},
        "memberships": {
            (people[m.person_id].email, teams[m.team_id].slug, m.role)
            for m in await session.scalars(select(Membership).where(Membership.ended_on.is_(None)))
        },
        "products": {
            (p.slug, p.name, p.kind, p.description, teams[p.owner_team_id].slug)
            for p in products.values()
        },
        "subscriptions": subscriptions,
        "team_pairs": team_pairs,
    }


async def test_the_exported_demo_imports_into_an_empty_database_as_the_same_organisation(
    demo_session: SerialSession, session: SerialSession
) -> None:
    files = await export_backstage(demo_session)
    for content in files.values():
        for document in yaml.safe_load_all(content):
            assert document["apiVersion"] == "backstage.io/v1alpha1"
            assert document["metadata"]["name"]
    sources = [SourceFile(f"demo/{name}", text) for name, text in files.items()]
    root = [s for s in sources if s.name.endswith("catalog-info.yaml")]
    given = {s.name: s.content for s in sources}

    report = await run_import(
        session,
        ADMIN,
        source="backstage",
        parser=lambda f, r: parse_backstage(f, r, loader=given.get),
        files=root,
        apply=True,
    )

    assert report.invalid == []
    original, imported = await _organisation(demo_session), await _organisation(session)
    for part in ("groups", "teams", "people", "memberships", "products"):
        assert imported[part] == original[part], part
    assert imported["subscriptions"] == original["subscriptions"]
    # A subscription is consumption, so it comes back as a dependency on the product too.
    assert imported["team_pairs"] == original["team_pairs"] | {
        (team, product) for product, team in original["subscriptions"]
    }
    again = await run_import(
        session,
        ADMIN,
        source="backstage",
        parser=lambda f, r: parse_backstage(f, r, loader=given.get),
        files=root,
        apply=True,
    )
    assert again.counts()[Outcome.CREATED] == again.counts()[Outcome.UPDATED] == 0
