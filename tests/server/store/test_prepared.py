"""Prepared statements (``server.store.raw``) behave as ``execute`` does: the same errors, and
the branch's set-up read through them (``server.store.branch_rows``) is what the ORM reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, bindparam, insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import select

from server.branchfile import load_branch
from server.domain.states import Category, CounterState, TicketState
from server.services.context import BranchContext
from server.services.issue_batch import IssueRequest, issue_batch
from server.store import branch_rows, repo
from server.store.db import make_engine, migrate, read_session, write_session
from server.store.raw import RawStatement, prepared
from server.store.seed import sync_branch
from server.store.tables import CategoryWeight, Counter, CounterSkill, Service, Ticket
from server.store.ticket_rows import TicketRow, ticket_rows

DEMO = Path(__file__).resolve().parents[3] / "server" / "demo_branch.toml"
_CATEGORY = CategoryWeight.__table__  # type: ignore[attr-defined]
_TICKET = Ticket.__table__  # type: ignore[attr-defined]
_INSERT = insert(_CATEGORY)
_COLUMNS = ("category", "weight", "name_zh", "name_en")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    made = make_engine(f"sqlite:///{tmp_path / 'branchq.sqlite3'}")
    migrate(made)
    with write_session(made) as session:
        sync_branch(session, config=load_branch(DEMO))
    yield made
    made.dispose()


def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(engine: Engine) -> None:
    """A duplicate key through the raw cursor is SQLAlchemy's IntegrityError (callers catch one
    kind whichever path ran), with the driver's error kept; the transaction rolls back."""
    again = {"category": "NORMAL", "weight": 9.0, "name_zh": "重复", "name_en": "again"}
    with pytest.raises(IntegrityError) as caught, write_session(engine) as session:
        conn = session.connection()
        stmt = prepared(_INSERT, conn, column_keys=_COLUMNS)
        assert isinstance(stmt, RawStatement)  # SQLite: the raw path, not Core
        stmt.many(conn, [again])
    assert "UNIQUE" in str(caught.value.orig)
    with pytest.raises(IntegrityError), write_session(engine) as session:
        conn = session.connection()
        prepared(_INSERT, conn, column_keys=_COLUMNS).rows(conn, again)
    with read_session(engine) as session:
        assert session.get_one(CategoryWeight, "NORMAL").name_en != "again"


def test_a_database_failure_is_sqlalchemy_s_operational_error(engine: Engine) -> None:
    """What issuing retries on (``OperationalError``) is what the raw path raises too."""
    missing = Table("no_such_table", MetaData(), Column("x", Integer))
    with pytest.raises(OperationalError, match="no such table"), read_session(engine) as session:
        conn = session.connection()
        prepared(select(missing.c.x), conn).rows(conn, {})


def test_the_branch_set_up_reads_as_the_orm_reads_it(engine: Engine) -> None:
    with write_session(engine) as session:  # a counter open, a teller in it: not just seeds
        row = session.get_one(Counter, 2)
        row.state, row.teller_user_id, row.teller_name = CounterState.OPEN, 7, "teller7"
        session.add(row)
    with read_session(engine) as session:
        conn = session.connection()
        services = session.exec(select(Service).order_by(Service.sort_order)).all()  # type: ignore[arg-type]
        counters = repo.list_counters(session)
        categories = session.exec(select(CategoryWeight)).all()
        skills = {
            (s.counter_number, s.service_code): s.weight
            for s in session.exec(select(CounterSkill)).all()
        }
        read_services = branch_rows.services(conn)
        read_counters = branch_rows.counters(conn)
        read_skills = branch_rows.skills(conn)
        read_categories = branch_rows.categories(conn)
    assert [s.code for s in read_services] == [s.code for s in services]
    for got, row in zip(read_services, services, strict=True):
        for field in ("prefix", "name_zh", "name_en", "number_min", "number_max", "daily_cap"):
            assert getattr(got, field) == getattr(row, field), field
        assert (got.target_wait_s, got.default_service_s) == (
            row.target_wait_s,
            row.default_service_s,
        )
        assert got.is_open is row.is_open
    assert [tuple(c) for c in read_counters] == [
        (c.number, c.name_zh, c.name_en, c.state, c.teller_user_id, c.teller_name) for c in counters
    ]
    assert read_counters[1].state is CounterState.OPEN and read_counters[1].teller_name == "teller7"
    assert {(n, code): w for n, by in read_skills.items() for code, w in by.items()} == skills
    assert {(c.category, c.weight, c.name_zh, c.name_en) for c in read_categories} == {
        (c.category, c.weight, c.name_zh, c.name_en) for c in categories
    }


def test_a_ticket_read_whole_is_what_the_orm_reads(engine: Engine) -> None:
    """``TicketRow`` through the raw cursor: aware datetimes, dates and enums, as ``execute``
    gives them (the call-next candidates are read this way)."""
    now = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    ctx = BranchContext(engine=engine, config=load_branch(DEMO), clock=lambda: now)
    (issued,) = issue_batch(
        ctx,
        [IssueRequest("A", Category.VIP, appointment_at=now + timedelta(minutes=5))],
    )
    assert not isinstance(issued, Exception)
    with write_session(engine) as session:
        conn = session.connection()
        (raw,) = [
            TicketRow(*row)
            for row in prepared(ticket_rows(_TICKET.c.number == bindparam("n")), conn).rows(
                conn, {"n": "A001"}
            )
        ]
        orm = session.exec(select(Ticket).where(Ticket.number == "A001")).one()
    assert raw == tuple(getattr(orm, name) for name in TicketRow._fields)
    assert raw.category is Category.VIP and raw.state is TicketState.WAITING
    assert raw.arrived_at.tzinfo is not None and raw.appointment_at == now + timedelta(minutes=5)
    assert isinstance(raw.business_day, date) and raw.called_at is None
