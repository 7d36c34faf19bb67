"""Demo dependencies and integration points, chosen so that every flag of the analysis shows up:
late ones, on-time ones, SAME_SPRINT ones (explicit needed-by inside overlapping sprints),
unplanned providers, Kanban providers, satisfied ones, the domain guide's worked example, and
three integration points of which the Recommendations launch is at risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from syncpoint.analysis.model import CLOSED_STATUSES, DependencyType, ItemStatus
from syncpoint.cadence import calendar
from syncpoint.cadence.models import Sprint
from syncpoint.dependencies import service as dep_svc
from syncpoint.dependencies.models import DependencyStatus
from syncpoint.work.models import BacklogItem, ItemKind

if TYPE_CHECKING:
    from syncpoint.demo.work import WorkBuilder

T = DependencyType
# How many dependencies of each shape (plus the worked example and the launch's own).
SHAPES = {"late": 14, "on_time": 14, "same_sprint": 6, "unplanned": 8, "kanban": 10, "done": 8}
MAX_LATE_DAYS = 21


@dataclass(frozen=True, slots=True)
class Placed:
    item: BacklogItem
    slug: str
    start: date | None
    end: date | None


async def _placed(b: WorkBuilder) -> list[Placed]:
    slugs = {team.id: slug for slug, team in b.org.teams.items()}
    sprints = {s.id: s for s in await b.session.scalars(select(Sprint))}
    items = list(await b.session.scalars(select(BacklogItem).order_by(BacklogItem.id)))
    placed = []
    for item in items:
        sprint = sprints.get(item.sprint_id) if item.sprint_id is not None else None
        placed.append(
            Placed(
                item,
                slugs[item.team_id],
                sprint.start_date if sprint else None,
                sprint.end_date if sprint else None,
            )
        )
    return placed


def _dep_type(b: WorkBuilder) -> DependencyType:
    return b.rng.choices([T.BLOCKING, T.SLOWING, T.OK], weights=[5, 3, 2])[0]


class Linker:
    def __init__(self, b: WorkBuilder, placed: list[Placed]) -> None:
        self.b = b
        self.used: set[tuple[int, int]] = set()
        sprinting = set(b.team_slugs_sprinting())
        self.open = [p for p in placed if p.item.status not in CLOSED_STATUSES]
        self.planned = [p for p in self.open if p.end is not None and p.end >= b.as_of]
        self.unplanned = [
            p
            for p in self.open
            if p.start is None
            and p.slug in sprinting
            and p.item.kind not in {ItemKind.EXPERIMENT, ItemKind.SPIKE}
        ]
        self.kanban = [p for p in self.open if p.slug in b.kanban_slugs()]
        self.done = [p for p in placed if p.item.status is ItemStatus.DONE and p.end is not None]

    async def link(
        self,
        consumer: BacklogItem,
        provider: BacklogItem,
        kind: DependencyType,
        needed_by: date | None = None,
        text: str = "",
    ) -> int:
        dep = await dep_svc.create_dependency(
            self.b.session,
            self.b.actor,
            consumer_item_id=consumer.id,
            provider_item_id=provider.id,
            type=kind,
            needed_by=needed_by,
            description=text,
        )
        self.used.add((consumer.id, provider.id))
        self.b.work.counts["dependencies"] += 1
        return dep.id

    def pick(self, pairs: list[tuple[Placed, Placed]], count: int) -> list[tuple[Placed, Placed]]:
        self.b.rng.shuffle(pairs)
        chosen: list[tuple[Placed, Placed]] = []
        for c, p in pairs:
            key = (c.item.id, p.item.id)
            if len(chosen) == count:
                break
            if key not in self.used and (p.item.id, c.item.id) not in self.used:
                chosen.append((c, p))
                self.used.add(key)
        return chosen

    def cross(
        self, consumers: list[Placed], providers: list[Placed]
    ) -> list[tuple[Placed, Placed]]:
        return [(c, p) for c in consumers for p in providers if c.slug != p.slug]

    async def shapes(self) -> None:
        pairs = self.cross(self.planned, self.planned)
        late = [(c, p) for c, p in pairs if _gap(c, p) > 0 and _gap(c, p) <= MAX_LATE_DAYS]
        on_time = [(c, p) for c, p in pairs if _gap(c, p) <= 0]
        same = [(c, p) for c, p in late if _overlap(c, p) and p.end < c.end]  # type: ignore[operator]
        for c, p in self.pick(same, SHAPES["same_sprint"]):
            assert p.end is not None
            assert c.end is not None
            needed = p.end + timedelta(days=1 + self.b.rng.randint(0, (c.end - p.end).days - 1))
            await self.link(c.item, p.item, _dep_type(self.b), needed, "Needed mid-sprint")
        for shape, candidates in (
            ("late", late),
            ("on_time", on_time),
            ("unplanned", self.cross(self.planned, self.unplanned)),
            ("kanban", self.cross(self.planned, self.kanban)),
        ):
            for c, p in self.pick(candidates, SHAPES[shape]):
                await self.link(c.item, p.item, _dep_type(self.b))
        done = [(c, p) for c, p in self.cross(self.done, self.done) if p.end < c.start]  # type: ignore[operator]
        for c, p in self.pick(done, SHAPES["done"]):
            dep_id = await self.link(c.item, p.item, _dep_type(self.b), text="Delivered")
            await dep_svc.close_dependency(
                self.b.session, self.b.actor, dep_id, 1, DependencyStatus.SATISFIED
            )


def _gap(consumer: Placed, provider: Placed) -> int:
    """available-from minus needed-by, in days, for planned consumer and provider."""
    assert consumer.start is not None
    assert provider.end is not None
    return (provider.end + timedelta(days=1) - consumer.start).days


def _overlap(consumer: Placed, provider: Placed) -> bool:
    assert consumer.start
    assert consumer.end
    assert provider.start
    assert provider.end
    return provider.start <= consumer.end and consumer.start <= provider.end


async def _sprint_starting(b: WorkBuilder, slug: str, start: date) -> calendar.SprintView:
    view = await calendar.sprint_by_node_id(b.session, f"{b.team(slug).id}:{start.isoformat()}")
    assert view is not None, (slug, start)
    return view


async def _first_start(b: WorkBuilder, slug: str, on_or_after: date) -> date:
    views = await calendar.team_sprints(
        b.session, b.team(slug).id, on_or_after, on_or_after + timedelta(days=60)
    )
    return next(v.start for v in views if v.start >= on_or_after)


async def _planned_item(
    b: WorkBuilder, slug: str, kind: ItemKind, title: str, view: calendar.SprintView
) -> BacklogItem:
    item = await b.item(b.team(slug), kind, title)
    await b.plan(item, view)
    return item


async def worked_example(b: WorkBuilder, linker: Linker) -> None:
    """Ranking needs Feature Store's work 7 days late; a second pair waits mid-sprint."""
    rk = await _first_start(b, "ranking", b.as_of + timedelta(days=8))
    ranking = await _sprint_starting(b, "ranking", rk)
    features = await _sprint_starting(b, "feature-store", rk - timedelta(days=7))
    consumer = await _planned_item(
        b, "ranking", ItemKind.ENGINEERING, "Rank with fresh session features", ranking
    )
    provider = await _planned_item(
        b, "feature-store", ItemKind.DATA, "Session features v2 online", features
    )
    await linker.link(consumer, provider, T.BLOCKING, text="Worked example: 7 days late")
    consumer = await _planned_item(
        b, "ranking", ItemKind.ENGINEERING, "Re-rank with item freshness", ranking
    )
    provider = await _planned_item(
        b, "feature-store", ItemKind.DATA, "Item freshness feature", features
    )
    await linker.link(
        consumer, provider, T.SLOWING, rk + timedelta(days=9), "Needed on day 10 of the sprint"
    )


