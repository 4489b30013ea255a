"""The store of the issuing hot path: ``IssuingStore``, one method per question or write.

Each method is ONE statement, prepared once per dialect (``server.store.raw.prepare``: on the
``sqlite3`` cursor for SQLite, through Core elsewhere); only the numbering upsert is written
per dialect (``ON CONFLICT`` comes from the dialect's own ``insert``). Everything runs inside
the caller's write transaction, on its connection; nothing here commits.

Also the queue figures shared with the views.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import date
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, bindparam, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlmodel import Session

from server.domain.estimate import estimate_shared_wait_s
from server.domain.model import ServiceDef
from server.domain.numbering import Numbering
from server.domain.transitions import ACTIVE_STATES
from server.store.raw import Prepared, prepare
from server.store.tables import (
    BranchState,
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
_branch = BranchState.__table__  # type: ignore[attr-defined]

TICKET_COLUMNS: tuple[str, ...] = tuple(c.name for c in _ticket.columns if c.name != "id")
_EVENT_COLUMNS = ("ticket_id", "action", "at", "counter_number", "teller_user_id", "details")
_SERVICE_FIELDS = tuple(f.name for f in fields(ServiceDef))
# open tickets, as an OR of equalities (one bound value each: the raw runner has no IN lists)
_OPEN = sorted(state.value for state in ACTIVE_STATES)

_BY_KEY = select(_ticket.c.id).where(_ticket.c.idempotency_key == bindparam("key"))
_SERVICE = select(*(_service.c[name] for name in _SERVICE_FIELDS)).where(
    _service.c.code == bindparam("code")
)
_SERVICE_CODES = select(_service.c.code).order_by(_service.c.sort_order, _service.c.code)
_DAY = select(_branch.c.business_day).where(_branch.c.id == 1)
_STOPPED = select(_branch.c.emergency_kind, _branch.c.emergency_zh, _branch.c.emergency_en).where(
    _branch.c.id == 1
)
_LIVE = select(_ticket.c.number).where(
    _ticket.c.business_day == bindparam("day"),
    _ticket.c.number.between(bindparam("first"), bindparam("last")),
    or_(*(_ticket.c.state == state for state in _OPEN)),
)
_SAVE = (
    update(_issued)
    .where(_issued.c.service_code == bindparam("code"), _issued.c.business_day == bindparam("day"))
    .values(issued=bindparam("issued"), last_value=bindparam("last"))
)
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
    select(func.count())
    .select_from(_ticket)
    .where(
        _ticket.c.business_day == bindparam("day"),
        or_(*(_ticket.c.state == state for state in _OPEN)),
        _ticket.c.service_code == bindparam("code"),
    )
    .scalar_subquery(),
)
_WAITING_BY_SERVICE = (
    select(_ticket.c.service_code, func.count())
    .where(_ticket.c.business_day == bindparam("day"), _ticket.c.state == "WAITING")
    .group_by(_ticket.c.service_code)
)
_AVERAGES = select(
    _service.c.code, _service.c.default_service_s, _stats.c.avg_service_s
).select_from(
    _service.outerjoin(_stats, (_stats.c.service_code == _service.c.code) & (_stats.c.samples > 0))
)
_OPEN_SKILLS = (
    select(_skill.c.counter_number, _skill.c.service_code)
    .select_from(_skill.join(_counter, _counter.c.number == _skill.c.counter_number))
    .where(_counter.c.state == "OPEN", _skill.c.weight > 0)
)


class FloorFigures(NamedTuple):
    """What a wait estimate needs of the whole floor now: WAITING tickets of the day per
    service, each service's average service time (measured, else its default), and each OPEN
    counter's services (``server.domain.estimate.estimate_shared_wait_s`` does the sums)."""

    waiting: Mapping[str, int]
    avg_s: Mapping[str, float]
    open_skills: tuple[frozenset[str], ...]

    def wait_s(self, service: ServiceDef | Service, ahead: Mapping[str, int] | None = None) -> int:
        """The estimated wait of a ticket of ``service`` with ``ahead`` (per service) before
        it; by default everyone waiting now (a new ticket)."""
        avg = {**self.avg_s}
        avg.setdefault(service.code, float(service.default_service_s))
        counts = self.waiting if ahead is None else ahead
        return estimate_shared_wait_s(
            service.code,
            ahead={code: n for code, n in counts.items() if code in avg},
            avg_service_s=avg,
            open_counters=self.open_skills,
        )


