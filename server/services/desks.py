"""Rows <-> the domain's aggregate: build a ``Desk`` (and its tickets) from database rows, and
write back what the domain changed. The use cases ask the Desk; they decide nothing here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from server.domain.desk import Desk
from server.domain.model import CounterDef
from server.domain.ticket import Ticket as DomainTicket
from server.store import branch_rows, repo
from server.store.branch_rows import CounterRow
from server.store.ticket_rows import TicketLike, TicketRow


def to_domain(row: TicketLike) -> DomainTicket:
    """The ticket as the rules see it (``issue_seq`` is the row id: the global issue order)."""
    assert row.id is not None
    return DomainTicket(
        ticket_id=row.id,
        number=row.number,
        value=row.number_value,
        service_code=row.service_code,
        category=row.category,
        business_day=row.business_day,
        arrived_at=row.arrived_at,
        issue_seq=row.id,
        state=row.state,
        appointment_at=row.appointment_at,
        counter_number=row.counter_number,
        target_counter=row.target_counter,
        recalls=row.recall_count,
        called_at=row.called_at,
        started_at=row.started_at,
        ended_at=row.finished_at,
    )


def _changes(ticket: DomainTicket) -> dict[str, Any]:
    """The row's values for what an action may change (``repo.TICKET_CHANGES``)."""
    return {
        "state": ticket.state,
        "service_code": ticket.service_code,
        "counter_number": ticket.counter_number,
        "target_counter": ticket.target_counter,
        "recall_count": ticket.recalls,
        "called_at": ticket.called_at,
        "started_at": ticket.started_at,
        "finished_at": ticket.ended_at,
    }


def write_back(ticket: DomainTicket, row: TicketLike, session: Session) -> TicketLike:
    """Write what an action may change from the domain's ticket to its row in the database (one
    prepared UPDATE); the row as it now is (see ``told``)."""
    repo.save_ticket(session, ticket.ticket_id, _changes(ticket))
    return told(ticket, row)


def told(ticket: DomainTicket, row: TicketLike) -> TicketLike:
    """``row`` as the database has it after ``ticket`` was written (by ``write_back``, or by
    ``repo.claim_waiting``, whose UPDATE is a call's whole write): an ORM row is told in place
    (nothing left for the ORM to flush), a ``TicketRow`` is replaced."""
    changes = _changes(ticket)
    if isinstance(row, TicketRow):
        return row._replace(**changes)
    for key, value in changes.items():
        set_committed_value(row, key, value)
    return row


def counter_def(session: Session, row: CounterRow) -> CounterDef:
    """The counter's definition with the services it serves (its skills, as admins set them)."""
    skills = branch_rows.skills(session.connection()).get(row.number, {})
    return CounterDef(row.number, row.name_zh, row.name_en, skills)


def desk_of(counter: CounterDef, row: CounterRow, held: TicketRow | None) -> Desk:
    """The Desk of a counter as read (``repo.counter_and_held``), with its definition."""
    return Desk(
        counter=counter,
        state=row.state,
        teller_user_id=row.teller_user_id,
        teller_name=row.teller_name,
        held=to_domain(held) if held is not None else None,
    )


class LoadedDesk:
    """A Desk built from its counter (locked) and held ticket, read in one prepared statement,
    and how to save it."""

    def __init__(
        self, session: Session, *, counter_number: int, counter: CounterDef | None = None
    ) -> None:
        """counter: its definition if the use case has read it already (``live_config``)."""
        self.session = session
        self.row, self.held_row = repo.counter_and_held(
            session, number=counter_number, for_update=True
        )
        if counter is None:
            counter = counter_def(session, self.row)
        self.desk = desk_of(counter, self.row, self.held_row)

    def held(self) -> tuple[DomainTicket, TicketRow] | None:
        if self.held_row is None or self.desk.held is None:
            return None
        return self.desk.held, self.held_row

    def held_row_after(self, ticket: DomainTicket, row: TicketLike) -> TicketLike | None:
        """The row of the ticket the counter holds after an action on ``ticket`` (``row``)."""
        if self.desk.held is None:
            return None
        return row if self.desk.held is ticket else self.held_row

    def save_counter(self) -> None:
        """Persist the counter's state and signed-in teller."""
        self.row = self.row._replace(
            state=self.desk.state,
            teller_user_id=self.desk.teller_user_id,
            teller_name=self.desk.teller_name,
        )
        repo.save_counter(self.session, self.row)
