"""Issue tickets in batches: many kiosk requests, ONE write transaction, ONE commit.

``issue_batch(ctx, requests)`` answers each request on its own (a ``TicketIssuedOut`` or the
exception meant for that request alone) in the order given:

- every request was validated when it was made (``IssueRequest``), before it joined a batch;
- an idempotency key already used answers its ticket (``replayed``), and a key repeated inside
  the batch gets the ticket of its first use;
- while the branch is in emergency or paused (``services.emergency``), every new ticket is
  refused with the notice (a replayed key still answers its ticket);
- an unknown service, a closed service, a reached daily cap or a service whose every number
  is held by an open ticket fails only its own request;
- numbering locks one row per service and gives its next numbers, skipping numbers still live
  (``domain.numbering``); tickets and their ``issue`` events are inserted one by one;
- after the commit the ``TicketIssued`` events are published in commit order, still under
  the writer lock, so one process sends them in the order the database has them.

Safety is that of issuing one by one: the caller answers nobody before ``issue_batch``
returns, i.e. before the commit (SQLite ``BEGIN IMMEDIATE`` + ``synchronous=FULL``; PostgreSQL
row locks on the numbering rows). If the batch's transaction fails for any reason but the
database itself (``OperationalError``), every request is retried on its own, so one request
that slipped past validation fails alone and the others get their tickets.

The one exception to the unit-of-work convention (``server.services.unit``): a batch runs on a
raw writer connection (``store.db.write_connection`` / ``write_transaction``, the same writer
lock and ``BEGIN IMMEDIATE``) with the ``IssuingStore``'s prepared statements, and publishes
through ``ctx.publish`` itself after its commit, for the throughput of group commit.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from server.contract.common import Category, Language, TicketState
from server.contract.rest import TicketIssuedOut, check_appointment
from server.domain.errors import UnknownEntity
from server.domain.model import ServiceDef
from server.domain.numbering import next_numbers
from server.services.context import BranchContext
from server.services.emergency import stop_error
from server.services.errors import BadRequest, IdempotencyConflict
from server.services.issue_answers import NewTicket, issued_out, publish_issued
from server.services.rollover import ensure_business_day, publish_new_day
from server.services.views import Names
from server.store import repo
from server.store.db import write_connection, write_transaction
from server.store.issuing import TICKET_COLUMNS, IssuingStore, issuing_store
from server.store.tables import Ticket

Outcome = TicketIssuedOut | Exception

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IssueRequest:
    """One kiosk's request for a ticket, validated when made: a request that could fail the
    batch's transaction is refused here (``BadRequest``, HTTP 422) before it joins one."""

    service_code: str
    category: Category = Category.NORMAL
    language: Language = Language.ZH
    idempotency_key: str | None = None
    appointment_at: datetime | None = None
    device_id: int | None = None

    def __post_init__(self) -> None:
        _check_text("service_code", self.service_code, 1, 8)
        if self.idempotency_key is not None:
            _check_text("idempotency_key", self.idempotency_key, 1, 128)
        Category(self.category)
        Language(self.language)
        at = self.appointment_at
        if at is not None:
            try:
                check_appointment(at)
            except ValueError as exc:
                raise BadRequest("appointment_at", str(exc), "预约时间无效") from None


def _check_text(field: str, value: str, shortest: int, longest: int) -> None:
    if not shortest <= len(value) <= longest:
        raise BadRequest(
            field,
            f"expected {shortest} to {longest} characters, got {len(value)}",
            f"长度应为 {shortest} 至 {longest} 个字符",
        )
    if not value.isprintable():
        raise BadRequest(
            field,
            f"control or unpaired characters are not allowed: {value!r}",
            "不能包含控制字符或无效字符",
        )


@dataclass
class _New:
    index: int  # the request's place in the batch
    row: dict[str, object]  # the ticket's columns (TICKET_COLUMNS)
    request: IssueRequest
    ticket: NewTicket
    id: int = 0


def issue_batch(
    ctx: BranchContext,
    requests: Sequence[IssueRequest],
    *,
    connection: Connection | None = None,
) -> list[Outcome]:
    """Issue a ticket for each request in one transaction; one outcome per request, in order.

    ``connection``: a writer's own connection (``store.db.writer_connection``); by default
    one from the pool. Raises only when the database failed (``OperationalError``, e.g.
    unreachable or locked for longer than the busy timeout); then no request got a ticket.
    """
    if not requests:
        return []
    try:
        return _issue_together(ctx, requests, connection)
    except OperationalError:
        raise
    except Exception as exc:
        if len(requests) == 1:
            return [_failed_alone(ctx, requests[0], exc)]
        _log.warning(
            "a batch of %d tickets failed (%r); issuing them one by one", len(requests), exc
        )
        return [_issue_alone(ctx, r, connection) for r in requests]


def _issue_alone(
    ctx: BranchContext, request: IssueRequest, connection: Connection | None
) -> Outcome:
    try:
        return _issue_together(ctx, [request], connection)[0]
    except OperationalError:
        raise
    except Exception as exc:
        return _failed_alone(ctx, request, exc)


