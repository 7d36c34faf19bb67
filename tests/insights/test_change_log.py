"""The change log of the data version, and the analysis patched from it.

Every committed version logs the tables and rows it touched (`core.data_version`); an analysis
of a newer version re-reads only the touched items and dependencies (`snapshot.fetch_patch`)
and must give exactly what a whole read and a full evaluation give.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, event, select, update

from syncpoint.cadence import service as cadence
from syncpoint.core import data_version
from syncpoint.dependencies.models import Dependency, DependencyStatus
from syncpoint.insights import analyses as analyses_module
from syncpoint.insights import snapshot
from syncpoint.insights.analyses import Analyses, AnalysisCache
from syncpoint.insights.result import Analysis
from syncpoint.teams.models import Interaction, InteractionMode
from syncpoint.work.models import BacklogItem, ItemStatus
from tests.support.factories import ADMIN
from tests.support.insights_factories import AS_OF, depend, item, worked_example

DAY = AS_OF


@pytest.fixture
def whole_reads(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    """Counts whole snapshot reads of the analysis component."""
    calls: list[date] = []
    real = analyses_module.fetch_snapshot

    async def counting(session: Any, *, today: date, team_ids: Any = None) -> Any:
        calls.append(today)
        return await real(session, today=today, team_ids=team_ids)

    monkeypatch.setattr(analyses_module, "fetch_snapshot", counting)
    return calls


@contextmanager
def _recorded(session: Any) -> Iterator[list[str]]:
    """The SQL statements sent on the session's engine while the block runs."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = session.bind.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _clock() -> date:
    return DAY


async def _analysis(sessions: Any, cache: AnalysisCache) -> Analysis:
    """The analysis of the whole organisation, read in a session of its own."""
    async with sessions() as own:
        return await Analyses(own, cache, clock=_clock).analysis()


async def _full(sessions: Any) -> Analysis:
    """A whole read and a full evaluation (a cache of its own: no previous analysis)."""
    return await _analysis(sessions, AnalysisCache(2))


def _same(patched: Analysis, full: Analysis) -> None:
    assert patched.flags == full.flags
    assert {i.id: i for i in patched.inp.items} == {i.id: i for i in full.inp.items}
    assert {d.id: d for d in patched.inp.dependencies} == {d.id: d for d in full.inp.dependencies}
    assert patched.inp.interactions == full.inp.interactions
    # The patched index answers as the rebuilt one.
    new, rebuilt = patched.inp.index, full.inp.index
    assert dict(new.items) == dict(rebuilt.items)
    assert dict(new.dependencies) == dict(rebuilt.dependencies)
    for name in ("items_by_team", "deps_by_consumer", "deps_by_provider_item"):
        got, want = getattr(new, name), getattr(rebuilt, name)

        def rows(groups: Any) -> dict[int, list[Any]]:
            return {k: sorted(v, key=lambda r: r.id) for k, v in groups.items() if v}

        assert rows(got) == rows(want), name


# --- the log ----------------------------------------------------------------------------------


async def test_a_version_logs_the_rows_it_touched(session):
    ex = await worked_example(session)
    await session.commit()
    before = await data_version.current_version(session)
    assert before is not None

    r7 = await session.get(BacklogItem, ex.r7.id)
    assert r7 is not None
    r7.title = "Rank by recency"
    await session.commit()
    changed = await data_version.changes_since(session, before)

    assert changed is not None
    assert changed.upto == before + 1
    assert not changed.unknown
    assert changed.rows("backlog_items") == {ex.r7.id}
    assert changed.rows("teams") == frozenset()  # untouched


async def test_a_bulk_statement_logs_its_table_and_an_unseen_write_logs_nothing_known(session):
    ex = await worked_example(session)
    await session.commit()
    before = await data_version.current_version(session)
    assert before is not None

    await session.execute(
        update(BacklogItem).where(BacklogItem.team_id == ex.ranking.id).values(time_cap_days=3)
    )
    await session.commit()
    bulk = await data_version.changes_since(session, before)
    data_version.mark_written(session)  # a COPY, say
    await session.commit()
    unseen = await data_version.changes_since(session, before)

    assert bulk is not None
    assert bulk.rows("backlog_items") is None  # the whole table
    assert unseen is not None
    assert unseen.unknown
    assert unseen.upto == before + 2


async def test_a_version_missing_from_the_log_means_it_cannot_tell(session):
    ex = await worked_example(session)
    await session.commit()
    before = await data_version.current_version(session)
    assert before is not None
    for title in ("one", "two"):
        r7 = await session.get(BacklogItem, ex.r7.id)
        assert r7 is not None
        r7.title = title
        await session.commit()
    # Pruned, or written by a process that keeps no log.
    await session.execute(
        delete(data_version.data_changes).where(data_version.data_changes.c.version == before + 1)
    )
    await session.commit()

    assert await data_version.changes_since(session, before) is None


async def test_the_log_keeps_a_bounded_number_of_versions(session, monkeypatch):
    monkeypatch.setattr(data_version, "LOG_VERSIONS", 3)
    monkeypatch.setattr(data_version, "_PRUNE_EVERY", 2)
    ex = await worked_example(session)
    await session.commit()
    for n in range(6):
        r7 = await session.get(BacklogItem, ex.r7.id)
        assert r7 is not None
        r7.title = f"title {n}"
        await session.commit()
    version = await data_version.current_version(session)
    assert version is not None
    kept = set(await session.scalars(select(data_version.data_changes.c.version).distinct()))

    assert max(kept) == version
    assert min(kept) > version - 2 - 3  # pruned at the last even version, keeping 3 before it


