"""The queries of the reports and the end-of-day reconciliation (keyword-only arguments).

Tickets and their event log for a range of business days (the report folds them in Python,
``server.domain.report``), and SQL aggregates for the reconciliation's counts. The same SQL
on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from server.domain.feedback import ComplaintState
from server.domain.states import TicketState
from server.store.auth_tables import User
from server.store.feedback_tables import Complaint, Rating
from server.store.tables import IssuedCounter, Ticket, TicketEvent

EVENT_CHUNK = 500  # ticket ids per IN (...) list


def tickets_of_days(session: Session, *, first_day: date, last_day: date) -> list[Ticket]:
    """Every ticket of the business days ``first_day``..``last_day``, in issue order."""
    stmt = (
        select(Ticket)
        .where(col(Ticket.business_day) >= first_day, col(Ticket.business_day) <= last_day)
        .order_by(col(Ticket.id))
    )
    return list(session.exec(stmt).all())


def events_of_tickets(
    session: Session, *, ticket_ids: Sequence[int]
) -> dict[int, list[TicketEvent]]:
    """ticket id -> its events in the order they were logged."""
    out: dict[int, list[TicketEvent]] = {}
    for start in range(0, len(ticket_ids), EVENT_CHUNK):
        chunk = list(ticket_ids[start : start + EVENT_CHUNK])
        stmt = (
            select(TicketEvent)
            .where(col(TicketEvent.ticket_id).in_(chunk))
            .order_by(col(TicketEvent.id))
        )
        for event in session.exec(stmt).all():
            out.setdefault(event.ticket_id, []).append(event)
    return out


def scores_of_tickets(session: Session, *, ticket_ids: Sequence[int]) -> dict[int, int]:
    """ticket id -> its customer's rating (1-5), for the rated ones."""
    out: dict[int, int] = {}
    for start in range(0, len(ticket_ids), EVENT_CHUNK):
        chunk = list(ticket_ids[start : start + EVENT_CHUNK])
        stmt = select(Rating.ticket_id, Rating.score).where(col(Rating.ticket_id).in_(chunk))
        out.update({int(tid): int(score) for tid, score in session.exec(stmt).all()})
    return out


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
