"""Repository functions: every query the use cases run, with keyword-only arguments.

Functions that lock (``for_update=True``) take row locks on PostgreSQL; on SQLite the write
session's ``BEGIN IMMEDIATE`` already serializes writers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, or_, update
from sqlmodel import Session, col, select

from server.domain.errors import UnknownEntity
from server.domain.states import Category, TicketState
from server.store.branch_rows import COUNTER_COLUMNS, CounterRow
from server.store.issuing import issuing_store
from server.store.raw import prepared
from server.store.tables import (
    BranchState,
    Counter,
    Service,
    ServiceStats,
    Ticket,
    TicketEvent,
)
from server.store.ticket_rows import TicketRow

WAITING = TicketState.WAITING
HELD = (TicketState.CALLED, TicketState.SERVING)


# ---- services, counters, categories ---------------------------------------------------------


def list_services(session: Session) -> list[Service]:
    return list(session.exec(select(Service).order_by(col(Service.sort_order))).all())


def get_service(session: Session, *, code: str) -> Service:
    row = session.get(Service, code)
    if row is None:
        known = [s.code for s in list_services(session)]
        raise UnknownEntity("service", code, known)
    return row


def list_counters(session: Session) -> list[Counter]:
    return list(session.exec(select(Counter).order_by(col(Counter.number))).all())


def get_counter(session: Session, *, number: int, for_update: bool = False) -> Counter:
    stmt = select(Counter).where(Counter.number == number)
    if for_update:
        stmt = stmt.with_for_update()
    row = session.exec(stmt).first()
    if row is None:
        known = [str(c.number) for c in list_counters(session)]
        raise UnknownEntity("counter", number, known)
    return row


def find_teller_counter(session: Session, *, teller_user_id: int) -> Counter | None:
    """The counter a teller is signed in to, if any."""
    stmt = select(Counter).where(Counter.teller_user_id == teller_user_id)
    return session.exec(stmt).first()


# ---- tickets ----------------------------------------------------------------------------------


def find_ticket_by_key(session: Session, *, idempotency_key: str) -> Ticket | None:
    stmt = select(Ticket).where(Ticket.idempotency_key == idempotency_key)
    return session.exec(stmt).first()


def get_ticket(session: Session, *, public_id: str, for_update: bool = False) -> Ticket:
    stmt = select(Ticket).where(Ticket.public_id == public_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = session.exec(stmt).first()
    if row is None:
        raise UnknownEntity("ticket", public_id)
    return row


def get_ticket_by_number(session: Session, *, number: str, business_day: date) -> Ticket | None:
    """Today's ACTIVE-or-not ticket with that printed number (newest first)."""
    stmt = (
        select(Ticket)
        .where(Ticket.number == number, Ticket.business_day == business_day)
        .order_by(col(Ticket.id).desc())
    )
    return session.exec(stmt).first()


_ticket = Ticket.__table__  # type: ignore[attr-defined]
_event = TicketEvent.__table__  # type: ignore[attr-defined]
_CLAIM = (
    update(_ticket)
    .where(_ticket.c.id == bindparam("ticket_id"), _ticket.c.state == WAITING)
    .values(
        state=TicketState.CALLED,
        counter_number=bindparam("counter"),
        called_at=bindparam("at"),
        target_counter=None,
        started_at=None,
    )
    .returning(_ticket.c.id)
)


def claim_waiting(session: Session, *, ticket_id: int, counter_number: int, at: datetime) -> bool:
    """WAITING -> CALLED at a counter, only if still WAITING (False: someone else took it).

    Writes every column the domain's call changes (``Desk.call``); the ORM's copy of the row
    (if loaded) is not touched: ``desks.told`` tells it."""
    conn = session.connection()
    values = {"ticket_id": ticket_id, "counter": counter_number, "at": at}
    return bool(prepared(_CLAIM, conn).rows(conn, values))


_counter = Counter.__table__  # type: ignore[attr-defined]
_COUNTER_AND_HELD = (
    select(*COUNTER_COLUMNS, *_ticket.columns)
    .select_from(
        _counter.outerjoin(
            _ticket,
            (_ticket.c.counter_number == _counter.c.number)
            & or_(*(_ticket.c.state == state for state in HELD)),
        )
    )
    .where(_counter.c.number == bindparam("number"))
)
_COUNTER_AND_HELD_LOCKED = _COUNTER_AND_HELD.with_for_update(of=_counter)


def counter_and_held(
    session: Session, *, number: int, for_update: bool = False
) -> tuple[CounterRow, TicketRow | None]:
    """A counter and the CALLED or SERVING ticket it holds, in one prepared read (for_update:
    the counter's row locked, PostgreSQL; SQLite's write transaction is the lock)."""
    conn = session.connection()
    stmt = _COUNTER_AND_HELD_LOCKED if for_update else _COUNTER_AND_HELD
    found = prepared(stmt, conn).rows(conn, {"number": number})
    if not found:
        known = [str(c.number) for c in list_counters(session)]
        raise UnknownEntity("counter", number, known)
    first = found[0]
    width = len(COUNTER_COLUMNS)
    counter = CounterRow(*first[:width])
    held = TicketRow(*first[width:]) if first[width] is not None else None
    return counter, held