# --- the patched analysis equals a whole read ---------------------------------------------------


async def test_an_item_moved_to_another_sprint_patches_without_a_whole_read(
    session, sessionmaker, whole_reads
):
    ex = await worked_example(session)
    # FS-12 planned one sprint earlier (01-11..01-24, a sprint stored from now on): on time.
    await _plan(session, ex.fs12.id, f"{ex.features.id}:2027-01-11")
    await session.commit()
    cache = AnalysisCache(4)
    first = await _analysis(sessionmaker, cache)
    assert len(whole_reads) == 1

    # Back to its sprint of the guide (01-25..02-07, stored): R-7 is late again.
    await _plan(session, ex.fs12.id, f"{ex.features.id}:2027-01-25")
    await session.commit()
    patched = await _analysis(sessionmaker, cache)

    assert len(whole_reads) == 1  # the patch read only the touched rows
    assert patched.flags != first.flags
    _same(patched, await _full(sessionmaker))


async def _plan(session: Any, item_id: int, node_id: str) -> None:
    version = await session.scalar(select(BacklogItem.version).where(BacklogItem.id == item_id))
    await cadence.plan_item(session, ADMIN, item_id, version, node_id)


async def test_status_title_new_and_deleted_dependencies_match_a_full_evaluation(
    session, sessionmaker, whole_reads
):
    ex = await worked_example(session)
    await session.commit()
    cache = AnalysisCache(4)
    await _analysis(sessionmaker, cache)
    reads = len(whole_reads)

    # A new item (no sprint) that needs FS-12: a new dependency and a new item.
    extra = await item(session, ex.search, "S-9", "Extra")
    await depend(session, extra, ex.fs12)
    await session.commit()
    _same(await _analysis(sessionmaker, cache), await _full(sessionmaker))

    # R-7 done: its dependency's flags and the cycle graph move.
    r7 = await session.get(BacklogItem, ex.r7.id)
    assert r7 is not None
    r7.status = ItemStatus.DONE
    await session.commit()
    _same(await _analysis(sessionmaker, cache), await _full(sessionmaker))

    # A dependency closed, another deleted.
    s3_needs_r7 = await session.get(Dependency, ex.s3_needs_r7.id)
    assert s3_needs_r7 is not None
    s3_needs_r7.status = DependencyStatus.SATISFIED
    await session.commit()
    _same(await _analysis(sessionmaker, cache), await _full(sessionmaker))
    r7_needs_fs12 = await session.get(Dependency, ex.r7_needs_fs12.id)
    await session.delete(r7_needs_fs12)
    await session.commit()
    patched = await _analysis(sessionmaker, cache)
    _same(patched, await _full(sessionmaker))
    assert ex.r7_needs_fs12.id not in patched.inp.index.dependencies

    # Four versions patched: the only whole reads were the full evaluations compared against.
    assert len(whole_reads) == reads + 4


async def test_interactions_are_re_read_when_touched(session, sessionmaker, whole_reads):
    ex = await worked_example(session)
    await session.commit()
    cache = AnalysisCache(4)
    await _analysis(sessionmaker, cache)
    reads = len(whole_reads)

    session.add(
        Interaction(
            team_id=ex.ranking.id,
            partner_id=ex.features.id,
            mode=InteractionMode.COLLABORATION,
            starts_on=date(2026, 11, 1),
            expected_end=date(2027, 1, 1),
        )
    )
    await session.commit()
    patched = await _analysis(sessionmaker, cache)

    assert len(whole_reads) == reads
    assert len(patched.inp.interactions) == 1
    _same(patched, await _full(sessionmaker))


async def test_a_team_change_reads_the_whole_snapshot(session, sessionmaker, whole_reads):
    ex = await worked_example(session)
    await session.commit()
    cache = AnalysisCache(4)
    await _analysis(sessionmaker, cache)
    reads = len(whole_reads)

    from syncpoint.teams.models import Team

    ranking = await session.get(Team, ex.ranking.id)
    assert ranking is not None
    ranking.name = "Ranking and relevance"
    await session.commit()
    found = await _analysis(sessionmaker, cache)

    assert len(whole_reads) == reads + 1
    assert found.inp.index.teams[ex.ranking.id].name == "Ranking and relevance"
    _same(found, await _full(sessionmaker))


async def test_a_patch_sends_a_fixed_number_of_statements(session, sessionmaker):
    ex = await worked_example(session)
    await session.commit()
    cache = AnalysisCache(4)
    await _analysis(sessionmaker, cache)
    for n in range(3):  # three versions, two items each
        for row_id in (ex.r7.id, ex.s3.id):
            row = await session.get(BacklogItem, row_id)
            assert row is not None
            row.title = f"title {n}"
        await session.commit()
    with _recorded(session) as statements:
        await _analysis(sessionmaker, cache)  # same engine as the test's session
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]

    # The version, the log since the previous analysis, the touched items.
    assert len(selects) == 3, selects


async def test_every_table_the_snapshot_reads_is_patched_or_forces_a_whole_read(session):
    await worked_example(session)
    await session.commit()
    with _recorded(session) as statements:
        await snapshot.fetch_snapshot(session, today=DAY)
    from syncpoint.core.models import Base

    known = snapshot.WHOLE_READ | {snapshot.ITEMS, snapshot.DEPENDENCIES, snapshot.INTERACTIONS}
    text = " ".join(statements).replace('"', "")
    read = {name for name in Base.metadata.tables if re.search(rf"\b{name}\b", text)}

    assert read, statements
    assert read <= known, read - known
