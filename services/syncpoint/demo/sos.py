"""Demo Scrum of Scrums: an organisation-level forum above one forum per value stream, blockers of
every category at every level (one chain escalated to the executive), and a past meeting with
notes, a decision and action items, so that today's agenda has every section.

Loaded last (it uses the work and products demos' items); dated from `as_of`, deterministic.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.model import CLOSED_STATUSES
from syncpoint.blockers import service as blockers
from syncpoint.blockers.escalation import escalate
from syncpoint.blockers.models import Blocker, BlockerCategory, BlockerSeverity, RoamState
from syncpoint.core.auth import Actor, Role
from syncpoint.demo.org import FACILITATOR_EMAIL, DemoOrg
from syncpoint.dependencies.models import Dependency, DependencyStatus
from syncpoint.forums.models import Forum, Weekday
from syncpoint.scrum_of_scrums import meetings
from syncpoint.scrum_of_scrums import service as sos
from syncpoint.teams.models import Membership, MembershipRole
from syncpoint.teams.repository import person_by_email
from syncpoint.work.models import BacklogItem

DISCOVERY = ("search", "recommendations", "ranking", "personalisation-research", "ranking-models")
MONETISATION_PLATFORM = (
    "ads",
    "fraud",
    "feature-store",
    "model-serving",
    "data-platform",
    "gpu-compute",
    "ml-enablement",
)
WEEKDAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)
C, S = BlockerCategory, BlockerSeverity
# key, team, category, severity, title, raised days before as_of, on the team (not an item)
BLOCKERS = [
    (
        "data",
        "ranking",
        C.WAITING_FOR_DATA,
        S.HIGH,
        "December click logs have not landed",
        0,
        False,
    ),
    (
        "quality",
        "recommendations",
        C.DATA_QUALITY,
        S.MEDIUM,
        "Duplicate impressions in the training set",
        4,
        False,
    ),
    (
        "training",
        "ranking-models",
        C.TRAINING_RUNNING,
        S.LOW,
        "Deep ranker retraining holds the evaluation slot",
        0,
        False,
    ),
    ("review", "search", C.REVIEW, S.LOW, "Privacy review of query logging", 6, False),
    (
        "dependency",
        "personalisation-research",
        C.DEPENDENCY,
        S.MEDIUM,
        "Waiting for the session feature group",
        0,
        True,
    ),
    (
        "compute",
        "personalisation-research",
        C.COMPUTE_CONTENTION,
        S.MEDIUM,
        "GPU pool over-committed for sequence runs",
        1,
        False,
    ),
    (
        "sla",
        "recommendations",
        C.SLA_BREACH,
        S.HIGH,
        "Home-page features served stale for 9 hours",
        1,
        False,
    ),
    (
        "pipeline",
        "data-platform",
        C.PIPELINE_FAILURE,
        S.CRITICAL,
        "Payment events stream stalled",
        5,
        False,
    ),
    ("access", "fraud", C.ACCESS, S.HIGH, "No read access to the chargeback warehouse", 2, False),
    ("other", "ads", C.OTHER, S.LOW, "Ad-server change freeze over the holidays", 0, False),
    (
        "embeddings",
        "feature-store",
        C.DEPENDENCY,
        S.HIGH,
        "Embedding store needs the new vector index",
        3,
        False,
    ),
]
# key, reason, days before as_of; "pipeline" climbs team -> forum -> organisation -> executive.
ESCALATIONS = [
    ("quality", "Needs Data Platform and Recommendations together", 1),
    ("access", "Security owns the warehouse grants", 1),
    ("embeddings", "Discovery teams wait on it", 2),
    ("embeddings", "Crosses both value streams", 1),
    ("pipeline", "Streaming cluster is out of capacity", 4),
    ("pipeline", "Fraud and Ads both lose payment data", 3),
    ("pipeline", "Needs budget for a second cluster", 1),
]


@dataclass
class DemoSos:
    counts: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        c = self.counts
        return (
            f"{c['forums']} forums, {c['blockers']} blockers ({c['escalations']} escalations), "
            f"{c['meetings']} meeting, {c['action_items']} action items"
        )


class SosBuilder:
    def __init__(self, session: AsyncSession, actor: Actor, org: DemoOrg, as_of: date) -> None:
        self.session, self.actor, self.org, self.as_of = session, actor, org, as_of
        self.result = DemoSos()

    def at(self, days_ago: int, hour: int = 9) -> datetime:
        """An instant `days_ago` days before as_of (UTC), so the demo is dated from as_of."""
        return datetime.combine(self.as_of - timedelta(days=days_ago), time(hour), UTC)

    async def representative(self, slug: str) -> int:
        """The team's Scrum Master (else Product Owner) with the lowest id."""
        rows = await self.session.scalars(
            select(Membership)
            .where(Membership.team_id == self.org.teams[slug].id, Membership.ended_on.is_(None))
            .order_by(Membership.id)
        )
        members = list(rows)
        for role in (MembershipRole.SCRUM_MASTER, MembershipRole.PRODUCT_OWNER):
            for m in members:
                if m.role is role:
                    return m.person_id
        return members[0].person_id

    async def forum(
        self,
        name: str,
        slugs: tuple[str, ...],
        facilitator: int,
        parent: Forum | None,
        **cadence: Any,
    ) -> Forum:
        members = [
            sos.MemberSpec(self.org.teams[s].id, await self.representative(s)) for s in slugs
        ]
        forum = await sos.create_forum(
            self.session,
            self.actor,
            name=name,
            facilitator_id=facilitator,
            parent_id=parent.id if parent else None,
            members=members,
            **cadence,
        )
        self.result.counts["forums"] += 1
        return forum

    async def item(self, slug: str, *, providing: bool = True) -> BacklogItem | None:
        """An open item of the team, preferring one others depend on (so blocking it matters)."""
        team_id = self.org.teams[slug].id
        open_items = (
            select(BacklogItem)
            .where(BacklogItem.team_id == team_id, BacklogItem.status.not_in(CLOSED_STATUSES))
            .order_by(BacklogItem.id)
        )
        if providing:
            provided = select(Dependency.provider_item_id).where(
                Dependency.status == DependencyStatus.OPEN
            )
            found = await self.session.scalar(open_items.where(BacklogItem.id.in_(provided)))
            if found is not None:
                return found
        return await self.session.scalar(open_items)

    async def blocker(
        self,
        slug: str,
        category: BlockerCategory,
        severity: BlockerSeverity,
        title: str,
        days_ago: int,
        *,
        on_team: bool = False,
    ) -> Blocker:
        item = None if on_team else await self.item(slug)
        blocker = await blockers.raise_blocker(
            self.session,
            category=category,
            severity=severity,
            title=title,
            description=f"Raised by {slug} at the daily scrum.",
            item_id=item.id if item else None,
            team_id=self.org.teams[slug].id if item is None else None,
            owner_id=await self.representative(slug),
            raised_at=self.at(days_ago),
        )
        self.result.counts["blockers"] += 1
        return blocker

    async def escalate(self, blocker: Blocker, reason: str, days_ago: int) -> None:
        await escalate(
            self.session, blocker, actor_id=None, reason=reason, at=self.at(days_ago, 11)
        )
        self.result.counts["escalations"] += 1

    async def forums(self) -> tuple[Forum, Forum, Forum]:
        sam = await person_by_email(self.session, FACILITATOR_EMAIL)
        assert sam is not None, "load the demo organisation first"
        org = await self.forum(
            "Acme ML Scrum of Scrums",
            (),
            sam.id,
            None,
            weekdays=(Weekday.TUESDAY,),
            meeting_time=time(11, 0),
            time_zone="Europe/Berlin",
            duration_minutes=30,
        )
        discovery = await self.forum(
            "Discovery Scrum of Scrums",
            DISCOVERY,
            sam.id,
            org,
            weekdays=WEEKDAYS,
            meeting_time=time(9, 30),
            time_zone="Europe/Berlin",
            duration_minutes=15,
        )
        platform = await self.forum(
            "Monetisation & Platform Scrum of Scrums",
            MONETISATION_PLATFORM,
            sam.id,
            org,
            weekdays=(Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.FRIDAY),
            meeting_time=time(15, 0),
            time_zone="Europe/London",
            duration_minutes=15,
        )
        return org, discovery, platform

    async def blockers(self) -> dict[str, Blocker]:
        """One blocker of every category; TEAM, SCRUM_OF_SCRUMS and EXECUTIVE levels."""
        raised = {}
        for key, slug, category, severity, title, days_ago, on_team in BLOCKERS:
            raised[key] = await self.blocker(
                slug, category, severity, title, days_ago, on_team=on_team
            )
        for key, reason, days_ago in ESCALATIONS:
            await self.escalate(raised[key], reason, days_ago)
        pipeline = raised["pipeline"]
        pipeline.roam = RoamState.OWNED
        await blockers.record_event(
            self.session,
            pipeline,
            "UPDATED",
            actor_id=None,
            field="roam",
            new=RoamState.OWNED.value,
            at=self.at(1, 12),
        )
        await blockers.resolve_blocker(
            self.session,
            raised["review"],
            actor_id=None,
            note="Approved with 30-day retention",
            at=self.at(2, 15),
        )
        return raised

    def previous_weekday(self) -> date:
        day = self.as_of - timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    async def past_meeting(self, forum: Forum, b: dict[str, Blocker]) -> None:
        """Yesterday's Discovery meeting: notes, a decision and three action items."""
        sam = Actor(role=Role.FACILITATOR, person_id=forum.facilitator_id)
        day = self.previous_weekday()
        meeting = await meetings.hold_meeting(self.session, sam, forum.id, day)
        self.result.counts["meetings"] += 1
        keys = {e["key"] for e in meeting.agenda.get("entries", [])}
        key = f"blocker:{b['quality'].id}"
        entry = key if key in keys else None
        await meetings.record_notes(
            self.session,
            sam,
            meeting.id,
            "Dedup job ready for review; Data Platform to confirm the backfill window.",
            entry,
        )
        await meetings.record_decision(
            self.session,
            sam,
            meeting.id,
            "Train on last week's snapshot until the dedup lands.",
            entry_key=entry,
            blocker_id=b["quality"].id,
        )
        reps = {s: await self.representative(s) for s in DISCOVERY}
        plans = [
            ("Ask Data Platform for an ETA on the click logs", "ranking", day),
            (
                "Book GPU slots for the sequence-model runs",
                "personalisation-research",
                self.as_of + timedelta(days=3),
            ),
            ("Publish the dedup fix", "recommendations", self.as_of),
        ]
        items = [
            await meetings.create_action_item(
                self.session,
                sam,
                title=title,
                owner_id=reps[slug],
                due_on=due,
                meeting_id=meeting.id,
            )
            for title, slug, due in plans
        ]
        self.result.counts["action_items"] += len(items)
        done = items[-1]
        await meetings.complete_action_item(
            self.session, sam, done.id, done.version, "Merged and deployed"
        )

    async def refinement(self, forum: Forum) -> None:
        """A cross-team item on the discovery forum's joint backlog (scrum_of_scrums/refinement)."""
        from syncpoint.scrum_of_scrums.refinement import create_refinement, join_refinement
        from syncpoint.teams.repository import team_by_slug

        lead, partner = [await team_by_slug(self.session, slug) for slug in ("ranking", "search")]
        assert lead is not None
        assert partner is not None
        ref = await create_refinement(
            self.session,
            self.actor,
            forum_id=forum.id,
            title="One feature schema for user embeddings",
            lead_team_id=lead.id,
        )
        await join_refinement(self.session, self.actor, refinement_id=ref.id, team_id=partner.id)
        ref.created_at = self.at(4)
        await self.session.flush()


async def load_sos(session: AsyncSession, actor: Actor, org: DemoOrg, as_of: date) -> DemoSos:
    """Forums, blockers with escalations and a past meeting of the demo organisation."""
    builder = SosBuilder(session, actor, org, as_of)
    _org_forum, discovery, _platform = await builder.forums()
    raised = await builder.blockers()
    await builder.past_meeting(discovery, raised)
    await builder.refinement(discovery)
    return builder.result
