"""Team API documents and the dependency spreadsheet: fields, interactions, dependencies."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from syncpoint.analysis.model import DependencyType, Framework, InteractionMode
from syncpoint.core.db import SerialSession
from syncpoint.dependencies.models import Dependency
from syncpoint.imports.dependency_csv import parse_dependency_csv
from syncpoint.imports.report import Outcome, Report
from syncpoint.imports.runner import Parser, run_import
from syncpoint.imports.sources import SourceFile
from syncpoint.imports.team_api import parse_team_api
from syncpoint.products import service as products
from syncpoint.products.models import ProductKind
from syncpoint.teams import service as teams
from syncpoint.teams.models import GroupKind, Interaction, Team, Topology
from syncpoint.work.models import BacklogItem
from tests.support.factories import ADMIN

TEAM_API = """
team: ranking-x
name: Ranking X
type: Stream-aligned
framework: kanban
focus: Rank results.
channels: ["#ranking", "#ranking-oncall"]
waysOfWorking: Pairing on Tuesdays.
servicesProvided:
  - {name: ranked-results, description: The ranked list}
  - search-logs
interactions:
  - {team: features-x, mode: x-as-a-service, purpose: Features, role: consumer,
     startDate: 2027-01-04}
  - {team: enabling-x, mode: Facilitating, purpose: Learn MLOps, startDate: 2027-01-04,
     expectedDuration: 6 weeks, role: facilitated}
  - {team: features-x, mode: collaboration, purpose: Design, startDate: 2027-01-11,
     expectedEnd: 2027-02-11}
dependencies:
  - {team: features-x, type: Blocking, description: Session features, neededBy: 2027-02-01}
  - {team: features-x, type: Slowing, description: Backfill}
  - {team: enabling-x, type: OK, description: Training}
---
team: broken-x
interactions:
  - {team: features-x, mode: sideways}
---
team: late-x
dependencies:
  - {team: features-x, neededBy: soon}
---
name: no slug
"""


async def _run(
    session: SerialSession, parser: Parser, files: list[SourceFile], **kw: bool
) -> Report:
    return await run_import(session, ADMIN, source="t", parser=parser, files=files, **kw)


async def _teams(session: SerialSession) -> None:
    group = await teams.create_group(
        session, ADMIN, slug="org-x", name="Org X", kind=GroupKind.ORGANISATION
    )
    for slug, topology in (
        ("ranking-x", Topology.STREAM_ALIGNED),
        ("features-x", Topology.PLATFORM),
        ("enabling-x", Topology.ENABLING),
    ):
        await teams.create_team(
            session,
            ADMIN,
            slug=slug,
            name=slug,
            group_id=group.id,
            values={"topology": topology, "framework": Framework.SCRUM},
        )


async def test_team_api_documents_set_the_team_api_interactions_and_dependencies(
    session: SerialSession,
) -> None:
    await _teams(session)

    report = await _run(session, parse_team_api, [SourceFile("t.yaml", TEAM_API)], apply=True)

    invalid = {(p.origin.index, p.field) for p in report.invalid}
    assert invalid == {
        (1, "interactions[0].mode"),
        (2, "dependencies[0].neededBy"),
        (3, "team"),
    }
    team = await session.scalar(select(Team).where(Team.slug == "ranking-x"))
    assert team is not None
    assert team.name == "Ranking X"
    assert team.framework is Framework.KANBAN
    assert team.focus == "Rank results."
    assert team.channels == ["#ranking", "#ranking-oncall"]
    assert "Pairing on Tuesdays." in team.ways_of_working
    assert "- ranked-results: The ranked list" in team.ways_of_working
    assert "- search-logs" in team.ways_of_working
    slugs = {t.id: t.slug for t in await session.scalars(select(Team))}
    interactions = {
        (slugs[i.team_id], slugs[i.partner_id], i.mode, i.expected_end)
        for i in await session.scalars(select(Interaction))
    }
    assert interactions == {
        ("features-x", "ranking-x", InteractionMode.X_AS_A_SERVICE, None),
        ("enabling-x", "ranking-x", InteractionMode.FACILITATING, date(2027, 2, 15)),
        ("ranking-x", "features-x", InteractionMode.COLLABORATION, date(2027, 2, 11)),
    }
    deps = {d.description: d for d in await session.scalars(select(Dependency))}
    assert set(deps) == {"Session features", "Backfill", "Training"}
    assert deps["Session features"].type is DependencyType.BLOCKING
    assert deps["Session features"].needed_by == date(2027, 2, 1)
    assert deps["Backfill"].type is DependencyType.SLOWING
    items = {i.id: i for i in await session.scalars(select(BacklogItem))}
    blocking = deps["Session features"]
    assert slugs[items[blocking.consumer_item_id].team_id] == "ranking-x"
    assert slugs[items[blocking.provider_item_id or 0].team_id] == "features-x"

    again = await _run(session, parse_team_api, [SourceFile("t.yaml", TEAM_API)], apply=True)
    assert again.counts()[Outcome.CREATED] == 0
    assert again.counts()[Outcome.UPDATED] == 0


async def test_a_team_api_for_an_unknown_team_creates_it_with_reported_defaults(
    session: SerialSession,
) -> None:
    document = "team: newcomer-x\ninteractions: [{team: ghost-x, mode: collaboration}]\n"

    report = await _run(session, parse_team_api, [SourceFile("n.yaml", document)], apply=True)

    assert [a.key for a in report.of("TEAM", Outcome.CREATED)] == ["newcomer-x"]
    assert {(d.key, d.field) for d in report.defaults} >= {
        ("newcomer-x", "group"),
        ("newcomer-x", "topology"),
        ("newcomer-x", "framework"),
    }
    assert any("ghost-x" in p.reason for p in report.problems)


CSV = """Consumer team,Provider team,Type,Description,Needed-by,Owner
ranking-x,features-x,Blocking,Session features,2027-02-01,ada
ranking-x,features-x,slowing,Backfill,,
ranking-x,product:fs-x,OK,A request to the product,,

