"""Experiment design and research results: what makes an experiment's result conclusive (the
metric, the baseline value, the minimum effect), its design review, and the result when it ends
(CONFIRMED / REFUTED / INCONCLUSIVE with the numbers; a spike's decision and report). Never
commits."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.core.auth import Actor, policy
from syncpoint.core.errors import DomainError, ErrorCode, Problems
from syncpoint.core.models import utcnow
from syncpoint.work import repository as repo
from syncpoint.work.gate_models import ExperimentDesign, ResultOutcome
from syncpoint.work.history import record_change
from syncpoint.work.models import BacklogItem, ItemKind
from syncpoint.work.service import TEAM_WORK, URL_RE, get_item, required_text

SET_DESIGN = policy("setExperimentDesign", **TEAM_WORK)
REVIEW_DESIGN = policy("reviewExperimentDesign", **TEAM_WORK)
RECORD_RESULT = policy("recordResearchResult", **TEAM_WORK)
EXPERIMENT_OUTCOMES = frozenset(
    {ResultOutcome.CONFIRMED, ResultOutcome.REFUTED, ResultOutcome.INCONCLUSIVE}
)


async def design_of(session: AsyncSession, item_id: int) -> ExperimentDesign | None:
    return await session.scalar(select(ExperimentDesign).where(ExperimentDesign.item_id == item_id))


async def _design(session: AsyncSession, item: BacklogItem) -> ExperimentDesign:
    design = await design_of(session, item.id)
    if design is None:
        design = ExperimentDesign(item_id=item.id, review_comments="", result_notes="")
        session.add(design)
    return design


def _finite(problems: Problems, value: float | None, field: str) -> None:
    if value is not None and not math.isfinite(value):
        problems.add(field, f"{field} must be a finite number.")


def _effect(design: ExperimentDesign) -> str:
    return (
        f"{design.metric} from baseline {design.baseline_value:g} by at least "
        f"{design.minimum_effect:g}"
    )


async def set_design(
    session: AsyncSession, actor: Actor, item_id: int, changes: Mapping[str, Any]
) -> ExperimentDesign:
    """Set what makes an experiment's result conclusive; a changed design needs a new review."""
    item = await get_item(session, item_id, "itemId")
    actor.require_team(SET_DESIGN, item.team_id)
    problems = Problems()
    if item.kind is not ItemKind.EXPERIMENT:
        problems.add("itemId", f"{item.key} is not an EXPERIMENT.", ErrorCode.INVALID_STATE)
    metric = changes.get("metric")
    if "metric" in changes:
        with problems.catch():
            metric = required_text(metric or "", "metric", limit=100, label="Metric")
    for name, field in (("baseline_value", "baselineValue"), ("minimum_effect", "minimumEffect")):
        _finite(problems, changes.get(name), field)
    effect = changes.get("minimum_effect")
    if effect is not None and math.isfinite(effect) and effect <= 0:
        problems.add("minimumEffect", "minimumEffect must be positive.")
    problems.raise_if_any()
    design = await _design(session, item)
    before = _effect(design) if design.metric else None
    if "metric" in changes:
        design.metric = metric
    for name in ("baseline_value", "minimum_effect"):
        if name in changes:
            setattr(design, name, changes[name])
    after = _effect(design) if design.metric else None
    if before != after and design.reviewed_at is not None:
        design.reviewed_at, design.reviewed_by_id = None, None  # reviewed what it was
    await record_change(session, item, "experimentDesign", before, after, actor_id=actor.person_id)
    design.updated_at = utcnow()
    await session.flush()
    return design


async def review_design(
    session: AsyncSession, actor: Actor, item_id: int, comments: str = ""
) -> ExperimentDesign:
    """Record the design review of an experiment: who, when, with which comments."""
    item = await get_item(session, item_id, "itemId")
    actor.require_team(REVIEW_DESIGN, item.team_id)
    design = await design_of(session, item.id)
    problems = Problems()
    if item.kind is not ItemKind.EXPERIMENT:
        problems.add("itemId", f"{item.key} is not an EXPERIMENT.", ErrorCode.INVALID_STATE)
    elif design is None or design.metric is None:
        problems.add(
            "itemId",
            f"{item.key} has no design to review yet (setExperimentDesign).",
            ErrorCode.INVALID_STATE,
        )
    problems.raise_if_any()
    assert design is not None
    design.reviewed_by_id = actor.person_id
    design.reviewed_at = utcnow()
    design.review_comments = comments.strip()
    await record_change(
        session,
        item,
        "designReview",
        None,
        "reviewed",
        actor_id=actor.person_id,
        note=design.review_comments,
    )
    await session.flush()
    return design


