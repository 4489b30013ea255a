"""The discrete-event simulation of one branch day on a virtual clock.

The queue is the domain's own ``BranchQueue`` (``server.domain.queue``): issuing and numbering,
the call policy (``WeightedPolicy`` with the profile's ``[policy]``), every teller action
checked by the ``Desk`` aggregate, the service-time average (``ewma``) and the wait estimate
(``estimate_wait_s``) exactly as a new ticket is told it. Nothing sleeps, nothing is stored:
events (arrivals, calls, starts, finishes, no-shows, shift changes) are taken from a heap in
time order and applied to the queue at their virtual time.

Tellers behave simply: an OPEN counter holding nothing calls next at once; a called customer
walks up in ``walk_s`` and is served for their drawn ``service_s``; a no-show is recalled once
halfway and marked after ``no_show_after_s``. A break pauses the counter (the ticket at the
counter is finished first); at the end of a shift the counter keeps serving the customers
already waiting for it, then closes. At ``serve_until`` whoever still waits is abandoned.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from branchq_sim.customers import Customer, draw_customers, seconds_of
from branchq_sim.profile import Profile
from server.domain.errors import ServiceUnavailable
from server.domain.estimate import estimate_wait_s
from server.domain.queue import BranchQueue
from server.domain.states import CounterState, TicketState
from server.domain.ticket import Ticket
from server.domain.transitions import FINAL_STATES

# same-time events: counters freed first, then shift changes, then arrivals
_FREE, _SHIFT, _ARRIVE, _OTHER = 0, 1, 2, 3

REFUSED = "REFUSED"  # the kiosk refused the ticket (service closed or daily cap reached)


@dataclass
class Outcome:
    """What happened to one customer. Times are seconds from the day's open.

    estimate_s: the server's estimate shown at issue; one_queue_s: the one-queue estimate
    (its own queue x the average / OPEN counters serving it: the server's before the shared
    estimate); naive_s: people ahead x the service's mean time / counters listed for it;
    naive_literal_s: people ahead x mean time.
    """

    customer: Customer
    state: str = TicketState.WAITING.value
    number: str = ""
    counter: int | None = None
    people_ahead: int = 0
    estimate_s: int = 0
    one_queue_s: int = 0
    naive_s: float = 0.0
    naive_literal_s: float = 0.0
    called_s: float | None = None
    start_s: float | None = None
    end_s: float | None = None
    ticket: Ticket | None = None  # the queue's ticket (None: refused at the kiosk)

    @property
    def wait_s(self) -> float | None:
        """From arrival to the (last) call; None if never called."""
        if self.called_s is None:
            return None
        return self.called_s - self.customer.arrive_s


@dataclass
class CounterUse:
    """A counter's day: time on duty (OPEN, or finishing a ticket), time busy (a ticket held),
    tickets served and no-shows."""

    number: int
    duty_s: float = 0.0
    busy_s: float = 0.0
    served: int = 0
    no_shows: int = 0
    # running state
    holding: int | None = None
    hold_since: float = 0.0
    duty_since: float | None = None
    idle_since: float = 0.0
    closing: bool = False

    @property
    def utilisation(self) -> float:
        return self.busy_s / self.duty_s if self.duty_s > 0 else 0.0


@dataclass
class DayResult:
    """A simulated day: every customer's outcome and every counter's use."""

    profile: Profile
    seed: int
    outcomes: list[Outcome]
    counters: list[CounterUse]
    day_start: datetime
    events: int = 0

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.outcomes:
            out[o.state] = out.get(o.state, 0) + 1
        return out


@dataclass(order=True)
class _Event:
    t: float
    rank: int
    seq: int
    kind: str = field(compare=False)
    a: int = field(compare=False, default=0)
    b: int = field(compare=False, default=0)


class DaySimulation:
    """One day of ``profile`` with ``customers`` (drawn from the seed unless given)."""

    def __init__(
        self, profile: Profile, *, seed: int | None = None, customers: list[Customer] | None = None
    ) -> None:
        self.profile = profile
        self.seed = profile.seed if seed is None else seed
        self.customers = customers if customers is not None else draw_customers(profile, self.seed)
        day = profile.sim.day
        zone = ZoneInfo(profile.branch.timezone)
        self.start = datetime.combine(day.date, day.open, tzinfo=zone)
        self.close_s = seconds_of(day.close) - seconds_of(day.open)
        until = day.serve_until if day.serve_until is not None else day.close
        self.until_s = seconds_of(until) - seconds_of(day.open)
        self.queue = BranchQueue(profile.branch)
        self.counters = {c.number: CounterUse(c.number) for c in profile.branch.counters}
        self.outcomes: dict[int, Outcome] = {}  # by ticket id
        self.refused: list[Outcome] = []
        self._heap: list[_Event] = []
        self._seq = 0
        self._events = 0
        self._means = {c: s.mean_s for c, s in profile.sim.service_times.items()}
        # WAITING tickets per service: a counter none of whose services has one is not asked
        # to call next (the policy would find no candidate for it; asking costs a full scan)
        self._waiting: dict[str, int] = {}
        self._skills = {c.number: frozenset(c.served()) for c in profile.branch.counters}
        self._listed = {
            s.code: sum(1 for c in profile.branch.counters if c.serves(s.code))
            for s in profile.branch.services
        }

    # -- the clock -------------------------------------------------------------------------------
    def at(self, t: float) -> datetime:
        return self.start + timedelta(seconds=t)

    def _push(self, t: float, rank: int, kind: str, a: int = 0, b: int = 0) -> None:
        self._seq += 1
        heapq.heappush(self._heap, _Event(t, rank, self._seq, kind, a, b))

    # -- the day ---------------------------------------------------------------------------------
    def run(self) -> DayResult:
        self._plan_shifts()
        for cust in self.customers:
            self._push(cust.arrive_s, _ARRIVE, "arrive", cust.index)
        self._push(self.until_s, _SHIFT, "last_call")
        while self._heap:
            ev = heapq.heappop(self._heap)
            self._events += 1
            getattr(self, f"_on_{ev.kind}")(ev.t, ev.a, ev.b)
            self._dispatch(ev.t)
        outcomes = sorted([*self.outcomes.values(), *self.refused], key=lambda o: o.customer.index)
        return DayResult(
            self.profile,
            self.seed,
            outcomes,
            list(self.counters.values()),
            self.start,
            self._events,
        )

    def _plan_shifts(self) -> None:
        open_s = seconds_of(self.profile.sim.day.open)
        shifts = {s.counter: s for s in self.profile.sim.shifts}
        for number in self.counters:
            shift = shifts.get(number)
            if shift is None:
                self._push(0.0, _SHIFT, "open", number)
                self._push(self.close_s, _SHIFT, "end_shift", number)
                continue
            self._push(seconds_of(shift.open) - open_s, _SHIFT, "open", number)
            for start, end in shift.breaks:
                self._push(seconds_of(start) - open_s, _SHIFT, "pause", number)
                self._push(seconds_of(end) - open_s, _SHIFT, "open", number)
            self._push(seconds_of(shift.close) - open_s, _SHIFT, "end_shift", number)

    # -- counters --------------------------------------------------------------------------------
    def _state(self, number: int) -> CounterState:
        return self.queue.desks[number].state

    def _on_open(self, t: float, number: int, _b: int) -> None:
        use = self.counters[number]
        if self._state(number) == CounterState.OPEN or t >= self.until_s:
            return
        self.queue.open_counter(number)
        use.idle_since = t
        use.closing = False
        self._sync(t, use)

    def _sync(self, t: float, use: CounterUse) -> None:
        """Count time on duty: while OPEN, or while finishing a ticket (in a pause, closing)."""
        on = use.holding is not None or self._state(use.number) == CounterState.OPEN
        if on and use.duty_since is None:
            use.duty_since = t
        elif not on and use.duty_since is not None:
            use.duty_s += t - use.duty_since
            use.duty_since = None

    def _on_pause(self, t: float, number: int, _b: int) -> None:
        if self._state(number) == CounterState.OPEN:
            self.queue.pause_counter(number)
            self._sync(t, self.counters[number])

    def _on_end_shift(self, t: float, number: int, _b: int) -> None:
        """Before the doors close the teller finishes the ticket at the counter and leaves;
        after, they serve whoever still waits for the counter, then close."""
        use = self.counters[number]
        use.closing = True
        if t < self.close_s:
            self._on_pause(t, number, 0)
        if use.holding is None and self._state(number) == CounterState.PAUSED:
            self._close(t, use)

    def _close(self, t: float, use: CounterUse) -> None:
        if self._state(use.number) != CounterState.CLOSED:
            self.queue.close_counter(use.number)
        use.closing = False
        self._sync(t, use)

    def _dispatch(self, t: float) -> None:
        """Every OPEN counter holding nothing calls next, the longest idle first."""
        idle = [
            u
            for u in self.counters.values()
            if u.holding is None and self._state(u.number) == CounterState.OPEN
        ]
        idle.sort(key=lambda u: (u.idle_since, u.number))
        for use in idle:
            if any(self._waiting.get(code) for code in self._skills[use.number]):
                ticket = self.queue.call_next(use.number, self.at(t))
            else:
                ticket = None
            if ticket is None:
                if use.closing:
                    self._close(t, use)
                continue
            self._waiting[ticket.service_code] -= 1
            use.holding, use.hold_since = ticket.ticket_id, t
            out = self.outcomes[ticket.ticket_id]
            out.called_s, out.counter = t, use.number
            if out.customer.no_show:
                after = self.profile.sim.customers.no_show_after_s
                self._push(t + after / 2, _OTHER, "recall", use.number, ticket.ticket_id)
                self._push(t + after, _FREE, "no_show", use.number, ticket.ticket_id)
            else:
                walk = self.profile.sim.customers.walk_s
                self._push(t + walk, _OTHER, "start", use.number, ticket.ticket_id)

    # -- tickets ---------------------------------------------------------------------------------
    def _on_arrive(self, t: float, index: int, _b: int) -> None:
        cust = self.customers[index]
        code = cust.service_code
        ahead, estimate = self.queue.estimate(code)
        mean = self._means.get(code, 0.0)
        serving = sum(
            1
            for n, skills in self._skills.items()
            if code in skills and self._state(n) == CounterState.OPEN
        )
        out = Outcome(
            cust,
            people_ahead=ahead,
            estimate_s=estimate,
            one_queue_s=estimate_wait_s(ahead, self.queue.avg_for(code), serving),
            naive_s=ahead * mean / max(self._listed.get(cust.service_code, 0), 1),
            naive_literal_s=ahead * mean,
        )
        appointment = self.at(cust.appointment_s) if cust.appointment_s is not None else None
        try:
            ticket = self.queue.issue(cust.service_code, cust.category, self.at(t), appointment)
        except ServiceUnavailable:
            out.state = REFUSED
            self.refused.append(out)
            return
        out.number, out.ticket = ticket.number, ticket
        self._waiting[code] = self._waiting.get(code, 0) + 1
        self.outcomes[ticket.ticket_id] = out

    def _on_recall(self, t: float, number: int, ticket_id: int) -> None:
        self.queue.recall(ticket_id, self.at(t), number)

    def _on_start(self, t: float, number: int, ticket_id: int) -> None:
        self.queue.start(ticket_id, self.at(t), number)
        out = self.outcomes[ticket_id]
        out.start_s = t
        self._push(t + out.customer.service_s, _FREE, "finish", number, ticket_id)

    def _on_finish(self, t: float, number: int, ticket_id: int) -> None:
        self._release(t, number, ticket_id, self.queue.finish(ticket_id, self.at(t), number).state)
        self.counters[number].served += 1

    def _on_no_show(self, t: float, number: int, ticket_id: int) -> None:
        self._release(t, number, ticket_id, self.queue.no_show(ticket_id, self.at(t), number).state)
        self.counters[number].no_shows += 1

    def _release(self, t: float, number: int, ticket_id: int, state: TicketState) -> None:
        use = self.counters[number]
        use.busy_s += t - use.hold_since
        use.holding = None
        use.idle_since = t
        self._sync(t, use)
        self._ended(t, ticket_id, state)
        if use.closing and self._state(number) == CounterState.PAUSED:
            self._close(t, use)

    def _ended(self, t: float, ticket_id: int, state: TicketState) -> None:
        out = self.outcomes[ticket_id]
        out.state = state.value
        out.end_s = t
        del self.queue.tickets[ticket_id]  # finished tickets leave the engine's working set

    def _on_last_call(self, t: float, _a: int, _b: int) -> None:
        """Whoever still waits is abandoned; counters finish what they hold, then close."""
        for ticket in list(self.queue.tickets.values()):
            if ticket.state == TicketState.WAITING:
                self._waiting[ticket.service_code] -= 1
                self.queue.abandon(ticket.ticket_id, self.at(t))
                self._ended(t, ticket.ticket_id, ticket.state)
        for use in self.counters.values():
            use.closing = True
            if use.holding is None and self._state(use.number) != CounterState.CLOSED:
                self._close(t, use)

    def unfinished(self) -> list[int]:
        """Ticket ids still open in the queue (none after ``run``)."""
        return [tid for tid, t in self.queue.tickets.items() if t.state not in FINAL_STATES]


def simulate(profile: Profile, seed: int | None = None) -> DayResult:
    return DaySimulation(profile, seed=seed).run()
