"""Read models: database rows -> wire objects (TicketRef, QueueInfo, CounterInfo, Snapshot)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlmodel import Session

from server.contract.common import Bilingual
from server.contract.events import CallInfo, CounterInfo, QueueInfo, Snapshot, TicketRef
from server.domain.availability import unavailable, unavailable_text
from server.domain.model import ServiceDef
from server.domain.states import TicketState
from server.services import alert_views
from server.services.context import BranchContext
from server.services.names import Names as Names  # re-exported: its home used to be here
from server.services.unit import Unit, reads
from server.store import issuing, repo
from server.store.branch_rows import CounterRow
from server.store.issuing import FloorFigures, QueueFigures
from server.store.tables import Ticket
from server.store.ticket_rows import TicketLike

RECENT_CALLS = 10


def ticket_ref(ticket: TicketLike, names: Names) -> TicketRef:
    return TicketRef(
        public_id=ticket.public_id,
        number=ticket.number,
        service_code=ticket.service_code,
        service_name=names.service(ticket.service_code),
        category=ticket.category,
        state=ticket.state,
        counter_number=ticket.counter_number,
        issued_at=ticket.issued_at,
        recall_count=ticket.recall_count,
    )


def places_in_line(
    session: Session, tickets: Sequence[Ticket], names: Names
) -> dict[int, tuple[int, int]]:
    """(people ahead, estimated wait in seconds) of each WAITING ticket of ``tickets``, by id
    (tickets not waiting are left out): the one rule for every answer that tells a customer.

    People ahead: the WAITING tickets of the same service and business day that come before it
    in first-come order (arrived_at, then issue order; a transferred ticket keeps its arrival):
    arrival order, not the call policy's. The policy's order depends on which counter calls
    next and on waits that keep growing (priority, appointments, max-wait), so no one count is
    "the" order; a customer is told the line as it stands. The wait counts the tickets of
    every service before it (``estimate_shared_wait_s``). One ordered read per day.
    """
    waiting = [t for t in tickets if t.state == TicketState.WAITING and t.id is not None]
    if not waiting:
        return {}
    days: dict[date, tuple[list[tuple[int, str]], FloorFigures]] = {}
    out: dict[int, tuple[int, int]] = {}
    for ticket in waiting:
        assert ticket.id is not None
        day = ticket.business_day
        if day not in days:
            line = repo.waiting_in_order(session, business_day=day)
            days[day] = (line, issuing.floor_figures(session, business_day=day))
        line, floor = days[day]
        before = _ahead_by_service(line, ticket.id)
        ahead = before.get(ticket.service_code, 0)
        wait_s = 0
        svc = names.services.get(ticket.service_code)
        if svc is not None:  # a service removed from the branch file since: no estimate
            wait_s = floor.wait_s(svc, before)
        out[ticket.id] = (ahead, wait_s)
    return out


def _ahead_by_service(line: Sequence[tuple[int, str]], ticket_id: int) -> dict[str, int]:
    """service code -> the tickets before ``ticket_id`` in the day's waiting line."""
    before: dict[str, int] = {}
    for tid, code in line:
        if tid == ticket_id:
            break
        before[code] = before.get(code, 0) + 1
    return before


def queue_infos(session: Session, *, day: date, names: Names) -> list[QueueInfo]:
    """Every service's queue (the floor's three queries whatever the number of services)."""
    floor = issuing.floor_figures(session, business_day=day)
    return [make_queue_info(svc, floor.queue(svc.code), floor) for svc in names.services.values()]


def queue_info(session: Session, *, day: date, names: Names, service_code: str) -> QueueInfo:
    """One service's queue."""
    svc = names.services.get(service_code)
    if svc is None:  # removed from the branch file since
        svc = ServiceDef(code=service_code, prefix="?", name_zh=service_code, name_en=service_code)
    floor = issuing.floor_figures(session, business_day=day)
    return make_queue_info(svc, floor.queue(service_code), floor)


def make_queue_info(
    service: ServiceDef,
    figures: QueueFigures,
    floor: FloorFigures,
    ahead: Mapping[str, int] | None = None,
) -> QueueInfo:
    """The one place a QueueInfo is made: availability from the figures; the wait a new
    ticket would be told, with ``ahead`` (per service; default: everyone waiting) before it."""
    reason = unavailable(
        is_open=service.is_open,
        daily_cap=service.daily_cap,
        issued_today=figures.issued_today,
        open_tickets=figures.open_tickets,
        number_span=service.number_span,
        serving_counters=figures.serving_counters,
        branch_open=figures.branch_open,
    )
    return QueueInfo(
        service_code=service.code,
        prefix=service.prefix,
        name=Bilingual(zh=service.name_zh, en=service.name_en),
        is_open=service.is_open,
        waiting=figures.waiting,
        estimated_wait_s=floor.wait_s(service, ahead),
        open_counters=figures.open_counters,
        unavailable=unavailable_text(reason),
    )


def counter_info(counter: CounterRow, held: TicketLike | None, names: Names) -> CounterInfo:
    return CounterInfo(
        counter_number=counter.number,
        name=Bilingual(zh=counter.name_zh, en=counter.name_en),
        state=counter.state,
        teller=counter.teller_name,
        current=ticket_ref(held, names) if held is not None else None,
    )


def counter_infos(session: Session, names: Names) -> list[CounterInfo]:
    held = repo.held_tickets(session)
    return [counter_info(c, held.get(c.number), names) for c in names.counters.values()]


def call_info(ticket: TicketLike, counter_number: int, names: Names) -> CallInfo:
    return CallInfo(
        ticket=ticket_ref(ticket, names),
        counter_number=counter_number,
        counter_name=names.counter(counter_number),
        recall_count=ticket.recall_count,
        called_at=ticket.called_at or ticket.issued_at,
    )


def recent_calls(session: Session, names: Names) -> list[CallInfo]:
    out = []
    for event, ticket in repo.recent_calls(session, limit=RECENT_CALLS):
        counter = event.counter_number if event.counter_number is not None else 0
        ref = ticket_ref(ticket, names)
        out.append(
            CallInfo(
                ticket=ref,
                counter_number=counter,
                counter_name=names.counter(counter),
                recall_count=int(event.details.get("recall_count", 0)),
                called_at=event.at,
            )
        )
    return out


def emergency(session: Session) -> Bilingual | None:
    state = repo.branch_state(session)
    if state is None:
        return None
    if state.emergency_kind is None:
        return None
    return Bilingual(zh=state.emergency_zh or "", en=state.emergency_en or "")


def snapshot(ctx: BranchContext) -> Snapshot:
    """The whole current state for a websocket client (the hub overwrites ``seq``)."""
    now = ctx.now()
    with ctx.reading() as uow:
        session = uow.session
        names = Names(session)
        return Snapshot(
            seq=0,
            at=now,
            queues=queue_infos(session, day=ctx.business_day(now), names=names),
            counters=counter_infos(session, names),
            recent_calls=recent_calls(session, names),
            emergency=emergency(session),
            alerts=alert_views.active_alerts(session, names),
        )


@reads
def queues_now(uow: Unit) -> list[QueueInfo]:
    """Every service's queue now (people waiting, estimated wait, open counters)."""
    return queue_infos(
        uow.session, day=uow.ctx.business_day(uow.ctx.now()), names=Names(uow.session)
    )


@reads
def counters_now(uow: Unit) -> list[CounterInfo]:
    """Every counter: state, teller signed in, and the ticket it holds."""
    return counter_infos(uow.session, Names(uow.session))
