"""Group commit for issuing: ``issue_batch`` (one transaction for many requests) and the
``TicketIssuer`` writer thread that feeds it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from server.branchfile import load_branch
from server.config import DEMO_BRANCH_FILE
from server.contract.common import Category
from server.contract.events import Event, TicketIssued
from server.contract.rest import TicketIssuedOut
from server.domain.errors import ServiceUnavailable, UnknownEntity
from server.services.context import BranchContext
from server.services.errors import IdempotencyConflict
from server.services.issue_batch import IssueRequest, issue_batch
from server.services.issuer import IssuerClosed, TicketIssuer
from server.services.tickets import issue_ticket
from server.store.db import make_engine, migrate, read_session, write_session
from server.store.seed import sync_branch
from server.store.tables import IssuedCounter, Service, Ticket, TicketEvent
from tests.server.core.conftest import Clock


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[BranchContext]:
    engine = make_engine(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    migrate(engine)
    config = load_branch(DEMO_BRANCH_FILE)
    with write_session(engine) as session:
        sync_branch(session, config=config)
    published: list[Event] = []
    context = BranchContext(engine=engine, config=config, clock=Clock(), publish=published.append)
    context.published = published  # type: ignore[attr-defined]
    yield context
    engine.dispose()


def _published(ctx: BranchContext) -> list[TicketIssued]:
    return [e for e in ctx.published if isinstance(e, TicketIssued)]  # type: ignore[attr-defined]


def _set_service(ctx: BranchContext, code: str, **values: object) -> None:
    with write_session(ctx.engine) as session:
        session.execute(update(Service).where(col(Service.code) == code).values(**values))


def _tickets(ctx: BranchContext) -> list[Ticket]:
    with read_session(ctx.engine) as session:
        return list(session.exec(select(Ticket).order_by(col(Ticket.id))).all())


def test_a_bad_request_in_a_batch_fails_alone(ctx: BranchContext) -> None:
    _set_service(ctx, "F", is_open=False)
    outcomes = issue_batch(
        ctx,
        [
            IssueRequest(service_code="A"),
            IssueRequest(service_code="Z"),
            IssueRequest(service_code="B", device_id=7),
            IssueRequest(service_code="F"),
            IssueRequest(service_code="A"),
        ],
    )
    a1, unknown, b1, closed, a2 = outcomes
    assert isinstance(a1, TicketIssuedOut) and a1.number == "A001" and a1.people_ahead == 0
    assert isinstance(unknown, UnknownEntity) and "'Z'" in str(unknown) and "'A'" in str(unknown)
    assert isinstance(b1, TicketIssuedOut) and b1.number == "B001"
    assert isinstance(closed, ServiceUnavailable) and "closed" in str(closed)
    assert isinstance(a2, TicketIssuedOut) and a2.number == "A002" and a2.people_ahead == 1
    assert [t.number for t in _tickets(ctx)] == ["A001", "B001", "A002"]
    # events in commit order, each with the queue as it stood right after its ticket
    events = _published(ctx)
    assert [(e.ticket.number, e.queue.waiting) for e in events] == [
        ("A001", 1),
        ("B001", 1),
        ("A002", 2),
    ]
    with read_session(ctx.engine) as session:
        logged = session.exec(select(TicketEvent).order_by(col(TicketEvent.id))).all()
    assert [(e.action, e.details) for e in logged] == [
        ("issue", {}),
        ("issue", {"device_id": 7}),
        ("issue", {}),
    ]


def test_the_cap_refuses_only_the_tail_and_gives_its_numbers_back(ctx: BranchContext) -> None:
    _set_service(ctx, "V", daily_cap=2)
    outcomes = issue_batch(ctx, [IssueRequest(service_code="V") for _ in range(4)])
    assert [o.number for o in outcomes if isinstance(o, TicketIssuedOut)] == ["V01", "V02"]
    refused = outcomes[2:]
    assert all(isinstance(o, ServiceUnavailable) and "cap" in str(o) for o in refused)
    with read_session(ctx.engine) as session:
        counted = session.exec(select(IssuedCounter.issued)).all()
    assert counted == [2]
    _set_service(ctx, "V", daily_cap=3)
    assert issue_ticket(ctx, service_code="V").number == "V03"


def test_one_key_twice_in_a_batch_makes_one_ticket(ctx: BranchContext) -> None:
    earlier = issue_ticket(ctx, service_code="B", idempotency_key="kiosk-1-0001")
    outcomes = issue_batch(
        ctx,
        [
            IssueRequest(service_code="A", idempotency_key="kiosk-1-0002"),
            IssueRequest(service_code="A", idempotency_key="kiosk-1-0002"),
            IssueRequest(service_code="B", idempotency_key="kiosk-1-0001"),
            IssueRequest(service_code="A", idempotency_key="kiosk-1-0003"),
        ],
    )
    first, again, old, other = outcomes
    assert isinstance(first, TicketIssuedOut) and isinstance(again, TicketIssuedOut)
    assert again.public_id == first.public_id and again.number == "A001"
    assert (first.replayed, again.replayed) == (False, True)
    assert isinstance(old, TicketIssuedOut) and old.replayed
    assert old.public_id == earlier.public_id
    assert isinstance(other, TicketIssuedOut) and other.number == "A002"
    assert [t.number for t in _tickets(ctx)] == ["B001", "A001", "A002"]
    assert [e.ticket.number for e in _published(ctx)] == ["B001", "A001", "A002"]


def test_a_key_whose_first_use_fails_fails_again(ctx: BranchContext) -> None:
    outcomes = issue_batch(
        ctx,
        [
            IssueRequest(service_code="Q", idempotency_key="k-1"),
            IssueRequest(service_code="Q", idempotency_key="k-1"),
        ],
    )
    assert all(isinstance(o, UnknownEntity) for o in outcomes)
    assert _tickets(ctx) == []


class GateClock(Clock):
    """A clock whose first reading waits for ``release``: holds the writer's first batch."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self) -> datetime:
        if not self.entered.is_set():
            self.entered.set()
            assert self.release.wait(30), "the test never released the first batch"
        return self.now


