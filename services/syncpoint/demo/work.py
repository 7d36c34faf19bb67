"""Demo work: cadences, six months of sprints around `as_of` with items of every kind, DoR/DoD,
carry-overs, cross-team dependencies that raise every flag, and three integration points.

Deterministic (seeded) and dated from `as_of`; everything goes through the services. Ranking and
Feature Store reproduce the domain guide's worked example: 14-day sprints anchored a week apart,
an item of Ranking late by 7 days on Feature Store, and a SAME_SPRINT pair with an explicit date.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.model import CLOSED_STATUSES, RESEARCH_KINDS
from syncpoint.cadence import calendar
from syncpoint.cadence import service as cadence_svc
from syncpoint.cadence.calendar import SprintView
from syncpoint.core.auth import Actor
from syncpoint.demo.org import DemoOrg
from syncpoint.demo.work_links import link_work
from syncpoint.teams.models import Team
from syncpoint.work import checklists as checks
from syncpoint.work import repository as work_repo
from syncpoint.work import service as work_svc
from syncpoint.work.models import BacklogItem, ChecklistKind, Comparator, ItemKind, ItemStatus

SEED = 20270104
# slug -> (sprint length, anchor offset in days from the first Monday of the window)
SPRINTING = {
    "ranking": (14, 0),
    "recommendations": (14, 0),
    "model-serving": (14, 0),
    "ads": (14, 0),
    "feature-store": (14, 7),
    "search": (14, 7),
    "fraud": (14, 7),
    "ranking-models": (14, 7),
    "personalisation-research": (21, 0),
}
ADS_CHANGE_WEEKS = 14  # Ads moved to 10-day sprints this many weeks into the window
# slug -> (percentile, days): Kanban teams, and hybrid teams for their research flow
SLES = {
    "data-platform": (85, 10),
    "gpu-compute": (90, 5),
    "ml-enablement": (80, 15),
    "personalisation-research": (85, 21),
    "ranking-models": (80, 14),
}
KANBAN = ("data-platform", "gpu-compute", "ml-enablement")
RESEARCH_TEAMS = ("personalisation-research", "ranking-models")
PLATFORM_TEAMS = ("feature-store", "model-serving")

K = ItemKind
WEIGHTS = {
    "research": {K.EXPERIMENT: 40, K.SPIKE: 20, K.DATA: 15, K.ENGINEERING: 20, K.TECH_DEBT: 5},
    "platform": {K.ENGINEERING: 45, K.DATA: 25, K.TECH_DEBT: 20, K.SPIKE: 10},
    "stream": {K.ENGINEERING: 30, K.DATA: 25, K.EXPERIMENT: 25, K.SPIKE: 10, K.TECH_DEBT: 10},
}
TITLES = {
    K.DATA: [
        "Backfill {a} training data",
        "Label a fresh {a} evaluation set",
        "Clean duplicate events in {a} logs",
        "Daily pipeline for {a} features",
        "Data contract for {a} events",
    ],
    K.EXPERIMENT: [
        "Sequence model for {a}",
        "Re-weighted loss for {a}",
        "Gradient-boosted ranker for {a}",
        "Score calibration for {a}",
        "Embeddings v3 for {a}",
    ],
    K.SPIKE: [
        "Spike: ANN index options for {a}",
        "Spike: streaming joins for {a}",
        "Spike: GPU inference cost for {a}",
        "Spike: drift detection for {a}",
    ],
    K.ENGINEERING: [
        "Serve the {a} model behind the gateway",
        "Shadow traffic for {a}",
        "Latency dashboard for {a}",
        "Canary rollout for {a}",
        "Online feature lookup for {a}",
    ],
    K.TECH_DEBT: [
        "Remove the legacy {a} scorer",
        "Upgrade the {a} training stack",
        "Delete dead {a} feature flags",
    ],
}
READY_CHECKS = (
    "Data readiness confirmed (exists, accessible, expected format)",
    "Acceptance criteria agreed",
    "Dependencies identified",
)
DONE_CHECKS = ("Code reviewed and merged", "Monitoring and alerts in place")
CARRY_NOTES = (
    "Training still running; results expected next sprint",
    "First offline results promising; extending the evaluation",
    "Waiting for the new labelled set; analysis half done",
)


@dataclass
class DemoWork:
    counts: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        c = self.counts
        return (
            f"{c['items']} backlog items, {c['closed_sprints']} closed sprints, "
            f"{c['carry_overs']} carry-overs, {c['dependencies']} dependencies, "
            f"{c['integration_points']} integration points"
        )


def monday_on_or_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


class WorkBuilder:
    """Creates the demo's work through the services and keeps just enough bookkeeping."""

    def __init__(self, session: AsyncSession, actor: Actor, org: DemoOrg, as_of: date) -> None:
        self.session, self.actor, self.org, self.as_of = session, actor, org, as_of
        self.rng = random.Random(SEED)
        self.start = monday_on_or_before(as_of - timedelta(days=182))
        self.end = as_of + timedelta(days=90)
        self.work = DemoWork()
        self.checks: dict[int, dict[ChecklistKind, list[int]]] = defaultdict(dict)
        self.sticky: set[int] = set()  # research items kept carrying over (the agenda shows them)

    def team(self, slug: str) -> Team:
        return self.org.teams[slug]

    def team_slugs_sprinting(self) -> list[str]:
        return list(SPRINTING)

    def kanban_slugs(self) -> tuple[str, ...]:
        return KANBAN

    async def cadences(self) -> None:
        s, a = self.session, self.actor
        for slug, (length, offset) in SPRINTING.items():
            anchor = self.start + timedelta(days=offset)
            await cadence_svc.set_cadence(
                s, a, team_id=self.team(slug).id, length_days=length, anchor=anchor
            )
        change = self.start + timedelta(weeks=ADS_CHANGE_WEEKS)
        await cadence_svc.set_cadence(
            s, a, team_id=self.team("ads").id, length_days=10, anchor=change, effective_from=change
        )
        for slug, (percentile, days) in SLES.items():
            await cadence_svc.set_sle(
                s,
                a,
                team_id=self.team(slug).id,
                percentile=percentile,
                days=days,
                effective_from=self.start,
            )

    async def checklists(self) -> None:
        for slug in SPRINTING:
            team = self.team(slug)
            for kind, texts in (
                (ChecklistKind.READY, READY_CHECKS),
                (ChecklistKind.DONE, DONE_CHECKS),
            ):
                ids = []
                for text in texts:
                    check = await checks.create_check(
                        self.session, self.actor, team_id=team.id, kind=kind, text=text
                    )
                    ids.append(check.id)
                self.checks[team.id][kind] = ids

    def kind_for(self, slug: str) -> ItemKind:
        profile = (
            "research"
            if slug in RESEARCH_TEAMS
            else "platform"
            if slug in PLATFORM_TEAMS
            else "stream"
        )
        weights = WEIGHTS[profile]
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    async def item(self, team: Team, kind: ItemKind, title: str | None = None) -> BacklogItem:
        """A new item with plausible value/effort; research items get their time box."""
        values: dict[str, object] = {
            "value": self.rng.randint(1, 13),
            "effort": self.rng.choice([1, 2, 3, 5, 8, 13]),
            "estimate": float(self.rng.choice([1, 2, 3, 5, 8])),
            "description": "Demo item.",
        }
        if kind is ItemKind.EXPERIMENT:
            values.update(
                hypothesis="The change lifts the offline metric without hurting latency",
                evaluation_method="Offline replay on the last holdout week, then a 5% A/B test",
                time_cap_days=self.rng.choice([21, 28, 42]),
            )
        elif kind is ItemKind.SPIKE:
            values["time_cap_days"] = self.rng.choice([5, 7, 10])
        name = title or self.rng.choice(TITLES[kind]).format(a=team.name.lower())
        item = await work_svc.create_item(
            self.session, self.actor, team_id=team.id, title=name, kind=kind, values=values
        )
        if kind is ItemKind.EXPERIMENT:
            await self.criteria(item)
        self.work.counts["items"] += 1
        return item

    async def criteria(self, item: BacklogItem) -> None:
        specs = [
            work_svc.CriterionSpec(
                "precision",
                Comparator.GTE,
                0.92,
                "On the holdout week",
                "recall",
                Comparator.GTE,
                0.85,
            ),
            work_svc.CriterionSpec("p99_latency_ms", Comparator.LTE, 50.0, "Online, at peak"),
        ]
        await work_svc.set_criteria(self.session, self.actor, item.id, item.version, specs)

    async def status(self, item: BacklogItem, status: ItemStatus, on: date, note: str = "") -> None:
        if item.status is not status:
            await work_svc.change_status(
                self.session,
                self.actor,
                item.id,
                item.version,
                status,
                note=note,
                on=min(on, self.as_of),
            )

    async def mark(self, item: BacklogItem, kind: ChecklistKind, share: float) -> None:
        for check_id in self.checks[item.team_id].get(kind, []):
            if self.rng.random() < share:
                await checks.mark_check(self.session, self.actor, item.id, check_id)

    async def plan(self, item: BacklogItem, view: SprintView) -> None:
        await cadence_svc.plan_item(self.session, self.actor, item.id, item.version, view.node_id)

    async def team_sprints(self, slug: str) -> None:
        """Every sprint of the window: plan new work, run past sprints and close them."""
        team = self.team(slug)
        views = await calendar.team_sprints(self.session, team.id, self.start, self.end)
        for view in views:
            future = view.start > self.as_of
            for _ in range(1 if future else self.rng.randint(1, 2)):
                item = await self.item(team, self.kind_for(slug))
                await self.plan(item, view)
                await self.mark(item, ChecklistKind.READY, 0.25)
                if future and self.rng.random() < 0.6:
                    await self.status(item, ItemStatus.READY, self.as_of)
            if not future:
                await self.run_sprint(team, view)
        for _ in range(self.rng.randint(2, 3)):  # a backlog nobody planned yet
            await self.item(team, self.kind_for(slug))

    async def run_sprint(self, team: Team, view: SprintView) -> None:
        stored = await calendar.sprint_by_node_id(self.session, view.node_id)
        assert stored is not None
        await cadence_svc.start_sprint(self.session, self.actor, view.node_id, stored.version)
        assert stored.stored_id is not None
        items = (await work_repo.items_by_sprint(self.session, [stored.stored_id]))[0]
        for item in items:
            await self.status(item, ItemStatus.IN_PROGRESS, view.start + timedelta(days=1))
        if view.end >= self.as_of:  # the current sprint: some work is done already
            for item in items:
                if item.kind not in RESEARCH_KINDS and self.rng.random() < 0.3:
                    await self.status(item, ItemStatus.DONE, self.as_of - timedelta(days=1))
            return
        await self.close(view, items)

    def finishes(self, item: BacklogItem) -> bool:
        if item.id in self.sticky:
            return item.carry_over_count >= 3
        if item.kind in RESEARCH_KINDS:
            return item.carry_over_count >= 2 or self.rng.random() < 0.5
        return self.rng.random() < 0.85

    async def close(self, view: SprintView, items: list[BacklogItem]) -> None:
        carry = []
        for item in items:
            if item.status in CLOSED_STATUSES:
                continue
            if self.finishes(item):
                day = view.start + timedelta(days=self.rng.randint(3, (view.end - view.start).days))
                await self.finish(item, day)
            elif item.kind in RESEARCH_KINDS:
                if item.team_id == self.team("personalisation-research").id and not self.sticky:
                    self.sticky.add(item.id)
                carry.append(cadence_svc.CarrySpec(item.id, self.rng.choice(CARRY_NOTES)))
            elif self.rng.random() < 0.5:
                carry.append(cadence_svc.CarrySpec(item.id, "Review pending; finishing next"))
        stored = await calendar.sprint_by_node_id(self.session, view.node_id)
        assert stored is not None
        await cadence_svc.close_sprint(
            self.session, self.actor, view.node_id, stored.version, carry
        )
        self.work.counts["closed_sprints"] += 1
        self.work.counts["carry_overs"] += len(carry)

    async def finish(self, item: BacklogItem, day: date) -> None:
        await self.status(item, ItemStatus.DONE, day, "Done in sprint")
        await self.mark(item, ChecklistKind.DONE, 0.2)
        if item.kind is ItemKind.EXPERIMENT:
            await work_svc.record_observation(
                self.session,
                self.actor,
                item.id,
                [("precision", 0.93), ("recall", 0.86), ("p99_latency_ms", 41.0)],
                "https://mlflow.acme.example/runs/demo",
            )

    async def kanban(self, slug: str) -> None:
        """Kanban teams: a flow of items, some done, some in progress, the rest waiting."""
        team = self.team(slug)
        for i in range(10):
            item = await self.item(team, self.rng.choice([K.DATA, K.ENGINEERING, K.TECH_DEBT]))
            if i < 4:
                start = self.as_of - timedelta(days=self.rng.randint(20, 150))
                await self.status(item, ItemStatus.IN_PROGRESS, start)
                await self.status(item, ItemStatus.DONE, start + timedelta(days=8))
            elif i < 7:
                start = self.as_of - timedelta(days=self.rng.randint(0, 6))
                await self.status(item, ItemStatus.IN_PROGRESS, start)

    async def overrunning_spike(self) -> None:
        """A spike 13 days past its 7-day time cap, in Ranking Models' current sprint."""
        team = self.team("ranking-models")
        view = await calendar.sprint_on(self.session, team.id, self.as_of)
        spike = await work_svc.create_item(
            self.session,
            self.actor,
            team_id=team.id,
            kind=ItemKind.SPIKE,
            title="Spike: distillation of the deep ranker",
            values={"time_cap_days": 7},
        )
        self.work.counts["items"] += 1
        if view is not None:
            await self.plan(spike, view)
        await self.status(spike, ItemStatus.IN_PROGRESS, self.as_of - timedelta(days=20))


async def load_work(session: AsyncSession, actor: Actor, org: DemoOrg, as_of: date) -> DemoWork:
    """Cadences, sprints, items, dependencies and integration points of the demo organisation."""
    builder = WorkBuilder(session, actor, org, as_of)
    await builder.cadences()
    await builder.checklists()
    for slug in SPRINTING:
        await builder.team_sprints(slug)
    for slug in KANBAN:
        await builder.kanban(slug)
    await builder.overrunning_spike()
    await link_work(builder)
    return builder.work
