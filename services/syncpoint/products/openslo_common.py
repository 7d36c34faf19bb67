"""What every part of the OpenSLO v1 reader shares: a document with its problems (which refuse
the file) and its notes (what Syncpoint cannot represent, reported per field), typed access to
fields, and the specification's duration shorthand."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

API_VERSION = "openslo/v1"
ANNOTATION = "syncpoint.io/"
# The syncpoint metric source type marks the documents Syncpoint exports itself.
SYNCPOINT_SOURCE = "syncpoint"
_DURATION = re.compile(r"^([1-9][0-9]*)([mhdwMQY])$")
_MINUTES = {"m": 1, "h": 60, "d": 1440, "w": 10080}
# Calendar units Syncpoint holds as whole days (its windows are counted in days).
_APPROX_DAYS = {"M": (30, "month"), "Q": (91, "quarter"), "Y": (365, "year")}


@dataclass(frozen=True, slots=True)
class Unrepresented:
    """A field of an accepted document that Syncpoint does not keep as written."""

    index: int
    kind: str
    name: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"document {self.index} ({self.kind} {self.name!r}): {self.field}: {self.reason}"


class Problem(Exception):
    """A field that makes the document unusable: the whole file is refused."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


@dataclass
class Doc:
    index: int
    kind: str
    name: str
    body: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    notes: list[Unrepresented] = field(default_factory=list)

    def label(self) -> str:
        return f"document {self.index} ({self.kind} {self.name!r})"

    def report(self, path: str, reason: str) -> None:
        self.problems.append(f"{self.label()}: {path}: {reason}")

    def note(self, path: str, reason: str) -> None:
        entry = Unrepresented(self.index, self.kind, self.name, path, reason)
        if entry not in self.notes:
            self.notes.append(entry)


def get(obj: Any, path: str, kind: type | tuple[type, ...], required: bool = True) -> Any:
    """Follow a dotted path in a mapping; raise Problem naming the path when absent/mistyped."""
    current = obj
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            if required:
                raise Problem(path, "is required")
            return None
        current = current[part]
    if current is None and not required:
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(current, kinds) or (isinstance(current, bool) and bool not in kinds):
        names = "/".join(k.__name__ for k in kinds)
        raise Problem(path, f"must be a {names}, got {type(current).__name__}")
    return current


def get_at(
    prefix: str, obj: Any, path: str, kind: type | tuple[type, ...], required: bool = True
) -> Any:
    """`get`, with `prefix` leading the field path of any problem (obj sits at `prefix`)."""
    try:
        return get(obj, path, kind, required)
    except Problem as exc:
        raise Problem(f"{prefix}.{exc.path}", exc.reason) from exc


def duration(text: Any, path: str) -> tuple[int, str]:
    """(count, unit) of a duration shorthand such as 5m, 4w, 1M, 1Q, 1Y."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if not match:
        raise Problem(
            path,
            f"unsupported duration {text!r} (a positive whole number and one of m, h, d, w, M, "
            "Q, Y: 5m, 4w, 1M)",
        )
    return int(match.group(1)), match.group(2)


def window_days(doc: Doc, text: Any, path: str, longest: int) -> int:
    """A time window's duration in whole days; every approximation is noted on the document."""
    count, unit = duration(text, path)
    if unit in ("d", "w"):
        days = count * (7 if unit == "w" else 1)
    elif unit in ("m", "h"):
        minutes = count * _MINUTES[unit]
        days = max(1, math.ceil(minutes / 1440))
        if minutes != days * 1440:
            doc.note(path, f"{text} is held as {days} day(s): Syncpoint windows are whole days")
    else:
        per, name = _APPROX_DAYS[unit]
        days = count * per
        doc.note(
            path,
            f"{text} is held as {days} days (a {name} as {per} days): Syncpoint counts windows "
            "in days, not in calendar months, quarters or years",
        )
    if days > longest:
        doc.note(path, f"{text} is held as {longest} days, the longest window Syncpoint keeps")
        days = longest
    return days


def slice_minutes(doc: Doc, value: Any, path: str) -> int:
    """A time slice's length in whole minutes (a bare number means minutes)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise Problem(path, "must be a duration (5m, 1h) or a number of minutes")
    if isinstance(value, str):
        count, unit = duration(value, path)
        if unit not in _MINUTES:
            raise Problem(path, f"a time slice of {value!r} is longer than any window")
        return count * _MINUTES[unit]
    if not value > 0 or not math.isfinite(value):
        raise Problem(path, f"must be greater than 0, got {value!r}")
    minutes = math.ceil(value)
    if minutes != value:
        doc.note(path, f"{value} minutes is held as {minutes}: Syncpoint slices are whole minutes")
    return minutes


def syncpoint_annotations(body: dict[str, Any]) -> dict[str, str]:
    raw = get(body, "metadata.annotations", dict, required=False) or {}
    return {k[len(ANNOTATION) :]: str(v) for k, v in raw.items() if str(k).startswith(ANNOTATION)}


def note_metadata(doc: Doc, body: dict[str, Any], prefix: str = "") -> None:
    """Labels and foreign annotations are not kept."""
    metadata = body.get("metadata")
    if not isinstance(metadata, dict):
        return
    if metadata.get("labels"):
        doc.note(f"{prefix}metadata.labels", "labels are not kept")
    for key in metadata.get("annotations") or {}:
        if not str(key).startswith(ANNOTATION):
            doc.note(
                f"{prefix}metadata.annotations.{key}", "annotations of other tools are not kept"
            )
