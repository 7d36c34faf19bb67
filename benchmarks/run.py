"""`make bench`: the analysis at enterprise size and on the demo, with targets; exits 1 on FAIL.

Run: `python -m benchmarks.run` (or `--part enterprise|demo|http`; `--part import
[--import-url postgresql+asyncpg://...]` times the import of a 500-team catalog and Jira
export). Timings vary with the machine; the targets are generous upper bounds, not tests.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks import demo, enterprise
from benchmarks.report import Row, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--part", choices=("all", "enterprise", "demo", "http", "import"), default="all"
    )
    parser.add_argument(
        "--large", action="store_true", help="HTTP part on the large organisation (500 teams)."
    )
    parser.add_argument("--seconds", type=int, help="Seconds per HTTP run (default 4, large 15).")
    parser.add_argument("--workers", type=int, default=2, help="API worker processes.")
    parser.add_argument("--reload", action="store_true", help="Reload the benchmark database.")
    parser.add_argument(
        "--import-url",
        help="Part import (not in all): the PostgreSQL database to drop, recreate and import "
        "the 500-team organisation into (default: a SQLite file).",
    )
    args = parser.parse_args(argv)
    rows: list[Row] = []
    if args.part in ("all", "enterprise"):
        part = enterprise.run()
        sys.stdout.write(
            table("Part 1: enterprise-size synthetic organisation (engine only)", part) + "\n\n"
        )
        rows += part
    if args.part in ("all", "demo"):
        part = demo.run()
        sys.stdout.write(
            table("Part 2: demo organisation (SQLite, migrations, ASGI)", part) + "\n\n"
        )
        rows += part
    if args.part in ("all", "http"):
        from benchmarks import http_load

        scale = "large" if args.large else "demo"
        seconds = args.seconds or (15 if args.large else 4)
        report = http_load.run(scale, seconds, args.workers, reload=args.reload)
        sys.stdout.write("Part 3: " + http_load.markdown(report) + "\n")
    if args.part == "import":
        from benchmarks import import_org

        part = import_org.rows(import_org.run(500, args.import_url))
        sys.stdout.write(table("Part 4: importing the large organisation (CLI)", part) + "\n\n")
        rows += part
    failed = [r.name for r in rows if r.passed is False]
    sys.stdout.write(f"FAIL: {', '.join(failed)}\n" if failed else "All targets met.\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
