"""What the audit entry costs a teller: call-next and finish with and without it, one run.

    .venv/bin/python bench/bench_audit.py [--cycles 300] [--database-url URL] [--no-write]

The use cases run in this process (no HTTP: the audit write is a larger share of a bare use
case than of a request, so this ratio is an upper bound of what a teller sees). A SQLite file
(WAL, ``synchronous=FULL``, as the server runs it) unless ``--database-url`` names another
database. One counter serves a queue kept at 50 waiting tickets; cycles of call-next, start,
finish alternate between the two modes in blocks of 10, so both see the same machine load
and the same queue:

- **audit**: the code as it is (each action chains an entry at its commit);
- **no audit**: ``server.services.audit.record`` replaced by a no-op for the block (the only
  difference: no entry noted, nothing chained or written).

Writes its section of bench/RESULTS.md ("Audit trail (audit)") unless --no-write.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from loadclient import percentile  # noqa: E402
from report import write_section  # noqa: E402

from server.branchfile import load_branch  # noqa: E402
from server.config import DEMO_BRANCH_FILE  # noqa: E402
from server.domain.desk import TellerAt  # noqa: E402
from server.services import audit, calls, counters, handling  # noqa: E402
from server.services.context import BranchContext  # noqa: E402
from server.services.tickets import issue_ticket  # noqa: E402
from server.store.db import make_engine, migrate, write_session  # noqa: E402
from server.store.seed import sync_branch  # noqa: E402

RESULTS = REPO / "bench" / "RESULTS.md"
HEADING = "Audit trail (audit)"
QUEUE = 50
BLOCK = 10
T0 = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=10)
        return self.now


@contextmanager
def audit_off() -> Iterator[None]:
    real = audit.record

    def no_record(*_args: Any, **_kwargs: Any) -> None:
        return None

    audit.record = no_record  # type: ignore[assignment]
    try:
        yield
    finally:
        audit.record = real  # type: ignore[assignment]


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall s, this process's CPU s) of ``fn()``."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


Samples = dict[str, dict[str, list[tuple[float, float]]]]


def run(database_url: str, cycles: int) -> Samples:
    engine = make_engine(database_url)
    migrate(engine)
    config = load_branch(DEMO_BRANCH_FILE)
    with write_session(engine) as session:
        sync_branch(session, config=config)
    ctx = BranchContext(engine=engine, config=config, clock=Clock())
    at = TellerAt(2, 1, "bench-teller")  # counter 2 serves A only
    for _ in range(QUEUE):
        issue_ticket(ctx, service_code="A")
    counters.open_counter(ctx, at)
    samples: Samples = {mode: {"call-next": [], "finish": []} for mode in ("audit", "no audit")}
    done = 0
    while done < 2 * cycles:
        for mode in ("audit", "no audit"):
            with audit_off() if mode == "no audit" else _nothing():
                for _ in range(BLOCK):
                    samples[mode]["call-next"].append(timed(lambda: calls.call_next(ctx, at)))
                    handling.start(ctx, at)
                    samples[mode]["finish"].append(timed(lambda: handling.finish(ctx, at)))
                    issue_ticket(ctx, service_code="A")  # the queue stays at QUEUE
            done += BLOCK
    engine.dispose()
    return samples


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=300, help="per mode (default 300)")
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary dir")
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="branchq-bench-audit-") as tmp:
        url = args.database_url or f"sqlite:///{tmp}/branchq.sqlite3"
        samples = run(url, args.cycles)
    backend = url.split(":", 1)[0].split("+", 1)[0]
    lines = [
        "| action | mode | n | p50 ms | p99 ms | x no-audit p50 | x no-audit p99 "
        "| CPU ms (mean) | x no-audit CPU |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for action in ("call-next", "finish"):
        base = [w for w, _ in samples["no audit"][action]]
        base_cpu = statistics.fmean(c for _, c in samples["no audit"][action])
        for mode in ("no audit", "audit"):
            wall = [w for w, _ in samples[mode][action]]
            cpu = statistics.fmean(c for _, c in samples[mode][action])
            p50, p99 = percentile(wall, 50), percentile(wall, 99)
            lines.append(
                f"| {action} | {mode} | {len(wall)} | {p50 * 1000:.2f} | {p99 * 1000:.2f} | "
                f"{p50 / percentile(base, 50):.2f} | {p99 / percentile(base, 99):.2f} | "
                f"{cpu * 1000:.2f} | {cpu / base_cpu:.2f} |"
            )
    summary = []
    for action in ("call-next", "finish"):
        on, off = samples["audit"][action], samples["no audit"][action]
        ratio = percentile([w for w, _ in on], 50) / percentile([w for w, _ in off], 50)
        extra_cpu = statistics.fmean(c for _, c in on) - statistics.fmean(c for _, c in off)
        summary.append(f"{action} p50 x{ratio:.2f} and {extra_cpu * 1000:+.2f} ms CPU")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    body = "\n".join(
        [
            f"`bench/bench_audit.py --cycles {args.cycles}` on {backend}, "
            f"{datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} CPUs, load average {load} at "
            "the end.",
            "",
            *lines,
            "",
            f"With the audit entry against without, same run: {'; '.join(summary)} per action.",
            "",
            "The use cases in one process (no HTTP), one counter, a queue kept at "
            f"{QUEUE} waiting tickets, blocks of {BLOCK} cycles (call-next, start, finish) "
            "alternating between the code as it is and the same code with "
            "`server.services.audit.record` made a no-op. Latency is wall time of the use "
            "case, nearest-rank percentiles; CPU is this process's CPU time per action (moves "
            "far less than wall time on a shared machine). What the entry adds: noting it "
            "on the session, then at the commit one `SELECT ... FOR UPDATE` of the head row, "
            "one INSERT, one UPDATE (the fsync is the commit's own, shared with the action).",
        ]
    )
    print(body)
    if not args.no_write:
        write_section(RESULTS, HEADING, body)
        print(f"written to {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