async def record_result(
    session: AsyncSession,
    actor: Actor,
    item_id: int,
    *,
    outcome: ResultOutcome | None = None,
    observed_value: float | None = None,
    decision: str | None = None,
    report_url: str | None = None,
    notes: str = "",
) -> ExperimentDesign:
    """Record how a research item ended: an experiment's outcome with the observed value
    (judged against its baseline and minimum effect), or a spike's decision and report link."""
    item = await get_item(session, item_id, "itemId")
    actor.require_team(RECORD_RESULT, item.team_id)
    design = await design_of(session, item.id)
    problems = Problems()
    if item.kind is ItemKind.EXPERIMENT:
        problems.require(
            outcome, "outcome", "An experiment ends CONFIRMED, REFUTED or INCONCLUSIVE."
        )
        if outcome is not None and outcome not in EXPERIMENT_OUTCOMES:
            problems.add("outcome", "An experiment ends CONFIRMED, REFUTED or INCONCLUSIVE.")
        if design is None or design.metric is None or design.baseline_value is None:
            problems.add(
                "itemId",
                f"{item.key} has no conclusive-result design (metric and baseline).",
                ErrorCode.INVALID_STATE,
            )
        elif observed_value is None:
            observed_value = await _latest(session, item.id, design.metric)
        problems.require(
            observed_value, "observedValue", "Give the observed value (no observation has it)."
        )
        _finite(problems, observed_value, "observedValue")
        if design is not None and outcome is ResultOutcome.CONFIRMED:
            _conclusive(problems, design, observed_value)
    elif item.kind is ItemKind.SPIKE:
        if outcome not in (None, ResultOutcome.DECIDED):
            problems.add("outcome", "A spike ends with a decision (DECIDED).")
        problems.require(decision, "decision", "A spike ends with its decision.")
        problems.require(report_url, "reportUrl", "A spike ends with a link to its report.")
        if report_url and (not URL_RE.match(report_url) or len(report_url) > 500):
            problems.add("reportUrl", "reportUrl must be an http(s) URL of at most 500 characters.")
    else:
        problems.add(
            "itemId", f"{item.key} is not research (EXPERIMENT or SPIKE).", ErrorCode.INVALID_STATE
        )
    problems.raise_if_any()
    design = design or await _design(session, item)
    if design.ended_at is not None:
        raise DomainError(
            f"The result of {item.key} is recorded already.",
            field="itemId",
            code=ErrorCode.INVALID_STATE,
        )
    design.outcome = outcome if item.kind is ItemKind.EXPERIMENT else ResultOutcome.DECIDED
    design.observed_value = observed_value
    design.decision = (decision or "").strip() or None
    design.report_url = report_url
    design.result_notes = notes.strip()
    design.ended_at = utcnow()
    design.ended_by_id = actor.person_id
    await record_change(
        session,
        item,
        "researchResult",
        None,
        result_text(design),
        actor_id=actor.person_id,
        note=design.result_notes,
    )
    await session.flush()
    return design


async def _latest(session: AsyncSession, item_id: int, metric: str) -> float | None:
    """The metric's value in the latest observation reporting it (what the runs logged)."""
    for observation in await repo.observations_of(session, item_id):
        value = (observation.values or {}).get(metric)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


def _conclusive(problems: Problems, design: ExperimentDesign, observed: float | None) -> None:
    """CONFIRMED needs an effect of at least the design's minimum (in either direction)."""
    if observed is None or design.baseline_value is None or not math.isfinite(observed):
        return
    effect = observed - design.baseline_value
    if design.minimum_effect is not None and abs(effect) < design.minimum_effect:
        problems.add(
            "outcome",
            f"An effect of {effect:+g} on {design.metric} is below the minimum effect "
            f"{design.minimum_effect:g}: the result is not conclusive (INCONCLUSIVE).",
        )


def effect_of(design: ExperimentDesign) -> float | None:
    """Observed value minus baseline, when both are known."""
    if design.observed_value is None or design.baseline_value is None:
        return None
    return design.observed_value - design.baseline_value


def result_text(design: ExperimentDesign) -> str:
    if design.outcome is ResultOutcome.DECIDED:
        return f"DECIDED: {design.decision} ({design.report_url})"
    effect = effect_of(design)
    assert design.outcome is not None
    assert effect is not None
    return (
        f"{design.outcome.value}: {design.metric} {design.observed_value:g} vs baseline "
        f"{design.baseline_value:g} (effect {effect:+g}, minimum {design.minimum_effect or 0:g})"
    )
