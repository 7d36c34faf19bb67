"""Timing helpers and the PASS/FAIL table of `make bench`."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Row:
    """One measurement; ``limit`` None means informational (no target)."""

    name: str
    value: float
    unit: str
    limit: float | None = None
    note: str = ""

    @property
    def passed(self) -> bool | None:
        return None if self.limit is None else self.value < self.limit


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    """The result of ``fn()`` and the seconds it took."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def median_seconds(samples: list[float]) -> float:
    """The median of timing samples."""
    return statistics.median(samples)


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    return f"{value:g} {unit}".strip()


def table(title: str, rows: list[Row]) -> str:
    """A plain-text table: benchmark, measured, target, result."""
    header = ("benchmark", "measured", "target", "result", "note")
    body = [
        (
            r.name,
            _fmt(r.value, r.unit),
            f"< {_fmt(r.limit, r.unit)}" if r.limit is not None else "-",
            {True: "PASS", False: "FAIL", None: "info"}[r.passed],
            r.note,
        )
        for r in rows
    ]
    widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]
    sep = "  "
    lines = [title, sep.join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append(sep.join("-" * w for w in widths))
    lines += [sep.join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) for line in body]
    return "\n".join(line.rstrip() for line in lines)
