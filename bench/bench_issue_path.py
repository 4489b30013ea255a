"""CPU cost of the issuing path itself (``issue_batch``, no HTTP): ms of this process's CPU per
ticket, in batches of 1 and of 8, on a SQLite file (WAL, ``synchronous=FULL``).

    .venv/bin/python bench/bench_issue_path.py [--tickets 600]

CPU time (``time.process_time``) moves far less than wall time on a shared machine, so two
versions of the code can be compared by running this script in each tree, alternately (run
it from the root of the tree measured: ``cd OTHER && python PATH/TO/bench_issue_path.py``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))  # the tree measured: run from its root

from server.branchfile import load_branch
from server.config import DEMO_BRANCH_FILE
from server.services.context import BranchContext
from server.services.issue_batch import IssueRequest, issue_batch
from server.store.db import make_engine, migrate, write_session
from server.store.seed import sync_branch

NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
CODES = ("A", "B", "F")


def measure(tickets: int) -> tuple[float, float]:
    """(CPU ms per ticket in batches of 1, in batches of 8)."""
    with tempfile.TemporaryDirectory(prefix="branchq-issue-path-") as tmp:
        engine = make_engine(f"sqlite:///{tmp}/q.sqlite3")
        migrate(engine)
        config = load_branch(DEMO_BRANCH_FILE)
        with write_session(engine) as session:
            sync_branch(session, config=config)
        ctx = BranchContext(engine=engine, config=config, clock=lambda: NOW)
        issue_batch(ctx, [IssueRequest(service_code="A")])  # the day's rollover, caches
        start = time.process_time()
        for i in range(tickets):
            request = IssueRequest(service_code=CODES[i % 3], idempotency_key=f"one-{i:06d}")
            (out,) = issue_batch(ctx, [request])
            if isinstance(out, Exception):
                raise out
        single = time.process_time() - start
        start = time.process_time()
        for b in range(tickets // 8):
            batch = [
                IssueRequest(service_code=CODES[j % 3], idempotency_key=f"eight-{b:05d}-{j}")
                for j in range(8)
            ]
            for out in issue_batch(ctx, batch):
                if isinstance(out, Exception):
                    raise out
        grouped = time.process_time() - start
        engine.dispose()
    return 1000 * single / tickets, 1000 * grouped / (8 * (tickets // 8))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=600, help="per phase (numbers wrap at 999)")
    args = parser.parse_args()
    single, grouped = measure(args.tickets)
    print(
        f"batch of 1: {single:.3f} ms CPU per ticket; batch of 8: {grouped:.3f} ms CPU per ticket"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
