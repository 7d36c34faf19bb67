"""Importing a Backstage catalog: every kind and relation, idempotence, invalid documents."""

from __future__ import annotations

from sqlalchemy import select

from syncpoint.analysis.model import Framework
from syncpoint.core.db import SerialSession
from syncpoint.dependencies.models import Dependency
from syncpoint.imports.backstage import parse_backstage, parse_ref
from syncpoint.imports.report import Outcome, Report
from syncpoint.imports.runner import run_import
from syncpoint.imports.sources import SourceFile
from syncpoint.products.models import Product, ProductKind, ProductSubscription
from syncpoint.teams.models import Group, GroupKind, Membership, Person, Team, Topology
from syncpoint.work.models import BacklogItem
from tests.imports.catalogs import BROKEN_YAML, INVALID, catalog
from tests.support.factories import ADMIN


async def _import(session: SerialSession, files: list[SourceFile], **kw: bool) -> Report:
    return await run_import(
        session, ADMIN, source="backstage", parser=parse_backstage, files=files, **kw
    )


def test_references_take_the_fields_default_kind_and_the_entitys_namespace() -> None:
    assert parse_ref("ranking", "group", "default") == ("group", "default", "ranking")
    assert parse_ref("user:ops/ada", "group", "default") == ("user", "ops", "ada")
    assert parse_ref("team-b/x", "group", "default") == ("group", "team-b", "x")
    assert parse_ref("Component:Y", None, "other") == ("component", "other", "Y")
    assert parse_ref("feature-server", None, "default") is None  # dependsOn has no default kind


async def test_a_dry_run_reports_the_plan_and_writes_nothing(session: SerialSession) -> None:
    report = await _import(session, catalog())

    assert not report.written
    assert {a.key for a in report.of("TEAM", Outcome.CREATED)} == {"ranking", "features", "serving"}
    assert await session.scalar(select(Team).where(Team.slug == "ranking")) is None


async def test_the_catalog_becomes_groups_teams_people_products_and_dependencies(
    session: SerialSession,
) -> None:
    report = await _import(session, catalog(), apply=True)

    assert report.written
    assert not report.invalid
    groups = {g.slug: g for g in await session.scalars(select(Group))}
    assert groups["acme"].kind is GroupKind.ORGANISATION
    assert groups["acme"].name == "ACME"
    assert groups["search"].kind is GroupKind.TRIBE
    assert groups["search"].parent_id == groups["acme"].id
    assert groups["platform"].kind is GroupKind.OTHER  # spec.children made it acme's child
    assert groups["platform"].parent_id == groups["acme"].id
    teams = {t.slug: t for t in await session.scalars(select(Team))}
    assert set(teams) == {"ranking", "features", "serving"}
    assert teams["ranking"].group_id == groups["search"].id  # spec.parent
    assert teams["features"].group_id == groups["platform"].id  # the parent's spec.children
    assert teams["serving"].group_id == groups["platform"].id  # relations: childOf
    assert teams["ranking"].framework is Framework.HYBRID  # the annotation
    assert teams["ranking"].focus == "Rank results"
    assert teams["ranking"].topology is Topology.STREAM_ALIGNED
    assert teams["features"].topology is Topology.PLATFORM  # owns a consumed product
    assert teams["serving"].topology is Topology.COMPLICATED_SUBSYSTEM
    people = {p.email: p for p in await session.scalars(select(Person))}
    assert people["ada@example.com"].name == "Ada Lovelace"
    assert people["grace@example.com"].name == "grace"
    memberships = {(m.person_id, m.team_id) for m in await session.scalars(select(Membership))}
    assert memberships == {
        (people["ada@example.com"].id, teams["ranking"].id),  # the group's spec.members
        (people["grace@example.com"].id, teams["features"].id),  # the user's memberOf
    }
    products = {p.slug: p for p in await session.scalars(select(Product))}
    # feature-platform: a system consumed through its API; model-server: a component dependsOn.
    assert set(products) == {"feature-platform", "model-server"}
    assert products["feature-platform"].kind is ProductKind.FEATURE_STORE
    assert products["feature-platform"].owner_team_id == teams["features"].id
    assert products["model-server"].kind is ProductKind.MODEL_SERVING  # from spec.type
    subscribers = {
        (s.product_id, s.team_id) for s in await session.scalars(select(ProductSubscription))
    }
    assert (products["feature-platform"].id, teams["ranking"].id) in subscribers
    assert (products["model-server"].id, teams["ranking"].id) in subscribers
    # gpu-pool (a resource without a system) -> team dependency ranking -> serving;
    # gpu-pool depends on feature-server -> serving subscribes to feature-platform.
    assert (products["feature-platform"].id, teams["serving"].id) in subscribers
    deps = list(await session.scalars(select(Dependency)))
    items = {i.id: i for i in await session.scalars(select(BacklogItem))}
    by_team = {
        (
            items[d.consumer_item_id].team_id,
            d.provider_product_id or items[d.provider_item_id or 0].team_id,
        )
        for d in deps
    }
    assert (teams["ranking"].id, products["feature-platform"].id) in by_team
    assert (teams["ranking"].id, teams["serving"].id) in by_team
    assert len(deps) == 4