async def integration_points(b: WorkBuilder, linker: Linker) -> None:
    """The Recommendations launch (at risk: Feature Store delivers a week late), a fraud
    end-to-end test and an ads relaunch (both on track)."""
    await _launch(b, linker)
    await _fraud_test(b)
    await _ads_relaunch(b)


async def _launch(b: WorkBuilder, linker: Linker) -> None:
    d1 = await _first_start(b, "ranking", b.as_of + timedelta(days=28))
    fs_view = await _sprint_starting(b, "feature-store", d1 - timedelta(days=7))
    ms_view = await _sprint_starting(b, "model-serving", d1 - timedelta(days=14))
    recs_view = await _sprint_starting(b, "recommendations", d1 - timedelta(days=14))
    fs = await _planned_item(
        b, "feature-store", ItemKind.ENGINEERING, "Launch: real-time user features", fs_view
    )
    ms = await _planned_item(
        b, "model-serving", ItemKind.ENGINEERING, "Launch: serve the two-tower model", ms_view
    )
    recs = await _planned_item(
        b, "recommendations", ItemKind.ENGINEERING, "Launch: home-page carousel", recs_view
    )
    await linker.link(recs, fs, T.BLOCKING, text="Carousel reads real-time features")
    await linker.link(recs, ms, T.BLOCKING, text="Carousel calls the model")
    await _point(
        b, "Recommendations launch", d1, "New home-page recommendations go live.", [recs, fs, ms]
    )


async def _fraud_test(b: WorkBuilder) -> None:
    view = await calendar.sprint_on(b.session, b.team("fraud").id, b.as_of)
    assert view is not None
    fraud = await _planned_item(b, "fraud", ItemKind.ENGINEERING, "Fraud v2: scoring service", view)
    stream = await b.item(b.team("data-platform"), ItemKind.DATA, "Fraud v2: payment stream")
    await b.status(stream, ItemStatus.IN_PROGRESS, b.as_of - timedelta(days=3))
    await _point(
        b,
        "Fraud model v2 end-to-end test",
        b.as_of + timedelta(days=24),
        "Replay a week of payments through the new pipeline.",
        [fraud, stream],
    )


async def _ads_relaunch(b: WorkBuilder) -> None:
    ads_view = await calendar.sprint_on(b.session, b.team("ads").id, b.as_of + timedelta(days=35))
    ms_view = await calendar.sprint_on(
        b.session, b.team("model-serving").id, b.as_of + timedelta(days=28)
    )
    assert ads_view is not None
    assert ms_view is not None
    ads = await _planned_item(b, "ads", ItemKind.ENGINEERING, "Auction: new bid shading", ads_view)
    serving = await _planned_item(
        b, "model-serving", ItemKind.ENGINEERING, "Auction: CTR model on GPUs", ms_view
    )
    await _point(
        b,
        "Ads auction relaunch",
        b.as_of + timedelta(days=60),
        "The auction runs on the new CTR model.",
        [ads, serving],
    )


async def _point(b: WorkBuilder, name: str, day: date, text: str, items: list[BacklogItem]) -> None:
    await dep_svc.create_integration_point(
        b.session, b.actor, name=name, day=day, description=text, item_ids=[i.id for i in items]
    )
    b.work.counts["integration_points"] += 1


async def link_work(b: WorkBuilder) -> None:
    """Dependencies of every shape, the worked example, and the integration points."""
    linker = Linker(b, await _placed(b))
    await linker.shapes()
    await worked_example(b, linker)
    await integration_points(b, linker)
