"""Input files as (name, content) pairs, read from disk or received by a GraphQL mutation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from syncpoint.imports.report import Origin, Report

YAML_SUFFIXES = (".yaml", ".yml")
# libyaml's safe loader when PyYAML has it: the same documents, ten times faster to read (a
# large organisation's catalog is tens of thousands of documents).
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class SourceFile:
    name: str
    content: str


def read_paths(
    paths: Iterable[Path], suffixes: tuple[str, ...] = YAML_SUFFIXES
) -> list[SourceFile]:
    """Files named, and the files with one of `suffixes` under the directories named (sorted)."""
    found: list[SourceFile] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.suffix in suffixes):
                found.append(SourceFile(str(child), child.read_text(encoding="utf-8")))
        else:
            found.append(SourceFile(str(path), path.read_text(encoding="utf-8")))
    return found


def yaml_documents(source: SourceFile, report: Report) -> list[tuple[int, dict[str, Any]]]:
    """The documents of a (multi-document) YAML file; a syntax error or a document that is not
    a mapping is reported (the documents before a syntax error are kept)."""
    try:
        loaded = list(yaml.load_all(source.content, Loader=SAFE_LOADER))
    except yaml.YAMLError:
        # Read again by the pure-Python loader: its message (with the line's excerpt) is the
        # one the report gives, whichever loader is installed.
        return _documents(yaml.load_all(source.content, Loader=yaml.SafeLoader), source, report)
    return _documents(iter(loaded), source, report)


def _documents(
    loaded: Iterator[Any], source: SourceFile, report: Report
) -> list[tuple[int, dict[str, Any]]]:
    documents: list[tuple[int, dict[str, Any]]] = []
    index = 0
    try:
        for index, document in enumerate(loaded):  # noqa: B007
            if document is None:
                continue
            if not isinstance(document, dict):
                report.problem(Origin(source.name, index), "", "The document is not a mapping.")
                continue
            documents.append((index, document))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        report.problem(Origin(source.name, len(documents)), "", f"Not valid YAML{where}: {exc}")
    return documents
