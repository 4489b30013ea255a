"""A ticket as the in-memory queue engine keeps it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from server.domain.model import Candidate
from server.domain.states import Category, TicketState


@dataclass(frozen=True)
class TicketEvent:
    """One entry of a ticket's history: what happened, when, at which counter."""

    action: str
    at: datetime
    counter_number: int | None = None
    detail: str = ""


@dataclass
class Ticket:
    """A ticket of the queue; mutable, changed only by BranchQueue.

    arrived_at: the original arrival, kept across transfers; issue_seq: global FIFO order;
    counter_number: the counter holding it (CALLED, SERVING or PARKED) or that last held it
    (a finished ticket names the counter that served it); None while it waits;
    target_counter: the counter it was transferred to while it waits, else None.
    """

    ticket_id: int
    number: str
    value: int
    service_code: str
    category: Category
    business_day: date
    arrived_at: datetime
    issue_seq: int
    state: TicketState = TicketState.WAITING
    appointment_at: datetime | None = None
    counter_number: int | None = None
    target_counter: int | None = None
    recalls: int = 0
    transfers: int = 0
    called_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    reason_en: str = ""
    reason_zh: str = ""
    history: list[TicketEvent] = field(default_factory=list)

    def candidate(self) -> Candidate:
        """The ticket as the call policy sees it."""
        return Candidate(
            ticket_id=self.ticket_id,
            number=self.number,
            service_code=self.service_code,
            category=self.category,
            arrived_at=self.arrived_at,
            issue_seq=self.issue_seq,
            appointment_at=self.appointment_at,
            target_counter=self.target_counter,
        )
