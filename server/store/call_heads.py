"""Call-next's read: the head tickets of the candidate groups (``server.domain.heads``).

ONE statement per call, whatever the length of the queue (the heads' whole rows, prepared:
no ORM work): for every group two ``LIMIT 1`` look-ups, each a seek in an index whose order
is the domain's ``HEAD_ORDER`` (``ix_ticket_call_head``: the group's columns, then
arrived_at, id), the second over the tickets with an appointment only (the partial index
``ix_ticket_appointment_head``); and the tickets transferred to the counter, one range of the
partial index ``ix_ticket_transferred``. The statement is built once per number of groups.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Select, bindparam, select, union_all
from sqlalchemy.engine import Dialect
from sqlmodel import Session

from server.domain.heads import HeadQuery
from server.domain.states import TicketState
from server.store.raw import Prepared, prepare
from server.store.tables import Ticket
from server.store.ticket_rows import TicketRow, ticket_rows

_ticket = Ticket.__table__  # type: ignore[attr-defined]
# HEAD_ORDER: (arrived_at, issue_seq); the issue_seq of a ticket is its row id
_ORDER = (_ticket.c.arrived_at, _ticket.c.id)


def _heads_of(i: int) -> list[Select[Any]]:
    in_group = select(_ticket.c.id).where(
        _ticket.c.business_day == bindparam("day"),
        _ticket.c.state == TicketState.WAITING,
        _ticket.c.service_code == bindparam(f"s{i}"),
        _ticket.c.category == bindparam(f"c{i}"),
        _ticket.c.target_counter.is_(None),
    )
    first = in_group.order_by(*_ORDER).limit(1).subquery()
    appointed = (
        in_group.where(
            _ticket.c.appointment_at >= bindparam("appointment_from"),
            _ticket.c.appointment_at <= bindparam("appointment_to"),
        )
        .order_by(*_ORDER)
        .limit(1)
        .subquery()
    )
    return [select(first.c.id), select(appointed.c.id)]


# every waiting ticket transferred to the counter (a handful: ``ix_ticket_transferred``)
_TRANSFERRED = select(_ticket.c.id).where(
    _ticket.c.target_counter == bindparam("to"),
    _ticket.c.business_day == bindparam("day"),
    _ticket.c.state == TicketState.WAITING,
)
_prepared: WeakKeyDictionary[Dialect, dict[int, Prepared]] = WeakKeyDictionary()


def _statement(dialect: Dialect, groups: int) -> Prepared:
    """The heads' rows for that many groups, and the tickets transferred to ``:to``."""
    shapes = _prepared.setdefault(dialect, {})
    found = shapes.get(groups)
    if found is not None:
        return found
    heads: list[Select[Any]] = [_TRANSFERRED]
    for i in range(groups):
        heads += _heads_of(i)
    rows = ticket_rows(_ticket.c.id.in_(union_all(*heads)))
    made = shapes[groups] = prepare(rows, dialect)
    return made


def group_heads(session: Session, *, business_day: date, query: HeadQuery) -> list[TicketRow]:
    """The WAITING tickets of the day that head a group of ``query``: its first ticket in
    ``HEAD_ORDER``, and its first with an appointment in the query's window (at most two rows
    per group; fewer when groups are empty); and those transferred to the query's counter.
    One statement, rows as ``TicketRow``."""
    values: dict[str, Any] = {
        "day": business_day,
        "appointment_from": query.appointment_from,
        "appointment_to": query.appointment_to,
        "to": query.counter_number,
    }
    for i, group in enumerate(query.untransferred):
        values[f"s{i}"], values[f"c{i}"] = group.service_code, group.category
    conn = session.connection()
    stmt = _statement(conn.dialect, len(query.untransferred))
    return [TicketRow(*row) for row in stmt.rows(conn, values)]
