"""An action and its audit entry share one transaction: neither without the other."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from server.branchfile import load_branch
from server.config import DEMO_BRANCH_FILE
from server.domain.audit import Acting, AuditAction
from server.domain.desk import TellerAt
from server.domain.states import CounterState
from server.services import audit, counters
from server.services.context import BranchContext
from server.store import repo
from server.store.db import make_engine, read_session, write_session
from tests.server.audit.fill import fill, sqlite_url
from tests.server.core.conftest import START, Clock


class Boom(Exception):
    pass


def test_an_action_whose_entry_cannot_be_written_is_undone(tmp_path: Path) -> None:
    made = fill(sqlite_url(tmp_path), customers=0)
    with closing(sqlite3.connect(tmp_path / "branchq.sqlite3")) as db:
        db.execute(
            "CREATE TRIGGER no_more BEFORE INSERT ON audit_entry "
            "BEGIN SELECT RAISE(ABORT, 'audit full'); END"
        )
        db.commit()
    engine = make_engine(sqlite_url(tmp_path))
    ctx = BranchContext(engine=engine, config=load_branch(DEMO_BRANCH_FILE), clock=Clock())
    try:
        with pytest.raises(IntegrityError, match="audit full"):
            counters.open_counter(ctx, TellerAt(2, 2, "teller3"))
        with read_session(engine) as session:
            assert repo.get_counter(session, number=2).state == CounterState.CLOSED
        assert audit.verify(engine).entries == made
    finally:
        engine.dispose()


def test_a_rolled_back_action_leaves_no_entry_and_the_next_commit_one(tmp_path: Path) -> None:
    made = fill(sqlite_url(tmp_path), customers=0)
    engine = make_engine(sqlite_url(tmp_path))
    by = Acting.system("test", START)
    try:
        with pytest.raises(Boom), write_session(engine) as session:
            audit.record(session, by, AuditAction.SERVICE_UPDATE, "service:A", {"x": 1})
            raise Boom
        with write_session(engine) as session:  # a new transaction: nothing left over
            audit.record(session, by, AuditAction.SERVICE_UPDATE, "service:B")
            session.commit()  # a use case committing itself before publishing
        report = audit.verify(engine)
        assert report.intact and report.entries == made + 1
        entries = audit.list_entries(engine, limit=1)
        assert entries[0].subject == "service:B" and entries[0].actor.kind == "system"
    finally:
        engine.dispose()
