"""Kiosk and public use cases: issue a ticket, record its print result, show its status."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from server.contract.common import Bilingual, Category, Language, TicketState
from server.contract.events import QueueInfo, TicketIssued, TicketRef
from server.contract.rest import PrintResult, PrintResultOut, TicketIssuedOut, TicketStatusOut
from server.domain.estimate import estimate_wait_s
from server.domain.numbering import check_can_issue, ticket_number
from server.services.context import BranchContext, service_def
from server.services.errors import BadRequest
from server.services.rollover import ensure_business_day, publish_counters
from server.services.views import Names, avg_service_s
from server.store import issuing, repo
from server.store.db import read_session, write_session
from server.store.tables import Ticket


def issue_ticket(
    ctx: BranchContext,
    *,
    service_code: str,
    category: Category = Category.NORMAL,
    language: Language = Language.ZH,
    idempotency_key: str | None = None,
    appointment_at: datetime | None = None,
    device_id: int | None = None,
) -> TicketIssuedOut:
    """Issue the next ticket of a service; a retried ``idempotency_key`` returns the same one.

    One transaction: numbering row + ticket + event, committed before the answer.
    """
    if appointment_at is not None and appointment_at.tzinfo is None:
        raise BadRequest("appointment_at", "needs a time zone, e.g. 2026-11-29T10:30:00+08:00")
    try:
        return _issue(
            ctx, service_code, category, language, idempotency_key, appointment_at, device_id
        )
    except IntegrityError:
        # another process committed the same idempotency key between our lookup and insert
        if idempotency_key is None:
            raise
        with read_session(ctx.engine) as session:
            existing = repo.find_ticket_by_key(session, idempotency_key=idempotency_key)
            if existing is None:
                raise
            return _issued_out(ctx, session, existing, replayed=True)


def _issue(
    ctx: BranchContext,
    service_code: str,
    category: Category,
    language: Language,
    idempotency_key: str | None,
    appointment_at: datetime | None,
    device_id: int | None,
) -> TicketIssuedOut:
    now = ctx.now()
    day = ctx.business_day(now)
    with write_session(ctx.engine) as session:
        key = idempotency_key
        if key is not None and issuing.ticket_id_by_key(session, idempotency_key=key) is not None:
            existing = repo.find_ticket_by_key(session, idempotency_key=key)
            assert existing is not None
            return _issued_out(ctx, session, existing, replayed=True)
        abandoned = ensure_business_day(session, ctx, now)
        row = issuing.service_row(session, code=service_code)
        service = service_def(row)
        issued_before = issuing.next_issue_count(
            session, service_code=service.code, business_day=day
        )
        check_can_issue(service, issued_before)
        value, number = ticket_number(service, issued_before)
        ticket = Ticket(
            public_id=secrets.token_urlsafe(16),
            service_code=service.code,
            number=number,
            number_value=value,
            category=category.value,
            state=TicketState.WAITING.value,
            language=language.value,
            business_day=day,
            arrived_at=now,
            issued_at=now,
            appointment_at=appointment_at,
            idempotency_key=idempotency_key,
            recall_count=0,
            print_status="pending",
        )
        ticket_id = issuing.insert_ticket(session, ticket=ticket)
        issuing.insert_event(
            session,
            ticket_id=ticket_id,
            action="issue",
            at=now,
            details={"device_id": device_id} if device_id is not None else {},
        )
        waiting, opened, measured = issuing.queue_figures(
            session, service_code=service.code, business_day=day
        )
        session.commit()
        # committed: from here on the ticket exists whatever happens to the answer; events
        # are published before the writer lock is released, so they go out in commit order
        if abandoned:
            publish_counters(ctx)
        avg_s = measured if measured is not None else float(service.default_service_s)
        names = Bilingual(zh=service.name_zh, en=service.name_en)
        ahead = waiting - 1  # the newest arrival: everyone else waiting is ahead of it
        queue = QueueInfo(
            service_code=service.code,
            prefix=service.prefix,
            name=names,
            is_open=service.is_open,
            waiting=waiting,
            estimated_wait_s=estimate_wait_s(waiting, avg_s, opened),
            open_counters=opened,
        )
        ref = TicketRef(
            public_id=ticket.public_id,
            number=number,
            service_code=service.code,
            service_name=names,
            category=category,
            state=TicketState.WAITING,
            issued_at=now,
        )
        ctx.publish(TicketIssued(seq=0, at=now, ticket=ref, queue=queue))
    return TicketIssuedOut(
        public_id=ticket.public_id,
        number=number,
        service_code=service.code,
        service_name=names,
        category=category,
        language=language,
        state=TicketState.WAITING,
        people_ahead=ahead,
        estimated_wait_s=estimate_wait_s(ahead, avg_s, opened),
        issued_at=now,
        status_url=ctx.status_url(ticket.public_id),
    )


def _issued_out(
    ctx: BranchContext,
    session: Session,
    ticket: Ticket,
    *,
    replayed: bool,
    names: Names | None = None,
) -> TicketIssuedOut:
    names = names or Names(session)
    ahead, wait_s = _ahead_and_wait(session, ticket, names)
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


def _ahead_and_wait(session: Session, ticket: Ticket, names: Names) -> tuple[int, int]:
    if ticket.state != TicketState.WAITING.value:
        return 0, 0
    ahead = repo.people_ahead(session, ticket=ticket)
    svc = names.services.get(ticket.service_code)
    if svc is None:
        return ahead, 0
    opened = repo.open_counters_by_service(session).get(ticket.service_code, 0)
    return ahead, estimate_wait_s(ahead, avg_service_s(session, svc), opened)


def report_print_result(
    ctx: BranchContext, *, public_id: str, result: PrintResult, device_id: int | None = None
) -> PrintResultOut:
    """Record whether the kiosk printed the ticket (a failed print can be reprinted)."""
    now = ctx.now()
    with write_session(ctx.engine) as session:
        ticket = repo.get_ticket(session, public_id=public_id, for_update=True)
        ticket.print_status = result.status
        ticket.print_error = result.reason if result.status == "failed" else None
        session.add(ticket)
        assert ticket.id is not None
        repo.append_event(
            session,
            ticket_id=ticket.id,
            action="print",
            at=now,
            details={"status": result.status, "reason": result.reason, "device_id": device_id},
        )
    return PrintResultOut(
        public_id=ticket.public_id,
        number=ticket.number,
        print_status=result.status,
        print_error=ticket.print_error,
    )


def ticket_status(ctx: BranchContext, *, public_id: str) -> TicketStatusOut:
    with read_session(ctx.engine) as session:
        ticket = repo.get_ticket(session, public_id=public_id)
        names = Names(session)
        ahead, wait_s = _ahead_and_wait(session, ticket, names)
        counter = ticket.counter_number
        return TicketStatusOut(
            public_id=ticket.public_id,
            number=ticket.number,
            service_code=ticket.service_code,
            service_name=names.service(ticket.service_code),
            state=TicketState(ticket.state),
            people_ahead=ahead,
            estimated_wait_s=wait_s,
            counter_number=counter,
            counter_name=names.counter(counter) if counter is not None else None,
            issued_at=ticket.issued_at,
            called_at=ticket.called_at,
        )
