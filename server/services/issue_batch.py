"""Issue tickets in batches: many kiosk requests, ONE write transaction, ONE commit.

``issue_batch(ctx, requests)`` answers each request on its own (a ``TicketIssuedOut`` or the
exception meant for that request alone) in the order given:

- idempotency keys are looked up in one query; a key already used answers its ticket
  (``replayed``), and a key repeated inside the batch gets the ticket of its first use;
- an unknown service, a closed service or a reached daily cap fails only its own request
  (checked before anything is written);
- numbering takes one upsert per service (``count`` numbers at once, the unused ones given
  back in the same transaction), tickets and their ``issue`` events one INSERT each;
- after the commit the ``TicketIssued`` events are published in commit order, still under
  the writer lock, so one process sends them in the order the database has them.

Safety is that of issuing one by one: the caller answers nobody before ``issue_batch``
returns, i.e. before the commit (SQLite ``BEGIN IMMEDIATE`` + ``synchronous=FULL``; PostgreSQL
row locks on the numbering rows). If the batch's transaction fails on a constraint (another
process used one of the keys meanwhile), every request is retried on its own.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from server.contract.common import Bilingual, Category, Language, TicketState
from server.contract.events import TicketIssued, TicketRef
from server.contract.rest import TicketIssuedOut
from server.domain.errors import ServiceUnavailable, UnknownEntity
from server.domain.estimate import estimate_wait_s
from server.domain.model import ServiceDef
from server.domain.numbering import check_can_issue, ticket_number
from server.services.context import BranchContext
from server.services.errors import BadRequest, IdempotencyConflict
from server.services.rollover import ensure_business_day, publish_new_day
from server.services.views import Names, avg_service_s, make_queue_info
from server.store import issuing, repo
from server.store.db import read_session, write_connection, write_transaction
from server.store.issuing import QueueFigures
from server.store.tables import Ticket

Outcome = TicketIssuedOut | Exception


@dataclass(frozen=True)
class IssueRequest:
    """One kiosk's request for a ticket (already parsed)."""

    service_code: str
    category: Category = Category.NORMAL
    language: Language = Language.ZH
    idempotency_key: str | None = None
    appointment_at: datetime | None = None
    device_id: int | None = None

    def __post_init__(self) -> None:
        if self.appointment_at is not None and self.appointment_at.tzinfo is None:
            raise BadRequest("appointment_at", "needs a time zone, e.g. 2026-11-29T10:30:00+08:00")


@dataclass
class _New:
    index: int
    row: dict[str, object]  # the ticket's columns (issuing.TICKET_COLUMNS)
    service: ServiceDef
    request: IssueRequest
    public_id: str
    number: str
    issued_before: int  # the service's tickets issued today before this one
    id: int = 0


_SERVICE_FIELDS = tuple(f.name for f in fields(ServiceDef))


def _service_def(row: Mapping[str, Any]) -> ServiceDef:
    return ServiceDef(**{name: row[name] for name in _SERVICE_FIELDS})


def issue_batch(
    ctx: BranchContext,
    requests: Sequence[IssueRequest],
    *,
    connection: Connection | None = None,
) -> list[Outcome]:
    """Issue a ticket for each request in one transaction; one outcome per request, in order.

    ``connection``: a writer's own connection (``store.db.writer_connection``); by default
    one from the pool. Raises only when the whole transaction failed for a reason no retry
    fixes (e.g. the database is unreachable); then no request got a ticket.
    """
    if not requests:
        return []
    try:
        return _issue_batch(ctx, requests, connection)
    except IntegrityError as exc:
        if len(requests) > 1:
            return [_issue_one(ctx, r, connection) for r in requests]
        return [_replay_after_conflict(ctx, requests[0], exc)]


def _issue_one(ctx: BranchContext, request: IssueRequest, connection: Connection | None) -> Outcome:
    try:
        return _issue_batch(ctx, [request], connection)[0]
    except IntegrityError as exc:
        return _replay_after_conflict(ctx, request, exc)
    except Exception as exc:
        return exc


def _replay_after_conflict(
    ctx: BranchContext, request: IssueRequest, exc: IntegrityError
) -> Outcome:
    """Another process committed the same idempotency key between our lookup and insert."""
    key = request.idempotency_key
    with read_session(ctx.engine) as session:
        existing = None if key is None else repo.find_ticket_by_key(session, idempotency_key=key)
        if existing is None:
            return exc
        conflict = _conflict(request, existing.number, _asked(existing))
        return conflict or issued_out(ctx, session, existing, replayed=True)


def _asked(what: IssueRequest | Ticket) -> str:
    """A request (or the stored ticket it made) as a short text: ``service A, NORMAL, zh``."""
    return f"service {what.service_code}, {Category(what.category)}, {Language(what.language)}"


