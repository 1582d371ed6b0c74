"""10,000 generated and mutated Slack bodies against journeybot (RELIABILITY.md row 21).

Runs `tests/handlers/test_generated_envelopes.py` (200 examples in the normal suite) with
10,000 examples: each body signed and sent over HTTP to the bot served in-process, with the
Slack stand-in behind it. Passes when no body got a 5xx or a crash of ours in the logs, and
no row was written under another workspace. Prints Hypothesis's statistics (how many bodies
each surface answered with which status) and the wall time. Usage:

    python bench/fuzz_envelopes.py [--examples 10000] [--database postgresql://…]

With `--database`, the run uses that PostgreSQL server (as TEST_DATABASE_URL) instead of
SQLite. Takes about 15 minutes on 2 shared cores.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEST = "tests/handlers/test_generated_envelopes.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--database", default=None, help="a PostgreSQL URL (default SQLite)")
    arguments = parser.parse_args()
    environment = dict(os.environ, JOURNEYBOT_FUZZ_EXAMPLES=str(arguments.examples))
    if arguments.database:
        environment["TEST_DATABASE_URL"] = arguments.database
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "--hypothesis-show-statistics",
            TEST,
        ],
        cwd=REPO,
        env=environment,
        check=False,
    )
    elapsed = time.monotonic() - started
    verdict = "passed" if done.returncode == 0 else "FAILED"
    print(f"{arguments.examples} generated bodies: {verdict} in {elapsed / 60:.1f} min")
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
