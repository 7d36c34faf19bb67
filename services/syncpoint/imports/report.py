"""What an import found and did: problems (file, document, entity, field, reason), one action per
object (created, updated, unchanged) and the defaults it chose where the input could not say."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from rich.console import Console
from rich.table import Table


class Outcome(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"


@dataclass(frozen=True)
class Origin:
    """Where something came from: the file, the document index in it (0-based), the entity."""

    file: str
    index: int | None = None
    entity: str = ""

    def __str__(self) -> str:
        where = self.file if self.index is None else f"{self.file}#{self.index}"
        return f"{where} {self.entity}".strip()


@dataclass(frozen=True)
class Problem:
    """An invalid document or an unknown reference; `invalid` documents are not imported."""

    origin: Origin
    field: str
    reason: str
    invalid: bool = True


@dataclass(frozen=True)
class Action:
    kind: str  # GROUP, TEAM, PERSON, MEMBERSHIP, PRODUCT, SUBSCRIPTION, INTERACTION, ...
    key: str  # the natural key: slug, e-mail, item key, "consumer -> provider"
    outcome: Outcome
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Default:
    """A value the input could not give (topology, cadence...) and the import chose."""

    kind: str
    key: str
    field: str
    value: str


@dataclass
class Report:
    source: str
    applied: bool = False
    strict: bool = False
    problems: list[Problem] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    defaults: list[Default] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(self, origin: Origin, field_: str, reason: str, *, invalid: bool = True) -> None:
        self.problems.append(Problem(origin, field_, reason, invalid))

    def record(self, kind: str, key: str, outcome: Outcome, changes: tuple[str, ...] = ()) -> None:
        self.actions.append(Action(kind, key, outcome, changes))

    def default(self, kind: str, key: str, field_: str, value: str) -> None:
        self.defaults.append(Default(kind, key, field_, value))

    @property
    def invalid(self) -> list[Problem]:
        return [p for p in self.problems if p.invalid]

    @property
    def written(self) -> bool:
        return self.applied and not (self.strict and self.invalid)

    def counts(self) -> Counter[Outcome]:
        return Counter(a.outcome for a in self.actions)

    def of(self, kind: str, outcome: Outcome | None = None) -> list[Action]:
        return [a for a in self.actions if a.kind == kind and outcome in (None, a.outcome)]

    def __str__(self) -> str:
        counts = self.counts()
        verb = "wrote" if self.written else "would write"
        return (
            f"{self.source} import {verb}: {counts[Outcome.CREATED]} created, "
            f"{counts[Outcome.UPDATED]} updated, {counts[Outcome.UNCHANGED]} unchanged; "
            f"{len(self.invalid)} invalid, {len(self.problems) - len(self.invalid)} warnings."
        )


def render(
    report: Report, console: Console, *, show_unchanged: bool = False, limit: int = 500
) -> None:
    """Print the report as rich tables: the plan (or what was done), defaults, problems."""
    summary = Table(title=f"{report.source} import", show_lines=False)
    summary.add_column("object")
    for outcome in Outcome:
        summary.add_column(outcome.value.lower(), justify="right")
    kinds = sorted({a.kind for a in report.actions})
    for kind in kinds:
        summary.add_row(kind, *(str(len(report.of(kind, o))) for o in Outcome))
    console.print(summary)
    changed = [a for a in report.actions if show_unchanged or a.outcome is not Outcome.UNCHANGED]
    hidden = max(0, len(changed) - limit)
    changed = changed[:limit]
    if changed:
        plan = Table(title="Created and updated" + (" (and unchanged)" if show_unchanged else ""))
        for column in ("object", "key", "outcome", "changes"):
            plan.add_column(column)
        for action in changed:
            plan.add_row(action.kind, action.key, action.outcome.value, ", ".join(action.changes))
        if hidden:
            plan.add_row("…", f"and {hidden:,} more", "", "")
        console.print(plan)
    if report.defaults:
        defaults = Table(title="Defaults chosen (the input does not say)")
        for column in ("object", "key", "field", "value"):
            defaults.add_column(column)
        for d in report.defaults[:limit]:
            defaults.add_row(d.kind, d.key, d.field, d.value)
        console.print(defaults)
    if report.problems:
        problems = Table(title="Problems")
        for column in ("file", "document", "entity", "field", "reason", "imported"):
            problems.add_column(column)
        for p in report.problems[:limit]:
            index = "" if p.origin.index is None else str(p.origin.index)
            problems.add_row(
                p.origin.file,
                index,
                p.origin.entity,
                p.field,
                p.reason,
                "no" if p.invalid else "yes",
            )
        console.print(problems)
    for name, rows in (("defaults", report.defaults), ("problems", report.problems)):
        if len(rows) > limit:
            console.print(f"… and {len(rows) - limit:,} more {name} (the first {limit} shown).")
    for note in report.notes:
        console.print(note, highlight=False)
    if report.written:
        console.print(f"[green]{report}[/green]")
    elif report.applied:
        console.print(f"[red]Nothing written (--strict and invalid documents).[/red] {report}")
    else:
        console.print(f"Dry run: nothing written; --apply writes it. {report}", highlight=False)
