"""Several server PROCESSES on one database: numbering stays unique, call-next never hands one
ticket to two counters. On SQLite (a file) and on a PostgreSQL the test starts itself."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from server.main import create_app
from server.store.db import make_engine, migrate, read_session, write_session
from server.store.seed import sync_branch
from server.store.tables import TicketEvent
from tests.server.core.conftest import START, Branch, Clock, make_settings
from tests.server.core.live import serve
from tests.server.core.pg import postgres_server
from tests.server.core.workers import (
    issue_in_batches,
    issue_many,
    issue_with_keys,
    serve_counter,
)
from tests.server.spawned import PROCESSES, Workers

PER_PROCESS = 15  # 60 tickets: every round, four counters race for the same next ticket
A_COUNTERS = (1, 2, 3, 5)  # the demo counters serving service A
BATCH_ROUNDS = 5  # each process issues its four batches five times over
WORKER_TIMEOUT_S = 45


def _prepare(database_url: str) -> None:
    from server.branchfile import load_branch
    from server.config import DEMO_BRANCH_FILE

    engine = make_engine(database_url)
    migrate(engine)
    with write_session(engine) as session:
        sync_branch(session, config=load_branch(DEMO_BRANCH_FILE))
    engine.dispose()


def _run_concurrently(workers: Workers, database_url: str) -> None:
    _prepare(database_url)
    now = START.isoformat()
    jobs = [(database_url, now, "A", PER_PROCESS)] * PROCESSES
    batches = workers.run(issue_many, jobs, WORKER_TIMEOUT_S)
    numbers = [n for batch in batches for n in batch]
    assert len(numbers) == PROCESSES * PER_PROCESS
    assert len(set(numbers)) == len(numbers), Counter(numbers).most_common(3)
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, len(numbers) + 1)]

    rounds = len(numbers) // len(A_COUNTERS) + 2  # enough for every ticket, and then some
    barrier = workers.barrier(len(A_COUNTERS))
    jobs2 = [(database_url, now, n, rounds, barrier) for n in A_COUNTERS]
    called = workers.run(serve_counter, jobs2, WORKER_TIMEOUT_S)
    # every process retries the same idempotency keys: one ticket per key, whoever wins
    keys = [f"retry-key-{i:04d}" for i in range(10)]
    answers = workers.run(
        issue_with_keys, [(database_url, now, keys)] * PROCESSES, WORKER_TIMEOUT_S
    )
    assert all(a == answers[0] for a in answers), "every retry got the same tickets"
    assert len(set(answers[0])) == len(keys)

    ids = [t for per_counter in called for t in per_counter]
    assert len(ids) == len(numbers), "every ticket is called"
    assert len(set(ids)) == len(ids), "no ticket is called twice"
    assert all(per_counter for per_counter in called), "every counter called tickets"

    engine = make_engine(database_url)
    with read_session(engine) as session:
        calls = session.exec(select(TicketEvent.ticket_id).where(TicketEvent.action == "call"))
        per_ticket = Counter(calls.all())
    engine.dispose()
    assert len(per_ticket) == len(numbers)
    assert set(per_ticket.values()) == {1}


@pytest.mark.slow
def test_processes_on_one_sqlite_file(workers: Workers, tmp_path: Path) -> None:
    _run_concurrently(workers, f"sqlite:///{tmp_path / 'branchq.sqlite3'}")


def _batches_concurrently(workers: Workers, database_url: str) -> None:
    """Processes issue multi-service batches (services in different orders, so their
    numbering rows are wanted in different orders): no deadlock, no gap, no duplicate."""
    _prepare(database_url)
    now = START.isoformat()
    orders = [["A", "B", "F", "A"], ["F", "B", "A"], ["B", "A", "F", "F", "B"], ["A", "F"]]
    jobs = [
        (database_url, now, (orders[p:] + orders[:p]) * BATCH_ROUNDS, f"p{p}")
        for p in range(PROCESSES)
    ]
    results = workers.run(issue_in_batches, jobs * 3, WORKER_TIMEOUT_S)
    numbers = [n for per_process in results for n in per_process]
    per_round = sum(len(o) for o in orders) * BATCH_ROUNDS * PROCESSES
    assert len(numbers) == per_round * 3
    unique = set(numbers)
    assert len(unique) == per_round, "a retried key (same prefix) answers its first ticket"
    for service in "ABF":
        mine = sorted(n for n in unique if n.startswith(service))
        assert mine == [f"{service}{i:03d}" for i in range(1, len(mine) + 1)]


@pytest.mark.slow
def test_batches_from_processes_on_one_sqlite_file(workers: Workers, tmp_path: Path) -> None:
    _batches_concurrently(workers, f"sqlite:///{tmp_path / 'branchq.sqlite3'}")


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
@pytest.mark.slow
def test_processes_on_one_postgresql(workers: Workers, pg_url: str) -> None:
    _run_concurrently(workers, pg_url)


@pytest.mark.postgres
@pytest.mark.slow
def test_batches_from_processes_on_one_postgresql(workers: Workers, pg_url: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE batches"))
    admin.dispose()
    _batches_concurrently(workers, pg_url.rsplit("/", 1)[0] + "/batches")


@pytest.mark.postgres
def test_api_flow_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """The whole API on PostgreSQL: migrations (with the auth revision), aware times, flow."""
    from sqlalchemy import create_engine, text

    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE api_flow"))
    admin.dispose()
    url = pg_url.rsplit("/", 1)[0] + "/api_flow"
    clock = Clock()
    app = create_app(make_settings(tmp_path, database_url=url), clock=clock)
    with serve(app) as client:
        branch = Branch(client=client, app=app, clock=clock, data_dir=tmp_path)
        t = branch.issue("A", idempotency_key="pg-press-1")
        assert branch.issue("A", idempotency_key="pg-press-1")["public_id"] == t["public_id"]
        branch.teller_post("alice", "/counters/1/open")
        called = branch.teller_post("alice", "/counters/1/call-next")
        assert called["ticket"]["number"] == "A001"  # type: ignore[index]
        clock.advance(minutes=3)
        branch.teller_post("alice", "/counters/1/start")
        clock.advance(minutes=5)
        branch.teller_post("alice", "/counters/1/finish")
        status = client.get(f"/api/v1/tickets/{t['public_id']}").json()
        assert status["state"] == "DONE"
        assert status["called_at"] == "2026-11-29T02:00:00Z"
        health = client.get("/healthz").json()
        assert health["database"] == "postgresql"