_SAVE_COUNTER = (
    update(_counter)
    .where(_counter.c.number == bindparam("n"))
    .values(
        state=bindparam("state", type_=_counter.c.state.type),
        teller_user_id=bindparam("teller_id", type_=_counter.c.teller_user_id.type),
        teller_name=bindparam("teller", type_=_counter.c.teller_name.type),
    )
)


def save_counter(session: Session, counter: CounterRow) -> None:
    """Write a counter's state and signed-in teller."""
    conn = session.connection()
    values = {
        "n": counter.number,
        "state": counter.state,
        "teller_id": counter.teller_user_id,
        "teller": counter.teller_name,
    }
    prepared(_SAVE_COUNTER, conn).rows(conn, values)


# what an action on a ticket may change (``desks.write_back``)
TICKET_CHANGES = (
    "state",
    "service_code",
    "counter_number",
    "target_counter",
    "recall_count",
    "called_at",
    "started_at",
    "finished_at",
)
_SAVE_TICKET = (
    update(_ticket)
    .where(_ticket.c.id == bindparam("ticket_id"))
    .values({name: bindparam(name, type_=_ticket.c[name].type) for name in TICKET_CHANGES})
)


def save_ticket(session: Session, ticket_id: int, values: dict[str, Any]) -> None:
    """Write ``values`` (every column of ``TICKET_CHANGES``) to the ticket's row."""
    conn = session.connection()
    prepared(_SAVE_TICKET, conn).rows(conn, {"ticket_id": ticket_id, **values})


def held_tickets(session: Session) -> dict[int, Ticket]:
    stmt = select(Ticket).where(
        col(Ticket.state).in_(HELD), col(Ticket.counter_number).is_not(None)
    )
    return {t.counter_number: t for t in session.exec(stmt).all() if t.counter_number is not None}


def tickets_by_public_ids(session: Session, *, public_ids: Iterable[str]) -> list[Ticket]:
    ids = list(public_ids)
    if not ids:
        return []
    return list(session.exec(select(Ticket).where(col(Ticket.public_id).in_(ids))).all())


def waiting_in_order(session: Session, *, business_day: date) -> list[tuple[int, str]]:
    """(id, service code) of the day's WAITING tickets of every service, first arrival first
    (the tickets before one in it are those ahead of it)."""
    stmt = (
        select(Ticket.id, Ticket.service_code)
        .where(Ticket.business_day == business_day, Ticket.state == WAITING)
        .order_by(col(Ticket.arrived_at), col(Ticket.id))
    )
    return [(int(i), code) for i, code in session.exec(stmt).all() if i is not None]


def active_before(
    session: Session, *, business_day: date, states: Iterable[TicketState]
) -> list[Ticket]:
    """Tickets of earlier business days still in one of ``states`` (rollover)."""
    stmt = select(Ticket).where(
        col(Ticket.business_day) < business_day, col(Ticket.state).in_(list(states))
    )
    return list(session.exec(stmt).all())


def recent_calls(session: Session, *, limit: int) -> list[tuple[TicketEvent, Ticket]]:
    """The newest call/recall events with their tickets, newest first."""
    stmt = (
        select(TicketEvent, Ticket)
        .join(Ticket, col(Ticket.id) == col(TicketEvent.ticket_id))
        .where(col(TicketEvent.action).in_(("call", "recall", "unpark")))
        .order_by(col(TicketEvent.id).desc())
        .limit(limit)
    )
    return [(ev, t) for ev, t in session.exec(stmt).all()]


_RECENT_CATEGORIES = (
    select(_ticket.c.category)
    .join(_event, _ticket.c.id == _event.c.ticket_id)
    .where(_event.c.action == "call")
    .order_by(_event.c.id.desc())
    .limit(bindparam("limit"))
)


def recent_call_categories(session: Session, *, limit: int) -> list[Category]:
    """Categories of the most recent first calls at the branch, newest LAST."""
    conn = session.connection()
    rows = prepared(_RECENT_CATEGORIES, conn).rows(conn, {"limit": limit})
    return [Category(r[0]) for r in reversed(rows)]


def append_event(
    session: Session,
    *,
    ticket_id: int,
    action: str,
    at: datetime,
    counter_number: int | None = None,
    teller_user_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """One row of the ticket event log (the issuing store's insert: one statement for both)."""
    conn = session.connection()
    row = {
        "ticket_id": ticket_id,
        "action": action,
        "at": at,
        "counter_number": counter_number,
        "teller_user_id": teller_user_id,
        "details": details or {},
    }
    issuing_store(conn).insert_events(conn, [row])


def get_stats(
    session: Session, *, service_code: str, for_update: bool = False
) -> ServiceStats | None:
    stmt = select(ServiceStats).where(ServiceStats.service_code == service_code)
    if for_update:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def branch_state(session: Session, *, for_update: bool = False) -> BranchState | None:
    """The branch-state row (id 1; created by ``sync_branch`` at startup)."""
    stmt = select(BranchState).where(BranchState.id == 1)
    if for_update:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def oldest_waiting_by_service(session: Session, *, business_day: date) -> dict[str, datetime]:
    """Each service's earliest original arrival among its WAITING tickets of the day."""
    stmt = (
        select(Ticket.service_code, func.min(Ticket.arrived_at))
        .where(Ticket.business_day == business_day, Ticket.state == WAITING)
        .group_by(col(Ticket.service_code))
    )
    return {code: at for code, at in session.exec(stmt).all() if at is not None}
