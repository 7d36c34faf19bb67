"""Quantitative acceptance criteria: is "precision >= 0.92 at recall >= 0.85" met by a run?

Pure functions. A criterion is judged on the latest observation that reports its metric (and its
condition metric, when it has one): metrics observed together belong to one evaluation run, so a
precision from one run is never paired with a recall from another.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from syncpoint.work.models import AcceptanceCriterion, Comparator, MetricObservation

SYMBOLS = {
    Comparator.GTE: ">=",
    Comparator.GT: ">",
    Comparator.LTE: "<=",
    Comparator.LT: "<",
    Comparator.EQ: "=",
}


def compare(value: float, comparator: Comparator, threshold: float) -> bool:
    """`value comparator threshold`; EQ tolerates float rounding."""
    if comparator is Comparator.GTE:
        return value >= threshold
    if comparator is Comparator.GT:
        return value > threshold
    if comparator is Comparator.LTE:
        return value <= threshold
    if comparator is Comparator.LT:
        return value < threshold
    return math.isclose(value, threshold, rel_tol=1e-9, abs_tol=1e-12)


def describe(criterion: AcceptanceCriterion) -> str:
    """The criterion as a sentence, e.g. 'precision >= 0.92 at recall >= 0.85'."""
    text = f"{criterion.metric} {SYMBOLS[criterion.comparator]} {criterion.threshold:g}"
    if criterion.condition_metric and criterion.condition_comparator is not None:
        symbol = SYMBOLS[criterion.condition_comparator]
        text += f" at {criterion.condition_metric} {symbol} {criterion.condition_threshold:g}"
    return text


@dataclass(frozen=True, slots=True)
class CriterionCheck:
    """The verdict on one criterion: None when no observation reports its metrics yet."""

    met: bool | None
    value: float | None = None
    condition_value: float | None = None
    observation: MetricObservation | None = None


def _number(values: Mapping[str, Any], metric: str) -> float | None:
    value = values.get(metric)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def check_criterion(
    criterion: AcceptanceCriterion, newest_first: Sequence[MetricObservation]
) -> CriterionCheck:
    """Judge a criterion on the latest observation that has the metric(s) it needs."""
    needed = [criterion.metric]
    if criterion.condition_metric:
        needed.append(criterion.condition_metric)
    for observation in newest_first:
        values = observation.values or {}
        if any(_number(values, metric) is None for metric in needed):
            continue
        value = _number(values, criterion.metric)
        assert value is not None
        met = compare(value, criterion.comparator, criterion.threshold)
        condition_value = None
        if criterion.condition_metric and criterion.condition_comparator is not None:
            condition_value = _number(values, criterion.condition_metric)
            assert condition_value is not None
            assert criterion.condition_threshold is not None
            met = met and compare(
                condition_value, criterion.condition_comparator, criterion.condition_threshold
            )
        return CriterionCheck(met, value, condition_value, observation)
    return CriterionCheck(None)
