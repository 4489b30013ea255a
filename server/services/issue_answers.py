"""The answers of issuing: the ``TicketIssued`` event and ``TicketIssuedOut`` of a new
ticket, the answer for a stored one (a replayed key), and a waiting ticket's place in line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from server.contract.common import Bilingual, Category, Language, TicketState
from server.contract.events import TicketIssued, TicketRef
from server.contract.rest import TicketIssuedOut
from server.domain.model import ServiceDef
from server.services.context import BranchContext
from server.services.views import Names, make_queue_info, places_in_line
from server.store.issuing import FloorFigures
from server.store.tables import Ticket


@dataclass(frozen=True)
class NewTicket:
    """A ticket just committed, as its event and answer need it."""

    service: ServiceDef
    public_id: str
    number: str
    category: Category
    language: Language
    issued_before: int  # the service's tickets issued today before this one


def publish_issued(
    ctx: BranchContext,
    n: NewTicket,
    floor: FloorFigures,
    later: Mapping[str, int],
    now: datetime,
) -> TicketIssuedOut:
    """Publish the ticket's TicketIssued (queue as it stood right after it, without the
    ``later`` tickets of its batch, per service; a ticket that fills the daily cap says so);
    its answer."""
    service = n.service
    mine = later.get(service.code, 0)
    figures = floor.queue(service.code)
    waiting = figures.waiting - mine
    figures = figures._replace(
        waiting=waiting,
        issued_today=n.issued_before + 1,
        open_tickets=figures.open_tickets - mine,
    )
    after = {code: count - later.get(code, 0) for code, count in floor.waiting.items()}
    names = Bilingual(zh=service.name_zh, en=service.name_en)
    ahead = waiting - 1  # the newest arrival: everyone else waiting is ahead of it
    before = {**after, service.code: ahead}
    queue = make_queue_info(service, figures, floor, after)
    ref = TicketRef(
        public_id=n.public_id,
        number=n.number,
        service_code=service.code,
        service_name=names,
        category=n.category,
        state=TicketState.WAITING,
        issued_at=now,
    )
    ctx.publish(TicketIssued(seq=0, at=now, ticket=ref, queue=queue))
    return TicketIssuedOut(
        public_id=n.public_id,
        number=n.number,
        service_code=service.code,
        service_name=names,
        category=n.category,
        language=n.language,
        state=TicketState.WAITING,
        people_ahead=ahead,
        estimated_wait_s=floor.wait_s(service, before),
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
    assert ticket.id is not None
    ahead, wait_s = places_in_line(session, [ticket], names).get(ticket.id, (0, 0))
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
