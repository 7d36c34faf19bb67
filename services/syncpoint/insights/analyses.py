"""The analysis as one component: every consumer (insights queries, blocker IMPACT ordering, the
Scrum-of-Scrums agenda and ``holdMeeting``, single dependency fields) asks it.

- Request scope (`Analyses`): one per request (`analyses_of(ctx)`, or built by a REST route or a
  command from its session); concurrent resolvers of the request share one computation.
- Across requests (`AnalysisCache`, one per app): results are kept in an LRU keyed by
  ``(data version, asOf, parameters)``. The data version is a database row bumped by every
  committed change (`core.data_version`), so several API processes on one database agree on when
  a result is stale. Concurrent requests for the same key wait for one computation
  (single-flight) instead of each loading the organisation.
- Off the event loop: the snapshot is fetched with async queries, then building the input,
  evaluating every rule and building the graphs run in a worker thread.
- After a change: the newest analysis of the day is patched. The database's change log names
  the items and dependencies each version touched; only those rows are re-read and compared
  (`snapshot.fetch_patch`), and only the flags they can reach are re-evaluated. A change the log
  cannot scope (a team, cadence, sprint, product or integration point) re-reads the snapshot
  and diffs it against the previous one.

A session holding uncommitted writes (a mutation reading its own changes) never shares: its
results are private to it and recomputed after each further write.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.graph import DependencyMap, MapLevel
from syncpoint.analysis.incremental import known_changes
from syncpoint.analysis.model import AnalysisInput
from syncpoint.core import data_version
from syncpoint.core.clock import today
from syncpoint.core.context import Context
from syncpoint.insights.result import Analysis, MapFilter, analyse
from syncpoint.insights.snapshot import (
    PatchRows,
    SnapshotRows,
    apply_patch,
    build_input,
    fetch_patch,
    fetch_snapshot,
    late_dependency_ids,
)

T = TypeVar("T")
Key = tuple[Hashable, ...]

DEFAULT_CACHE_SIZE = 8
# Below this many candidates a lateness check is cheaper inline than a thread hop.
_INLINE_LATENESS = 64
_CONTEXT_KEY = "syncpoint.insights.analyses"


class AnalysisCache:
    """Results shared by every request of one app: an LRU of at most ``size`` entries, each the
    (possibly still running) computation for one key."""

    def __init__(self, size: int = DEFAULT_CACHE_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Key, asyncio.Future[Any]] = OrderedDict()
        # The newest finished result per parameters (the key without its version): served to
        # requests that would otherwise wait on a computation another request started.
        self._latest: OrderedDict[Key, tuple[int, Any]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every result (the next request recomputes)."""
        self._entries.clear()
        self._latest.clear()

    def latest(self, params: Key) -> tuple[int, Any] | None:
        """(version, result) of the newest finished computation of these parameters."""
        return self._latest.get(params)

    async def get(
        self,
        key: Key,
        compute: Callable[[], Awaitable[T]],
        *,
        stale: bool = False,
        detached: bool = False,
    ) -> T:
        """The result for ``key``: cached, awaited from the request computing it, or computed
        here (in the caller's task) and kept.

        ``stale``: while another request computes ``key`` (a newer version), answer with the
        newest finished result of the same parameters instead of waiting (its version says how
        old it is); the request that started the computation waits for it.
        ``detached``: compute in a task of its own, so a request that times out or goes away
        does not cancel a computation others (and the next request) will use; ``compute`` must
        then not use the request's session.
        """
        if self.size <= 0:
            return await compute()
        while True:
            pending = self._entries.get(key)
            if pending is None or pending.get_loop() is not asyncio.get_running_loop():
                break
            self._entries.move_to_end(key)
            if stale and not pending.done():
                older = self._latest.get(key[1:])
                if older is not None and isinstance(key[0], int) and older[0] < key[0]:
                    return older[1]
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if pending.cancelled() and not (task is not None and task.cancelling()):
                    continue  # the computing request went away: compute it ourselves
                raise
        if detached:
            job: asyncio.Task[T] = asyncio.get_running_loop().create_task(_call(compute))
            self._entries[key] = job
            self._evict()
            job.add_done_callback(lambda done: self._finished(key, done))
            return await asyncio.shield(job)
        result = await _single_flight(self._entries, key, compute, self._evict)
        self._remember(key, result)
        return result

    def _finished(self, key: Key, task: asyncio.Task[Any]) -> None:
        if task.cancelled() or task.exception() is not None:
            if self._entries.get(key) is task:
                del self._entries[key]  # not kept: the next request computes again
            return
        self._remember(key, task.result())

    def _remember(self, key: Key, result: Any) -> None:
        version, params = key[0], key[1:]
        if not isinstance(version, int):
            return
        older = self._latest.get(params)
        if older is None or older[0] <= version:
            self._latest[params] = (version, result)
            self._latest.move_to_end(params)
        while len(self._latest) > self.size:
            self._latest.popitem(last=False)

    def _evict(self) -> None:
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


