"""Cost of a report over a range of days: ``services.reports.report`` (read the tickets and the
events that change a visit as plain rows, fold them into visits, compute the figures) against,
on the same SQLite file in the same run,

- ``count``: the cheapest read of the same tickets, one ``GROUP BY service, state`` (what a
  report that only counted would cost; the floor), and
- ``orm read``: reading the same tickets and all their events as ORM objects, as the first
  version of the report did, without computing anything.

Tickets are written straight into the tables (every ticket issued, printed, called, started
and finished; every tenth transferred once, every twentieth a no-show). The three are timed
alternately in rounds, so machine noise hits them alike; the ratios are the figures to read.

    .venv/bin/python bench/bench_report.py [--days 30] [--per-day 500] [--rounds 3] [--write]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from report import write_section  # noqa: E402

from server.branchfile import DEMO_BRANCH_FILE, load_branch  # noqa: E402
from server.services import reports  # noqa: E402
from server.services.context import BranchContext  # noqa: E402
from server.store.db import make_engine, migrate, read_session, write_session  # noqa: E402
from server.store.seed import sync_branch  # noqa: E402
from server.store.tables import Ticket, TicketEvent  # noqa: E402

FIRST_DAY = date(2026, 1, 1)
SERVICES = "ABVF"


def fill(engine: Any, days: int, per_day: int) -> int:
    """Write ``days`` x ``per_day`` served tickets with their events; returns the events."""
    rng = random.Random(7)
    tickets: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    ticket_id = 0
    for d in range(days):
        day = FIRST_DAY + timedelta(days=d)
        opening = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=1)
        for i in range(per_day):
            ticket_id += 1
            service = SERVICES[i % len(SERVICES)]
            issued = opening + timedelta(seconds=i * 50)
            called = issued + timedelta(seconds=rng.randint(30, 1800))
            start = called + timedelta(seconds=40)
            end = start + timedelta(seconds=rng.randint(60, 900))
            counter = rng.randint(1, 6)
            no_show = i % 20 == 19
            tickets.append(
                {
                    "id": ticket_id,
                    "public_id": f"bench{ticket_id}",
                    "service_code": "A" if i % 10 == 9 else service,
                    "number": f"{service}{i % 999 + 1:03d}",
                    "number_value": i % 999 + 1,
                    "category": "NORMAL",
                    "state": "NO_SHOW" if no_show else "DONE",
                    "language": "zh",
                    "counter_number": counter,
                    "business_day": day,
                    "arrived_at": issued,
                    "issued_at": issued,
                    "called_at": called,
                    "started_at": None if no_show else start,
                    "finished_at": end,
                    "recall_count": 0,
                    "print_status": "printed",
                }
            )
            steps: list[tuple[str, datetime, dict[str, Any]]] = [
                ("issue", issued, {}),
                ("print", issued, {"status": "printed"}),
                ("call", called, {}),
            ]
            if i % 10 == 9:  # transferred to A once, then called again
                moved = {"from_service": service, "to_service": "A", "from_counter": counter}
                steps += [("transfer", called, moved), ("call", called, {})]
            steps += (
                [("no_show", end, {})] if no_show else [("start", start, {}), ("finish", end, {})]
            )
            for action, at, details in steps:
                events.append(
                    {
                        "ticket_id": ticket_id,
                        "action": action,
                        "at": at,
                        "counter_number": counter,
                        "teller_user_id": None,
                        "details": details,
                    }
                )
    with engine.begin() as conn:
        conn.execute(Ticket.__table__.insert(), tickets)  # type: ignore[attr-defined]
        conn.execute(TicketEvent.__table__.insert(), events)  # type: ignore[attr-defined]
    return len(events)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md's section")
    args = parser.parse_args()
    last_day = FIRST_DAY + timedelta(days=args.days - 1)
    with tempfile.TemporaryDirectory(prefix="branchq-bench-report-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'branchq.sqlite3'}")
        migrate(engine)
        config = load_branch(DEMO_BRANCH_FILE)
        with write_session(engine) as session:
            sync_branch(session, config=config)
        n_events = fill(engine, args.days, args.per_day)
        ctx = BranchContext(engine=engine, config=config)
        in_range = (col(Ticket.business_day) >= FIRST_DAY, col(Ticket.business_day) <= last_day)

        def report() -> object:
            return reports.report(ctx, first_day=FIRST_DAY, last_day=last_day, by="service")

        def count() -> object:
            with read_session(engine) as session:
                stmt = (
                    select(Ticket.service_code, Ticket.state, func.count())
                    .where(*in_range)
                    .group_by(col(Ticket.service_code), col(Ticket.state))
                )
                return session.exec(stmt).all()

        def orm_read() -> object:
            with read_session(engine) as session:
                rows = session.exec(select(Ticket).where(*in_range)).all()
                stmt = select(TicketEvent).join(
                    Ticket, col(Ticket.id) == col(TicketEvent.ticket_id)
                )
                return rows, session.exec(stmt.where(*in_range)).all()

        probes: dict[str, Callable[[], object]] = {
            "report": report,
            "count": count,
            "orm read": orm_read,
        }
        times: dict[str, list[float]] = {name: [] for name in probes}
        for _ in range(args.rounds):
            for name, probe in probes.items():
                began = time.perf_counter()
                probe()
                times[name].append(time.perf_counter() - began)
        engine.dispose()
    median = {name: statistics.median(ts) for name, ts in times.items()}
    tickets = args.days * args.per_day
    lines = [
        f"{args.days} days x {args.per_day} tickets = {tickets:,} tickets, {n_events:,} events, "
        f"SQLite, median of {args.rounds} rounds (alternating), one process; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end.",
        f"The report reads, folds and counts in {median['report'] / median['orm read']:.2f}x "
        "the time the first version took only to read the same rows as ORM objects.",
        "",
        "| read | median s | x count | x orm read |",
        "|---|---|---|---|",
    ]
    for name, seconds in median.items():
        lines.append(
            f"| {name} | {seconds:.2f} | {seconds / median['count']:.1f} | "
            f"{seconds / median['orm read']:.2f} |"
        )
    body = "\n".join(lines)
    print(body)
    if args.write:
        write_section(REPO / "bench" / "RESULTS.md", "Reports (bench/bench_report.py)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
