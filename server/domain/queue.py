"""BranchQueue: the in-memory reference model of a branch's queue.

The server re-implements persistence, but uses the same transitions, numbering, policy and
estimate functions; the stateful property test drives this engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from server.contract.common import Category, CounterState, TicketState
from server.domain.desk import check_can_close, check_can_take, check_may_call
from server.domain.errors import CounterUnavailable, UnknownEntity
from server.domain.estimate import estimate_wait_s, ewma
from server.domain.model import BranchConfig, CounterDef
from server.domain.numbering import Numbering, business_day, next_numbers
from server.domain.policy import CallPolicy, WeightedPolicy
from server.domain.ticket import Ticket, TicketEvent
from server.domain.transitions import (
    ACTIVE_STATES,
    FINAL_STATES,
    HELD_STATES,
    Action,
    next_state,
)

RECENT_CALLS_KEPT = 20


class BranchQueue:
    """Tickets, counters and numbering of one branch, with every rule applied.

    Every action takes ``now`` (timezone-aware); nothing here reads the clock.
    """

    def __init__(self, config: BranchConfig, policy: CallPolicy | None = None) -> None:
        self.config = config
        self.policy: CallPolicy = policy if policy is not None else WeightedPolicy(config)
        self.tickets: dict[int, Ticket] = {}
        self.counter_states: dict[int, CounterState] = {
            c.number: CounterState.CLOSED for c in config.counters
        }
        self.service_open: dict[str, bool] = {s.code: s.is_open for s in config.services}
        self.numbering: dict[tuple[date, str], Numbering] = {}
        self.avg_service_s: dict[str, float] = {}
        self.recent_categories: list[Category] = []
        self.day: date | None = None
        self._next_id = 1

    # -- lookups -------------------------------------------------------------------------
    def ticket(self, ticket_id: int) -> Ticket:
        try:
            return self.tickets[ticket_id]
        except KeyError:
            raise UnknownEntity("ticket", ticket_id) from None

    def _counter(self, number: int) -> CounterDef:
        return self.config.counter(number)

    def business_day(self, now: datetime) -> date:
        return business_day(now, self.config.rollover, self.config.timezone)

    def held_by(self, counter_number: int) -> Ticket | None:
        """The CALLED or SERVING ticket the counter holds, if any."""
        for t in self.tickets.values():
            if t.counter_number == counter_number and t.state in HELD_STATES:
                return t
        return None

    def waiting(self, service_code: str | None = None) -> list[Ticket]:
        """WAITING tickets (of one service), in FIFO order."""
        out = [
            t
            for t in self.tickets.values()
            if t.state == TicketState.WAITING
            and (service_code is None or t.service_code == service_code)
        ]
        return sorted(out, key=lambda t: (t.arrived_at, t.issue_seq))

    def issued_today(self, service_code: str) -> int:
        if self.day is None:
            return 0
        return self.numbering.get((self.day, service_code), Numbering()).issued

    # -- estimates -----------------------------------------------------------------------
    def open_counters_for(self, service_code: str) -> int:
        return sum(
            1
            for c in self.config.counters
            if c.serves(service_code) and self.counter_states[c.number] == CounterState.OPEN
        )

    def estimate(self, service_code: str) -> tuple[int, int]:
        """(people waiting, estimated wait in seconds) for a new ticket of the service."""
        svc = self.config.service(service_code)
        ahead = len(self.waiting(service_code))
        avg = self.avg_service_s.get(service_code, float(svc.default_service_s))
        return ahead, estimate_wait_s(ahead, avg, self.open_counters_for(service_code))

    # -- services and counters -----------------------------------------------------------
    def set_service_open(self, service_code: str, is_open: bool) -> None:
        self.config.service(service_code)
        self.service_open[service_code] = is_open

    def open_counter(self, counter_number: int) -> None:
        self._counter(counter_number)
        self.counter_states[counter_number] = CounterState.OPEN

    def pause_counter(self, counter_number: int) -> None:
        """Pausing stops new calls; a ticket already at the counter can be finished."""
        self._counter(counter_number)
        self.counter_states[counter_number] = CounterState.PAUSED

    def close_counter(self, counter_number: int) -> None:
        """Closing is refused while the counter holds a CALLED or SERVING ticket."""
        self._counter(counter_number)
        held = self.held_by(counter_number)
        check_can_close(counter_number, None if held is None else (held.number, held.state))
        self.counter_states[counter_number] = CounterState.CLOSED

    def _check_can_take(self, counter_number: int) -> CounterDef:
        counter = self._counter(counter_number)
        held = self.held_by(counter_number)
        check_can_take(
            counter_number,
            self.counter_states[counter_number],
            None if held is None else (held.number, held.state),
        )
        return counter

    # -- issuing -------------------------------------------------------------------------
    def issue(
        self,
        service_code: str,
        category: Category,
        now: datetime,
        appointment_at: datetime | None = None,
    ) -> Ticket:
        """A new WAITING ticket; a new business day rolls the queue over first."""
        svc = self.config.service(service_code)
        day = self.business_day(now)
        if self.day is None:
            self.day = day
        elif day > self.day:
            self.rollover(now)
        svc = replace(svc, is_open=self.service_open[service_code])
        now_numbering = self.numbering.get((day, service_code), Numbering())
        live = {t.number for t in self.tickets.values() if t.state in ACTIVE_STATES}
        numbers = next_numbers(svc, now_numbering, 1, lambda first, last: live)
        if numbers.refusal is not None:
            raise numbers.refusal
        ((value, number),) = numbers.given
        ticket = Ticket(
            ticket_id=self._next_id,
            number=number,
            value=value,
            service_code=service_code,
            category=Category(category),
            business_day=day,
            arrived_at=now,
            issue_seq=self._next_id,
            appointment_at=appointment_at,
        )
        ticket.history.append(TicketEvent("issue", now))
        self._next_id += 1
        self.tickets[ticket.ticket_id] = ticket
        self.numbering[(day, service_code)] = numbers.after
        return ticket

    # -- calling -------------------------------------------------------------------------
    def call_next(self, counter_number: int, now: datetime) -> Ticket | None:
        """Call the policy's choice to the counter; None when nobody waits for it."""
        counter = self._check_can_take(counter_number)
        choice = self.policy.choose(
            counter=counter,
            candidates=[t.candidate() for t in self.waiting()],
            now=now,
            recent_categories=tuple(self.recent_categories),
        )
        if choice is None:
            return None
        ticket = self._call(self.ticket(choice.ticket_id), counter_number, now)
        ticket.reason_en, ticket.reason_zh = choice.reason_en, choice.reason_zh
        return ticket

    def call(self, ticket_id: int, counter_number: int, now: datetime) -> Ticket:
        """Call a chosen WAITING ticket to the counter."""
        counter = self._check_can_take(counter_number)
        ticket = self.ticket(ticket_id)
        next_state(ticket.number, ticket.state, Action.CALL)
        check_may_call(
            counter,
            number=ticket.number,
            service_code=ticket.service_code,
            target_counter=ticket.target_counter,
        )
        ticket = self._call(ticket, counter_number, now)
        ticket.reason_en, ticket.reason_zh = "chosen by the teller", "柜员选号"
        return ticket

    def _call(self, ticket: Ticket, counter_number: int, now: datetime) -> Ticket:
        ticket.state = next_state(ticket.number, ticket.state, Action.CALL)
        ticket.counter_number = counter_number
        ticket.target_counter = None
        ticket.called_at = now
        ticket.history.append(TicketEvent(Action.CALL.value, now, counter_number))
        self.recent_categories.append(ticket.category)
        del self.recent_categories[:-RECENT_CALLS_KEPT]
        return ticket

    # -- actions on a held ticket ------------------------------------------------------------
    def _apply(
        self,
        ticket_id: int,
        action: Action,
        now: datetime,
        counter_number: int | None,
        detail: str = "",
    ) -> Ticket:
        """Check the state (and the holding counter, if given), then move the ticket."""
        ticket = self.ticket(ticket_id)
        new_state = next_state(ticket.number, ticket.state, action)
        if counter_number is not None and ticket.counter_number not in (None, counter_number):
            raise CounterUnavailable(
                counter_number,
                f"ticket {ticket.number} is held by counter {ticket.counter_number}",
                f"：{ticket.number}号由{ticket.counter_number}号窗口办理",
            )
        ticket.state = new_state
        ticket.history.append(TicketEvent(action.value, now, ticket.counter_number, detail))
        if new_state in FINAL_STATES:
            ticket.ended_at = now
            ticket.counter_number = None
            ticket.target_counter = None
        return ticket

    def recall(self, ticket_id: int, now: datetime, counter_number: int | None = None) -> Ticket:
        ticket = self._apply(ticket_id, Action.RECALL, now, counter_number)
        ticket.recalls += 1
        return ticket

    def start(self, ticket_id: int, now: datetime, counter_number: int | None = None) -> Ticket:
        ticket = self._apply(ticket_id, Action.START, now, counter_number)
        ticket.started_at = now
        return ticket

    def finish(self, ticket_id: int, now: datetime, counter_number: int | None = None) -> Ticket:
        """DONE; the measured service time updates the service's average."""
        ticket = self._apply(ticket_id, Action.FINISH, now, counter_number)
        if ticket.started_at is not None:
            sample = max((now - ticket.started_at).total_seconds(), 0.0)
            code = ticket.service_code
            self.avg_service_s[code] = ewma(self.avg_service_s.get(code), sample)
        return ticket

    def no_show(self, ticket_id: int, now: datetime, counter_number: int | None = None) -> Ticket:
        return self._apply(ticket_id, Action.NO_SHOW, now, counter_number)

    def park(self, ticket_id: int, now: datetime, counter_number: int | None = None) -> Ticket:
        """PARKED: the teller keeps it aside; the counter is free to call the next one."""
        return self._apply(ticket_id, Action.PARK, now, counter_number)

    def unpark(self, ticket_id: int, now: datetime, counter_number: int | None = None) -> Ticket:
        """Back to CALLED at the counter that parked it (or ``counter_number``)."""
        ticket = self.ticket(ticket_id)
        next_state(ticket.number, ticket.state, Action.UNPARK)
        target = counter_number if counter_number is not None else ticket.counter_number
        if target is None:  # pragma: no cover - a parked ticket always has a counter
            raise CounterUnavailable(0, f"ticket {ticket.number} has no counter", "")
        counter = self._check_can_take(target)
        check_may_call(
            counter,
            number=ticket.number,
            service_code=ticket.service_code,
            target_counter=ticket.target_counter,
            action=Action.UNPARK.value,
        )
        ticket.state = next_state(ticket.number, ticket.state, Action.UNPARK)
        ticket.counter_number = target
        ticket.history.append(TicketEvent(Action.UNPARK.value, now, target))
        return ticket

    def cancel(self, ticket_id: int, now: datetime) -> Ticket:
        return self._apply(ticket_id, Action.CANCEL, now, None)

    def transfer(
        self,
        ticket_id: int,
        now: datetime,
        to_service: str | None = None,
        to_counter: int | None = None,
    ) -> Ticket:
        """Back to WAITING for another service and/or counter; number and arrival kept."""
        ticket = self.ticket(ticket_id)
        next_state(ticket.number, ticket.state, Action.TRANSFER)
        if to_service is not None:
            self.config.service(to_service)
        if to_counter is not None:
            self._counter(to_counter)
        detail = f"to service {to_service or ticket.service_code}"
        if to_counter is not None:
            detail += f", counter {to_counter}"
        ticket = self._apply(ticket_id, Action.TRANSFER, now, None, detail)
        ticket.counter_number = None
        ticket.service_code = to_service or ticket.service_code
        ticket.target_counter = to_counter
        ticket.transfers += 1
        ticket.called_at = ticket.started_at = None
        return ticket

    def abandon(self, ticket_id: int, now: datetime) -> Ticket:
        return self._apply(ticket_id, Action.ABANDON, now, None)

    # -- the daily rollover --------------------------------------------------------------
    def rollover(self, now: datetime) -> list[Ticket]:
        """Start the business day of ``now``: open tickets become ABANDONED (history kept),
        numbering restarts, the ratio-guarantee streak is forgotten. Returns the abandoned."""
        day = self.business_day(now)
        abandoned = [self.abandon(t.ticket_id, now) for t in self._active() if t.business_day < day]
        if self.day is None or day > self.day:
            self.day = day
            self.recent_categories.clear()
        return abandoned

    def _active(self) -> Iterable[Ticket]:
        return [t for t in self.tickets.values() if t.state in ACTIVE_STATES]
