"""The aggregate of the queue's rules: one counter (a "desk"), its teller and its tickets.

A ``Desk`` is the counter as the rules see it: its definition (services and weights), its
state, the teller signed in to it and the ticket it holds (CALLED or SERVING). Every action a
teller takes is a method here; it checks everything (who acts, the counter's state, the
ticket's state, whether this counter may take that ticket) and then changes the ``Ticket``
values it was given, or raises a ``DomainError`` and changes nothing.

The server's use cases build a Desk from database rows, ask it, and persist what changed
(``server.services.desks``); the in-memory ``BranchQueue`` builds the same Desk from its own
dictionaries. Nothing else decides what may happen to a ticket or a counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from server.domain.errors import CounterUnavailable, NotSignedIn
from server.domain.model import CounterDef
from server.domain.states import CounterState, TicketState
from server.domain.ticket import Ticket, TicketEvent
from server.domain.transitions import FINAL_STATES, Action, allowed_from, next_state
from server.domain.words import action_zh, counter_state_zh, state_zh

CHOSEN_BY_TELLER = ("chosen by the teller", "柜员指定叫号")


@dataclass(frozen=True)
class TellerAt:
    """A teller acting at a counter: who (user id and name) and where (counter number)."""

    counter_number: int
    user_id: int
    name: str


@dataclass
class Desk:
    """One counter with its teller and held ticket; the methods are the teller's actions.

    teller_user_id / teller_name: the teller signed in (None while CLOSED);
    held: the CALLED or SERVING ticket at this counter, if any.
    """

    counter: CounterDef
    state: CounterState
    teller_user_id: int | None = None
    teller_name: str | None = None
    held: Ticket | None = None

    @property
    def number(self) -> int:
        return self.counter.number

    # -- who may act -------------------------------------------------------------------------
    def check_teller(self, at: TellerAt) -> None:
        """The teller acts only at the counter they opened (NotSignedIn otherwise)."""
        if self.teller_user_id is not None and self.teller_user_id != at.user_id:
            raise NotSignedIn(
                f"counter {self.number} is held by teller {self.teller_name!r}; "
                f"teller {at.name!r} can act only at the counter they opened",
                f"{self.number}号窗口由柜员{self.teller_name}登录；"
                f"柜员{at.name}只能在自己开启的窗口操作",
            )
        if self.teller_user_id is None or self.state == CounterState.CLOSED:
            raise NotSignedIn(
                f"teller {at.name!r} is not signed in to counter {self.number}; open the "
                f"counter first (POST /api/v1/counters/{self.number}/open)",
                f"柜员{at.name}未登录{self.number}号窗口，请先开启该窗口",
            )

    # -- the counter itself --------------------------------------------------------------------
    def open(self, at: TellerAt, *, signed_in_elsewhere: int | None = None) -> None:
        """Sign the teller in and open (also resumes a pause). ``signed_in_elsewhere``: the
        counter this teller is already signed in to, if any."""
        if self.teller_user_id not in (None, at.user_id):
            raise CounterUnavailable(
                self.number,
                f"teller {self.teller_name!r} is signed in to it; they must close it first",
                f"已由柜员{self.teller_name}登录，需其先关闭窗口",
            )
        if signed_in_elsewhere is not None and signed_in_elsewhere != self.number:
            raise CounterUnavailable(
                self.number,
                f"teller {at.name!r} is signed in to counter {signed_in_elsewhere}; close it first",
                f"：柜员{at.name}已登录{signed_in_elsewhere}号窗口，请先关闭该窗口",
            )
        self.teller_user_id, self.teller_name = at.user_id, at.name
        self.state = CounterState.OPEN

    def pause(self, at: TellerAt) -> None:
        """Stop receiving calls; a ticket already at the counter can still be finished."""
        self.check_teller(at)
        self.state = CounterState.PAUSED

    def close(self, at: TellerAt) -> None:
        """Close and sign out; refused while the counter holds a CALLED or SERVING ticket."""
        self.check_teller(at)
        if self.held is not None:
            raise CounterUnavailable(
                self.number,
                f"still holds ticket {self.held.number} ({self.held.state.value}); finish, "
                "park or transfer it before closing",
                f"仍有{self.held.number}号（{state_zh(self.held.state)}），请先办结、暂挂或转移"
                "再关闭",
            )
        self.teller_user_id = self.teller_name = None
        self.state = CounterState.CLOSED

    # -- what the teller may do now (the terminal's buttons) ---------------------------------
    def can_take(self) -> bool:
        """OPEN and holding nothing: call-next, call and unpark may be tried."""
        return self.state == CounterState.OPEN and self.held is None

    def can_close(self) -> bool:
        return self.held is None

    def allowed(self, *, waiting: bool, parked: bool) -> list[Action | str]:
        """The actions that are not refused now: ``open``, ``pause``, ``close``, ``call_next``
        and the ticket ``Action`` s (``waiting``/``parked``: whether a ticket waits for this
        counter, whether one is parked here)."""
        if self.state == CounterState.CLOSED:
            return ["open"]
        out: list[Action | str] = ["pause" if self.state == CounterState.OPEN else "open"]
        if self.held is not None:
            held_state = self.held.state
            out += [
                a
                for a in (Action.RECALL, Action.START, Action.FINISH, Action.NO_SHOW, Action.PARK)
                if held_state in allowed_from(a)
            ]
            out.append(Action.TRANSFER)
        if self.can_close():
            out.append("close")
        if self.can_take():
            out.append("call_next")
            if waiting:
                out.append(Action.CALL)
            if parked:
                out.append(Action.UNPARK)
        if waiting:
            out.append(Action.CANCEL)
        return out

    # -- taking a ticket -----------------------------------------------------------------------
    def check_can_take(self, at: TellerAt) -> None:
        """A counter takes a ticket (call, call-next, unpark) only when OPEN and holding none."""
        self.check_teller(at)
        if self.state != CounterState.OPEN:
            raise CounterUnavailable(
                self.number,
                f"is {self.state.value}; calling needs OPEN",
                f"状态为{counter_state_zh(self.state)}，需开放后才能叫号",
            )
        if self.held is not None:
            raise CounterUnavailable(
                self.number,
                f"still holds ticket {self.held.number} ({self.held.state.value}); finish, "
                "park or transfer it first",
                f"仍有{self.held.number}号（{state_zh(self.held.state)}），请先办结、暂挂或转移",
            )

    def may_take(self, ticket: Ticket) -> bool:
        """Whether this counter may be given the ticket: transferred to it, or (transferred to
        no counter) of a service it serves. The call policy's candidates are filtered alike."""
        return self.counter.may_take(
            service_code=ticket.service_code, target_counter=ticket.target_counter
        )

    def _check_may_take(self, ticket: Ticket, action: Action) -> None:
        if self.may_take(ticket):
            return
        if ticket.target_counter is not None:
            raise CounterUnavailable(
                self.number,
                f"ticket {ticket.number} was transferred to counter {ticket.target_counter}; "
                f"only that counter can {action.value} it",
                f"：{ticket.number}号已转至{ticket.target_counter}号窗口，只能由该窗口"
                f"{action_zh(action.value)}",
            )
        served = self.counter.served()
        raise CounterUnavailable(
            self.number,
            f"does not serve service {ticket.service_code} (ticket {ticket.number}); it serves "
            f"{served}",
            f"不办理{ticket.service_code}业务（{ticket.number}号），本窗口办理："
            f"{'、'.join(served) or '无'}",
        )

    def call(
        self,
        at: TellerAt,
        ticket: Ticket,
        now: datetime,
        reason: tuple[str, str] = CHOSEN_BY_TELLER,
    ) -> Ticket:
        """WAITING -> CALLED at this counter (a ticket the teller or the policy chose).

        reason: (en, zh) why it was chosen, kept on the ticket for the answer and the event.
        """
        self.check_can_take(at)
        new_state = next_state(ticket.number, ticket.state, Action.CALL)
        self._check_may_take(ticket, Action.CALL)
        ticket.state = new_state
        ticket.counter_number = self.number
        ticket.target_counter = None
        ticket.called_at = now
        ticket.started_at = None
        ticket.reason_en, ticket.reason_zh = reason
        ticket.history.append(TicketEvent(Action.CALL.value, now, self.number))
        self.held = ticket
        return ticket

    def unpark(self, at: TellerAt, ticket: Ticket, now: datetime) -> Ticket:
        """PARKED -> CALLED at this counter (any counter that may take the ticket)."""
        self.check_can_take(at)
        new_state = next_state(ticket.number, ticket.state, Action.UNPARK)
        self._check_may_take(ticket, Action.UNPARK)
        ticket.state = new_state
        ticket.counter_number = self.number
        ticket.called_at = now
        ticket.history.append(TicketEvent(Action.UNPARK.value, now, self.number))
        self.held = ticket
        return ticket

    # -- the held ticket -------------------------------------------------------------------------
    def _held(self, at: TellerAt, action: Action) -> Ticket:
        self.check_teller(at)
        if self.held is None:
            raise CounterUnavailable(
                self.number,
                f"holds no called or serving ticket; {action.value} needs one",
                f"没有已叫号或办理中的客户，无法{action_zh(action.value)}",
            )
        return self.held

    def _move(self, ticket: Ticket, action: Action, now: datetime, detail: str = "") -> Ticket:
        ticket.state = next_state(ticket.number, ticket.state, action)
        ticket.history.append(TicketEvent(action.value, now, ticket.counter_number, detail))
        if ticket.state in FINAL_STATES:
            _ended(ticket, now)
        if self.held is ticket and ticket.state not in (TicketState.CALLED, TicketState.SERVING):
            self.held = None
        return ticket

    def recall(self, at: TellerAt, now: datetime) -> Ticket:
        """Announce the CALLED ticket again; counts the recalls."""
        ticket = self._move(self._held(at, Action.RECALL), Action.RECALL, now)
        ticket.recalls += 1
        return ticket

    def start(self, at: TellerAt, now: datetime) -> Ticket:
        """The customer arrived: CALLED -> SERVING."""
        ticket = self._move(self._held(at, Action.START), Action.START, now)
        ticket.started_at = now
        return ticket

    def finish(self, at: TellerAt, now: datetime) -> Ticket:
        """Service done: SERVING -> DONE (``service_time_s()`` is then the sample)."""
        return self._move(self._held(at, Action.FINISH), Action.FINISH, now)

    def no_show(self, at: TellerAt, now: datetime) -> Ticket:
        """The called customer did not come: CALLED -> NO_SHOW."""
        return self._move(self._held(at, Action.NO_SHOW), Action.NO_SHOW, now)

    def park(self, at: TellerAt, now: datetime) -> Ticket:
        """Put the ticket aside (it stays this counter's); the counter may call the next."""
        return self._move(self._held(at, Action.PARK), Action.PARK, now)

    def transfer(
        self,
        at: TellerAt,
        now: datetime,
        *,
        ticket: Ticket | None = None,
        to_service: str | None = None,
        to_counter: int | None = None,
    ) -> Ticket:
        """Send the held ticket (or ``ticket``: one parked here, or parked at a counter of a
        service this counter serves) back to WAITING for ``to_service`` and/or only
        ``to_counter``. It keeps its number and original arrival; its recall count restarts.

        The caller has checked that to_service and to_counter exist.
        """
        if ticket is None or ticket is self.held:
            ticket = self._held(at, Action.TRANSFER)
        else:
            self.check_teller(at)
            next_state(ticket.number, ticket.state, Action.TRANSFER)
            if ticket.state != TicketState.PARKED or not (
                ticket.counter_number == self.number or self.may_take(ticket)
            ):
                where = ticket.counter_number
                raise CounterUnavailable(
                    self.number,
                    f"ticket {ticket.number} is {ticket.state.value} at counter {where}; only "
                    "that counter can transfer it",
                    f"：{ticket.number}号在{where}号窗口（{state_zh(ticket.state)}），只能由该窗口"
                    "转移",
                )
        detail = f"to service {to_service or ticket.service_code}"
        if to_counter is not None:
            detail += f", counter {to_counter}"
        self._move(ticket, Action.TRANSFER, now, detail)
        ticket.counter_number = None
        ticket.service_code = to_service or ticket.service_code
        ticket.target_counter = to_counter
        ticket.transfers += 1
        ticket.recalls = 0
        ticket.called_at = ticket.started_at = None
        return ticket

    def cancel(self, at: TellerAt, ticket: Ticket, now: datetime) -> Ticket:
        """A waiting customer leaves (told a teller): WAITING -> CANCELLED."""
        self.check_teller(at)
        return cancel_ticket(ticket, now)


def service_time_s(ticket: Ticket) -> float | None:
    """Seconds from start to end of a finished ticket (None if it never started)."""
    if ticket.started_at is None or ticket.ended_at is None:
        return None
    return max((ticket.ended_at - ticket.started_at).total_seconds(), 0.0)


def cancel_ticket(ticket: Ticket, now: datetime) -> Ticket:
    """WAITING -> CANCELLED: the customer left."""
    ticket.state = next_state(ticket.number, ticket.state, Action.CANCEL)
    ticket.history.append(TicketEvent(Action.CANCEL.value, now, ticket.counter_number))
    return _ended(ticket, now)


def abandon_ticket(ticket: Ticket, now: datetime) -> Ticket:
    """An open ticket of an earlier business day at the rollover: -> ABANDONED."""
    ticket.state = next_state(ticket.number, ticket.state, Action.ABANDON)
    ticket.history.append(TicketEvent(Action.ABANDON.value, now, ticket.counter_number))
    return _ended(ticket, now)


def _ended(ticket: Ticket, now: datetime) -> Ticket:
    """A final state: the end time; it no longer waits for any counter (the counter that held
    it stays named)."""
    ticket.ended_at = now
    ticket.target_counter = None
    return ticket
