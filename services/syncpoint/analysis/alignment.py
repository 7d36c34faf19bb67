"""Cadence alignment between a provider team and a consumer team (rule 4 of the domain guide).

With lengths Lp, Lc, anchors Ap, Ac and g = gcd(Lp, Lc), sprint boundaries of the two teams can
coincide only when offset = (Ap - Ac) mod g is 0, and then they coincide every lcm(Lp, Lc) days.
The suggested shift moves the provider's anchor by the smallest number of days that makes the
offset 0 (on a tie, backwards: delivering earlier never hurts the consumer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from syncpoint.analysis.calendar import Cadence


@dataclass(frozen=True, slots=True)
class CadenceAlignment:
    """How two cadences line up, and how to line them up better."""

    provider_length: int
    consumer_length: int
    gcd: int
    offset_days: int
    common_period_days: int | None
    aligned: bool
    misaligned: bool
    suggested_shift_days: int
    suggested_anchor: date
    sentence: str


def suggested_shift(offset: int, gcd: int) -> int:
    """Smallest |s| with (offset + s) mod gcd == 0; on a tie the negative one; 0 if offset is 0."""
    offset %= gcd
    if offset == 0:
        return 0
    backward, forward = -offset, gcd - offset
    return backward if -backward <= forward else forward


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _days(n: int) -> str:
    return f"{n} day" if abs(n) == 1 else f"{n} days"


def align(
    provider: Cadence,
    consumer: Cadence,
    *,
    provider_name: str = "the provider",
    consumer_name: str = "the consumer",
) -> CadenceAlignment:
    """Compare the provider's cadence with the consumer's and explain the result in one sentence."""
    lp, lc = provider.length_days, consumer.length_days
    g = math.gcd(lp, lc)
    lcm = lp * lc // g
    offset = (provider.anchor.toordinal() - consumer.anchor.toordinal()) % g
    shift = suggested_shift(offset, g)
    anchor = provider.anchor + timedelta(days=shift)
    aligned = lp == lc and offset == 0
    sentence = _sentence(lp, lc, g, lcm, offset, shift, anchor, provider_name, consumer_name)
    return CadenceAlignment(
        provider_length=lp,
        consumer_length=lc,
        gcd=g,
        offset_days=offset,
        common_period_days=lcm if offset == 0 else None,
        aligned=aligned,
        misaligned=not aligned,
        suggested_shift_days=shift,
        suggested_anchor=anchor,
        sentence=sentence,
    )


def _sentence(
    lp: int,
    lc: int,
    g: int,
    lcm: int,
    offset: int,
    shift: int,
    anchor: date,
    provider_name: str,
    consumer_name: str,
) -> str:
    provider, consumer = provider_name[:1].upper() + provider_name[1:], consumer_name
    if lp == lc:
        lengths = f"{provider} and {consumer} both run {lp}-day sprints"
    else:
        lengths = f"{provider} runs {lp}-day sprints and {consumer} {lc}-day sprints"
    if lp == lc and offset == 0:
        return f"{lengths} on the same boundaries: nothing to align."
    if offset == 0:
        return (
            f"{lengths}: their sprint boundaries coincide every {_days(lcm)}; "
            "only a common sprint length makes every boundary coincide."
        )
    if lp == lc:
        gap = (
            f"{_possessive(provider_name)} sprints start {_days(offset)} after "
            f"{_possessive(consumer)}"
        )
        outcome = "every boundary coincides"
    else:
        gap = f"their boundaries are {_days(offset)} out of step (measured modulo {_days(g)})"
        outcome = (
            f"boundaries coincide every {_days(lcm)} (only a common sprint length makes every "
            "boundary coincide)"
        )
    moved = f"+{_days(shift)}" if shift > 0 else _days(shift)
    return (
        f"{lengths}; {gap}, so their sprint boundaries never coincide. "
        f"Moving {_possessive(provider_name)} anchor by {moved} (to {anchor.isoformat()}) means "
        f"{outcome}."
    )
