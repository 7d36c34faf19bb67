"""`make bench`: the analysis at enterprise size and on the demo, with targets; exits 1 on FAIL.

Run: `python -m benchmarks.run` (or `--part enterprise|demo`). Timings vary with the machine;
the targets are generous upper bounds, not tests.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks import demo, enterprise
from benchmarks.report import Row, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--part", choices=("all", "enterprise", "demo"), default="all")
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
    failed = [r.name for r in rows if r.passed is False]
    sys.stdout.write(f"FAIL: {', '.join(failed)}\n" if failed else "All targets met.\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
