"""The queries of the reports and the end-of-day reconciliation (keyword-only arguments).

Tickets and their event log for a range of business days as plain rows (the report folds
them in Python, ``server.domain.report``), and SQL aggregates for the reconciliation's counts.
The same SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from server.domain.feedback import ComplaintState
from server.domain.states import Category, TicketState
from server.store.auth_tables import User
from server.store.feedback_tables import Complaint, Rating
from server.store.tables import IssuedCounter, Ticket, TicketEvent


class TicketRow(NamedTuple):
    """What a report reads of a ticket."""

    id: int
    number: str
    business_day: date
    service_code: str
    category: Category
    issued_at: datetime
    state: TicketState
    print_status: str
    appointment_at: datetime | None


class EventRow(NamedTuple):
    """What a report reads of a ticket's event (``details`` only for transfers)."""

    ticket_id: int
    action: str
    at: datetime
    counter_number: int | None
    teller_user_id: int | None


def _in_days(first_day: date, last_day: date) -> tuple[Any, Any]:
    return col(Ticket.business_day) >= first_day, col(Ticket.business_day) <= last_day


def tickets_of_days(session: Session, *, first_day: date, last_day: date) -> list[TicketRow]:
    """Every ticket of the business days ``first_day``..``last_day``, in issue order (plain
    rows, not ORM objects: a year of tickets is read in seconds)."""
    stmt = (
        sa.select(
            col(Ticket.id),
            col(Ticket.number),
            col(Ticket.business_day),
            col(Ticket.service_code),
            col(Ticket.category),
            col(Ticket.issued_at),
            col(Ticket.state),
            col(Ticket.print_status),
            col(Ticket.appointment_at),
        )
        .where(*_in_days(first_day, last_day))
        .order_by(col(Ticket.id))
    )
    return [TicketRow._make(row) for row in session.connection().execute(stmt).all()]


def events_of_days(
    session: Session, *, first_day: date, last_day: date, actions: Collection[str]
) -> dict[int, list[EventRow]]:
    """ticket id -> the days' tickets' events of ``actions``, in the order they were logged."""
    stmt = (
        sa.select(
            col(TicketEvent.ticket_id),
            col(TicketEvent.action),
            col(TicketEvent.at),
            col(TicketEvent.counter_number),
            col(TicketEvent.teller_user_id),
        )
        .join(Ticket, col(Ticket.id) == col(TicketEvent.ticket_id))
        .where(*_in_days(first_day, last_day), col(TicketEvent.action).in_(list(actions)))
        .order_by(col(TicketEvent.id))
    )
    out: dict[int, list[EventRow]] = {}
    for row in session.connection().execute(stmt).all():
        event = EventRow._make(row)
        out.setdefault(event.ticket_id, []).append(event)
    return out


def transfers_of_days(
    session: Session, *, first_day: date, last_day: date
) -> dict[int, list[dict[str, Any]]]:
    """ticket id -> the details of its transfers (from_service, to_service, ...) in order."""
    stmt = (
        select(TicketEvent.ticket_id, TicketEvent.details)
        .join(Ticket, col(Ticket.id) == col(TicketEvent.ticket_id))
        .where(*_in_days(first_day, last_day), TicketEvent.action == "transfer")
        .order_by(col(TicketEvent.id))
    )
    out: dict[int, list[dict[str, Any]]] = {}
    for ticket_id, details in session.exec(stmt).all():
        out.setdefault(int(ticket_id), []).append(dict(details or {}))
    return out


def scores_of_days(session: Session, *, first_day: date, last_day: date) -> dict[int, int]:
    """ticket id -> its customer's rating (1-5), for the rated tickets of the days."""
    stmt = (
        select(Rating.ticket_id, Rating.score)
        .join(Ticket, col(Ticket.id) == col(Rating.ticket_id))
        .where(*_in_days(first_day, last_day))
    )
    return {int(tid): int(score) for tid, score in session.exec(stmt).all()}


def complaints_of_days(session: Session, *, first_day: date, last_day: date) -> list[Complaint]:
    """The complaints opened on the business days ``first_day``..``last_day``."""
    stmt = (
        select(Complaint)
        .where(col(Complaint.business_day) >= first_day, col(Complaint.business_day) <= last_day)
        .order_by(col(Complaint.id))
    )
    return list(session.exec(stmt).all())


RESOLVED = ComplaintState.RESOLVED


def user_names(session: Session) -> dict[int, str]:
    """user id -> username (tellers named in the event log)."""
    rows = session.exec(select(User.id, User.username)).all()
    return {int(uid): name for uid, name in rows if uid is not None}


def state_counts(session: Session, *, business_day: date) -> dict[TicketState, int]:
    """The day's tickets counted by state."""
    stmt = (
        select(Ticket.state, func.count())
        .where(Ticket.business_day == business_day)
        .group_by(col(Ticket.state))
    )
    return {TicketState(state): int(n) for state, n in session.exec(stmt).all()}


def print_counts(session: Session, *, business_day: date) -> dict[str, int]:
    """The day's tickets counted by print status (printed, failed, pending)."""
    stmt = (
        select(Ticket.print_status, func.count())
        .where(Ticket.business_day == business_day)
        .group_by(col(Ticket.print_status))
    )
    return {str(status): int(n) for status, n in session.exec(stmt).all()}


def action_count(session: Session, *, business_day: date, action: str) -> int:
    """How many events of ``action`` the day's tickets have in the log."""
    stmt = (
        select(func.count())
        .select_from(TicketEvent)
        .join(Ticket, col(Ticket.id) == col(TicketEvent.ticket_id))
        .where(Ticket.business_day == business_day, TicketEvent.action == action)
    )
    return int(session.exec(stmt).one())


def numbering_issued(session: Session, *, business_day: date) -> int:
    """Tickets the numbering counted as issued that day (all services)."""
    stmt = select(func.coalesce(func.sum(IssuedCounter.issued), 0)).where(
        IssuedCounter.business_day == business_day
    )
    return int(session.exec(stmt).one())