def test_the_issuer_groups_waiting_requests_into_one_commit(ctx: BranchContext) -> None:
    gate = GateClock()
    ctx.clock = gate
    issuer = TicketIssuer(ctx)
    issuer.start()

    async def run() -> list[TicketIssuedOut | BaseException]:
        jobs = [asyncio.ensure_future(issuer.issue(IssueRequest(service_code="F")))]
        await asyncio.sleep(0)
        assert gate.entered.wait(10), "the writer never started the first batch"
        jobs += [
            asyncio.ensure_future(issuer.issue(IssueRequest(service_code=code)))
            for code in ["A", "B"] * 20 + ["Z"]
        ]
        await asyncio.sleep(0)  # every job queues itself
        assert issuer._jobs.qsize() == 41
        gate.release.set()
        return await asyncio.wait_for(asyncio.gather(*jobs, return_exceptions=True), 30)

    try:
        answers = asyncio.run(run())
    finally:
        issuer.close()
    assert (issuer.batches, issuer.requests) == (2, 42)
    issued = [a for a in answers if isinstance(a, TicketIssuedOut)]
    assert isinstance(answers[-1], UnknownEntity)
    assert [a.number for a in issued if a.service_code == "A"] == [
        f"A{i:03d}" for i in range(1, 21)
    ]
    assert [a.people_ahead for a in issued if a.service_code == "B"] == list(range(20))
    assert len({a.public_id for a in issued}) == 41
    assert [e.ticket.public_id for e in _published(ctx)] == [t.public_id for t in _tickets(ctx)]
    assert [t.public_id for t in _tickets(ctx)] == [a.public_id for a in issued]


def test_a_closed_issuer_refuses(ctx: BranchContext) -> None:
    issuer = TicketIssuer(ctx)
    issuer.start()
    issuer.close()

    async def run() -> None:
        await issuer.issue(IssueRequest(service_code="A"))

    with pytest.raises(IssuerClosed, match="retry"):
        asyncio.run(run())
    assert _tickets(ctx) == []


def test_the_fast_path_stores_values_as_the_orm_does(ctx: BranchContext) -> None:
    """On SQLite issuing runs its statements on the DBAPI cursor: the stored text must be
    what SQLAlchemy itself writes, or ordering by time and reading back would differ."""
    at = Clock().now
    issue_ticket(ctx, service_code="A", idempotency_key="k-orm", appointment_at=at, device_id=3)
    with write_session(ctx.engine) as session:
        orm = Ticket(
            public_id="orm-written-0001",
            service_code="A",
            number="A999",
            number_value=999,
            category="NORMAL",
            state="WAITING",
            language="zh",
            business_day=at.date(),
            arrived_at=at,
            issued_at=at,
            appointment_at=at,
            recall_count=0,
        )
        session.add(orm)
        session.flush()
        assert orm.id is not None
        session.add(TicketEvent(ticket_id=orm.id, action="issue", at=at, details={"device_id": 3}))
    with ctx.engine.connect() as conn:
        cols = "business_day, arrived_at, issued_at, appointment_at, print_status"
        fast, slow = conn.exec_driver_sql(f"SELECT {cols} FROM ticket ORDER BY id").all()
        events = conn.exec_driver_sql("SELECT at, details FROM ticketevent ORDER BY id").all()
    assert tuple(fast) == tuple(slow)
    assert tuple(events[0]) == tuple(events[1])
    stored = _tickets(ctx)[0]
    assert (stored.arrived_at, stored.appointment_at, stored.idempotency_key) == (at, at, "k-orm")


def test_one_key_with_two_different_requests_in_a_batch(ctx: BranchContext) -> None:
    outcomes = issue_batch(
        ctx,
        [
            IssueRequest(service_code="A", idempotency_key="kiosk-1-0009"),
            IssueRequest(service_code="A", category=Category.VIP, idempotency_key="kiosk-1-0009"),
        ],
    )
    first, clash = outcomes
    assert isinstance(first, TicketIssuedOut) and first.number == "A001"
    assert isinstance(clash, IdempotencyConflict)
    assert "asks for service A, VIP, zh" in clash.message
    assert [t.number for t in _tickets(ctx)] == ["A001"]
