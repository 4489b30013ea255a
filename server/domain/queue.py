"""BranchQueue: the in-memory reference model of a branch's queue (the test oracle).

It keeps tickets, counters and numbering in dictionaries and asks the same aggregate the
server asks (``server.domain.desk.Desk``) for every teller action, so the property tests that
drive it, and the state machine that compares the server with it, check the one set of rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime

from server.domain.desk import Desk, TellerAt, abandon_ticket, cancel_ticket, service_time_s
from server.domain.errors import CounterUnavailable, UnknownEntity
from server.domain.estimate import estimate_shared_wait_s, ewma
from server.domain.model import BranchConfig
from server.domain.numbering import Numbering, business_day, next_numbers
from server.domain.policy import CallPolicy, WeightedPolicy
from server.domain.states import Category, CounterState, TicketState
from server.domain.ticket import Ticket, TicketEvent
from server.domain.transitions import ACTIVE_STATES, HELD_STATES, Action, next_state

RECENT_CALLS_KEPT = 20

_HeldAction = Callable[[Desk, TellerAt, datetime], Ticket]


class BranchQueue:
    """Tickets, counters and numbering of one branch, with every rule applied.

    Every action takes ``now`` (timezone-aware); nothing here reads the clock. Counter
    actions take an optional ``teller``; without one, the teller signed in to the counter acts
    (or, at a closed counter, a teller numbered like the counter, who is then not signed in).
    """

    def __init__(self, config: BranchConfig, policy: CallPolicy | None = None) -> None:
        self.config = config
        self.policy: CallPolicy = policy if policy is not None else WeightedPolicy(config)
        self.tickets: dict[int, Ticket] = {}
        self.desks: dict[int, Desk] = {
            c.number: Desk(counter=c, state=CounterState.CLOSED) for c in config.counters
        }
        self._skills = {c.number: frozenset(c.served()) for c in config.counters}
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

    @property
    def counter_states(self) -> dict[int, CounterState]:
        return {number: desk.state for number, desk in self.desks.items()}

    def desk(self, counter_number: int) -> Desk:
        """The counter's Desk with its held ticket looked up (as the server loads it)."""
        self.config.counter(counter_number)  # UnknownEntity for an unknown counter
        desk = self.desks[counter_number]
        desk.held = self.held_by(counter_number)
        return desk

    def _at(self, counter_number: int, teller: TellerAt | None) -> TellerAt:
        if teller is not None:
            return teller
        desk = self.desks[counter_number]
        if desk.teller_user_id is not None and desk.teller_name is not None:
            return TellerAt(counter_number, desk.teller_user_id, desk.teller_name)
        return TellerAt(counter_number, counter_number, f"teller{counter_number}")

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
    def open_skills(self) -> list[frozenset[str]]:
        """The services of each OPEN counter."""
        return [
            self._skills[number]
            for number, desk in self.desks.items()
            if desk.state == CounterState.OPEN
        ]

    def avg_for(self, service_code: str) -> float:
        """The service's measured average service time, else its default."""
        svc = self.config.service(service_code)
        return self.avg_service_s.get(service_code, float(svc.default_service_s))

    def estimate(self, service_code: str) -> tuple[int, int]:
        """(people waiting, estimated wait in seconds) for a new ticket of the service."""
        self.config.service(service_code)
        ahead: dict[str, int] = {}
        for t in self.waiting():
            ahead[t.service_code] = ahead.get(t.service_code, 0) + 1
        wait_s = estimate_shared_wait_s(
            service_code,
            ahead=ahead,
            avg_service_s={code: self.avg_for(code) for code in {*ahead, service_code}},
            open_counters=self.open_skills(),
        )
        return ahead.get(service_code, 0), wait_s

    # -- services and counters -----------------------------------------------------------
    def set_service_open(self, service_code: str, is_open: bool) -> None:
        self.config.service(service_code)
        self.service_open[service_code] = is_open

    def open_counter(self, counter_number: int, teller: TellerAt | None = None) -> None:
        desk = self.desk(counter_number)
        at = self._at(counter_number, teller)
        elsewhere = [
            n
            for n, d in self.desks.items()
            if d.teller_user_id == at.user_id and n != counter_number
        ]
        desk.open(at, signed_in_elsewhere=elsewhere[0] if elsewhere else None)

    def pause_counter(self, counter_number: int, teller: TellerAt | None = None) -> None:
        """Pausing stops new calls; a ticket already at the counter can be finished."""
        desk = self.desk(counter_number)
        desk.pause(self._at(counter_number, teller))

    def close_counter(self, counter_number: int, teller: TellerAt | None = None) -> None:
        """Closing is refused while the counter holds a CALLED or SERVING ticket."""
        desk = self.desk(counter_number)
        desk.close(self._at(counter_number, teller))

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
    def call_next(
        self, counter_number: int, now: datetime, teller: TellerAt | None = None
    ) -> Ticket | None:
        """Call the policy's choice to the counter; None when nobody waits for it."""
        desk = self.desk(counter_number)
        at = self._at(counter_number, teller)
        desk.check_can_take(at)
        choice = self.policy.choose(
            counter=desk.counter,
            candidates=[t.candidate() for t in self.waiting()],
            now=now,
            recent_categories=tuple(self.recent_categories),
        )
        if choice is None:
            return None
        reason = (choice.reason_en, choice.reason_zh)
        return self._called(desk.call(at, self.ticket(choice.ticket_id), now, reason))

    def call(
        self, ticket_id: int, counter_number: int, now: datetime, teller: TellerAt | None = None
    ) -> Ticket:
        """Call a chosen WAITING ticket to the counter."""
        desk = self.desk(counter_number)
        at = self._at(counter_number, teller)
        return self._called(desk.call(at, self.ticket(ticket_id), now))

    def _called(self, ticket: Ticket) -> Ticket:
        self.recent_categories.append(ticket.category)
        del self.recent_categories[:-RECENT_CALLS_KEPT]
        return ticket

    # -- actions on a held ticket ------------------------------------------------------------
    def _held_action(
        self, ticket_id: int, action: Action, now: datetime, counter_number: int | None
    ) -> Ticket:
        """The ticket's state first, then its counter's Desk acts on the ticket it holds."""
        ticket = self.ticket(ticket_id)
        next_state(ticket.number, ticket.state, action)
        number = counter_number if counter_number is not None else ticket.counter_number
        if number is None or ticket.counter_number != number:
            raise CounterUnavailable(
                number or 0,
                f"ticket {ticket.number} is held by counter {ticket.counter_number}",
                f"：{ticket.number}号由{ticket.counter_number}号窗口办理",
            )
        act: _HeldAction = {
            Action.RECALL: Desk.recall,
            Action.START: Desk.start,
            Action.FINISH: Desk.finish,
            Action.NO_SHOW: Desk.no_show,
            Action.PARK: Desk.park,
        }[action]
        return act(self.desk(number), self._at(number, None), now)

    def recall(self, ticket_id: int, now: datetime, counter_number: int | None = None) -> Ticket:
        return self._held_action(ticket_id, Action.RECALL, now, counter_number)

    def start(self, ticket_id: int, now: datetime, counter_number: int | None = None) -> Ticket:
        return self._held_action(ticket_id, Action.START, now, counter_number)

    def finish(self, ticket_id: int, now: datetime, counter_number: int | None = None) -> Ticket:
        """DONE; the measured service time updates the service's average."""
        ticket = self._held_action(ticket_id, Action.FINISH, now, counter_number)
        sample = service_time_s(ticket)
        if sample is not None:
            code = ticket.service_code
            self.avg_service_s[code] = ewma(self.avg_service_s.get(code), sample)
        return ticket

    def no_show(self, ticket_id: int, now: datetime, counter_number: int | None = None) -> Ticket:
        return self._held_action(ticket_id, Action.NO_SHOW, now, counter_number)

    def park(self, ticket_id: int, now: datetime, counter_number: int | None = None) -> Ticket:
        """PARKED: the teller keeps it aside; the counter is free to call the next one."""
        return self._held_action(ticket_id, Action.PARK, now, counter_number)

    def unpark(
        self,
        ticket_id: int,
        now: datetime,
        counter_number: int | None = None,
        teller: TellerAt | None = None,
    ) -> Ticket:
        """Back to CALLED at the counter that parked it (or ``counter_number``)."""
        ticket = self.ticket(ticket_id)
        next_state(ticket.number, ticket.state, Action.UNPARK)
        target = counter_number if counter_number is not None else ticket.counter_number
        assert target is not None  # a parked ticket always has a counter
        return self.desk(target).unpark(self._at(target, teller), ticket, now)

    def cancel(
        self,
        ticket_id: int,
        now: datetime,
        counter_number: int | None = None,
        teller: TellerAt | None = None,
    ) -> Ticket:
        """A waiting customer leaves; told a teller at ``counter_number`` (default: any)."""
        ticket = self.ticket(ticket_id)
        if counter_number is None:
            return cancel_ticket(ticket, now)
        desk = self.desk(counter_number)
        return desk.cancel(self._at(counter_number, teller), ticket, now)

    def transfer(
        self,
        ticket_id: int,
        now: datetime,
        to_service: str | None = None,
        to_counter: int | None = None,
        counter_number: int | None = None,
    ) -> Ticket:
        """Back to WAITING for another service and/or counter; number and arrival kept."""
        ticket = self.ticket(ticket_id)
        next_state(ticket.number, ticket.state, Action.TRANSFER)
        if to_service is not None:
            self.config.service(to_service)
        if to_counter is not None:
            self.config.counter(to_counter)
        number = counter_number if counter_number is not None else ticket.counter_number
        assert number is not None  # CALLED, SERVING and PARKED tickets have a counter
        return self.desk(number).transfer(
            self._at(number, None),
            now,
            ticket=ticket,
            to_service=to_service,
            to_counter=to_counter,
        )

    def abandon(self, ticket_id: int, now: datetime) -> Ticket:
        return abandon_ticket(self.ticket(ticket_id), now)

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
