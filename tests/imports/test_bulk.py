"""Imports at the large organisation's size load in bulk: the statements of an import do not
grow with its input, a re-import writes nothing, and the bulk path keeps the per-object one's
rules (audit, data version, item-key counters)."""

from __future__ import annotations

from collections.abc import Awaitable, Iterator
from functools import partial
from typing import Any

import pytest
from benchmarks.import_org import ISSUES_PER_TEAM, PEOPLE_PER_TEAM, catalog, jira
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncConnection

from syncpoint.core.data_version import pending_writes
from syncpoint.core.db import SerialSession
from syncpoint.core.mutations import recording
from syncpoint.dependencies.models import Dependency
from syncpoint.imports.backstage import parse_backstage
from syncpoint.imports.jira import parse_jira
from syncpoint.imports.report import Outcome, Report
from syncpoint.imports.repository import CHUNK
from syncpoint.imports.runner import run_import
from syncpoint.imports.sources import SourceFile
from syncpoint.teams.models import Membership, Person, Team
from syncpoint.work import keys
from syncpoint.work.models import BacklogItem, ItemKeyCounter
from tests.support.factories import ADMIN


async def _backstage(session: SerialSession, teams: int, prefix: str) -> Report:
    files = [SourceFile(name, text) for name, text in catalog(teams, prefix=prefix).items()]
    return await run_import(
        session, ADMIN, source="backstage", parser=parse_backstage, files=files, apply=True
    )


async def _jira(session: SerialSession, teams: int, prefix: str) -> Report:
    issues, mapping = jira(teams, prefix=prefix)
    parser = partial(parse_jira, mapping=SourceFile("mapping.yaml", mapping))
    return await run_import(
        session,
        ADMIN,
        source="jira",
        parser=parser,
        files=[SourceFile("issues.csv", issues)],
        apply=True,
    )


