"""A ticket's day as plain records: its steps, folded into visits to service queues (pure).

A ``TicketRecord`` is what a report needs to know of one ticket: where it was issued, when,
and the steps that happened to it (call, start, finish, transfer, ...). The server builds
records from its ticket rows and their event log (``server.services.reports``); anything that
runs the domain's queue in memory (a branch-day simulator) builds them from the in-memory
tickets with ``record_from_ticket``. ``visits_of`` folds a record into its visits: one stay in
one service's queue, from being issued (or transferred in) to the step that ended the stay.

A ticket transferred once has two visits: the first ends TRANSFERRED, the second begins with
``by_transfer`` and ends however the ticket ended. Transfers move a ticket between queues;
they never create or remove one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from server.domain.states import Category, TicketState
from server.domain.ticket import Ticket
from server.domain.transitions import Action


class Outcome(StrEnum):
    """How a visit to a service's queue ended (OPEN: it has not ended)."""

    SERVED = "served"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    ABANDONED = "abandoned"
    TRANSFERRED = "transferred"
    OPEN = "open"


_ENDING: dict[str, Outcome] = {
    Action.FINISH.value: Outcome.SERVED,
    Action.NO_SHOW.value: Outcome.NO_SHOW,
    Action.CANCEL.value: Outcome.CANCELLED,
    Action.ABANDON.value: Outcome.ABANDONED,
}

_STATE_AFTER: dict[str, TicketState] = {
    Action.CALL.value: TicketState.CALLED,
    Action.UNPARK.value: TicketState.CALLED,
    Action.START.value: TicketState.SERVING,
    Action.PARK.value: TicketState.PARKED,
    Action.TRANSFER.value: TicketState.WAITING,
    Action.FINISH.value: TicketState.DONE,
    Action.NO_SHOW.value: TicketState.NO_SHOW,
    Action.CANCEL.value: TicketState.CANCELLED,
    Action.ABANDON.value: TicketState.ABANDONED,
}


class Step(NamedTuple):
    """One thing that happened to a ticket (an action of ``server.domain.transitions.Action``,
    or ``issue`` / ``print``).

    counter_number / teller: where and by whom (None when not known or not at a counter);
    to_service: a transfer's destination service (None: the same service).
    """

    action: str
    at: datetime
    counter_number: int | None = None
    teller: str | None = None
    to_service: str | None = None


@dataclass(frozen=True)
class TicketRecord:
    """One ticket as a report sees it.

    service_code: the service it was ISSUED for (a transfer may change it later, see steps);
    state: its state now (checked against the steps by the reconciliation);
    steps: in the order they happened (``issue`` and ``print`` steps may be left out);
    print_status: ``printed`` / ``failed`` / ``pending`` (never reported), None when the source
    has no printer (a simulation).
    """

    ticket_id: int
    number: str
    business_day: date
    service_code: str
    category: Category
    issued_at: datetime
    state: TicketState
    steps: tuple[Step, ...] = ()
    print_status: str | None = None
    appointment_at: datetime | None = None


@dataclass(frozen=True)
class Visit:
    """One stay of a ticket in one service's queue.

    entered_at: issued, or transferred in (``by_transfer``); called_at: its first call in this
    visit (None: never called); started_at: its last start; ended_at: when the visit ended
    (None while OPEN); counter_number / teller: the counter (and teller) that last acted on it
    in this visit; state_at_end: the ticket's state just before the step that ended the visit
    (a ticket abandoned while CALLED was left at a counter at the rollover).
    """

    ticket_id: int
    number: str
    business_day: date
    service_code: str
    category: Category
    entered_at: datetime
    by_transfer: bool = False
    called_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: Outcome = Outcome.OPEN
    counter_number: int | None = None
    teller: str | None = None
    state_at_end: TicketState = TicketState.WAITING

    @property
    def wait_s(self) -> float | None:
        """Seconds from entering the queue to the first call (None: never called)."""
        if self.called_at is None:
            return None
        return max((self.called_at - self.entered_at).total_seconds(), 0.0)

    @property
    def service_s(self) -> float | None:
        """Seconds from the (last) start to the finish of a served visit, else None."""
        if self.outcome is not Outcome.SERVED or self.started_at is None:
            return None
        assert self.ended_at is not None
        return max((self.ended_at - self.started_at).total_seconds(), 0.0)


