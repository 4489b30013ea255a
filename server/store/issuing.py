"""The store of the issuing hot path: ``IssuingStore``, one method per question or write.

Each method is ONE statement, prepared once per dialect (``server.store.raw.prepare``: on the
``sqlite3`` cursor for SQLite, through Core elsewhere); only the numbering upsert is written
per dialect (``ON CONFLICT`` comes from the dialect's own ``insert``). Everything runs inside
the caller's write transaction, on its connection; nothing here commits.

Also the floor's figures (every queue, the wait estimates) shared with the views.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from server.domain.states import CounterState, TicketState
from server.domain.transitions import ACTIVE_STATES
from server.store.branch_rows import service_columns, service_value
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
# open tickets, as an OR of equalities (one bound value each: the raw runner has no IN lists)
_OPEN = sorted(state.value for state in ACTIVE_STATES)

_BY_KEY = select(_ticket.c.id).where(_ticket.c.idempotency_key == bindparam("key"))
_SERVICE = select(*service_columns()).where(_service.c.code == bindparam("code"))
_SERVICE_CODES = select(_service.c.code).order_by(_service.c.sort_order, _service.c.code)
_BRANCH = select(
    _branch.c.business_day, _branch.c.emergency_kind, _branch.c.emergency_zh, _branch.c.emergency_en
).where(_branch.c.id == 1)
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
# the floor's figures, in three statements whatever the number of services:
# open tickets of the day by service and state (the index's prefix: business_day, state, code)
_OPEN_COUNTS = (
    select(_ticket.c.service_code, _ticket.c.state, func.count())
    .where(_ticket.c.business_day == bindparam("day"), or_(*(_ticket.c.state == s for s in _OPEN)))
    .group_by(_ticket.c.service_code, _ticket.c.state)
)
# every counter not CLOSED with the services it serves (weight > 0; none: one row, code NULL)
_COUNTERS = (
    select(_counter.c.number, _counter.c.state, _skill.c.service_code)
    .select_from(
        _counter.outerjoin(
            _skill, (_skill.c.counter_number == _counter.c.number) & (_skill.c.weight > 0)
        )
    )
    .where(_counter.c.state != "CLOSED")
)
# every service: default and measured service time, tickets issued on the day
_SERVICES = select(
    _service.c.code, _service.c.default_service_s, _stats.c.avg_service_s, _issued.c.issued
).select_from(
    _service.outerjoin(
        _stats, (_stats.c.service_code == _service.c.code) & (_stats.c.samples > 0)
    ).outerjoin(
        _issued,
        (_issued.c.service_code == _service.c.code) & (_issued.c.business_day == bindparam("day")),
    )
)


class BranchNow(NamedTuple):
    """The branch's state row as issuing needs it."""

    recorded_day: date | None  # the business day the last rollover recorded (None: never)
    stopped: tuple[str, str, str] | None  # (kind, notice zh, en) in emergency or paused


class QueueFigures(NamedTuple):
    """One service's queue as the database has it now (``FloorFigures.queue``)."""

    waiting: int  # WAITING tickets of the day
    open_counters: int  # OPEN counters serving it
    issued_today: int  # tickets issued this business day
    serving_counters: int  # OPEN or PAUSED counters serving it
    branch_open: bool  # some counter of the branch is OPEN or PAUSED
    open_tickets: int  # tickets of the day still open (each holds its number)


