"""A ticket's row read with a prepared statement (``server.store.raw``): ``TicketRow``, every
column of the ticket table as ``execute`` returns it, for hot paths that read tickets without
the ORM (call-next's candidates). Read models take it as they take the ORM's ``Ticket``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, select

from server.domain.states import Category, TicketState
from server.store.tables import Ticket

_ticket = Ticket.__table__  # type: ignore[attr-defined]


class TicketRow(NamedTuple):
    """A ticket as stored (the ticket table's columns, in its order)."""

    id: int
    public_id: str
    service_code: str
    number: str
    number_value: int
    category: Category
    state: TicketState
    language: str
    counter_number: int | None
    target_counter: int | None
    business_day: date
    arrived_at: datetime
    issued_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    appointment_at: datetime | None
    recall_count: int
    idempotency_key: str | None
    print_status: str
    print_error: str | None


if TicketRow._fields != tuple(c.name for c in _ticket.columns):  # a column added or moved
    raise ImportError("TicketRow's fields are not the ticket table's columns, in order")


def ticket_rows(where: Any) -> Select[Any]:
    """SELECT every column of the tickets ``where`` says, for ``TicketRow(*row)``."""
    return select(*_ticket.columns).where(where)


TicketLike = Ticket | TicketRow  # what read models and the domain's builders take
