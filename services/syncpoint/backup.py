"""Backups of the whole database: `syncpoint db backup PATH` and `syncpoint db restore PATH`.

SQLite uses its online backup API (a consistent copy while the API keeps serving); PostgreSQL
uses `pg_dump --format=custom` and `pg_restore --clean --single-transaction`, so a restore either
replaces every table or changes nothing. A backup file says which database wrote it (SQLite's
and pg_dump's own file headers), and a restore refuses a file of the other kind.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy.engine import URL, make_url

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message for the operator."""


class BackupKind(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


@dataclass(frozen=True, slots=True)
class BackupSummary:
    kind: BackupKind
    path: Path
    bytes: int


def _kind_of_url(url: URL) -> BackupKind:
    if url.get_backend_name() == "sqlite":
        return BackupKind.SQLITE
    if url.get_backend_name() == "postgresql":
        return BackupKind.POSTGRESQL
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {url.get_backend_name()}.")


def kind_of_file(path: Path) -> BackupKind:
    """Which database wrote the backup at `path`, read from its header."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise BackupError(f"No backup at {path}.") from None
    if head.startswith(SQLITE_HEADER):
        return BackupKind.SQLITE
    if head.startswith(PG_CUSTOM_HEADER):
        return BackupKind.POSTGRESQL
    raise BackupError(f"{path} is not a Syncpoint backup (neither a SQLite file nor a pg_dump).")


def _sqlite_path(url: URL) -> Path:
    database = url.database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore, the password in the environment, not argv."""
    args = ["--dbname", str(url.database or "postgres")]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(tool: str, args: list[str], env: dict[str, str]) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            f"{tool} is not installed; install the PostgreSQL client tools "
            "(Debian: postgresql-client) matching the server's major version."
        )
    done = subprocess.run(  # noqa: S603 - fixed executable, arguments built here
        [executable, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}")


def backup(database_url: str, path: Path) -> BackupSummary:
    """Write a consistent copy of the database at `database_url` to `path` (replaced)."""
    url = make_url(database_url)
    kind = _kind_of_url(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    if kind is BackupKind.SQLITE:
        source_path = _sqlite_path(url)
        if not source_path.exists():
            raise BackupError(f"No SQLite database at {source_path}.")
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        args, env = _libpq(url)
        _run("pg_dump", ["--format=custom", "--no-owner", "--file", str(partial), *args], env)
    partial.replace(path)
    return BackupSummary(kind, path, path.stat().st_size)


def restore(database_url: str, path: Path) -> BackupSummary:
    """Replace the database at `database_url` with the backup at `path`, all or nothing."""
    url = make_url(database_url)
    kind = _kind_of_url(url)
    found = kind_of_file(path)
    if found is not kind:
        raise BackupError(
            f"{path} is a {found} backup; the configured database is {kind}. "
            "Restore it into a database of the same kind."
        )
    if kind is BackupKind.SQLITE:
        target_path = _sqlite_path(url)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(target_path, timeout=30)
        try:
            # The backup API copies page by page under the target's write lock: other
            # connections see the old database or the restored one, never a mixture.
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        args, env = _libpq(url)
        _run(
            "pg_restore",
            ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
            + args
            + [str(path)],
            env,
        )
    return BackupSummary(kind, path, path.stat().st_size)