def _failed_alone(ctx: BranchContext, request: IssueRequest, exc: Exception) -> Outcome:
    """The outcome of one request whose own transaction failed with ``exc``: another process
    committed its idempotency key between our lookup and insert (answer that ticket), or
    ``exc`` itself (logged: validation should have refused the request)."""
    key = request.idempotency_key
    if isinstance(exc, IntegrityError) and key is not None:
        with ctx.reading() as uow:
            existing = repo.find_ticket_by_key(uow.session, idempotency_key=key)
            if existing is not None:
                conflict = _conflict(request, existing.number, _asked(existing))
                return conflict or issued_out(ctx, uow.session, existing, replayed=True)
    _log.error("issuing failed for %r: %r", request, exc)
    return exc


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
    (the day's rollover, replayed keys): the common path runs the store's statements only."""

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


def _issue_together(
    ctx: BranchContext, requests: Sequence[IssueRequest], connection: Connection | None
) -> list[Outcome]:
    now = ctx.now()
    day = ctx.business_day(now)
    outcomes: list[Outcome | None] = [None] * len(requests)
    with _transaction(ctx, connection) as conn, _LazySession(conn) as orm:
        store = issuing_store(conn)
        abandoned = 0
        branch = store.branch(conn)
        if branch.recorded_day != day:
            abandoned = ensure_business_day(orm.session, ctx, now)
            orm.flush()
            branch = store.branch(conn)
        services = {
            code: service
            for code in sorted({r.service_code for r in requests})
            if (service := store.service(conn, code=code)) is not None
        }
        stopped = branch.stopped  # emergency or pause: no new ticket, replays still answer
        first_of_key: dict[str, int] = {}
        replay_of: dict[int, int] = {}
        stored: list[int] = []  # requests whose key has a ticket already
        by_service: dict[str, list[int]] = {}
        for i, r in enumerate(requests):
            key = r.idempotency_key
            if key is not None and key in first_of_key:
                replay_of[i] = first_of_key[key]
                continue
            if key is not None:
                first_of_key[key] = i
                if store.ticket_id(conn, idempotency_key=key) is not None:
                    stored.append(i)
                    continue
            if stopped is not None:
                outcomes[i] = stop_error(*stopped)
                continue
            if r.service_code not in services:
                outcomes[i] = UnknownEntity("service", r.service_code, store.service_codes(conn))
                continue
            by_service.setdefault(r.service_code, []).append(i)
        new: list[_New] = []
        # numbering rows are locked in code order, so two processes' batches never deadlock
        for code in sorted(by_service):
            new += _number(
                store, conn, services[code], by_service[code], requests, outcomes, now, day
            )
        new.sort(key=lambda n: n.index)  # ids (the FIFO tie-break) in the order asked
        for n in new:
            n.id = store.insert_ticket(conn, n.row)
        store.insert_events(conn, [_event_row(n, now) for n in new])
        floor = store.floor_figures(conn, day=day) if new else None
        names: Names | None = None
        for i in stored:
            r = requests[i]
            assert r.idempotency_key is not None
            names = names or Names(orm.session)
            ticket = repo.find_ticket_by_key(orm.session, idempotency_key=r.idempotency_key)
            assert ticket is not None
            outcomes[i] = _conflict(r, ticket.number, _asked(ticket)) or issued_out(
                ctx, orm.session, ticket, replayed=True, names=names
            )
        orm.flush()
        conn.commit()
        # committed: from here on the tickets exist whatever happens to the answers; events
        # are published before the writer lock is released, so they go out in commit order
        if abandoned:
            with ctx.reading() as uow:
                publish_new_day(uow)
        left: dict[str, int] = {}
        for n in new:
            left[n.ticket.service.code] = left.get(n.ticket.service.code, 0) + 1
        for n in new:  # the queue after each ticket: the batch's later ones not yet in it
            left[n.ticket.service.code] -= 1
            assert floor is not None
            outcomes[n.index] = publish_issued(ctx, n.ticket, floor, left, now)
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
    store: IssuingStore,
    conn: Connection,
    service: ServiceDef,
    indexes: list[int],
    requests: Sequence[IssueRequest],
    outcomes: list[Outcome | None],
    now: datetime,
    day: date,
) -> list[_New]:
    """Give the service's next numbers to ``indexes``; the ones refused get the refusal."""
    numbering = store.lock_numbering(conn, service_code=service.code, day=day)
    numbers = next_numbers(
        service,
        numbering,
        len(indexes),
        lambda first, last: store.live_numbers(conn, day=day, first=first, last=last),
    )
    if numbers.given:
        store.save_numbering(conn, service_code=service.code, day=day, numbering=numbers.after)
    for i in indexes[len(numbers.given) :]:
        outcomes[i] = numbers.refusal
    new: list[_New] = []
    for offset, (i, (value, number)) in enumerate(zip(indexes, numbers.given, strict=False)):
        r = requests[i]
        public_id = secrets.token_urlsafe(16)
        row = dict.fromkeys(TICKET_COLUMNS)
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
        ticket = NewTicket(
            service, public_id, number, r.category, r.language, numbering.issued + offset
        )
        new.append(_New(i, row, r, ticket))
    return new


def _event_row(n: _New, now: datetime) -> dict[str, object]:
    device_id = n.request.device_id
    return {
        "ticket_id": n.id,
        "action": "issue",
        "at": now,
        "details": {"device_id": device_id} if device_id is not None else {},
    }
