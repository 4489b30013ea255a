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
_BY_KEYS = select(_ticket.c.idempotency_key, _ticket.c.id).where(
    _ticket.c.idempotency_key.in_(bindparam("keys", expanding=True))
)
_SERVICES = select(_service).where(_service.c.code.in_(bindparam("codes", expanding=True)))
_INSERT_TICKET = insert(_ticket).returning(_ticket.c.id)
_INSERT_TICKETS = insert(_ticket).returning(_ticket.c.id, sort_by_parameter_order=True)
_INSERT_EVENT = insert(_event)


def _upsert(dialect: Any) -> Any:
    ins = dialect.insert(_issued).values(
        service_code=bindparam("code"), business_day=bindparam("day"), issued=bindparam("n")
    )
    return ins.on_conflict_do_update(
        index_elements=["service_code", "business_day"],
        set_={"issued": _issued.c.issued + ins.excluded.issued},
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
    return reserve_numbers(session, service_code=service_code, business_day=business_day, count=1)


def reserve_numbers(session: Session, *, service_code: str, business_day: date, count: int) -> int:
    """Count ``count`` more tickets for (service, day) in one upsert; returns how many were
    issued BEFORE them. ``count`` may be negative to give back numbers reserved earlier in the
    same transaction (the row stays locked until commit, so nobody else saw them)."""
    conn = _conn(session)
    stmt = _UPSERT["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    params = {"code": service_code, "day": business_day, "n": count}
    issued = conn.execute(stmt, params).scalar_one()
    return int(issued) - count


def insert_ticket(session: Session, *, ticket: Ticket) -> int:
    """INSERT the ticket; returns its id (also set on ``ticket``)."""
    values = {c.name: getattr(ticket, c.name) for c in _ticket.columns if c.name != "id"}
    new_id = int(_conn(session).execute(_INSERT_TICKET, values).scalar_one())
    ticket.id = new_id
    return new_id


def ticket_ids_by_keys(session: Session, *, keys: Sequence[str]) -> dict[str, int]:
    """idempotency key -> ticket id, for the keys already used (one query)."""
    if not keys:
        return {}
    rows = _conn(session).execute(_BY_KEYS, {"keys": list(keys)}).all()
    return {str(k): int(i) for k, i in rows}


def service_rows(session: Session, *, codes: Sequence[str]) -> dict[str, Service]:
    """code -> service (detached row objects) for the known ones of ``codes`` (one query)."""
    rows = _conn(session).execute(_SERVICES, {"codes": list(codes)}).mappings().all()
    return {str(r["code"]): Service(**r) for r in rows}


def known_service_codes(session: Session) -> list[str]:
    return list(
        _conn(session).execute(select(_service.c.code).order_by(_service.c.sort_order)).scalars()
    )


def insert_tickets(session: Session, *, tickets: Sequence[Ticket]) -> list[int]:
    """INSERT the tickets in one statement; returns their ids in order (also set on each)."""
    rows = [
        {c.name: getattr(t, c.name) for c in _ticket.columns if c.name != "id"} for t in tickets
    ]
    ids = [int(i) for i in _conn(session).execute(_INSERT_TICKETS, rows).scalars()]
    for ticket, new_id in zip(tickets, ids, strict=True):
        ticket.id = new_id
    return ids


def insert_events(session: Session, *, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT event-log rows (keys: ticket_id, action, at, details) in one statement."""
    if rows:
        full = [{"counter_number": None, "teller_user_id": None, **r} for r in rows]
        _conn(session).execute(_INSERT_EVENT, full)


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
