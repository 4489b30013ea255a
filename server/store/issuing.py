"""The hot paths' statements (issuing, call-next's read), built once with bind parameters
and run on the session's connection (no ORM unit of work).

All run inside the caller's write transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, bindparam, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlmodel import Session

from server.store.raw import RawStatement
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
_INSERT_TICKETS = insert(_ticket).returning(_ticket.c.id, sort_by_parameter_order=True)
_INSERT_EVENT = insert(_event)
_EVENT_COLUMNS = ("ticket_id", "action", "at", "counter_number", "teller_user_id", "details")


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
    select(_issued.c.issued)
    .where(_issued.c.service_code == bindparam("code"), _issued.c.business_day == bindparam("day"))
    .scalar_subquery(),
    select(func.count())
    .select_from(_skill.join(_counter, _counter.c.number == _skill.c.counter_number))
    .where(
        _skill.c.service_code == bindparam("code"),
        _counter.c.state != "CLOSED",  # OPEN or PAUSED
        _skill.c.weight > 0,
    )
    .scalar_subquery(),
    select(func.count())
    .select_from(_counter)
    .where(_counter.c.state != "CLOSED")  # OPEN or PAUSED
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


def _conn(session: Session | Connection) -> Connection:
    return session if isinstance(session, Connection) else session.connection()


class _Raw:
    """The issuing statements compiled for one SQLite dialect (see ``server.store.raw``)."""

    def __init__(self, dialect: Dialect) -> None:
        self.by_key = RawStatement(_BY_KEY, dialect)
        self.service = RawStatement(_SERVICE, dialect)
        self.service_keys = tuple(c.key for c in _SERVICE.selected_columns)
        self.upsert = RawStatement(_UPSERT["sqlite"], dialect)
        self.insert_ticket = RawStatement(
            insert(_ticket).returning(_ticket.c.id), dialect, column_keys=TICKET_COLUMNS
        )
        self.insert_event = RawStatement(_INSERT_EVENT, dialect, column_keys=_EVENT_COLUMNS)
        self.figures = RawStatement(_FIGURES, dialect)


_raw_by_dialect: WeakKeyDictionary[Dialect, _Raw] = WeakKeyDictionary()


def _raw(conn: Connection) -> _Raw | None:
    """The raw statements when ``conn`` is SQLite through ``sqlite3``, else None."""
    dialect = conn.dialect
    if dialect.name != "sqlite" or dialect.driver != "pysqlite":
        return None
    raw = _raw_by_dialect.get(dialect)
    if raw is None:
        raw = _raw_by_dialect[dialect] = _Raw(dialect)
    return raw


def reserve_numbers(
    session: Session | Connection, *, service_code: str, business_day: date, count: int
) -> int:
    """Count ``count`` more tickets for (service, day) in one upsert; returns how many were
    issued BEFORE them. ``count`` may be negative to give back numbers reserved earlier in the
    same transaction (the row stays locked until commit, so nobody else saw them)."""
    conn = _conn(session)
    params = {"code": service_code, "day": business_day, "n": count}
    raw = _raw(conn)
    if raw is not None:
        return int(raw.upsert.rows(conn, params)[0][0]) - count
    stmt = _UPSERT["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    issued = conn.execute(stmt, params).scalar_one()
    return int(issued) - count


def ticket_ids_by_keys(session: Session | Connection, *, keys: Sequence[str]) -> dict[str, int]:
    """idempotency key -> ticket id, for the keys already used (one query)."""
    if not keys:
        return {}
    conn = _conn(session)
    raw = _raw(conn)
    if len(keys) == 1 and raw is not None:
        hit = raw.by_key.rows(conn, {"key": keys[0]})
        return {keys[0]: int(hit[0][0])} if hit else {}
    if len(keys) == 1:
        found = conn.execute(_BY_KEY, {"key": keys[0]}).scalar()
        return {} if found is None else {keys[0]: int(found)}
    rows = conn.execute(_BY_KEYS, {"keys": list(keys)}).all()
    return {str(k): int(i) for k, i in rows}


def service_values(session: Session | Connection, *, codes: Sequence[str]) -> dict[str, Any]:
    """code -> the service's row (a read-only mapping of its columns), for the known codes."""
    conn = _conn(session)
    raw = _raw(conn)
    if len(codes) == 1 and raw is not None:
        found = [
            dict(zip(raw.service_keys, r, strict=True))
            for r in raw.service.rows(conn, {"code": codes[0]})
        ]
        for r in found:
            r["is_open"] = bool(r["is_open"])
        return {str(r["code"]): r for r in found}
    if len(codes) == 1:
        rows = conn.execute(_SERVICE, {"code": codes[0]}).mappings().all()
    else:
        rows = conn.execute(_SERVICES, {"codes": list(codes)}).mappings().all()
    return {str(r["code"]): r for r in rows}


def known_service_codes(session: Session | Connection) -> list[str]:
    return list(
        _conn(session).execute(select(_service.c.code).order_by(_service.c.sort_order)).scalars()
    )


TICKET_COLUMNS: tuple[str, ...] = tuple(c.name for c in _ticket.columns if c.name != "id")


def insert_ticket_rows(
    session: Session | Connection, *, rows: Sequence[dict[str, Any]]
) -> list[int]:
    """INSERT tickets (each a dict of every column in TICKET_COLUMNS) in one statement;
    returns their ids in order."""
    conn = _conn(session)
    raw = _raw(conn)
    if raw is not None:
        return [int(raw.insert_ticket.rows(conn, r)[0][0]) for r in rows]
    return [int(i) for i in conn.execute(_INSERT_TICKETS, list(rows)).scalars()]


def insert_events(session: Session | Connection, *, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT event-log rows (keys: ticket_id, action, at, details) in one statement."""
    if rows:
        full = [{"counter_number": None, "teller_user_id": None, **r} for r in rows]
        conn = _conn(session)
        raw = _raw(conn)
        if raw is not None:
            raw.insert_event.many(conn, full)
        else:
            conn.execute(_INSERT_EVENT, full)


class QueueFigures(NamedTuple):
    """One service's queue as the database has it now."""

    waiting: int  # WAITING tickets of the day
    open_counters: int  # OPEN counters serving it
    measured_s: float | None  # measured average service time (seconds), None before any
    issued_today: int  # tickets issued this business day
    serving_counters: int  # OPEN or PAUSED counters serving it
    branch_open: bool  # some counter of the branch is OPEN or PAUSED


def queue_figures(
    session: Session | Connection, *, service_code: str, business_day: date
) -> QueueFigures:
    """One service's queue figures in 1 query."""
    conn = _conn(session)
    params = {"code": service_code, "day": business_day}
    raw = _raw(conn)
    row = (
        raw.figures.rows(conn, params)[0]
        if raw is not None
        else conn.execute(_FIGURES, params).one()
    )
    return QueueFigures(
        waiting=int(row[0]),
        open_counters=int(row[1]),
        measured_s=float(row[2]) if row[2] is not None else None,
        issued_today=int(row[3] or 0),
        serving_counters=int(row[4]),
        branch_open=int(row[5]) > 0,
    )


def waiting_rows(session: Session, *, business_day: date) -> Sequence[Any]:
    """What the call policy needs of every WAITING ticket of the day (call-next's read)."""
    return _conn(session).execute(_WAITING, {"day": business_day}).all()
