"""A hypothesis state machine drives BranchQueue through random days and checks invariants.

Invariants: no ticket lost or duplicated; a counter holds at most one CALLED/SERVING ticket;
no ticket held by two counters; numbers unique per business day; FIFO within equal scores;
a transfer keeps the number and the arrival time; a refused action changes nothing.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from server.contract.common import Category, CounterState, TicketState
from server.domain.errors import CounterUnavailable, DomainError, InvalidTransition, NotSignedIn
from server.domain.model import Candidate, PolicyConfig, ServiceDef
from server.domain.queue import BranchQueue
from server.domain.ticket import Ticket
from server.domain.transitions import ACTIVE_STATES, HELD_STATES, Action, allowed_from
from tests.hypothesis_budget import budget

from .conftest import T0, small_branch

BASE = small_branch(PolicyConfig(max_wait_s=1800, appointment_window_s=300))
BRANCH = replace(
    BASE,
    services=(*BASE.services, ServiceDef("S", "S", "小", "Small", number_max=4)),
    counters=(*BASE.counters, replace(BASE.counters[0], number=6, weights={"S": 1.0, "A": 1.0})),
)
SERVICES = [s.code for s in BRANCH.services]
COUNTERS = [c.number for c in BRANCH.counters]
SPAN = {s.code: s.number_max - s.number_min + 1 for s in BRANCH.services}

HOLDER_ACTIONS = [Action.RECALL, Action.START, Action.FINISH, Action.NO_SHOW, Action.PARK]


class QueueMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.q = BranchQueue(BRANCH)
        self.now: datetime = T0
        # what each ticket was issued as: (number, arrival, business day)
        self.issued: dict[int, tuple[str, datetime, object]] = {}
        self.per_day: Counter[tuple[object, str]] = Counter()

    # -- helpers ---------------------------------------------------------------------------
    def _pick(self, index: int) -> Ticket | None:
        if not self.q.tickets:
            return None
        ids = sorted(self.q.tickets)
        return self.q.tickets[ids[index % len(ids)]]

    def _refused_changes_nothing(self, fn: Any, ticket: Ticket | None, *args: object) -> Any:
        before_ticket = copy.deepcopy(ticket)
        before_states = dict(self.q.counter_states)
        before_recent = list(self.q.recent_categories)
        try:
            return fn(*args)
        except DomainError:
            if ticket is not None:
                assert ticket == before_ticket
            assert self.q.counter_states == before_states
            assert self.q.recent_categories == before_recent
            raise

    # -- rules -----------------------------------------------------------------------------
    @initialize(closed=st.sets(st.sampled_from(COUNTERS), max_size=2))
    def open_counters(self, closed: set[int]) -> None:
        for number in COUNTERS:
            if number not in closed:
                self.q.open_counter(number)

    @rule(minutes=st.integers(0, 40))
    def advance(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule(dice=st.integers(0, 5))
    def next_business_day(self, dice: int) -> None:
        if dice:  # rarely: a day wipes the queue
            return
        self.now += timedelta(days=1)
        day = self.q.business_day(self.now)
        abandoned = self.q.rollover(self.now)
        assert all(t.state == TicketState.ABANDONED for t in abandoned)
        assert not [t for t in self.q.tickets.values() if t.state in ACTIVE_STATES]
        assert self.q.day == day

    @rule(
        service=st.sampled_from(SERVICES),
        category=st.sampled_from(list(Category)),
        appointment=st.none() | st.integers(-20, 20),
        group=st.integers(1, 4),
    )
    def issue(self, service: str, category: Category, appointment: int | None, group: int) -> None:
        """A group of customers taking the same kind of ticket at the same moment."""
        at = None if appointment is None else self.now + timedelta(minutes=appointment)
        for _ in range(group):
            try:
                ticket = self.q.issue(service, category, self.now, appointment_at=at)
            except DomainError as exc:
                assert service in ("V", "S"), exc.message  # only the cap or a number in use
                event("issue refused")
                return
            assert ticket.ticket_id not in self.issued
            self.issued[ticket.ticket_id] = (ticket.number, ticket.arrived_at, ticket.business_day)
            self.per_day[(ticket.business_day, service)] += 1

    @rule(counter=st.sampled_from(COUNTERS), state=st.sampled_from(list(CounterState)))
    def set_counter(self, counter: int, state: CounterState) -> None:
        op = {
            CounterState.OPEN: self.q.open_counter,
            CounterState.PAUSED: self.q.pause_counter,
            CounterState.CLOSED: self.q.close_counter,
        }[state]
        closed = self.q.counter_states[counter] == CounterState.CLOSED
        try:
            op(counter)
        except CounterUnavailable:
            assert state == CounterState.CLOSED and self.q.held_by(counter) is not None
            return
        except NotSignedIn:  # pausing or closing a closed counter: nobody is signed in
            assert closed and state != CounterState.OPEN
            return
        assert self.q.counter_states[counter] == state

    @rule(counter=st.sampled_from(COUNTERS))
    def call_next(self, counter: int) -> None:
        ctr = BRANCH.counter(counter)
        eligible = [
            c
            for c in (t.candidate() for t in self.q.waiting())
            if c.target_counter == counter
            or (c.target_counter is None and ctr.serves(c.service_code))
        ]
        try:
            ticket = self._refused_changes_nothing(self.q.call_next, None, counter, self.now)
        except NotSignedIn:
            assert self.q.counter_states[counter] == CounterState.CLOSED
            return
        except CounterUnavailable:
            event("call_next refused")
            assert (
                self.q.counter_states[counter] != CounterState.OPEN
                or self.q.held_by(counter) is not None
            )
            return
        if ticket is None:
            assert eligible == []
            event("call_next: nobody")
            return
        event("call_next: called")
        if any(_equivalent(o, c) for o in eligible for c in eligible if o is not c):
            event("call_next: among equivalent tickets")
        assert isinstance(ticket, Ticket)
        chosen = next(c for c in eligible if c.ticket_id == ticket.ticket_id)
        for other in eligible:
            if _equivalent(other, chosen):
                assert (chosen.arrived_at, chosen.issue_seq) <= (
                    other.arrived_at,
                    other.issue_seq,
                ), f"FIFO broken: {chosen.number} called before {other.number}"
        assert ticket.state == TicketState.CALLED and ticket.counter_number == counter

    @rule(index=st.integers(0, 200), counter=st.sampled_from(COUNTERS))
    def call_chosen(self, index: int, counter: int) -> None:
        ticket = self._pick(index)
        if ticket is None:
            return
        try:
            self._refused_changes_nothing(self.q.call, ticket, ticket.ticket_id, counter, self.now)
        except InvalidTransition:
            assert ticket.state != TicketState.WAITING
        except (CounterUnavailable, NotSignedIn):
            pass
        else:
            assert ticket.counter_number == counter

    @rule(index=st.integers(0, 200), action=st.sampled_from(HOLDER_ACTIONS))
    def act(self, index: int, action: Action) -> None:
        ticket = self._pick(index)
        if ticket is None:
            return
        fn = getattr(self.q, action.value)
        holder = ticket.counter_number
        try:
            self._refused_changes_nothing(fn, ticket, ticket.ticket_id, self.now, holder)
        except InvalidTransition:
            assert ticket.state not in allowed_from(action)

    @rule(index=st.integers(0, 200))
    def unpark(self, index: int) -> None:
        ticket = self._pick(index)
        if ticket is None:
            return
        try:
            self._refused_changes_nothing(self.q.unpark, ticket, ticket.ticket_id, self.now)
        except InvalidTransition:
            assert ticket.state != TicketState.PARKED
        except (CounterUnavailable, NotSignedIn):
            assert ticket.state == TicketState.PARKED

    @rule(index=st.integers(0, 200))
    def cancel(self, index: int) -> None:
        ticket = self._pick(index)
        if ticket is None:
            return
        try:
            self._refused_changes_nothing(self.q.cancel, ticket, ticket.ticket_id, self.now)
        except InvalidTransition:
            assert ticket.state != TicketState.WAITING

    @rule(
        index=st.integers(0, 200),
        to_service=st.none() | st.sampled_from(SERVICES),
        to_counter=st.none() | st.sampled_from(COUNTERS),
    )
    def transfer(self, index: int, to_service: str | None, to_counter: int | None) -> None:
        ticket = self._pick(index)
        if ticket is None:
            return
        before = (ticket.number, ticket.arrived_at, ticket.issue_seq)
        try:
            self._refused_changes_nothing(
                self.q.transfer, ticket, ticket.ticket_id, self.now, to_service, to_counter
            )
        except InvalidTransition:
            assert ticket.state not in allowed_from(Action.TRANSFER)
            return
        except NotSignedIn:  # parked at a counter that closed since
            assert ticket.state == TicketState.PARKED
            return
        assert (ticket.number, ticket.arrived_at, ticket.issue_seq) == before
        assert ticket.state == TicketState.WAITING and ticket.counter_number is None
        assert ticket.target_counter == to_counter

    # -- invariants ------------------------------------------------------------------------
    @invariant()
    def no_ticket_lost_or_duplicated(self) -> None:
        assert set(self.q.tickets) == set(self.issued)
        assert all(t.ticket_id == i for i, t in self.q.tickets.items())

    @invariant()
    def number_and_arrival_kept(self) -> None:
        for ticket_id, (number, arrived, day) in self.issued.items():
            t = self.q.tickets[ticket_id]
            assert (t.number, t.arrived_at, t.business_day) == (number, arrived, day)

    @invariant()
    def counters_hold_at_most_one(self) -> None:
        held = Counter(t.counter_number for t in self.q.tickets.values() if t.state in HELD_STATES)
        assert None not in held
        assert all(n == 1 for n in held.values()), held
        for number in COUNTERS:
            holding = [t for t in self.q.tickets.values() if t.counter_number == number]
            assert TicketState.WAITING not in {t.state for t in holding}

    @invariant()
    def only_held_tickets_have_a_counter(self) -> None:
        for t in self.q.tickets.values():
            has = t.counter_number is not None
            if t.state == TicketState.WAITING:
                assert not has, (t.number, t.state)
            elif t.state in {*HELD_STATES, TicketState.PARKED}:
                assert has, (t.number, t.state)
            if t.target_counter is not None:
                assert t.state == TicketState.WAITING

    @invariant()
    def numbers_unique_per_day(self) -> None:
        active = Counter(t.number for t in self.q.tickets.values() if t.state in ACTIVE_STATES)
        assert all(n == 1 for n in active.values()), active
        by_day = Counter((t.business_day, t.number) for t in self.q.tickets.values())
        for (day, number), n in by_day.items():
            service = next(t.service_code for t in self.q.tickets.values() if t.number == number)
            if self.per_day[(day, service)] <= SPAN[service]:
                assert n == 1, (day, number)

    @invariant()
    def issued_counts_match(self) -> None:
        for (day, service), n in self.per_day.items():
            assert self.q.numbering[(day, service)].issued == n

    @precondition(lambda self: self.q.day is not None)
    @invariant()
    def old_days_are_closed(self) -> None:
        for t in self.q.tickets.values():
            if t.state in ACTIVE_STATES:
                assert t.business_day == self.q.day


def _equivalent(a: Candidate, b: Candidate) -> bool:
    """Same score apart from aging: same service, category, target, no appointment."""
    return (
        a.service_code == b.service_code
        and a.category == b.category
        and a.target_counter == b.target_counter
        and a.appointment_at is None
        and b.appointment_at is None
    )


QueueMachine.TestCase.settings = settings(
    max_examples=budget(300),
    stateful_step_count=50,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestQueueMachine = QueueMachine.TestCase