class QueueFigures(NamedTuple):
    """One service's queue as the database has it now."""

    waiting: int  # WAITING tickets of the day
    open_counters: int  # OPEN counters serving it
    measured_s: float | None  # measured average service time (seconds), None before any
    issued_today: int  # tickets issued this business day
    serving_counters: int  # OPEN or PAUSED counters serving it
    branch_open: bool  # some counter of the branch is OPEN or PAUSED
    open_tickets: int  # tickets of the day still open (each holds its number)


def _lock_numbering(dialect: Dialect) -> Any:
    """Create-or-touch the (service, day) numbering row, returning it: the touch takes the
    row lock on PostgreSQL (SQLite's BEGIN IMMEDIATE already holds the database's)."""
    ins = (postgresql if dialect.name == "postgresql" else sqlite).insert(_issued)
    ins = ins.values(service_code=bindparam("code"), business_day=bindparam("day"), issued=0)
    return ins.on_conflict_do_update(
        index_elements=["service_code", "business_day"], set_={"issued": _issued.c.issued}
    ).returning(_issued.c.issued, _issued.c.last_value)


class IssuingStore:
    """The issuing statements for one dialect; get it with ``issuing_store(conn)``."""

    def __init__(self, dialect: Dialect) -> None:
        self._by_key = prepare(_BY_KEY, dialect)
        self._service = prepare(_SERVICE, dialect)
        self._service_codes = prepare(_SERVICE_CODES, dialect)
        self._day = prepare(_DAY, dialect)
        self._stopped = prepare(_STOPPED, dialect)
        self._lock = prepare(_lock_numbering(dialect), dialect)
        self._live = prepare(_LIVE, dialect)
        self._save = prepare(_SAVE, dialect)
        self._insert_ticket: Prepared = prepare(
            insert(_ticket).returning(_ticket.c.id), dialect, column_keys=TICKET_COLUMNS
        )
        self._insert_event = prepare(insert(_event), dialect, column_keys=_EVENT_COLUMNS)
        self._figures = prepare(_FIGURES, dialect)
        self._waiting_by_service = prepare(_WAITING_BY_SERVICE, dialect)
        self._averages = prepare(_AVERAGES, dialect)
        self._open_skills = prepare(_OPEN_SKILLS, dialect)

    def ticket_id(self, conn: Connection, *, idempotency_key: str) -> int | None:
        """The ticket already issued for ``idempotency_key``, if any."""
        hit = self._by_key.rows(conn, {"key": idempotency_key})
        return int(hit[0][0]) if hit else None

    def service(self, conn: Connection, *, code: str) -> ServiceDef | None:
        """The service with ``code`` (None: no such service)."""
        rows = self._service.rows(conn, {"code": code})
        if not rows:
            return None
        values = dict(zip(_SERVICE_FIELDS, rows[0], strict=True))
        values["is_open"] = bool(values["is_open"])
        return ServiceDef(**values)

    def service_codes(self, conn: Connection) -> list[str]:
        """Every service's code, in the branch's order."""
        return [str(r[0]) for r in self._service_codes.rows(conn, {})]

    def stopped(self, conn: Connection) -> tuple[str, str, str] | None:
        """(kind, notice zh, notice en) while the branch is in emergency or paused, else None."""
        rows = self._stopped.rows(conn, {})
        if not rows or rows[0][0] is None:
            return None
        kind, zh, en = rows[0]
        return str(kind), str(zh or ""), str(en or "")

    def recorded_day(self, conn: Connection) -> date | None:
        """The business day the last rollover recorded (None before the first)."""
        rows = self._day.rows(conn, {})
        value = rows[0][0] if rows else None
        return date.fromisoformat(value) if isinstance(value, str) else value

    def lock_numbering(self, conn: Connection, *, service_code: str, day: date) -> Numbering:
        """The service's numbering on ``day``, locked until the transaction ends."""
        ((issued, last),) = self._lock.rows(conn, {"code": service_code, "day": day})
        return Numbering(int(issued), None if last is None else int(last))

    def save_numbering(
        self, conn: Connection, *, service_code: str, day: date, numbering: Numbering
    ) -> None:
        values = {
            "code": service_code,
            "day": day,
            "issued": numbering.issued,
            "last": numbering.last_value,
        }
        self._save.rows(conn, values)

    def live_numbers(self, conn: Connection, *, day: date, first: str, last: str) -> set[str]:
        """Printed numbers from ``first`` to ``last`` held by a ticket still open on ``day``."""
        rows = self._live.rows(conn, {"day": day, "first": first, "last": last})
        return {str(r[0]) for r in rows}

    def insert_ticket(self, conn: Connection, row: Mapping[str, Any]) -> int:
        """INSERT one ticket (a value for every column of TICKET_COLUMNS); its id."""
        return int(self._insert_ticket.rows(conn, row)[0][0])

    def insert_events(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """INSERT event-log rows (keys: ticket_id, action, at, details)."""
        full = [{"counter_number": None, "teller_user_id": None, **r} for r in rows]
        self._insert_event.many(conn, full)

    def floor_figures(self, conn: Connection, *, day: date) -> FloorFigures:
        """The floor's figures, in three queries."""
        waiting = {str(c): int(n) for c, n in self._waiting_by_service.rows(conn, {"day": day})}
        avg = {
            str(code): float(measured if measured is not None else default)
            for code, default, measured in self._averages.rows(conn, {})
        }
        skills: dict[int, set[str]] = {}
        for number, code in self._open_skills.rows(conn, {}):
            skills.setdefault(int(number), set()).add(str(code))
        return FloorFigures(waiting, avg, tuple(frozenset(skills[n]) for n in sorted(skills)))

    def queue_figures(self, conn: Connection, *, service_code: str, day: date) -> QueueFigures:
        """One service's queue figures, in one query."""
        (row,) = self._figures.rows(conn, {"code": service_code, "day": day})
        return QueueFigures(
            waiting=int(row[0]),
            open_counters=int(row[1]),
            measured_s=float(row[2]) if row[2] is not None else None,
            issued_today=int(row[3] or 0),
            serving_counters=int(row[4]),
            branch_open=int(row[5]) > 0,
            open_tickets=int(row[6]),
        )


_stores: WeakKeyDictionary[Dialect, IssuingStore] = WeakKeyDictionary()


def issuing_store(conn: Connection) -> IssuingStore:
    """The store for ``conn``'s dialect (prepared once per dialect)."""
    store = _stores.get(conn.dialect)
    if store is None:
        store = _stores[conn.dialect] = IssuingStore(conn.dialect)
    return store


def _conn(session: Session | Connection) -> Connection:
    return session if isinstance(session, Connection) else session.connection()


def floor_figures(session: Session | Connection, *, business_day: date) -> FloorFigures:
    """``IssuingStore.floor_figures`` for a session (the views' and statuses' estimates)."""
    conn = _conn(session)
    return issuing_store(conn).floor_figures(conn, day=business_day)


def queue_figures(
    session: Session | Connection, *, service_code: str, business_day: date
) -> QueueFigures:
    """``IssuingStore.queue_figures`` for a session (the views' queue lines)."""
    conn = _conn(session)
    return issuing_store(conn).queue_figures(conn, service_code=service_code, day=business_day)
