"""The hot paths' statements (issuing, call-next's read), built once with bind parameters
and run on the session's connection (no ORM unit of work).

All run inside the caller's write transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from server.domain.errors import UnknownEntity
from server.store.tables import (
    Counter,
    CounterSkill,
    IssuedCounter,
    Service,
    ServiceStats,
    Ticket,
    TicketEvent,
)

_ticket = Ticket.__table__  # type: ignore[attr-defined]
_event = TicketEvent.__table__  # type: ignore[attr-defined]
_service = Service.__table__  # type: ignore[attr-defined]
_issued = IssuedCounter.__table__  # type: ignore[attr-defined]
_skill = CounterSkill.__table__  # type: ignore[attr-defined]
_counter = Counter.__table__  # type: ignore[attr-defined]
_stats = ServiceStats.__table__  # type: ignore[attr-defined]

_SERVICE = select(_service).where(_service.c.code == bindparam("code"))
_BY_KEY = select(_ticket.c.id).where(_ticket.c.idempotency_key == bindparam("key"))
_INSERT_TICKET = insert(_ticket).returning(_ticket.c.id)
_INSERT_EVENT = insert(_event)


def _upsert(dialect: Any) -> Any:
    ins = dialect.insert(_issued).values(
        service_code=bindparam("code"), business_day=bindparam("day"), issued=1
    )
    return ins.on_conflict_do_update(
        index_elements=["service_code", "business_day"], set_={"issued": _issued.c.issued + 1}
    ).returning(_issued.c.issued)


_UPSERT = {"sqlite": _upsert(sqlite), "postgresql": _upsert(postgresql)}

_FIGURES = select(
    select(func.count())
    .select_from(_ticket)
    .where(
        _ticket.c.business_day == bindparam("day"),
        _ticket.c.state == "WAITING",
        _ticket.c.service_code == bindparam("code"),
    )
    .scalar_subquery(),
    select(func.count())
    .select_from(_skill.join(_counter, _counter.c.number == _skill.c.counter_number))
    .where(
        _skill.c.service_code == bindparam("code"),
        _counter.c.state == "OPEN",
        _skill.c.weight > 0,
    )
    .scalar_subquery(),
    select(_stats.c.avg_service_s)
    .where(_stats.c.service_code == bindparam("code"), _stats.c.samples > 0)
    .scalar_subquery(),
)


_WAITING = (
    select(
        _ticket.c.id,
        _ticket.c.number,
        _ticket.c.service_code,
        _ticket.c.category,
        _ticket.c.arrived_at,
        _ticket.c.appointment_at,
        _ticket.c.target_counter,
    )
    .where(_ticket.c.business_day == bindparam("day"), _ticket.c.state == "WAITING")
    .order_by(_ticket.c.arrived_at, _ticket.c.id)
)


def _conn(session: Session) -> Connection:
    return session.connection()


def service_row(session: Session, *, code: str) -> Service:
    """The service (a detached row object); UnknownEntity naming the known codes."""
    row = _conn(session).execute(_SERVICE, {"code": code}).mappings().first()
    if row is None:
        known = list(
            _conn(session)
            .execute(select(_service.c.code).order_by(_service.c.sort_order))
            .scalars()
        )
        raise UnknownEntity("service", code, known)
    return Service(**row)


def ticket_id_by_key(session: Session, *, idempotency_key: str) -> int | None:
    found = _conn(session).execute(_BY_KEY, {"key": idempotency_key}).scalar()
    return int(found) if found is not None else None


def next_issue_count(session: Session, *, service_code: str, business_day: date) -> int:
    """Count one more ticket for (service, day); returns how many were issued BEFORE it.

    One upsert in the caller's transaction (it locks the row until commit), so the number is
    unique per service per day under concurrency and survives restarts.
    """
    conn = _conn(session)
    stmt = _UPSERT["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    issued = conn.execute(stmt, {"code": service_code, "day": business_day}).scalar_one()
    return int(issued) - 1


def insert_ticket(session: Session, *, ticket: Ticket) -> int:
    """INSERT the ticket; returns its id (also set on ``ticket``)."""
    values = {c.name: getattr(ticket, c.name) for c in _ticket.columns if c.name != "id"}
    new_id = int(_conn(session).execute(_INSERT_TICKET, values).scalar_one())
    ticket.id = new_id
    return new_id


def insert_event(
    session: Session, *, ticket_id: int, action: str, at: datetime, details: dict[str, Any]
) -> None:
    _conn(session).execute(
        _INSERT_EVENT,
        {
            "ticket_id": ticket_id,
            "action": action,
            "at": at,
            "counter_number": None,
            "teller_user_id": None,
            "details": details,
        },
    )


def queue_figures(
    session: Session, *, service_code: str, business_day: date
) -> tuple[int, int, float | None]:
    """(waiting, open counters serving it, measured average service time or None): 1 query."""
    row = _conn(session).execute(_FIGURES, {"code": service_code, "day": business_day}).one()
    return int(row[0]), int(row[1]), (float(row[2]) if row[2] is not None else None)


def waiting_rows(session: Session, *, business_day: date) -> Sequence[Any]:
    """What the call policy needs of every WAITING ticket of the day (call-next's read)."""
    return _conn(session).execute(_WAITING, {"day": business_day}).all()