def _conflict(request: IssueRequest, number: str, used_for: str) -> IdempotencyConflict | None:
    """A replayed key must come with the same request; else it is another customer's tap."""
    asked_for = _asked(request)
    if asked_for == used_for or request.idempotency_key is None:
        return None
    return IdempotencyConflict(request.idempotency_key, number, used_for, asked_for)


class _LazySession:
    """An ORM session joined to the batch's connection, made only if something needs it
    (the day's rollover, replayed keys): the common path runs Core statements only."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(
                bind=self._conn,
                expire_on_commit=False,
                join_transaction_mode="conditional_savepoint",
            )
        return self._session

    def flush(self) -> None:
        if self._session is not None:
            self._session.flush()

    def __enter__(self) -> _LazySession:
        return self

    def __exit__(self, *_: object) -> None:
        if self._session is not None:
            self._session.close()


def _transaction(ctx: BranchContext, connection: Connection | None) -> Any:
    if connection is None:
        return write_connection(ctx.engine)
    return write_transaction(connection)


def _issue_batch(
    ctx: BranchContext, requests: Sequence[IssueRequest], connection: Connection | None
) -> list[Outcome]:
    now = ctx.now()
    day = ctx.business_day(now)
    outcomes: list[Outcome | None] = [None] * len(requests)
    with _transaction(ctx, connection) as conn, _LazySession(conn) as orm:
        keys = [r.idempotency_key for r in requests if r.idempotency_key is not None]
        used = issuing.ticket_ids_by_keys(conn, keys=keys)
        abandoned = 0
        if not (ctx.known_day and ctx.known_day[0] == day):
            abandoned = ensure_business_day(orm.session, ctx, now)
        rows = issuing.service_values(conn, codes=sorted({r.service_code for r in requests}))
        known: list[str] | None = None
        first_of_key: dict[str, int] = {}
        replay_of: dict[int, int] = {}
        by_service: dict[str, list[int]] = {}
        for i, r in enumerate(requests):
            key = r.idempotency_key
            if key is not None and key in used:
                continue  # answered below from the stored ticket
            if key is not None and key in first_of_key:
                replay_of[i] = first_of_key[key]
                continue
            if key is not None:
                first_of_key[key] = i
            if r.service_code not in rows:
                known = known if known is not None else issuing.known_service_codes(conn)
                outcomes[i] = UnknownEntity("service", r.service_code, known)
                continue
            by_service.setdefault(r.service_code, []).append(i)
        new: list[_New] = []
        # numbering rows are locked in code order, so two processes' batches never deadlock
        for code in sorted(by_service):
            new += _number(conn, ctx, rows[code], by_service[code], requests, outcomes, now)
        new.sort(key=lambda n: n.index)  # ids (the FIFO tie-break) in the order asked
        if new:
            ids = issuing.insert_ticket_rows(conn, rows=[n.row for n in new])
            for n, new_id in zip(new, ids, strict=True):
                n.id = new_id
            issuing.insert_events(conn, rows=[_event_row(n, now) for n in new])
        figures = {
            code: issuing.queue_figures(conn, service_code=code, business_day=day)
            for code in {n.service.code for n in new}
        }
        names: Names | None = None
        for i, r in enumerate(requests):
            if r.idempotency_key is not None and r.idempotency_key in used:
                names = names or Names(orm.session)
                stored = repo.find_ticket_by_key(orm.session, idempotency_key=r.idempotency_key)
                assert stored is not None
                outcomes[i] = _conflict(r, stored.number, _asked(stored)) or issued_out(
                    ctx, orm.session, stored, replayed=True, names=names
                )
        orm.flush()
        conn.commit()
        # committed: from here on the tickets exist whatever happens to the answers; events
        # are published before the writer lock is released, so they go out in commit order
        if abandoned:
            publish_new_day(ctx)
        left = {code: sum(1 for n in new if n.service.code == code) for code in figures}
        for n in new:  # the queue after each ticket: the batch's later ones not yet in it
            left[n.service.code] -= 1
            outcomes[n.index] = _publish_new(
                ctx, n, figures[n.service.code], left[n.service.code], now
            )
    for i, first in replay_of.items():
        answer = outcomes[first]
        outcomes[i] = (
            _conflict(requests[i], answer.number, _asked(requests[first]))
            or answer.model_copy(update={"replayed": True})
            if isinstance(answer, TicketIssuedOut)
            else answer
        )
    assert all(o is not None for o in outcomes)
    return [o for o in outcomes if o is not None]


def _number(
    conn: Connection,
    ctx: BranchContext,
    row: Mapping[str, Any],
    indexes: list[int],
    requests: Sequence[IssueRequest],
    outcomes: list[Outcome | None],
    now: datetime,
) -> list[_New]:
    """Reserve the service's next numbers for ``indexes`` (one upsert); refused ones get
    their ServiceUnavailable and their numbers back."""
    service = _service_def(row)
    if not service.is_open:
        for i in indexes:
            outcomes[i] = ServiceUnavailable(service.code, "closed")
        return []
    day = ctx.business_day(now)
    before = issuing.reserve_numbers(
        conn, service_code=service.code, business_day=day, count=len(indexes)
    )
    new: list[_New] = []
    for offset, i in enumerate(indexes):
        try:
            check_can_issue(service, before + offset)
            value, number = ticket_number(service, before + offset)
        except ServiceUnavailable as exc:
            outcomes[i] = exc
            continue
        r = requests[i]
        public_id = secrets.token_urlsafe(16)
        row = dict.fromkeys(issuing.TICKET_COLUMNS)
        row.update(
            public_id=public_id,
            service_code=service.code,
            number=number,
            number_value=value,
            category=r.category.value,
            state=TicketState.WAITING.value,
            language=r.language.value,
            business_day=day,
            arrived_at=now,
            issued_at=now,
            appointment_at=r.appointment_at,
            idempotency_key=r.idempotency_key,
            recall_count=0,
            print_status="pending",
        )
        new.append(_New(i, row, service, r, public_id, number, before + offset))
    refused = len(indexes) - len(new)
    if refused:  # the cap only refuses a tail: give its numbers back
        issuing.reserve_numbers(conn, service_code=service.code, business_day=day, count=-refused)
    return new


def _event_row(n: _New, now: datetime) -> dict[str, object]:
    device_id = n.request.device_id
    return {
        "ticket_id": n.id,
        "action": "issue",
        "at": now,
        "details": {"device_id": device_id} if device_id is not None else {},
    }


def _publish_new(
    ctx: BranchContext,
    n: _New,
    figures: QueueFigures,
    later: int,
    now: datetime,
) -> TicketIssuedOut:
    """Publish the ticket's TicketIssued (queue as it stood right after it: a ticket that
    fills the daily cap says so) and answer it."""
    service, r = n.service, n.request
    waiting = figures.waiting - later
    figures = figures._replace(waiting=waiting, issued_today=n.issued_before + 1)
    opened = figures.open_counters
    avg_s = figures.measured_s
    if avg_s is None:
        avg_s = float(service.default_service_s)
    names = Bilingual(zh=service.name_zh, en=service.name_en)
    ahead = waiting - 1  # the newest arrival: everyone else waiting is ahead of it
    queue = make_queue_info(service, figures)
    ref = TicketRef(
        public_id=n.public_id,
        number=n.number,
        service_code=service.code,
        service_name=names,
        category=r.category,
        state=TicketState.WAITING,
        issued_at=now,
    )
    ctx.publish(TicketIssued(seq=0, at=now, ticket=ref, queue=queue))
    return TicketIssuedOut(
        public_id=n.public_id,
        number=n.number,
        service_code=service.code,
        service_name=names,
        category=r.category,
        language=r.language,
        state=TicketState.WAITING,
        people_ahead=ahead,
        estimated_wait_s=estimate_wait_s(ahead, avg_s, opened),
        issued_at=now,
        status_url=ctx.status_url(n.public_id),
    )


def issued_out(
    ctx: BranchContext,
    session: Session,
    ticket: Ticket,
    *,
    replayed: bool,
    names: Names | None = None,
) -> TicketIssuedOut:
    """The issue answer for a stored ticket (a replayed idempotency key)."""
    names = names or Names(session)
    ahead, wait_s = ahead_and_wait(session, ticket, names)
    return TicketIssuedOut(
        public_id=ticket.public_id,
        number=ticket.number,
        service_code=ticket.service_code,
        service_name=names.service(ticket.service_code),
        category=Category(ticket.category),
        language=Language(ticket.language),
        state=TicketState(ticket.state),
        people_ahead=ahead,
        estimated_wait_s=wait_s,
        issued_at=ticket.issued_at,
        status_url=ctx.status_url(ticket.public_id),
        replayed=replayed,
    )


def ahead_and_wait(session: Session, ticket: Ticket, names: Names) -> tuple[int, int]:
    """People ahead of a WAITING ticket and its estimated wait (0, 0 when not waiting)."""
    if ticket.state != TicketState.WAITING.value:
        return 0, 0
    ahead = repo.people_ahead(session, ticket=ticket)
    svc = names.services.get(ticket.service_code)
    if svc is None:
        return ahead, 0
    opened = repo.open_counters_by_service(session).get(ticket.service_code, 0)
    return ahead, estimate_wait_s(ahead, avg_service_s(session, svc), opened)
