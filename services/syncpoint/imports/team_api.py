"""Team Topologies "Team API" documents (YAML) -> OrgSpec.

One document per team:

    team: feature-store            # slug (or `name` with `slug`)
    name: Feature Store
    group: ml-platform             # optional: a group slug
    type: platform                 # stream-aligned, platform, enabling, complicated-subsystem
    framework: scrum               # optional: scrum, kanban, hybrid
    focus: Fresh, documented features for every model team.
    channels: ["#feature-store"]
    waysOfWorking: ...
    servicesProvided: [{name: online-features, description: ...}]
    interactions:
      - team: ranking
        mode: x-as-a-service       # collaboration, x-as-a-service, facilitating
        purpose: Serve ranking features
        startDate: 2027-01-04
        expectedDuration: 8 weeks  # or expectedEnd: 2027-03-01
    dependencies:
      - team: data-platform
        type: Blocking              # OK, Slowing, Blocking
        description: Raw click logs
        neededBy: 2027-02-01
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from syncpoint.analysis.model import DependencyType, Framework, InteractionMode
from syncpoint.imports.report import Origin, Report
from syncpoint.imports.sources import SourceFile, yaml_documents
from syncpoint.imports.spec import InteractionSpec, OrgSpec, TeamDependencySpec, TeamSpec
from syncpoint.teams.models import Topology

_DURATION = re.compile(r"^\s*(\d+)\s*(day|week|month)s?\s*$", re.IGNORECASE)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30}


class Invalid(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def enum_value(enum_cls: Any, value: Any, field: str) -> Any:
    """'x-as-a-service' / 'X as a Service' / 'X_AS_A_SERVICE' -> the enum member."""
    text = re.sub(r"[\s-]+", "_", str(value).strip()).upper()
    try:
        return enum_cls(text)
    except ValueError:
        allowed = ", ".join(e.value for e in enum_cls)
        raise Invalid(field, f"{value!r} is not one of {allowed}.") from None


def date_value(value: Any, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(field, f"{value!r} is not a date (YYYY-MM-DD).") from None


def _text(document: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = document.get(name)
        if value is not None:
            return str(value).strip()
    return None


def _list(document: dict[str, Any], name: str) -> list[Any]:
    value = document.get(name) or []
    if not isinstance(value, list):
        raise Invalid(name, f"{name} must be a list.")
    return value


def _services(document: dict[str, Any]) -> str:
    lines = []
    for service in _list(document, "servicesProvided"):
        if isinstance(service, dict):
            name = service.get("name", "")
            lines.append(f"- {name}: {service.get('description', '')}".rstrip(": "))
        else:
            lines.append(f"- {service}")
    return "Services provided:\n" + "\n".join(lines) if lines else ""


def _team(document: dict[str, Any], origin: Origin) -> TeamSpec:
    slug = _text(document, "slug", "team")
    if not slug:
        raise Invalid("team", "team (the team's slug) is required.")
    team = TeamSpec(slug, origin, name=_text(document, "name"), group=_text(document, "group"))
    if document.get("type") is not None:
        team.topology = enum_value(Topology, document["type"], "type")
    if document.get("framework") is not None:
        team.framework = enum_value(Framework, document["framework"], "framework")
    team.focus = _text(document, "focus", "mission")
    if "channels" in document:
        team.channels = [str(c) for c in _list(document, "channels")]
    ways = _text(document, "waysOfWorking", "ways_of_working") or ""
    services = _services(document)
    if ways or services:
        team.ways_of_working = "\n\n".join(p for p in (ways, services) if p)
    return team


def _interaction(slug: str, entry: Any, index: int, origin: Origin) -> InteractionSpec:
    field = f"interactions[{index}]"
    if not isinstance(entry, dict) or not entry.get("team"):
        raise Invalid(f"{field}.team", "An interaction names the other team.")
    mode = enum_value(InteractionMode, entry.get("mode", ""), f"{field}.mode")
    start = date_value(entry.get("startDate"), f"{field}.startDate")
    end = date_value(entry.get("expectedEnd"), f"{field}.expectedEnd")
    duration = entry.get("expectedDuration")
    if end is None and duration is not None:
        match = _DURATION.match(str(duration))
        if match is None:
            raise Invalid(f"{field}.expectedDuration", f"{duration!r} is not like '8 weeks'.")
        if start is None:
            raise Invalid(f"{field}.startDate", "An expected duration needs a start date.")
        end = start + timedelta(days=int(match[1]) * _UNIT_DAYS[match[2].lower()])
    # X-as-a-service: the provider is `team`; a Team API lists the services it consumes too,
    # with `role: consumer`.
    team, partner = slug, str(entry["team"])
    if str(entry.get("role", "")).lower() in ("consumer", "facilitated"):
        team, partner = partner, team
    return InteractionSpec(
        team,
        partner,
        mode,
        origin,
        purpose=str(entry.get("purpose") or ""),
        starts_on=start,
        expected_end=end,
    )


def _dependency(slug: str, entry: Any, index: int, origin: Origin) -> TeamDependencySpec:
    field = f"dependencies[{index}]"
    if not isinstance(entry, dict) or not entry.get("team"):
        raise Invalid(f"{field}.team", "A dependency names the provider team.")
    kind = enum_value(DependencyType, entry.get("type", "OK"), f"{field}.type")
    description = str(entry.get("description") or "")
    return TeamDependencySpec(
        slug,
        origin,
        f"team-api:{description}",
        provider_team=str(entry["team"]),
        type=kind,
        description=description,
        needed_by=date_value(entry.get("neededBy"), f"{field}.neededBy"),
    )


def parse_team_api(files: Sequence[SourceFile], report: Report) -> OrgSpec:
    """Each valid document's team fields, interactions and team-level dependencies."""
    spec = OrgSpec()
    for source in files:
        for index, document in yaml_documents(source, report):
            origin = Origin(
                source.name, index, str(document.get("team") or document.get("name") or "")
            )
            try:
                team = _team(document, origin)
                interactions = [
                    _interaction(team.slug, entry, i, origin)
                    for i, entry in enumerate(_list(document, "interactions"))
                ]
                dependencies = [
                    _dependency(team.slug, entry, i, origin)
                    for i, entry in enumerate(_list(document, "dependencies"))
                ]
            except Invalid as exc:
                report.problem(origin, exc.field, exc.reason)
                continue
            spec.teams.append(team)
            spec.interactions.extend(interactions)
            spec.dependencies.extend(dependencies)
    return spec
