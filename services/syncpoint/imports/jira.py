"""A Jira issue-search CSV export -> backlog items, sprints, carry-overs and dependencies.

Jira's documented column names: `Issue key`, `Summary`, `Issue Type`, `Status`, `Sprint`
(repeated when an issue was in several sprints), `Assignee`, `Created`, `Resolved`,
`Story Points` (or the estimate field the mapping names), `Labels` (repeated), and links such as
`Outward issue link (Blocks)` / `Inward issue link (Blocks)`. What differs between Jira sites is
in a mapping file (YAML):

    projects: {RANK: ranking}            # project key -> team slug
    issueTypes: {Story: ENGINEERING, Spike: SPIKE}
    labels: {data: DATA}                 # a mapped label wins over the issue type
    defaultKind: ENGINEERING
    statuses: {To Do: BACKLOG, In Progress: IN_PROGRESS, Done: DONE}
    fields: {estimate: Story Points, sprintStart: Sprint Start, sprintEnd: Sprint End}
    sprints: {RANK Sprint 3: {start: 2027-01-04, end: 2027-01-17}}
    researchTimeCapDays: 10              # for experiments and spikes (Jira has no time cap)

The issue key becomes the item's key (so a re-run finds it). A sprint's dates come from the export
(the columns `fields.sprintStart`/`sprintEnd`), else from `sprints`, else from the team's cadence
(`... Sprint N` is the N-th sprint from the cadence's anchor). An issue in several sprints is
planned in the last one and carried over from each earlier one (the carry-over history). A Blocks
link between issues of two teams becomes a BLOCKING dependency."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from syncpoint.analysis.model import DependencyType, ItemKind, ItemStatus
from syncpoint.cadence import repository as cadence_repo
from syncpoint.cadence.models import Cadence, CarryOver, Sprint, SprintState
from syncpoint.core.auth import Actor
from syncpoint.core.errors import DomainError
from syncpoint.dependencies import service as dependencies
from syncpoint.imports import repository as repo
from syncpoint.imports.report import Origin, Outcome, Report
from syncpoint.imports.sources import SourceFile
from syncpoint.imports.writer import Progress
from syncpoint.teams.models import Team
from syncpoint.work import keys
from syncpoint.work import service as work
from syncpoint.work.models import BacklogItem

DATE_FORMATS = (
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%m/%d/%Y %H:%M",
)
_NUMBER = re.compile(r"(\d+)\s*$")


@dataclass
class Mapping:
    projects: dict[str, str]
    issue_types: dict[str, ItemKind]
    labels: dict[str, ItemKind]
    default_kind: ItemKind
    statuses: dict[str, ItemStatus]
    estimate: str = "Story Points"
    sprint_start: str | None = None
    sprint_end: str | None = None
    sprints: dict[str, tuple[date, date]] = field(default_factory=dict)
    research_time_cap: int = 10


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    return _parsed_date(value)


@lru_cache(maxsize=4096)
def _parsed_date(value: str) -> date:
    """Cached: an export of tens of thousands of issues repeats a few hundred dates, and each
    miss tries the formats in turn (strptime is slow)."""
    if _ISO_DATE.match(value):
        with suppress(ValueError):
            return date.fromisoformat(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date Syncpoint reads (e.g. 04/Jan/27 9:30 AM).")


def _enum_map(raw: Any, enum_cls: Any, name: str, report: Report, origin: Origin) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in (raw or {}).items():
        try:
            found[str(key).lower()] = enum_cls(str(value).upper())
        except ValueError:
            report.problem(origin, f"{name}.{key}", f"{value!r} is not a {enum_cls.__name__}.")
    return found


def parse_mapping(text: str, name: str, report: Report) -> Mapping | None:
    origin = Origin(name, 0)
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        report.problem(origin, "", f"Not valid YAML: {exc}")
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("projects"), dict):
        report.problem(origin, "projects", "The mapping needs projects: {PROJECT_KEY: team-slug}.")
        return None
    fields = raw.get("fields") or {}
    sprints: dict[str, tuple[date, date]] = {}
    for sprint, dates in (raw.get("sprints") or {}).items():
        try:
            sprints[str(sprint)] = (
                date.fromisoformat(str(dates["start"])),
                date.fromisoformat(str(dates["end"])),
            )
        except (KeyError, TypeError, ValueError):
            report.problem(origin, f"sprints.{sprint}", "Needs start and end (YYYY-MM-DD).")
    try:
        default_kind = ItemKind(str(raw.get("defaultKind", "ENGINEERING")).upper())
    except ValueError:
        report.problem(origin, "defaultKind", "Not an item kind.")
        default_kind = ItemKind.ENGINEERING
    return Mapping(
        projects={str(k): str(v) for k, v in raw["projects"].items()},
        issue_types=_enum_map(raw.get("issueTypes"), ItemKind, "issueTypes", report, origin),
        labels=_enum_map(raw.get("labels"), ItemKind, "labels", report, origin),
        default_kind=default_kind,
        statuses=_enum_map(raw.get("statuses"), ItemStatus, "statuses", report, origin),
        estimate=str(fields.get("estimate", "Story Points")),
        sprint_start=fields.get("sprintStart"),
        sprint_end=fields.get("sprintEnd"),
        sprints=sprints,
        research_time_cap=int(raw.get("researchTimeCapDays", 10)),
    )


@dataclass
class Issue:
    key: str
    team: str
    title: str
    kind: ItemKind
    status: ItemStatus
    origin: Origin
    sprints: list[str]
    estimate: float | None = None
    created: date | None = None
    resolved: date | None = None
    assignee: str = ""
    blocks: list[str] = field(default_factory=list)  # keys this issue blocks
    blocked_by: list[str] = field(default_factory=list)


@dataclass
class JiraPlan:
    mapping: Mapping
    issues: list[Issue] = field(default_factory=list)
    sprint_dates: dict[str, tuple[date, date]] = field(default_factory=dict)

    def size(self) -> int:
        return len(self.issues)

    async def sync(
        self, session: AsyncSession, actor: Actor, report: Report, progress: Progress
    ) -> None:
        await _JiraWriter(self, session, actor, report, progress).run()


def _rows(source: SourceFile) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(source.content))
    header = [h.strip() for h in next(reader, [])]
    return header, list(reader)


def _values(header: list[str], row: list[str]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = defaultdict(list)
    for index, name in enumerate(header):
        cell = row[index].strip() if index < len(row) else ""
        if cell:
            values[name.lower()].append(cell)
    return values


def _issue(values: dict[str, list[str]], mapping: Mapping, origin: Origin) -> Issue:
    def one(name: str) -> str:
        found = values.get(name.lower())
        return found[0] if found else ""

    key = one("Issue key")
    if not key:
        raise ValueError("Issue key|The row has no issue key.")
    project = key.rsplit("-", 1)[0]
    team = mapping.projects.get(project)
    if team is None:
        raise ValueError(f"Issue key|Project {project} is not in the mapping's projects.")
    title = one("Summary")
    if not title:
        raise ValueError("Summary|The issue has no summary.")
    labels = [label for cell in values.get("labels", []) for label in cell.split()]
    kind = next(
        (mapping.labels[label.lower()] for label in labels if label.lower() in mapping.labels),
        mapping.issue_types.get(one("Issue Type").lower(), mapping.default_kind),
    )
    status_name = one("Status")
    status = mapping.statuses.get(status_name.lower())
    if status is None:
        raise ValueError(f"Status|Status {status_name!r} is not in the mapping's statuses.")
    estimate_text = one(mapping.estimate)
    try:
        estimate = float(estimate_text) if estimate_text else None
    except ValueError:
        raise ValueError(f"{mapping.estimate}|{estimate_text!r} is not a number.") from None
    try:
        created, resolved = parse_date(one("Created")), parse_date(one("Resolved"))
    except ValueError as exc:
        raise ValueError(f"Created|{exc}") from None
    return Issue(
        key,
        team,
        title,
        kind,
        status,
        origin,
        values.get("sprint", []),
        estimate,
        created,
        resolved,
        one("Assignee"),
        blocks=values.get("outward issue link (blocks)", []),
        blocked_by=values.get("inward issue link (blocks)", []),
    )


def parse_jira(files: Sequence[SourceFile], report: Report, *, mapping: SourceFile) -> JiraPlan:
    """The issues of the CSV export(s), mapped; an invalid row is reported and left out."""
    parsed = parse_mapping(mapping.content, mapping.name, report)
    plan = JiraPlan(parsed or Mapping({}, {}, {}, ItemKind.ENGINEERING, {}))
    if parsed is None:
        return plan
    seen: set[str] = set()
    assignees = False
    for source in files:
        header, rows = _rows(source)
        if "issue key" not in {h.lower() for h in header}:
            report.problem(Origin(source.name, 1), "Issue key", "Not a Jira CSV export.")
            continue
        for number, row in enumerate(rows, start=2):
            values = _values(header, row)
            if not values:
                continue
            origin = Origin(source.name, number, values.get("issue key", [""])[0])
            try:
                issue = _issue(values, parsed, origin)
            except ValueError as exc:
                column, _, reason = str(exc).partition("|")
                report.problem(origin, column, reason)
                continue
            if issue.key in seen:
                report.problem(origin, "Issue key", f"{issue.key} appears twice; first kept.")
                continue
            seen.add(issue.key)
            plan.issues.append(issue)
            assignees = assignees or bool(issue.assignee)
            start = values.get((parsed.sprint_start or "").lower())
            end = values.get((parsed.sprint_end or "").lower())
            for index, sprint in enumerate(issue.sprints):
                if start and end and index < len(start) and index < len(end):
                    try:
                        dates = (parse_date(start[index]), parse_date(end[index]))
                    except ValueError as exc:
                        report.problem(origin, parsed.sprint_start or "", str(exc))
                        continue
                    if dates[0] and dates[1]:
                        plan.sprint_dates.setdefault(f"{issue.team}|{sprint}", (dates[0], dates[1]))
    if assignees:
        report.notes.append("Assignee is read but not stored: Syncpoint items have no assignee.")
    return plan


@dataclass
class _Planned:
    """An issue's item and the sprints it was in (by start), to be linked once all have ids."""

    item: BacklogItem
    sprints: list[Sprint]
    known: set[tuple[int, int]]  # its carry-overs stored already