async def _single_flight(
    table: dict[Key, asyncio.Future[Any]],
    key: Key,
    compute: Callable[[], Awaitable[T]],
    after_insert: Callable[[], None] | None = None,
) -> T:
    """Compute ``key`` in the caller's task, publishing the future first so others can wait."""
    future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
    table[key] = future
    if after_insert is not None:
        after_insert()
    try:
        result = await compute()
    except asyncio.CancelledError:
        if table.get(key) is future:
            del table[key]
        future.cancel()
        raise
    except BaseException as exc:
        if table.get(key) is future:
            del table[key]
        future.set_exception(exc)
        future.exception()  # retrieved here: waiters, if any, re-raise it themselves
        raise
    future.set_result(result)
    return result


async def _call(compute: Callable[[], Awaitable[T]]) -> T:
    return await compute()


def _evaluate(rows: SnapshotRows, previous: Analysis | None = None) -> Analysis:
    # Pure CPU work, run in a worker thread.
    return analyse(build_input(rows), previous)


def _patched(previous: Analysis, patch: PatchRows) -> Analysis:
    # Pure CPU work, run in a worker thread: only the touched rows are compared, none diffed.
    inp = apply_patch(previous.inp, patch)
    known = known_changes(
        previous.inp,
        inp,
        patch.item_ids,
        patch.dependency_ids,
        interactions=patch.interactions is not None,
    )
    return analyse(inp, previous, known)


async def _compute(session: AsyncSession, day: date, previous: Analysis | None) -> Analysis:
    """The analysis of the whole organisation as of ``day``: from ``previous`` and the rows the
    change log says moved since its version when it can, else from a whole snapshot."""
    if previous is not None and isinstance(previous.data_version, int):
        changed = await data_version.changes_since(session, previous.data_version)
        patch = await fetch_patch(session, changed) if changed is not None else None
        if patch is not None:
            return await asyncio.to_thread(_patched, previous, patch)
    rows = await fetch_snapshot(session, today=day)
    return await asyncio.to_thread(_evaluate, rows, previous)


