"""The resolver functions meant for Dependency.flags and IntegrationPoint.risk."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from syncpoint.analysis.flags import FlagCode
from syncpoint.core.context import Context
from syncpoint.core.models import utcnow
from syncpoint.core.settings import Settings
from syncpoint.insights.graphql import fields
from tests.support.factories import ADMIN
from tests.support.insights_factories import AS_OF, worked_example


def info_for(session) -> SimpleNamespace:
    """What a resolver sees of strawberry's Info: the request context."""
    return SimpleNamespace(context=Context(session=session, actor=ADMIN, settings=Settings()))


async def test_dependency_flags_share_one_snapshot_per_request(session, count_statements):
    ex = await worked_example(session)
    info = info_for(session)

    first = await fields.dependency_flags(info, ex.r7_needs_fs12.id, AS_OF)
    loaded = count_statements.count
    second = await fields.dependency_flags(info, ex.s3_needs_r7.id, AS_OF)

    assert [f.code for f in first] == [FlagCode.LATE, FlagCode.CADENCE_MISALIGNED]
    assert first[0].numbers["lateByDays"] == 7
    assert [f.code for f in second] == [FlagCode.LATE, FlagCode.CADENCE_MISALIGNED]
    assert count_statements.count == loaded  # the second dependency read the cached analysis


async def test_integration_point_risk_and_none_once_archived(session):
    ex = await worked_example(session)

    risk = await fields.integration_point_risk(info_for(session), ex.launch.id, AS_OF)
    ex.launch.archived_at = utcnow()
    await session.flush()
    archived = await fields.integration_point_risk(info_for(session), ex.launch.id, AS_OF)

    assert risk is not None
    assert risk.at_risk
    assert risk.integration_date == date(2027, 2, 20)
    assert [t.late_by_days for t in risk.teams] == [0, 3]
    assert archived is None


DEPENDENCY_FLAGS = """
query($id: ID!, $asOf: Date!) {
  node(id: $id) {
    ... on Dependency { lateByDays(asOf: $asOf) flags(asOf: $asOf) { code numbers } }
  }
}"""

POINT_RISK = """
query($id: ID!, $asOf: Date!) {
  node(id: $id) {
    ... on IntegrationPoint { risk(asOf: $asOf) { atRisk teams { team { name } lateByDays } } }
  }
}"""


async def test_flags_and_risk_are_fields_of_dependency_and_integration_point(api, session):
    from strawberry.relay import to_base64

    from syncpoint.core.auth import Role

    ex = await worked_example(session)
    await api.login(Role.VIEWER)
    variables = {"id": to_base64("Dependency", ex.r7_needs_fs12.id), "asOf": AS_OF.isoformat()}
    dependency = (await api.gql(DEPENDENCY_FLAGS, variables))["node"]
    assert dependency["lateByDays"] == 7
    assert [f["code"] for f in dependency["flags"]] == ["LATE", "CADENCE_MISALIGNED"]
    assert dependency["flags"][0]["numbers"]["lateByDays"] == 7
    variables = {"id": to_base64("IntegrationPoint", ex.launch.id), "asOf": AS_OF.isoformat()}
    risk = (await api.gql(POINT_RISK, variables))["node"]["risk"]
    assert risk["atRisk"] is True
    assert [team["lateByDays"] for team in risk["teams"]] == [0, 3]