class _JiraWriter:
    """Writes the plan in bulk: what exists (teams, items, sprints, cadences, carry-overs, open
    dependencies) is read in a few set-based SELECTs; then one flush each (multi-row INSERTs)
    writes the new sprints, the new items (planned in their sprint), the carry-overs and the
    dependencies of Blocks links. The report is the one the per-object path printed, in the
    same order."""

    def __init__(
        self,
        plan: JiraPlan,
        session: AsyncSession,
        actor: Actor,
        report: Report,
        progress: Progress,
    ) -> None:
        self.plan = plan
        self.session = session
        self.actor = actor
        self.report = report
        self.progress = progress
        self.sprints: dict[str, Sprint | None] = {}
        self.stored: dict[int, list[Sprint]] = {}  # team id -> its sprints (new ones included)
        self.cadences: dict[int, list[Cadence]] = {}
        self.new_items: list[BacklogItem] = []

    async def run(self) -> None:
        teams = await repo.teams_by_slug(self.session)
        items = await repo.items_by_key(self.session, [i.key for i in self.plan.issues])
        existing = set(items)
        team_ids = sorted({teams[i.team].id for i in self.plan.issues if i.team in teams})
        self.stored = await repo.sprints_of(self.session, team_ids)
        cadences = await cadence_repo.cadences_by_team(self.session, team_ids) if team_ids else []
        self.cadences = dict(zip(team_ids, cadences, strict=True))
        carried = await repo.carry_overs_of(self.session, [i.id for i in items.values()])
        planned: list[_Planned] = []
        for issue in self.plan.issues:
            team = teams.get(issue.team)
            if team is None:
                self.report.problem(issue.origin, "Issue key", f"Unknown team {issue.team}.")
                continue
            try:
                found = await self._item(issue, team, items, carried)
                if found is not None:
                    planned.append(found)
            except DomainError as exc:
                self.report.problem(issue.origin, exc.field or "", exc.message)
            self.progress(1)
        await self.session.flush()  # new sprints: their ids, for the new items' INSERT
        for found in planned:
            if found.item.sprint_id != found.sprints[-1].id:
                found.item.sprint_id = found.sprints[-1].id
        self.session.add_all(self.new_items)
        await self.session.flush()  # new items: their ids, for the carry-overs
        self._carry_overs(planned)
        await keys.note_explicit_keys(self.session, [k for k in items if k not in existing])
        await self.session.flush()
        await self._links(items)

    def _sprint(self, team: Team, name: str, origin: Origin) -> Sprint | None:
        cache_key = f"{team.slug}|{name}"
        if cache_key in self.sprints:
            return self.sprints[cache_key]
        team_sprints = self.stored.setdefault(team.id, [])
        stored = next((s for s in team_sprints if s.name == name), None)
        if stored is None:
            dates = self.plan.sprint_dates.get(cache_key) or self.plan.mapping.sprints.get(name)
            if dates is None:
                dates = self._inferred(team, name, origin)
            if dates is not None:
                start, end = dates
                clash = sorted(
                    (s for s in team_sprints if s.start_date <= end and s.end_date >= start),
                    key=lambda s: s.start_date,
                )
                if clash:
                    self.report.problem(
                        origin,
                        "Sprint",
                        f"{name} overlaps {team.slug}'s sprint "
                        f"{clash[0].name or clash[0].start_date}; not created.",
                    )
                else:
                    stored = Sprint(
                        team_id=team.id,
                        start_date=start,
                        end_date=end,
                        explicit=True,
                        name=name,
                        state=SprintState.PLANNED,
                    )
                    self.session.add(stored)
                    team_sprints.append(stored)
                    self.report.record("SPRINT", f"{team.slug}: {name}", Outcome.CREATED)
        else:
            self.report.record("SPRINT", f"{team.slug}: {name}", Outcome.UNCHANGED)
        self.sprints[cache_key] = stored
        return stored

    def _inferred(self, team: Team, name: str, origin: Origin) -> tuple[date, date] | None:
        cadences = self.cadences.get(team.id, [])
        number = _NUMBER.search(name)
        if not cadences or number is None:
            self.report.problem(
                origin,
                "Sprint",
                f"No dates for {name}: the export and mapping give none and {team.slug} has "
                + ("no cadence." if not cadences else "no sprint number in the name."),
            )
            return None
        cadence = cadences[-1]
        start = cadence.anchor + timedelta(days=(int(number[1]) - 1) * cadence.length_days)
        end = start + timedelta(days=cadence.length_days - 1)
        self.report.default(
            "SPRINT",
            f"{team.slug}: {name}",
            "dates",
            f"{start}..{end} (sprint {number[1]} of the cadence from {cadence.anchor})",
        )
        return start, end

    async def _item(
        self,
        issue: Issue,
        team: Team,
        items: dict[str, BacklogItem],
        carried: dict[int, set[tuple[int, int]]],
    ) -> _Planned | None:
        values: dict[str, Any] = {"estimate": issue.estimate}
        if issue.kind in (ItemKind.EXPERIMENT, ItemKind.SPIKE):
            values["time_cap_days"] = self.plan.mapping.research_time_cap
            if issue.kind is ItemKind.EXPERIMENT:
                values["hypothesis"] = "Not recorded in Jira."
                values["evaluation_method"] = "Not recorded in Jira."
        item = items.get(issue.key)
        outcome = Outcome.UNCHANGED
        changed: list[str] = []
        if item is None:
            item = work.build_item(
                self.actor,
                team_id=team.id,
                title=issue.title[:300],
                kind=issue.kind,
                values=values,
                key=issue.key,
            )
            self.new_items.append(item)  # added once its sprint has an id (one INSERT)
            items[issue.key] = item
            outcome = Outcome.CREATED
            if issue.kind in (ItemKind.EXPERIMENT, ItemKind.SPIKE):
                self.report.default(
                    "ITEM", issue.key, "time cap", f"{self.plan.mapping.research_time_cap} days"
                )
        elif item.team_id != team.id:
            self.report.problem(
                issue.origin, "Issue key", f"{issue.key} exists in another team; left alone."
            )
            return None
        else:
            wanted = {"title": issue.title[:300], "estimate": issue.estimate}
            changes = {k: v for k, v in wanted.items() if getattr(item, k) != v}
            if changes:
                await work.update_item(self.session, self.actor, item.id, item.version, changes)
                changed.extend(changes)
        # Jira's history is taken as it stands, not replayed through Syncpoint's transitions.
        for attr, value in (
            ("status", issue.status),
            ("kind", issue.kind),
            ("finished_on", issue.resolved),
        ):
            if getattr(item, attr) != value:
                setattr(item, attr, value)
                changed.append(attr)
        found = self._plan_sprints(issue, team, item, carried.get(item.id or 0, set()), changed)
        if outcome is Outcome.UNCHANGED and changed:
            outcome = Outcome.UPDATED
        summary = () if outcome is Outcome.CREATED else tuple(sorted(set(changed)))
        self.report.record("ITEM", issue.key, outcome, summary)
        return found

    def _plan_sprints(
        self,
        issue: Issue,
        team: Team,
        item: BacklogItem,
        known: set[tuple[int, int]],
        changed: list[str],
    ) -> _Planned | None:
        """What changes (a new sprint, new carry-overs) is known before anything has an id: a
        sprint created in this run is new to every item."""
        sprints = [s for s in [self._sprint(team, n, issue.origin) for n in issue.sprints] if s]
        sprints.sort(key=lambda s: s.start_date)
        if not sprints:
            return None
        last = sprints[-1]
        if last.id is None or item.sprint_id != last.id:
            changed.append("sprint")
        pairs = zip(sprints, sprints[1:], strict=False)
        if any(a.id is None or b.id is None or (a.id, b.id) not in known for a, b in pairs):
            changed.append("carry-overs")
        if item.carry_over_count != len(sprints) - 1:
            item.carry_over_count = len(sprints) - 1
        return _Planned(item, sprints, known)

    def _carry_overs(self, planned: list[_Planned]) -> None:
        """Now that new items and sprints have ids: the carry-overs not stored yet (one flush
        writes them all)."""
        for found in planned:
            item, sprints = found.item, found.sprints
            for earlier, later in zip(sprints, sprints[1:], strict=False):
                if (earlier.id, later.id) not in found.known:
                    found.known.add((earlier.id, later.id))
                    self.session.add(
                        CarryOver(
                            item_id=item.id,
                            from_sprint_id=earlier.id,
                            to_sprint_id=later.id,
                            note=f"Carried over in Jira ({earlier.name} -> {later.name}).",
                            actor_id=self.actor.person_id,
                        )
                    )

    async def _links(self, items: dict[str, BacklogItem]) -> None:
        pairs: dict[tuple[str, str], Issue] = {}  # (consumer key, provider key)
        for issue in self.plan.issues:
            for blocked in issue.blocks:
                pairs.setdefault((blocked, issue.key), issue)
            for blocker in issue.blocked_by:
                pairs.setdefault((issue.key, blocker), issue)
        more = await repo.items_by_key(
            self.session, [k for pair in pairs for k in pair if k not in items]
        )
        items = {**items, **more}
        consumers = {items[c].id for c, _ in pairs if c in items}
        open_pairs = await repo.open_dependency_pairs(self.session, sorted(consumers))
        for (consumer_key, provider_key), issue in sorted(pairs.items()):
            consumer, provider = items.get(consumer_key), items.get(provider_key)
            key = f"{consumer_key} -> {provider_key}"
            if consumer is None or provider is None:
                missing = consumer_key if consumer is None else provider_key
                self.report.problem(
                    issue.origin,
                    "Issue link (Blocks)",
                    f"Unknown issue {missing}: the link {key} is not imported.",
                    invalid=False,
                )
                continue
            if consumer.team_id == provider.team_id:
                continue  # within one team: its own sequencing, not a dependency
            if (consumer.id, provider.id) in open_pairs:
                self.report.record("DEPENDENCY", key, Outcome.UNCHANGED)
                continue
            try:
                self.session.add(
                    dependencies.build_dependency(
                        self.actor,
                        consumer=consumer,
                        provider_item_id=provider.id,
                        type=DependencyType.BLOCKING,
                        description=f"Jira: {provider_key} blocks {consumer_key}",
                    )
                )
                open_pairs.add((consumer.id, provider.id))
                self.report.record("DEPENDENCY", key, Outcome.CREATED)
            except DomainError as exc:
                self.report.problem(issue.origin, exc.field or "", exc.message)
        await self.session.flush()