class Analyses:
    """The analysis for one request (or one command): what it computes, it computes once."""

    def __init__(
        self,
        session: AsyncSession,
        cache: AnalysisCache | None = None,
        clock: Callable[[], date] = today,
        *,
        drawings: AnalysisCache | None = None,
        sessionmaker: Callable[[], Any] | None = None,
    ) -> None:
        self.session = session
        # Given: shared analyses are computed in a task of their own over a session of their
        # own (a request's timeout never cancels one); None: in the caller's task.
        self.sessionmaker = sessionmaker
        self.cache = cache
        # Maps drawn from an analysis are kept apart, so many filters never evict the analysis.
        self.drawings = drawings if drawings is not None else cache
        self.clock = clock
        self._memo: dict[Key, asyncio.Future[Any]] = {}
        self._version: tuple[int, int | None] | None = None  # (commits seen, version)
        self._version_lock = asyncio.Lock()
        self.served_versions: set[Hashable] = set()
        """The data versions of the analyses this component answered with (an older one while
        a newer one is computed): a response is only as fresh as these."""

    def day(self, as_of: date | None = None) -> date:
        """The day asked for, default today by this component's clock."""
        return as_of or self.clock()

    async def data_version(self) -> Hashable:
        """The version this request reads at: the database's data version (read once per
        commit seen), or a private key while the session holds uncommitted writes."""
        return await self._version_key()

    async def _version_key(self) -> Hashable:
        writes = data_version.pending_writes(self.session)
        if writes:
            return ("uncommitted", id(self), writes)
        commits = data_version.commit_count(self.session)
        # Sibling resolvers ask at once: one of them reads the version, the others wait for it.
        async with self._version_lock:
            if self._version is None or self._version[0] != commits:
                self._version = (commits, await data_version.current_version(self.session))
            version = self._version[1]
        return version if version is not None else ("unversioned", id(self))

    async def _get(
        self,
        params: Key,
        compute: Callable[[Hashable], Awaitable[T]],
        cache: AnalysisCache | None,
        *,
        version: Hashable | None = None,
        stale: bool = False,
        detached: bool = False,
    ) -> T:
        version = version if version is not None else await self._version_key()
        key: Key = (version, *params)
        pending = self._memo.get(key)
        if pending is not None:
            return await asyncio.shield(pending)

        async def run() -> T:
            if cache is not None and isinstance(version, int):
                return await cache.get(
                    key, lambda: compute(version), stale=stale, detached=detached
                )
            return await compute(version)  # own uncommitted writes: private to this session

        return await _single_flight(self._memo, key, run)

    async def analysis(self, as_of: date | None = None) -> Analysis:
        """Every flag of the whole organisation as of a day (default today).

        While another request computes the analysis of a newer data version, this answers with
        the newest finished one (``Analysis.data_version`` tells which) instead of waiting."""
        day = self.day(as_of)

        detached = self.sessionmaker is not None

        async def compute(version: Hashable) -> Analysis:
            previous = self._previous(version, day)
            if detached and isinstance(version, int):
                async with self.sessionmaker() as own:  # type: ignore[misc]
                    result = await _compute(own, day, previous)
                    await own.rollback()
            else:
                result = await _compute(self.session, day, previous)
            result.data_version = version
            return result

        found: Analysis = await self._get(
            (day, "analysis"), compute, self.cache, stale=True, detached=detached
        )
        self.served_versions.add(found.data_version)
        return found

    def _previous(self, version: Hashable, day: date) -> Analysis | None:
        """The newest shared analysis of the day at an older version: patched incrementally."""
        if self.cache is None or not isinstance(version, int):
            return None
        latest = self.cache.latest((day, "analysis"))
        if latest is None or latest[0] >= version or not isinstance(latest[1], Analysis):
            return None
        return latest[1]

    async def input(self, as_of: date | None = None) -> AnalysisInput:
        """The organisation snapshot the analysis of that day was computed from."""
        return (await self.analysis(as_of)).inp

    async def dependency_map(
        self, analysis: Analysis, level: MapLevel, flt: MapFilter
    ) -> DependencyMap:
        """A map drawn from ``analysis`` (drawn in a worker thread, kept like the analysis)."""

        async def compute(_version: Hashable) -> DependencyMap:
            return await asyncio.to_thread(analysis.dependency_map, level, flt)

        # Keyed by the version the analysis was computed at (it may be an older one, served
        # while a newer one is computed), never by the version current now.
        return await self._get(
            (analysis.as_of, "map", level, flt),
            compute,
            self.drawings,
            version=analysis.data_version,
        )

    async def late_dependency_ids(self, as_of: date | None, candidates: Iterable[int]) -> list[int]:
        """The candidates that are LATE as of the day, in their order."""
        inp = await self.input(as_of)
        ids = list(candidates)
        if len(ids) <= _INLINE_LATENESS:
            return late_dependency_ids(inp, ids)
        return await asyncio.to_thread(late_dependency_ids, inp, ids)

    async def off_loop(self, work: Callable[[], T]) -> T:
        """Run engine work over a computed analysis in a worker thread."""
        return await asyncio.to_thread(work)


def app_caches(app: Any) -> tuple[AnalysisCache, AnalysisCache] | None:
    """The app's shared caches (analyses, drawings), created on first use; analyses keep
    ``settings.analysis_cache_size`` entries, drawings eight times as many."""
    if app is None:
        return None
    state = app.state
    caches = getattr(state, "analysis_caches", None)
    if caches is None:
        settings = getattr(state, "settings", None)
        size = int(getattr(settings, "analysis_cache_size", DEFAULT_CACHE_SIZE))
        caches = state.analysis_caches = (AnalysisCache(size), AnalysisCache(size * 8))
    return caches


def for_request(session: AsyncSession, request: Any) -> Analyses:
    """The analysis component of a plain HTTP request (REST routes, pages)."""
    app = getattr(request, "app", None) if request is not None else None
    caches = app_caches(app)
    if caches is None:
        return Analyses(session)
    return Analyses(session, caches[0], drawings=caches[1], sessionmaker=own_sessions(app))


def own_sessions(app: Any) -> Callable[[], Any] | None:
    """The app's session factory for detached computations, on PostgreSQL only (a SQLite
    database is one file with one writer; its analyses stay in the request's task)."""
    settings = getattr(app.state, "settings", None)
    if settings is None or getattr(settings, "is_sqlite", True):
        return None
    return getattr(app.state, "sessionmaker", None)


def analyses_of(ctx: Context) -> Analyses:
    """The request's analysis component (GraphQL context), created on first use."""
    found = ctx.extras.get(_CONTEXT_KEY)
    if found is None:
        found = ctx.extras[_CONTEXT_KEY] = for_request(ctx.session, getattr(ctx, "request", None))
    return found
