"""A hypothesis state machine driving the use cases on a real SQLite file.

Invariants after every step: no ticket lost or duplicated, a counter holds at most one
CALLED/SERVING ticket, a held ticket is held by exactly the counter it names, numbers are unique
per business day, and call-next is FIFO among equal scores (only NORMAL tickets; counters 2 and
4 serve one service each with weight 1, so the oldest arrival has the best score).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlmodel import col, select

from server.branchfile import load_branch
from server.config import DEMO_BRANCH_FILE
from server.contract.common import Category
from server.domain.errors import DomainError
from server.services import calls, counters, handling, tickets
from server.services.context import BranchContext
from server.store.db import make_engine, migrate, read_session, write_session
from server.store.seed import sync_branch
from server.store.tables import Ticket
from tests.server.core.conftest import Clock

COUNTERS = {2: "A", 4: "B"}  # counter -> the one service it serves (weight 1)
HELD = ("CALLED", "SERVING")


class QueueMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="branchq-stateful-"))
        engine = make_engine(f"sqlite:///{self.dir / 'q.sqlite3'}")
        migrate(engine)
        config = load_branch(DEMO_BRANCH_FILE)
        with write_session(engine) as session:
            sync_branch(session, config=config)
        self.clock = Clock()
        self.ctx = BranchContext(engine=engine, config=config, clock=self.clock)
        self.issued: list[str] = []  # public ids, in issue order
        self.open: set[int] = set()

    def teardown(self) -> None:
        self.ctx.engine.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _teller(self, n: int) -> dict[str, object]:
        return {"counter_number": n, "teller_user_id": n, "teller_name": f"teller{n}"}

    def _tick(self) -> None:
        self.clock.advance(seconds=7)

    def _tickets(self) -> list[Ticket]:
        with read_session(self.ctx.engine) as session:
            return list(session.exec(select(Ticket).order_by(col(Ticket.id))).all())

    @rule(service=st.sampled_from(["A", "B"]))
    def issue(self, service: str) -> None:
        # no clock tick: tickets issued back to back arrive at the same instant, so FIFO
        # among equal scores falls to the issue order
        out = tickets.issue_ticket(self.ctx, service_code=service, category=Category.NORMAL)
        self.issued.append(out.public_id)

    @rule(n=st.sampled_from(sorted(COUNTERS)))
    def open_counter(self, n: int) -> None:
        counters.open_counter(self.ctx, **self._teller(n))  # type: ignore[arg-type]
        self.open.add(n)

    @precondition(lambda self: bool(self.open))
    @rule(data=st.data())
    def call_next(self, data: st.DataObject) -> None:
        n = data.draw(st.sampled_from(sorted(self.open)))
        self._tick()
        waiting = [
            t for t in self._tickets() if t.state == "WAITING" and t.service_code == COUNTERS[n]
        ]
        try:
            result = calls.call_next(self.ctx, **self._teller(n))  # type: ignore[arg-type]
        except DomainError:
            return  # the counter still holds a ticket: refused, nothing changed
        if not waiting:
            assert result.ticket is None
            return
        oldest = min(waiting, key=lambda t: (t.arrived_at, t.id or 0))
        assert result.ticket is not None
        assert result.ticket.public_id == oldest.public_id, "FIFO among equal scores"

    @precondition(lambda self: bool(self.open))
    @rule(
        data=st.data(),
        action=st.sampled_from(["start", "finish", "mark_no_show", "park", "recall"]),
    )
    def act(self, data: st.DataObject, action: str) -> None:
        n = data.draw(st.sampled_from(sorted(self.open)))
        self._tick()
        fn = getattr(handling, action, None) or getattr(calls, action)
        with contextlib.suppress(DomainError):  # wrong state for this action: refused
            fn(self.ctx, **self._teller(n))

    @precondition(lambda self: bool(self.open))
    @rule(data=st.data(), to_service=st.sampled_from(["A", "B"]))
    def transfer(self, data: st.DataObject, to_service: str) -> None:
        n = data.draw(st.sampled_from(sorted(self.open)))
        self._tick()
        before = {t.public_id: t for t in self._tickets()}
        try:
            out = handling.transfer(self.ctx, **self._teller(n), to_service=to_service)  # type: ignore[arg-type]
        except DomainError:
            return
        assert out.ticket is not None
        old = before[out.ticket.public_id]
        after = {t.public_id: t for t in self._tickets()}[out.ticket.public_id]
        assert (after.number, after.arrived_at) == (old.number, old.arrived_at)
        assert after.state == "WAITING" and after.service_code == to_service

    @precondition(lambda self: bool(self.open))
    @rule(data=st.data())
    def unpark_or_cancel(self, data: st.DataObject) -> None:
        n = data.draw(st.sampled_from(sorted(self.open)))
        candidates = [t.number for t in self._tickets() if t.state in ("PARKED", "WAITING")]
        if not candidates:
            return
        number = data.draw(st.sampled_from(candidates))
        fn = handling.unpark if data.draw(st.booleans()) else handling.cancel
        with contextlib.suppress(DomainError):
            fn(self.ctx, number=number, **self._teller(n))  # type: ignore[arg-type]

    @invariant()
    def no_ticket_lost_or_duplicated(self) -> None:
        rows = self._tickets()
        assert [t.public_id for t in rows] == self.issued

    @invariant()
    def numbers_unique_per_day(self) -> None:
        keys = [(t.business_day, t.number) for t in self._tickets()]
        assert len(keys) == len(set(keys))

    @invariant()
    def a_counter_holds_at_most_one_ticket(self) -> None:
        held = [t for t in self._tickets() if t.state in HELD]
        by_counter = [t.counter_number for t in held]
        assert None not in by_counter, "a held ticket names its counter"
        assert len(by_counter) == len(set(by_counter))
        assert set(by_counter) <= self.open


QueueMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=30,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_queue_state_machine = QueueMachine.TestCase
