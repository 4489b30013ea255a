"""Racing counters in several processes on one database: every teller action has exactly one
entry, and the chain is intact (SQLite: the write lock; PostgreSQL: the head row locked
FOR UPDATE). On PostgreSQL the migration's triggers refuse UPDATE, DELETE and TRUNCATE."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from server.services import audit
from server.store.audit_tables import AuditEntry
from server.store.db import make_engine, read_session
from tests.server.audit.fill import fill
from tests.server.core.conftest import START
from tests.server.core.pg import postgres_server
from tests.server.core.workers import issue_many, serve_counter
from tests.server.spawned import Workers

A_COUNTERS = (1, 2, 3, 5)  # the demo counters serving service A
TICKETS = 24
TIMEOUT_S = 90


def race(workers: Workers, database_url: str) -> None:
    before = fill(database_url, customers=0)  # migrated, seeded, a teller created
    now = START.isoformat()
    workers.run(issue_many, [(database_url, now, "A", TICKETS)], TIMEOUT_S)
    rounds = TICKETS // len(A_COUNTERS) + 2
    barrier = workers.barrier(len(A_COUNTERS))
    jobs = [(database_url, now, n, rounds, barrier) for n in A_COUNTERS]
    called = workers.run(serve_counter, jobs, TIMEOUT_S)
    assert sum(len(c) for c in called) == TICKETS
    assert all(called), "every counter called tickets"

    engine = make_engine(database_url)
    try:
        report = audit.verify(engine)
        with read_session(engine) as session:
            rows = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()
    finally:
        engine.dispose()
    assert report.intact, report.problem
    # each counter: open, one call-next per round (none waiting is recorded too),
    # start and finish per ticket it called
    expected = before + len(A_COUNTERS) * (1 + rounds) + 2 * TICKETS
    assert report.entries == report.head_seq == len(rows) == expected
    assert [r.seq for r in rows] == list(range(1, expected + 1))
    finishes = Counter(r.subject for r in rows if r.action == "ticket.finish")
    assert len(finishes) == TICKETS and set(finishes.values()) == {1}
    by_counter = Counter(r.actor_name for r in rows if r.action == "ticket.call_next")
    assert by_counter == {f"t{n}": rounds for n in A_COUNTERS}


def test_racing_counters_keep_the_chain_on_sqlite(workers: Workers, tmp_path: Path) -> None:
    race(workers, f"sqlite:///{tmp_path / 'branchq.sqlite3'}")


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


def test_racing_counters_keep_the_chain_on_postgres(workers: Workers, pg_url: str) -> None:
    race(workers, pg_url)
    engine = make_engine(pg_url)
    try:
        for statement in (
            "UPDATE audit_entry SET actor_name = 'x' WHERE seq = 3",
            "DELETE FROM audit_entry WHERE seq = 3",
            "TRUNCATE audit_entry",
            "DELETE FROM audit_head",
        ):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
        # an attacker drops the trigger: the edit goes through, and verify names it
        with engine.begin() as conn:
            conn.execute(text("DROP TRIGGER audit_entry_no_change ON audit_entry"))
            conn.execute(text("UPDATE audit_entry SET subject = 'counter:9' WHERE seq = 3"))
        report = audit.verify(engine)
        assert not report.intact and report.broken_seq == 3
    finally:
        engine.dispose()
