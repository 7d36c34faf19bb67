"""A dependency spreadsheet (CSV) -> team-level dependencies.

Columns (header names, case and spacing ignored): consumer team, provider team, type (OK,
Slowing, Blocking; default OK), description, needed-by (YYYY-MM-DD). Teams are named by slug;
the provider may be a product (`product:<slug>`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from syncpoint.analysis.model import DependencyType
from syncpoint.imports.report import Origin, Report
from syncpoint.imports.sources import SourceFile
from syncpoint.imports.spec import OrgSpec, TeamDependencySpec
from syncpoint.imports.team_api import Invalid, date_value, enum_value

COLUMNS = ("consumer team", "provider team", "type", "description", "needed by")
REQUIRED = ("consumer team", "provider team")


def _header(name: str) -> str:
    return re.sub(r"[\s_-]+", " ", name.strip().lower())


def parse_dependency_csv(files: Sequence[SourceFile], report: Report) -> OrgSpec:
    """One dependency per valid row (row numbers count the header as row 1)."""
    spec = OrgSpec()
    for source in files:
        reader = csv.reader(io.StringIO(source.content))
        header = [_header(h) for h in next(reader, [])]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            report.problem(Origin(source.name, 1), ", ".join(missing), "Missing column(s).")
            continue
        for unknown in sorted(set(header) - set(COLUMNS)):
            report.problem(
                Origin(source.name, 1), unknown, "Unknown column, ignored.", invalid=False
            )
        for row_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            values = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
            origin = Origin(source.name, row_number, values.get("consumer team", ""))
            try:
                for column in REQUIRED:
                    if not values[column]:
                        raise Invalid(column, f"{column} is required.")
                description = values.get("description", "")
                provider = values["provider team"]
                product = (
                    provider.removeprefix("product:") if provider.startswith("product:") else None
                )
                spec.dependencies.append(
                    TeamDependencySpec(
                        values["consumer team"],
                        origin,
                        f"csv:{description}",
                        provider_team=None if product else provider,
                        provider_product=product,
                        type=enum_value(DependencyType, values.get("type") or "OK", "type"),
                        description=description,
                        needed_by=date_value(values.get("needed by"), "needed by"),
                    )
                )
            except Invalid as exc:
                report.problem(origin, exc.field, exc.reason)
    return spec