def _chunks(keys: int) -> int:
    return -(-keys // CHUNK)


class _Statements:
    """The statements sent on the test's connection, INSERTs apart: SQLite cannot return the
    ids of a multi-row INSERT in order, so SQLAlchemy sends its batches there one row at a
    time (one executemany pass, no lookups); PostgreSQL gets one INSERT per batch."""

    def __init__(self) -> None:
        self.inserts = 0
        self.others = 0

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            self.inserts += 1
        else:
            self.others += 1

    async def count(self, work: Awaitable[Report]) -> tuple[int, int, Report]:
        inserts, others = self.inserts, self.others
        report = await work
        return self.inserts - inserts, self.others - others, report


@pytest.fixture
def statements(connection: AsyncConnection) -> Iterator[_Statements]:
    counter = _Statements()
    event.listen(connection.sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(connection.sync_engine, "before_cursor_execute", counter)


async def test_the_statements_of_an_import_do_not_grow_with_its_input(
    session: SerialSession, statements: _Statements, backend: str
) -> None:
    # given a catalog and an export of 4 teams, and the same of 12 teams (other names), and a
    # database that has seen one import (its first statements are not the import's)
    await _backstage(session, 1, "w")
    await _jira(session, 1, "w")

    # when both are imported
    small_inserts, small, _ = await statements.count(_backstage(session, 4, "s"))
    large_inserts, large, report = await statements.count(_backstage(session, 12, "l"))
    small_jira_inserts, small_jira, _ = await statements.count(_jira(session, 4, "s"))
    large_jira_inserts, large_jira, jira_report = await statements.count(_jira(session, 12, "l"))

    # then three times the teams, people, items and dependencies take as many statements
    assert len(report.of("TEAM", Outcome.CREATED)) == 12
    assert len(report.of("MEMBERSHIP", Outcome.CREATED)) == 12 * PEOPLE_PER_TEAM
    assert len(jira_report.of("ITEM", Outcome.CREATED)) == 12 * ISSUES_PER_TEAM
    assert report.of("DEPENDENCY", Outcome.CREATED)
    assert jira_report.of("DEPENDENCY", Outcome.CREATED)
    teams = {t.slug for t in await session.scalars(select(Team))}
    assert {"s-team-3", "l-team-11"} <= teams
    last = f"JLAAL-{ISSUES_PER_TEAM}"
    assert await session.scalar(select(BacklogItem).where(BacklogItem.key == last))
    assert large == small
    # the existing items are looked up by key CHUNK at a time: one more SELECT per chunk
    assert large_jira - small_jira == _chunks(12 * ISSUES_PER_TEAM) - _chunks(4 * ISSUES_PER_TEAM)
    assert small < 20
    assert small_jira < 20
    if backend == "postgresql":
        assert (large_inserts, large_jira_inserts) == (small_inserts, small_jira_inserts)
        assert small_inserts + small_jira_inserts < 20
    else:  # one execution per row, within one executemany pass per kind
        assert large_inserts > 2 * small_inserts


async def test_a_second_import_of_the_same_files_writes_nothing_and_says_so(
    session: SerialSession, statements: _Statements
) -> None:
    # given the catalog and the export, imported
    first = await _backstage(session, 4, "r")
    first_jira = await _jira(session, 4, "r")
    assert first.counts()[Outcome.CREATED] > 0
    assert first_jira.counts()[Outcome.CREATED] > 0
    writes = pending_writes(session)
    dependencies = list(await session.scalars(select(Dependency.id)))

    # when the same files are imported again
    inserts, again, backstage = await statements.count(_backstage(session, 4, "r"))
    jira_inserts, again_jira, jira_again = await statements.count(_jira(session, 4, "r"))

    # then every object is unchanged, nothing is written (the data version stays) and the
    # reads are a handful of statements
    for report, before in ((backstage, first), (jira_again, first_jira)):
        assert report.counts()[Outcome.CREATED] == 0
        assert report.counts()[Outcome.UPDATED] == 0
        assert report.counts()[Outcome.UNCHANGED] == len(before.actions)
        assert not report.invalid
    assert pending_writes(session) == writes
    assert list(await session.scalars(select(Dependency.id))) == dependencies
    assert (inserts, jira_inserts) == (0, 0)
    assert again < 15
    assert again_jira < 15


async def test_a_bulk_import_is_audited_versioned_and_moves_the_key_counters(
    session: SerialSession,
) -> None:
    # given a key counter for one imported project, behind the export's keys
    await _backstage(session, 2, "a")
    assert await keys.next_key(session, "JAAAA") == "JAAAA-1"
    writes = pending_writes(session)

    # when the export is imported with the audit recorder on (as the command runs it)
    with recording(session) as recorder:
        report = await _jira(session, 2, "a")
        await session.flush()

    # then every created item is in the audit's changes, the data version will move, and the
    # counter is past the imported keys (the next item of the project is the one after them)
    created = {c.id for c in recorder.changes.values() if c.type_name == "BacklogItem"}
    items = set(await session.scalars(select(BacklogItem.id).where(BacklogItem.key.like("JA%"))))
    assert created == items
    assert len(report.of("ITEM", Outcome.CREATED)) == len(items) == 2 * ISSUES_PER_TEAM
    assert pending_writes(session) > writes
    counter = await session.scalar(
        select(ItemKeyCounter.last_number).where(ItemKeyCounter.prefix == "JAAAA")
    )
    assert counter == ISSUES_PER_TEAM
    assert await keys.next_key(session, "JAAAA") == f"JAAAA-{ISSUES_PER_TEAM + 1}"


async def test_people_and_memberships_of_the_catalog_are_written_in_bulk(
    session: SerialSession,
) -> None:
    # when a catalog of 3 teams is imported
    report = await _backstage(session, 3, "m")

    # then each person is in their team with the role the catalog names
    people = {p.email: p for p in await session.scalars(select(Person))}
    assert len(report.of("PERSON", Outcome.CREATED)) == 3 * PEOPLE_PER_TEAM
    memberships = list(await session.scalars(select(Membership)))
    assert len(memberships) == 3 * PEOPLE_PER_TEAM
    owner = people["m-u1-0@example.com"]
    (membership,) = [m for m in memberships if m.person_id == owner.id]
    assert membership.role.value == "PRODUCT_OWNER"
