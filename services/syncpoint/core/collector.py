"""The garbage collector of a server process, tuned for large responses.

A response of a few thousand objects (a `teams(first: 100)` page with its members, the
organisation's dependency map) allocates a couple of hundred thousand container objects that
all live until the response is written. With Python's default young threshold (700
allocations) the collector runs hundreds of young and dozens of older collections inside one
request, each re-scanning the survivors: measured on the 500-team organisation, 850 ms of CPU
for a 270 ms request. A high young threshold makes collections rare (the memory held by
uncollected cycles is bounded by the threshold: tens of thousands of objects), and freezing
what exists at start-up (modules, the schema, mappers) takes it out of every later scan.

The price of rare collections is memory held by cyclic garbage. Every ORM object a request
loads is a cycle (SQLAlchemy's instance state and the weak reference back to it: 4,000 of them
for a `teams(first: 100)` page with its members, ~36,000 garbage objects in all), and with
several large requests at work at once most of it outlives two young collections and waits in
the oldest generation, which is collected only every eleventh middle collection (5.5 million
allocations at this threshold): measured at 16 clients building every response anew, a process
resting at 450 MiB grew to 958 MiB. `MemoryGuard` bounds that: after a request, when the
process's resident memory is over its limit, it runs a full collection (a pause of about half
a second at 500 teams, paid only when the limit is reached).
"""

from __future__ import annotations

import gc
import logging
import os
import time

log = logging.getLogger("syncpoint.collector")
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def tune_collector(young_threshold: int) -> None:
    """Apply `young_threshold` (0: leave the interpreter's settings) and freeze the start-up heap.

    Called once per server process at start-up, never in a process that builds many apps (a
    test session): frozen objects are not collected again.
    """
    if young_threshold <= 0:
        return
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(young_threshold, older, oldest)


def resident_mib() -> float | None:
    """This process's resident memory in MiB (Linux's /proc; None where there is none)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_BYTES / 2**20
    except (OSError, ValueError, IndexError):
        return None


class MemoryGuard:
    """A full collection when the process is over `limit_mib` after a request (0: off).

    Memory is read at most every `check_every_s` and a collection runs at most every
    `collect_every_s`, so a process that stays over its limit with live data (not garbage)
    does not collect after every request."""

    def __init__(
        self, limit_mib: int, *, check_every_s: float = 0.1, collect_every_s: float = 5.0
    ) -> None:
        self.limit_mib = limit_mib
        self.check_every_s = check_every_s
        self.collect_every_s = collect_every_s
        self.collections = 0
        self._checked = self._collected = -float("inf")

    def after_request(self) -> None:
        if self.limit_mib <= 0:
            return
        now = time.monotonic()
        if now - self._checked < self.check_every_s or now - self._collected < self.collect_every_s:
            return
        self._checked = now
        before = resident_mib()
        if before is None or before < self.limit_mib:
            return
        found = gc.collect()
        self._collected = time.monotonic()
        self.collections += 1
        log.info(
            "resident memory %.0f MiB over %d MiB: full collection freed %d objects in %.0f ms",
            before,
            self.limit_mib,
            found,
            (self._collected - now) * 1000,
        )
