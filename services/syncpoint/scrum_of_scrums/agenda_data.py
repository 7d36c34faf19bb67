"""What an agenda is generated from: the forum's place in the tree and the live data, loaded with
a fixed number of queries, plus the rule that decides what concerns the forum.

Relevance: a topic touching teams T concerns forum F when one of T is a direct member of F, or
when T spans two or more of F's child forums (a cross-forum matter is the parent's business;
a matter inside one child forum is that child's until it is escalated).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import networkx as nx

from syncpoint.analysis.flag_types import Flag
from syncpoint.analysis.model import AnalysisInput
from syncpoint.blockers.models import Blocker
from syncpoint.forums.forest import ForumForest
from syncpoint.forums.models import Forum
from syncpoint.products.models import Product
from syncpoint.products.slo import ObjectiveStatus
from syncpoint.scrum_of_scrums.models import ActionItem
from syncpoint.work.gate_models import GateOverride
from syncpoint.work.models import BacklogItem

DEFAULT_HORIZON_DAYS = 14
# Integration points are looked at three horizons ahead: aligning a cadence takes a few sprints
# to take effect, so a misalignment must surface well before the milestone.
INTEGRATION_HORIZON_FACTOR = 3
# Without a previous meeting, "new" means raised within the last week.
NEW_WINDOW_DAYS = 7
MIN_CARRY_OVERS = 2


@dataclass
class AgendaData:
    """Everything one agenda is computed from (no further queries once loaded)."""

    forum: Forum
    day: date
    since: date
    horizon_days: int
    meeting_start: datetime
    forest: ForumForest
    inp: AnalysisInput
    flags: list[Flag]
    graph: nx.DiGraph
    blockers: list[Blocker]
    action_items: list[ActionItem]
    research: list[BacklogItem]
    products: list[tuple[Product, list[int]]]
    sla_statuses: dict[int, list[ObjectiveStatus]]
    # Quality-gate overrides since the previous meeting (scrum_of_scrums.agenda_gates).
    overrides: list[GateOverride] = field(default_factory=list)
    refinements: list[Any] = field(default_factory=list)
    """The forum's unrefined cross-team items (scrum_of_scrums/refinement.py)."""

    def __post_init__(self) -> None:
        self.direct = self.forest.member_team_ids(self.forum.id)
        self.scope = self.forest.scope(self.forum.id)
        self.subtree = set(self.forest.descendants(self.forum.id))
        self._owners = self.forest.owner_forum(self.forum.id, sorted(self.scope))
        # Each team's representative, looked up per candidate: this forum's first, then the
        # lowest forum id's (a dict built once; scanning every forum per candidate was 60% of
        # the busiest forum's agenda at 500 teams).
        self._representatives: dict[int, int | None] = {}
        for forum_id in reversed([self.forum.id, *sorted(self.forest.members)]):
            for member in reversed(self.forest.members.get(forum_id, [])):
                self._representatives[member.team_id] = member.representative_id
        # SLA_BREACH and contention blockers by the prefix of their source key (sla:<product>:
        # <objective>:...), so a product's objective finds its blockers without a scan.
        self._blockers_by_source: dict[str, list[Blocker]] = {}
        for blocker in self.blockers:
            if blocker.source_key:
                prefix = ":".join(blocker.source_key.split(":", 3)[:3]) + ":"
                self._blockers_by_source.setdefault(prefix, []).append(blocker)

    @property
    def horizon_end(self) -> date:
        return self.day + timedelta(days=self.horizon_days)

    @property
    def integration_horizon_end(self) -> date:
        return self.day + timedelta(days=self.horizon_days * INTEGRATION_HORIZON_FACTOR)

    def concerns(self, team_ids: Iterable[int | None]) -> bool:
        """The relevance rule of the module docstring."""
        teams = {t for t in team_ids if t is not None}
        if teams & self.direct:
            return True
        return len({self._owners[t] for t in teams if t in self._owners}) >= 2

    def representative(self, team_id: int | None) -> int | None:
        """The team's representative here, else in any forum (lowest forum id), else None."""
        if team_id is None:
            return None
        return self._representatives.get(team_id)

    def blockers_sourced(self, prefix: str) -> list[Blocker]:
        """Open blockers whose source key starts with `prefix`, a `kind:id:key:` triple."""
        return self._blockers_by_source.get(prefix, [])

    def team_name(self, team_id: int | None) -> str:
        return self.inp.index.team_name(team_id)

    def item_title(self, item_id: int | None) -> str:
        item = self.inp.index.items.get(item_id) if item_id is not None else None
        return item.title if item is not None else f"item {item_id}"


def numbers_json(numbers: dict[str, Any]) -> dict[str, Any]:
    """Numbers as JSON-safe plain values (dates as ISO strings)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in numbers.items()}