,features-x,OK,no consumer,,
ranking-x,features-x,Urgent,bad type,,
ranking-x,features-x,OK,bad date,tomorrow,
ranking-x,nobody-x,OK,unknown provider,,
"""


async def test_the_dependency_spreadsheet_becomes_team_level_dependencies(
    session: SerialSession,
) -> None:
    await _teams(session)
    features = await session.scalar(select(Team).where(Team.slug == "features-x"))
    assert features is not None
    product = await products.create_product(
        session,
        ADMIN,
        slug="fs-x",
        name="FS",
        kind=ProductKind.FEATURE_STORE,
        owner_team_id=features.id,
    )

    report = await _run(
        session, parse_dependency_csv, [SourceFile("d.csv", CSV)], apply=True, strict=False
    )

    invalid = {(p.origin.index, p.field) for p in report.invalid}
    assert invalid == {(6, "consumer team"), (7, "type"), (8, "needed by"), (9, "provider")}
    assert any(p.field == "owner" and not p.invalid for p in report.problems)
    deps = {d.description: d for d in await session.scalars(select(Dependency))}
    assert set(deps) == {"Session features", "Backfill", "A request to the product"}
    assert deps["Session features"].type is DependencyType.BLOCKING
    assert deps["Session features"].needed_by == date(2027, 2, 1)
    assert deps["A request to the product"].provider_product_id == product.id
    assert deps["A request to the product"].provider_item_id is None

    csv = CSV.replace("Session features,2027-02-01", "Session features,2027-02-08")
    again = await _run(session, parse_dependency_csv, [SourceFile("d.csv", csv)], apply=True)
    assert [(a.outcome, a.changes) for a in again.of("DEPENDENCY") if a.changes] == [
        (Outcome.UPDATED, ("needed_by",))
    ]
    assert again.counts()[Outcome.CREATED] == 0


async def test_a_spreadsheet_without_the_team_columns_is_refused(session: SerialSession) -> None:
    report = await _run(session, parse_dependency_csv, [SourceFile("d.csv", "a,b\n1,2\n")])

    assert [(p.field, p.reason) for p in report.invalid] == [
        ("consumer team, provider team", "Missing column(s).")
    ]
