"""Kiosk and public use cases: issue a ticket, record its print result, show its status."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from server.contract.common import Category, Language
from server.contract.rest import PrintResult, PrintResultOut, TicketIssuedOut, TicketStatusOut
from server.domain.errors import UnknownEntity
from server.services.context import BranchContext
from server.services.issue_batch import IssueRequest, issue_batch
from server.services.views import Names, places_in_line
from server.store import repo


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

    One transaction: numbering row + ticket + event, committed before the answer. The server
    issues through ``TicketIssuer`` (many requests per transaction); this is a batch of one.
    """
    request = IssueRequest(
        service_code=service_code,
        category=category,
        language=language,
        idempotency_key=idempotency_key,
        appointment_at=appointment_at,
        device_id=device_id,
    )
    outcome = issue_batch(ctx, [request])[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def report_print_result(
    ctx: BranchContext, *, public_id: str, result: PrintResult, device_id: int | None = None
) -> PrintResultOut:
    """Record whether the kiosk printed the ticket (a failed print can be reprinted)."""
    now = ctx.now()
    with ctx.writing() as uow:
        session = uow.session
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
    found = ticket_statuses(ctx, public_ids=[public_id]).get(public_id)
    if found is None:
        raise UnknownEntity("ticket", public_id)
    return found


def ticket_statuses(
    ctx: BranchContext, *, public_ids: Collection[str]
) -> dict[str, TicketStatusOut]:
    """Several tickets' statuses in one read (a handful of queries whatever their number);
    unknown ids are left out."""
    with ctx.reading() as uow:
        session = uow.session
        rows = repo.tickets_by_public_ids(session, public_ids=public_ids)
        if not rows:
            return {}
        names = Names(session)
        places = places_in_line(session, rows, names)
        out: dict[str, TicketStatusOut] = {}
        for ticket in rows:
            assert ticket.id is not None
            ahead, wait_s = places.get(ticket.id, (0, 0))
            counter = ticket.counter_number
            out[ticket.public_id] = TicketStatusOut(
                public_id=ticket.public_id,
                number=ticket.number,
                service_code=ticket.service_code,
                service_name=names.service(ticket.service_code),
                state=ticket.state,
                people_ahead=ahead,
                estimated_wait_s=wait_s,
                counter_number=counter,
                counter_name=names.counter(counter) if counter is not None else None,
                issued_at=ticket.issued_at,
                called_at=ticket.called_at,
                language=Language(ticket.language),
            )
        return out
