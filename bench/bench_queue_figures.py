"""Cost of the availability figures on the issuing path: ``issuing.queue_figures`` (waiting,
open counters, measured service time, and since the screens' contract also tickets issued
today, counters open or paused, and whether the branch is serving) against the same
statement without the three new subqueries, in one process on one SQLite file (WAL, FULL).

The statement runs once per service per issuing batch (and once per teller action's queue).
The two are timed alternately in rounds, so machine noise hits both alike; the ratio is the
figure to read.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import bindparam, func, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from server.branchfile import DEMO_BRANCH_FILE, load_branch  # noqa: E402
from server.services.context import BranchContext  # noqa: E402
from server.services.tickets import issue_ticket  # noqa: E402
from server.store import issuing  # noqa: E402
from server.store.db import make_engine, migrate, read_session, write_session  # noqa: E402
from server.store.raw import RawStatement  # noqa: E402
from server.store.seed import sync_branch  # noqa: E402
from server.store.tables import Counter, CounterSkill, ServiceStats, Ticket  # noqa: E402

NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


def _without_availability() -> object:
    """The statement as it was: waiting, open counters, measured service time."""
    t, s, c, st = (m.__table__ for m in (Ticket, CounterSkill, Counter, ServiceStats))  # type: ignore[attr-defined]
    return select(
        select(func.count())
        .select_from(t)
        .where(
            t.c.business_day == bindparam("day"),
            t.c.state == "WAITING",
            t.c.service_code == bindparam("code"),
        )
        .scalar_subquery(),
        select(func.count())
        .select_from(s.join(c, c.c.number == s.c.counter_number))
        .where(s.c.service_code == bindparam("code"), c.c.state == "OPEN", s.c.weight > 0)
        .scalar_subquery(),
        select(st.c.avg_service_s)
        .where(st.c.service_code == bindparam("code"), st.c.samples > 0)
        .scalar_subquery(),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tickets", type=int, default=900, help="waiting tickets of the day (A: at most 999)"
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--per-round", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="branchq-bench-figures-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'b.sqlite3'}")
        migrate(engine)
        config = load_branch(DEMO_BRANCH_FILE)
        with write_session(engine) as session:
            sync_branch(session, config=config, now=NOW)
        ctx = BranchContext(engine=engine, config=config, clock=lambda: NOW)
        for _ in range(args.tickets):
            issue_ticket(ctx, service_code="A")
        day = ctx.business_day(NOW)
        params = {"code": "A", "day": day}
        with read_session(engine) as session:
            conn = session.connection()
            old = RawStatement(_without_availability(), conn.dialect)  # type: ignore[arg-type]
            assert (
                old.rows(conn, params)[0][0]
                == issuing.queue_figures(conn, service_code="A", business_day=day).waiting
            )
            olds: list[float] = []
            news: list[float] = []
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                for _ in range(args.per_round):
                    old.rows(conn, params)
                t1 = time.perf_counter()
                for _ in range(args.per_round):
                    issuing.queue_figures(conn, service_code="A", business_day=day)
                t2 = time.perf_counter()
                olds.append((t1 - t0) / args.per_round)
                news.append((t2 - t1) / args.per_round)
        engine.dispose()
    old_us, new_us = statistics.median(olds) * 1e6, statistics.median(news) * 1e6
    print(f"{args.tickets} waiting tickets, {args.rounds} rounds x {args.per_round} statements")
    print("| statement | median us per call | x without |")
    print("|---|---|---|")
    print(f"| without the availability subqueries | {old_us:.1f} | 1 |")
    print(f"| queue_figures (with them) | {new_us:.1f} | {new_us / old_us:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
