"""A hypothesis state machine driving the use cases on a real SQLite file, with the domain's
in-memory ``BranchQueue`` as the oracle.

Every step does the same thing to the server's use cases and to the oracle (tickets of every
category, appointments, every teller action at every counter of the demo branch, by number and
by call-next) and checks that both agree: the same ticket chosen, or the same refusal (error
class and message). A refusal is never swallowed: a wrong refusal, or a wrong success, fails.

Invariants after every step: every ticket's state, counter, target counter, service, category
and recall count are the oracle's; every counter's state and teller are the oracle's; no ticket
lost or duplicated; numbers unique per business day; a counter holds at most one ticket.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlmodel import col, select

from server.branchfile import load_branch
from server.config import DEMO_BRANCH_FILE
from server.contract.common import Category
from server.domain.desk import Desk, TellerAt
from server.domain.errors import DomainError
from server.domain.queue import BranchQueue
from server.domain.states import TicketState
from server.domain.ticket import Ticket as DomainTicket
from server.services import calls, counters, handling, tickets
from server.services.context import BranchContext
from server.store.db import make_engine, migrate, read_session, write_session
from server.store.seed import sync_branch
from server.store.tables import Counter, Ticket
from tests.hypothesis_budget import budget
from tests.server.core.conftest import Clock

CONFIG = load_branch(DEMO_BRANCH_FILE)
COUNTERS = [c.number for c in CONFIG.counters]
SERVICES = [s.code for s in CONFIG.services]
HELD = (TicketState.CALLED, TicketState.SERVING)
HELD_ACTIONS = ["recall", "start", "finish", "no_show", "park"]
TELLER_ACTIONS = ["call_next", "call_next", "call", *HELD_ACTIONS, "start", "finish"]
TELLER_ACTIONS += ["unpark", "cancel", "transfer"]
STEPS = ["advance", "issue", "issue", "counter", *(["teller"] * 8)]
_SERVICE_FN = {
    "recall": calls.recall,
    "start": handling.start,
    "finish": handling.finish,
    "no_show": handling.mark_no_show,
    "park": handling.park,
}

S = TypeVar("S")
R = TypeVar("R")


def teller(n: int) -> TellerAt:
    return TellerAt(counter_number=n, user_id=n, name=f"teller{n}")


class ServerAgainstDomain(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="branchq-stateful-"))
        engine = make_engine(f"sqlite:///{self.dir / 'q.sqlite3'}")
        migrate(engine)
        with write_session(engine) as session:
            sync_branch(session, config=CONFIG)
        self.clock = Clock()
        self.ctx = BranchContext(engine=engine, config=CONFIG, clock=self.clock)
        self.q = BranchQueue(CONFIG)
        self.issued: list[str] = []  # public ids, in issue order

    def teardown(self) -> None:
        self.ctx.engine.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers ---------------------------------------------------------------------------
    def _both(self, server: Callable[[], S], oracle: Callable[[], R]) -> tuple[S, R] | None:
        """Run both; they must both succeed, or both refuse with the same error."""
        server_error: DomainError | None = None
        oracle_error: DomainError | None = None
        try:
            served = server()
        except DomainError as exc:
            server_error = exc
        try:
            expected = oracle()
        except DomainError as exc:
            oracle_error = exc
        if server_error is None and oracle_error is None:
            event("both did it")
            return served, expected
        assert type(server_error) is type(oracle_error), (server_error, oracle_error)
        assert server_error is not None and oracle_error is not None
        assert server_error.message == oracle_error.message
        event(f"refused: {type(oracle_error).__name__}")
        return None

    def _rows(self) -> list[Ticket]:
        with read_session(self.ctx.engine) as session:
            return list(session.exec(select(Ticket).order_by(col(Ticket.id))).all())

    def _oracle_ticket(self, number: str) -> DomainTicket:
        day = self.q.business_day(self.clock())
        return next(
            t for t in self.q.tickets.values() if t.number == number and t.business_day == day
        )

    def _numbers(self, data: st.DataObject) -> str | None:
        numbers = [t.number for t in self.q.tickets.values()]
        return data.draw(st.sampled_from(numbers)) if numbers else None

    # -- rules -----------------------------------------------------------------------------
    @initialize(closed=st.sets(st.sampled_from(COUNTERS), max_size=2))
    def open_most_counters(self, closed: set[int]) -> None:
        for n in COUNTERS:
            if n not in closed:
                counters.open_counter(self.ctx, teller(n))
                self.q.open_counter(n, teller(n))

    @rule(kind=st.sampled_from(STEPS), data=st.data())
    def step(self, kind: str, data: st.DataObject) -> None:
        """One rule drawing what happens next, so every kind gets its share of the steps
        (Hypothesis switches whole rules off in some runs)."""
        if kind == "advance":
            self.advance(data.draw(st.integers(0, 20)))
        elif kind == "issue":
            self.issue(
                data.draw(st.sampled_from(SERVICES)),
                data.draw(st.sampled_from(list(Category))),
                data.draw(st.none() | st.integers(-15, 15)),
            )
        elif kind == "counter":
            self.set_counter(
                data.draw(st.sampled_from(COUNTERS)),
                data.draw(st.sampled_from(["open", "pause", "close"])),
            )
        else:
            action = data.draw(st.sampled_from(TELLER_ACTIONS))
            busy = [n for n in COUNTERS if self.q.held_by(n) is not None]
            if action in (*HELD_ACTIONS, "transfer") and busy and data.draw(st.integers(0, 3)) != 3:
                n = data.draw(st.sampled_from(busy))  # mostly a counter with a ticket
            else:
                n = data.draw(st.sampled_from(COUNTERS))
            self.teller_acts(n, action, data)

    def advance(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    def issue(self, service: str, category: Category, appointment: int | None) -> None:
        now = self.clock()
        at = None if appointment is None else now + timedelta(minutes=appointment)
        both = self._both(
            lambda: tickets.issue_ticket(
                self.ctx, service_code=service, category=category, appointment_at=at
            ),
            lambda: self.q.issue(service, category, now, appointment_at=at),
        )
        if both is not None:
            out, expected = both
            assert out.number == expected.number
            self.issued.append(out.public_id)

    def set_counter(self, n: int, what: str) -> None:
        server = {
            "open": counters.open_counter,
            "pause": counters.pause_counter,
            "close": counters.close_counter,
        }[what]
        oracle = {
            "open": self.q.open_counter,
            "pause": self.q.pause_counter,
            "close": self.q.close_counter,
        }[what]
        self._both(lambda: server(self.ctx, teller(n)), lambda: oracle(n, teller(n)))

    def teller_acts(self, n: int, action: str, data: st.DataObject) -> None:
        """One rule for every teller action, so each gets its share of the steps."""
        if action == "call_next":
            self.call_next(n, data.draw(st.integers(1, 90)))
        elif action == "call":
            self.call_by_number(n, data)
        elif action in HELD_ACTIONS:
            self.act_on_the_held_ticket(n, action)
        elif action in ("unpark", "cancel"):
            self.unpark_or_cancel(n, data, action == "unpark")
        else:
            self.transfer(
                n,
                data,
                data.draw(st.booleans()),
                data.draw(st.none() | st.sampled_from(SERVICES)),
                data.draw(st.none() | st.sampled_from(COUNTERS)),
            )

    def call_next(self, n: int, seconds: int) -> None:
        self.clock.advance(seconds=seconds)
        now = self.clock()
        both = self._both(
            lambda: calls.call_next(self.ctx, teller(n)),
            lambda: self.q.call_next(n, now, teller(n)),
        )
        if both is None:
            return
        out, expected = both
        event("call-next chose" if expected is not None else "call-next: nobody waits")
        got = out.ticket.number if out.ticket is not None else None
        assert got == (expected.number if expected is not None else None), "the policy's choice"
        if expected is not None:
            assert out.reason is not None and out.reason.en == expected.reason_en

    def call_by_number(self, n: int, data: st.DataObject) -> None:
        number = self._numbers(data)
        if number is None:
            return
        now = self.clock()
        ticket = self._oracle_ticket(number)
        self._both(
            lambda: calls.call_ticket(self.ctx, teller(n), number=number),
            lambda: self.q.call(ticket.ticket_id, n, now, teller(n)),
        )

    def act_on_the_held_ticket(self, n: int, action: str) -> None:
        self.clock.advance(seconds=30)
        now = self.clock()
        desk_action: Callable[[Desk, TellerAt, Any], DomainTicket] = getattr(Desk, action)
        self._both(
            lambda: _SERVICE_FN[action](self.ctx, teller(n)),
            lambda: desk_action(self.q.desk(n), teller(n), now),
        )

    def unpark_or_cancel(self, n: int, data: st.DataObject, unpark: bool) -> None:
        number = self._numbers(data)
        if number is None:
            return
        now = self.clock()
        ticket = self._oracle_ticket(number)
        if unpark:
            self._both(
                lambda: handling.unpark(self.ctx, teller(n), number=number),
                lambda: self.q.desk(n).unpark(teller(n), ticket, now),
            )
        else:
            self._both(
                lambda: handling.cancel(self.ctx, teller(n), number=number),
                lambda: self.q.desk(n).cancel(teller(n), ticket, now),
            )

    def transfer(
        self,
        n: int,
        data: st.DataObject,
        by_number: bool,
        to_service: str | None,
        to_counter: int | None,
    ) -> None:
        if to_service is None and to_counter is None:
            to_service = "F"
        number = self._numbers(data) if by_number else None
        ticket = self._oracle_ticket(number) if number is not None else None
        now = self.clock()
        both = self._both(
            lambda: handling.transfer(
                self.ctx, teller(n), number=number, to_service=to_service, to_counter=to_counter
            ),
            lambda: self.q.desk(n).transfer(
                teller(n), now, ticket=ticket, to_service=to_service, to_counter=to_counter
            ),
        )
        if both is not None:
            out, expected = both
            assert out.ticket is not None and out.ticket.number == expected.number
            assert out.ticket.state == TicketState.WAITING

    # -- invariants ------------------------------------------------------------------------
    @invariant()
    def every_ticket_is_as_the_domain_says(self) -> None:
        rows = self._rows()
        assert [t.public_id for t in rows] == self.issued, "no ticket lost or duplicated"
        expected = sorted(self.q.tickets.values(), key=lambda t: t.ticket_id)
        got = [
            (r.number, r.state, r.counter_number, r.target_counter, r.service_code) for r in rows
        ]
        want = [
            (t.number, t.state, t.counter_number, t.target_counter, t.service_code)
            for t in expected
        ]
        assert got == want
        got_more = [(r.category, r.recall_count, r.arrived_at) for r in rows]
        want_more = [(t.category, t.recalls, t.arrived_at) for t in expected]
        assert got_more == want_more

    @invariant()
    def every_counter_is_as_the_domain_says(self) -> None:
        with read_session(self.ctx.engine) as session:
            rows = session.exec(select(Counter).order_by(col(Counter.number))).all()
            got = [(c.number, c.state, c.teller_user_id) for c in rows]
        want = [(n, d.state, d.teller_user_id) for n, d in sorted(self.q.desks.items())]
        assert got == want

    @invariant()
    def numbers_unique_per_day_and_one_ticket_per_counter(self) -> None:
        rows = self._rows()
        keys = [(t.business_day, t.number) for t in rows]
        assert len(keys) == len(set(keys))
        held = [t.counter_number for t in rows if t.state in HELD]
        assert None not in held and len(held) == len(set(held))


ServerAgainstDomain.TestCase.settings = settings(
    max_examples=budget(30),
    stateful_step_count=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_server_against_the_domain = ServerAgainstDomain.TestCase