class _Open:
    """The visit being folded (mutable; one per visit, made into a ``Visit`` at its end)."""

    __slots__ = (
        "by_transfer",
        "called_at",
        "counter_number",
        "ended_at",
        "entered_at",
        "outcome",
        "service_code",
        "started_at",
        "state_at_end",
        "teller",
    )

    def __init__(self, service_code: str, entered_at: datetime, by_transfer: bool) -> None:
        self.service_code = service_code
        self.entered_at = entered_at
        self.by_transfer = by_transfer
        self.called_at: datetime | None = None
        self.started_at: datetime | None = None
        self.ended_at: datetime | None = None
        self.outcome = Outcome.OPEN
        self.counter_number: int | None = None
        self.teller: str | None = None
        self.state_at_end = TicketState.WAITING

    def end(self, outcome: Outcome, at: datetime, state: TicketState) -> None:
        self.outcome, self.ended_at, self.state_at_end = outcome, at, state

    def visit(self, record: TicketRecord) -> Visit:
        return Visit(
            ticket_id=record.ticket_id,
            number=record.number,
            business_day=record.business_day,
            service_code=self.service_code,
            category=record.category,
            entered_at=self.entered_at,
            by_transfer=self.by_transfer,
            called_at=self.called_at,
            started_at=self.started_at,
            ended_at=self.ended_at,
            outcome=self.outcome,
            counter_number=self.counter_number,
            teller=self.teller,
            state_at_end=self.state_at_end,
        )


_CALLS = frozenset({Action.CALL.value, Action.UNPARK.value})


def visits_of(record: TicketRecord) -> list[Visit]:
    """The record's visits in order; the last one is OPEN if the ticket is still open."""
    done: list[Visit] = []
    v = _Open(record.service_code, record.issued_at, False)
    state = TicketState.WAITING
    for step in record.steps:
        after = _STATE_AFTER.get(step.action)
        if after is None:  # issue, print, recall: nothing changes
            continue
        if step.counter_number is not None:
            v.counter_number = step.counter_number
            v.teller = step.teller or v.teller
        if step.action in _CALLS:
            if v.called_at is None:
                v.called_at = step.at
        elif step.action == Action.START.value:
            v.started_at = step.at
        if step.action == Action.TRANSFER.value:
            v.end(Outcome.TRANSFERRED, step.at, state)
            done.append(v.visit(record))
            v = _Open(step.to_service or v.service_code, step.at, True)
        else:
            ending = _ENDING.get(step.action)
            if ending is not None and v.outcome is Outcome.OPEN:
                v.end(ending, step.at, state)
        state = after
    done.append(v.visit(record))
    return done


STEP_ACTIONS: frozenset[str] = frozenset(_STATE_AFTER)
"""The actions that change a visit (a record may leave out every other step)."""


def state_after(record: TicketRecord) -> TicketState:
    """The state the record's steps leave the ticket in (WAITING when it has none)."""
    state = TicketState.WAITING
    for step in record.steps:
        state = _STATE_AFTER.get(step.action, state)
    return state


_TO_SERVICE = re.compile(r"to service (\S+?)(?:,|$)")


def record_from_ticket(
    ticket: Ticket, *, issued_service: str | None = None, print_status: str | None = None
) -> TicketRecord:
    """A record of an in-memory queue ticket (``BranchQueue``) from its history.

    issued_service: the service it was issued for; needed when it was transferred (the
    history names only where each transfer went), else its service is used.
    """
    steps: list[Step] = []
    for event in ticket.history:
        to_service = None
        if event.action == Action.TRANSFER.value:
            found = _TO_SERVICE.search(event.detail)
            to_service = found.group(1) if found else None
        steps.append(Step(event.action, event.at, event.counter_number, None, to_service))
    if issued_service is None and ticket.transfers:
        raise ValueError(
            f"ticket {ticket.number} was transferred (its history names only where each "
            "transfer went); pass issued_service"
        )
    return TicketRecord(
        ticket_id=ticket.ticket_id,
        number=ticket.number,
        business_day=ticket.business_day,
        service_code=issued_service or ticket.service_code,
        category=ticket.category,
        issued_at=ticket.arrived_at,
        state=ticket.state,
        steps=tuple(steps),
        print_status=print_status,
        appointment_at=ticket.appointment_at,
    )