class FloorFigures(NamedTuple):
    """The floor's figures on one business day, read together (``IssuingStore.floor_figures``):
    every service's queue (``queue``) and what a wait estimate needs (``wait_s``; the sums are
    ``server.domain.estimate.estimate_shared_wait_s``)."""

    waiting: Mapping[str, int]  # WAITING tickets of the day per service
    open_tickets: Mapping[str, int]  # tickets of the day still open per service
    issued: Mapping[str, int]  # tickets issued on the day per service
    avg_s: Mapping[str, float]  # each service's average service time (measured, else default)
    counters: tuple[tuple[int, CounterState, frozenset[str]], ...]  # not CLOSED, by number

    @property
    def open_skills(self) -> tuple[frozenset[str], ...]:
        """The services of each OPEN counter that serves any."""
        return tuple(
            codes for _, state, codes in self.counters if state is CounterState.OPEN and codes
        )

    def queue(self, code: str) -> QueueFigures:
        """Service ``code``'s figures."""
        serving = [state for _, state, codes in self.counters if code in codes]
        return QueueFigures(
            waiting=self.waiting.get(code, 0),
            open_counters=sum(1 for state in serving if state is CounterState.OPEN),
            issued_today=self.issued.get(code, 0),
            serving_counters=len(serving),
            branch_open=bool(self.counters),
            open_tickets=self.open_tickets.get(code, 0),
        )

    def wait_s(self, service: ServiceDef, ahead: Mapping[str, int] | None = None) -> int:
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
        self._branch = prepare(_BRANCH, dialect)
        self._lock = prepare(_lock_numbering(dialect), dialect)
        self._live = prepare(_LIVE, dialect)
        self._save = prepare(_SAVE, dialect)
        self._insert_ticket: Prepared = prepare(
            insert(_ticket).returning(_ticket.c.id), dialect, column_keys=TICKET_COLUMNS
        )
        self._insert_event = prepare(insert(_event), dialect, column_keys=_EVENT_COLUMNS)
        self._open_counts = prepare(_OPEN_COUNTS, dialect)
        self._counters = prepare(_COUNTERS, dialect)
        self._services = prepare(_SERVICES, dialect)

    def ticket_id(self, conn: Connection, *, idempotency_key: str) -> int | None:
        """The ticket already issued for ``idempotency_key``, if any."""
        hit = self._by_key.rows(conn, {"key": idempotency_key})
        return int(hit[0][0]) if hit else None

    def service(self, conn: Connection, *, code: str) -> ServiceDef | None:
        """The service with ``code`` (None: no such service)."""
        rows = self._service.rows(conn, {"code": code})
        if not rows:
            return None
        return service_value(rows[0])

    def service_codes(self, conn: Connection) -> list[str]:
        """Every service's code, in the branch's order."""
        return [str(r[0]) for r in self._service_codes.rows(conn, {})]

    def branch(self, conn: Connection) -> BranchNow:
        """The business day the last rollover recorded and whether the branch is stopped."""
        rows = self._branch.rows(conn, {})
        if not rows:
            return BranchNow(None, None)
        value, kind, zh, en = rows[0]
        day = date.fromisoformat(value) if isinstance(value, str) else value
        stopped = None if kind is None else (str(kind), str(zh or ""), str(en or ""))
        return BranchNow(day, stopped)

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
        """The floor's figures on ``day``, in three queries."""
        waiting: dict[str, int] = {}
        open_tickets: dict[str, int] = {}
        for code, state, n in self._open_counts.rows(conn, {"day": day}):
            open_tickets[str(code)] = open_tickets.get(str(code), 0) + int(n)
            if TicketState(state) is TicketState.WAITING:
                waiting[str(code)] = int(n)
        skills: dict[int, tuple[CounterState, set[str]]] = {}
        for number, state, code in self._counters.rows(conn, {}):
            _, codes = skills.setdefault(int(number), (CounterState(state), set()))
            if code is not None:
                codes.add(str(code))
        avg: dict[str, float] = {}
        issued: dict[str, int] = {}
        for code, default, measured, count in self._services.rows(conn, {"day": day}):
            avg[str(code)] = float(measured if measured is not None else default)
            issued[str(code)] = int(count or 0)
        counters = tuple(
            (n, state, frozenset(codes)) for n, (state, codes) in sorted(skills.items())
        )
        return FloorFigures(waiting, open_tickets, issued, avg, counters)


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
