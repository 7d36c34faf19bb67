"""OpenSLO v1 interoperability: read every document kind of the specification (`Service`,
`SLI`, `SLO`, `DataSource`, `AlertPolicy`, `AlertCondition`, `AlertNotificationTarget`; one
document per YAML document, or a YAML list of them) into objective drafts, and render a
product's objectives back as documents that validate against the specification's schemas and
re-import to the same objectives (openslo_export).

Syncpoint-specific facts OpenSLO has no field for travel as `metadata.annotations`:
`syncpoint.io/indicator` (AVAILABILITY, LATENCY, FRESHNESS, ERROR_RATE, THROUGHPUT),
`syncpoint.io/percentile`, `syncpoint.io/unit` and `syncpoint.io/description` (a description
longer than the specification allows); without them the indicator is inferred
(openslo_slo). A problem that leaves a document unusable is reported with the document
(1-based position, kind and name), the field and the reason, and nothing is imported unless
every document is usable; what Syncpoint accepts but cannot represent (alerting, data sources,
metric queries, calendar months held as days, ...) is returned as `Unrepresented` notes, one
per field, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from syncpoint.core.errors import DomainError, ErrorCode
from syncpoint.products.objectives import ObjectiveDraft
from syncpoint.products.openslo_common import (
    ANNOTATION,
    API_VERSION,
    Doc,
    Problem,
    Unrepresented,
    get,
)
from syncpoint.products.openslo_kinds import read_other
from syncpoint.products.openslo_slo import Refs, read_sli_document, read_slo

KINDS = (
    "Service",
    "SLI",
    "SLO",
    "DataSource",
    "AlertPolicy",
    "AlertCondition",
    "AlertNotificationTarget",
)
# Kinds whose names must be unique in a file (Syncpoint keys objectives and SLIs by name).
UNIQUE_KINDS = ("SLI", "SLO")
MAX_DOCUMENTS = 500


class OpenSloError(DomainError):
    """Refusal of an OpenSLO file: every problem found, each naming document, field and reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        shown = list(problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(
            "OpenSLO refused, nothing imported: " + "; ".join(shown) + more,
            field="yaml",
            code=ErrorCode.INVALID,
        )
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class OpenSloImport:
    """What a file yields: the objective drafts, and every field Syncpoint does not keep."""

    drafts: list[ObjectiveDraft]
    unrepresented: list[Unrepresented]


def _documents(raw: list[Any]) -> list[Any]:
    """YAML documents, a YAML list of documents flattened in place (as the SDK writes them)."""
    flat: list[Any] = []
    for body in raw:
        if isinstance(body, list):
            flat.extend(body)
        elif body is not None:
            flat.append(body)
    return flat


def _split(text: str) -> list[Doc]:
    try:
        raw = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise OpenSloError([f"YAML syntax error{where}: {getattr(exc, 'problem', exc)}"]) from exc
    docs, problems = [], []
    for index, body in enumerate(_documents(raw), start=1):
        if not isinstance(body, dict):
            problems.append(f"document {index}: is not a mapping")
            continue
        kind = body.get("kind")
        try:
            name = get(body, "metadata.name", str, required=False)
        except Problem as exc:
            problems.append(f"document {index} ({kind}): {exc}")
            continue
        doc = Doc(index, str(kind), str(name), body)
        if body.get("apiVersion") != API_VERSION:
            doc.report("apiVersion", f"unsupported {body.get('apiVersion')!r} (only {API_VERSION})")
        if kind not in KINDS:
            doc.report("kind", f"unsupported kind {kind!r} (supported: {', '.join(KINDS)})")
        if not name:
            doc.report("metadata.name", "is required")
        problems.extend(doc.problems)
        docs.append(doc)
    if len(docs) > MAX_DOCUMENTS:
        problems.append(f"at most {MAX_DOCUMENTS} documents per file")
    if not any(d.kind == "SLO" for d in docs):
        problems.append("the file holds no SLO document")
    if problems:
        raise OpenSloError(problems)
    return docs


def read_openslo(text: str, product_slug: str) -> OpenSloImport:
    """Objective drafts from a multi-document OpenSLO v1 file for the product `product_slug`,
    with what the file says that Syncpoint does not keep; raises OpenSloError listing every
    problem when any document is unusable."""
    docs = _split(text)
    by_kind: dict[str, set[str]] = {}
    for doc in docs:
        by_kind.setdefault(doc.kind, set()).add(doc.name)
    refs = Refs(product_slug, {d.name: d for d in docs if d.kind == "SLI"}, by_kind)
    problems: list[str] = []
    _check_unique(docs, problems)
    drafts: list[ObjectiveDraft] = []
    for doc in docs:
        try:
            if doc.kind == "SLI":
                read_sli_document(doc, refs)
            elif doc.kind == "SLO":
                drafts.extend(read_slo(doc, refs))
            else:
                read_other(doc, refs)
        except Problem as exc:
            doc.report(exc.path, exc.reason)
        problems.extend(doc.problems)
    keys = [d.objective_key for d in drafts]
    problems.extend(
        f"objective key {k!r} is defined twice"
        for k in sorted({k for k in keys if keys.count(k) > 1})
    )
    if problems:
        raise OpenSloError(problems)
    notes = sorted((n for d in docs for n in d.notes), key=lambda n: n.index)
    return OpenSloImport(drafts, notes)


def parse_openslo(text: str, product_slug: str) -> list[ObjectiveDraft]:
    """The objective drafts of `read_openslo` (its notes set aside)."""
    return read_openslo(text, product_slug).drafts


def _check_unique(docs: Sequence[Doc], problems: list[str]) -> None:
    seen: set[tuple[str, str]] = set()
    for doc in docs:
        if (doc.kind, doc.name) in seen:
            if doc.kind in UNIQUE_KINDS:
                problems.append(f"{doc.label()}: metadata.name: another {doc.kind} has this name")
            else:
                doc.note("metadata.name", f"another {doc.kind} of this file has this name")
        seen.add((doc.kind, doc.name))


__all__ = [
    "ANNOTATION",
    "API_VERSION",
    "KINDS",
    "OpenSloError",
    "OpenSloImport",
    "Unrepresented",
    "parse_openslo",
    "read_openslo",
]