async def test_reimporting_changes_nothing_and_changes_are_updates(
    session: SerialSession,
) -> None:
    await _import(session, catalog(), apply=True)

    again = await _import(session, catalog(), apply=True)

    assert again.counts()[Outcome.CREATED] == 0
    assert again.counts()[Outcome.UPDATED] == 0
    files = catalog()
    files[1] = SourceFile(files[1].name, files[1].content.replace("Rank results", "Rank better"))
    changed = await _import(session, files, apply=True)
    assert [(a.key, a.changes) for a in changed.of("TEAM", Outcome.UPDATED)] == [
        ("ranking", ("focus",))
    ]


async def test_unknown_references_and_what_the_catalog_cannot_say_are_reported(
    session: SerialSession,
) -> None:
    report = await _import(session, catalog())

    unknown = [p for p in report.problems if "component:default/nowhere" in p.reason]
    assert unknown
    assert unknown[0].field == "spec.dependsOn"
    assert not unknown[0].invalid
    assert unknown[0].origin.entity == "component:ranker"
    assert unknown[0].origin.file == "catalog/software/all.yaml"
    assert any(p.origin.entity == "domain:discovery" for p in report.problems)
    assert any(
        "platform is not a team" in p.reason and p.field == "spec.memberOf" for p in report.problems
    )
    defaults = {(d.key, d.field) for d in report.defaults}
    assert ("ranking", "topology") in defaults
    assert ("features", "framework") in defaults


async def test_invalid_documents_are_listed_and_the_valid_ones_imported(
    session: SerialSession,
) -> None:
    files = [*catalog(), SourceFile("bad.yaml", INVALID), SourceFile("broken.yaml", BROKEN_YAML)]

    report = await _import(session, files, apply=True)

    invalid = {(p.origin.file, p.origin.index, p.field) for p in report.invalid}
    assert invalid == {
        ("bad.yaml", 0, "spec.owner"),
        ("bad.yaml", 1, "apiVersion"),
        ("bad.yaml", 2, "metadata.name"),
        ("bad.yaml", 3, "spec.dependsOn"),
        ("bad.yaml", 4, "spec.profile.email"),
        ("bad.yaml", 5, "spec.children"),
        ("bad.yaml", 7, ""),
        ("broken.yaml", 0, ""),
    }
    assert any(p.field == "kind" and "Template" in p.reason for p in report.problems)
    assert report.written
    assert await session.scalar(select(Team).where(Team.slug == "ranking")) is not None


async def test_strict_writes_nothing_when_a_document_is_invalid(session: SerialSession) -> None:
    files = [*catalog(), SourceFile("bad.yaml", INVALID)]

    report = await _import(session, files, apply=True, strict=True)

    assert not report.written
    assert await session.scalar(select(Team).where(Team.slug == "ranking")) is None


async def test_a_location_target_that_is_missing_or_remote_is_reported(
    session: SerialSession,
) -> None:
    root = (
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: r}\n"
        "spec: {targets: [./gone.yaml, 'https://example.com/x.yaml']}\n"
    )

    report = await _import(session, [SourceFile("c/root.yaml", root)])

    reasons = [p.reason for p in report.problems]
    assert "c/gone.yaml was not found." in reasons
    assert any("not followed" in r for r in reasons)
