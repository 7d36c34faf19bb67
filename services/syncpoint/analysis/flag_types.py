"""The flag record shared by every rule: what is wrong, how bad, about what, with numbers."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class FlagCode(enum.StrEnum):
    """The rules of the domain guide, in its order."""

    LATE = "LATE"
    SAME_SPRINT = "SAME_SPRINT"
    UNPLANNED_PROVIDER = "UNPLANNED_PROVIDER"
    CADENCE_MISALIGNED = "CADENCE_MISALIGNED"
    INTEGRATION_AT_RISK = "INTEGRATION_AT_RISK"
    CYCLE = "CYCLE"
    OVERRUN = "OVERRUN"


class Severity(enum.StrEnum):
    """How urgent a flag is; ``rank`` is higher for more severe."""

    CRITICAL = "CRITICAL"
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"
    INFO = "INFO"

    @property
    def rank(self) -> int:
        """5 for CRITICAL down to 1 for INFO."""
        return _RANKS[self]


_RANKS = {
    Severity.CRITICAL: 5,
    Severity.HIGH: 4,
    Severity.MEDIUM: 3,
    Severity.LOW: 2,
    Severity.INFO: 1,
}


class SubjectKind(enum.StrEnum):
    """What a flag is about; ``Flag.subject_id`` is the id of that object."""

    DEPENDENCY = "DEPENDENCY"
    INTEGRATION_POINT = "INTEGRATION_POINT"
    ITEM = "ITEM"
    INTERACTION = "INTERACTION"
    TEAM = "TEAM"


Number = int | str | None


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding, explained in a sentence and backed by named numbers (dates as ISO strings)."""

    code: FlagCode
    severity: Severity
    subject_kind: SubjectKind
    subject_id: int
    message: str
    numbers: Mapping[str, Number]
    team_ids: tuple[int, ...]


_CODE_ORDER = {code: i for i, code in enumerate(FlagCode)}


def flag_sort_key(flag: Flag) -> tuple[int, int, str, int, tuple[int, ...], str]:
    """Most severe first, then rule order, then subject, so equal inputs sort identically."""
    return (
        -flag.severity.rank,
        _CODE_ORDER[flag.code],
        flag.subject_kind.value,
        flag.subject_id,
        flag.team_ids,
        flag.message,
    )


def sort_flags(flags: Iterable[Flag]) -> list[Flag]:
    """Flags sorted most severe first with a stable, deterministic tie-break."""
    return sorted(flags, key=flag_sort_key)


def worst(flags: Iterable[Flag]) -> Flag | None:
    """The flag that sorts first, or None when there is none."""
    return min(flags, key=flag_sort_key, default=None)


def days(n: int) -> str:
    """'1 day', '7 days': numbers in messages read as a director would say them."""
    return f"{n} day" if abs(n) == 1 else f"{n} days"


def team_ids(*ids: int | None) -> tuple[int, ...]:
    """Sorted distinct team ids, unknown ones left out."""
    return tuple(sorted({i for i in ids if i is not None}))
