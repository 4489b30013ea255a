"""What a teller does with a called ticket: start, finish, no-show, park, unpark, cancel,
transfer. Each: load the counter's Desk -> ask it -> persist -> event log -> publish."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from sqlmodel import Session

from server.contract.events import TicketChanged, TicketTransferred
from server.contract.rest import CounterActionResult
from server.domain.audit import AuditAction
from server.domain.desk import Desk, TellerAt, service_time_s
from server.domain.estimate import ewma
from server.domain.ticket import Ticket as DomainTicket
from server.domain.transitions import Action
from server.services import audit
from server.services.calls import find_today
from server.services.desks import LoadedDesk, to_domain, write_back
from server.services.unit import Unit, writes
from server.services.views import Names, counter_info, queue_info, queue_infos, ticket_ref
from server.store import repo
from server.store.tables import ServiceStats
from server.store.ticket_rows import TicketLike

ChangeAction = Literal["started", "finished", "no_show", "parked", "unparked", "cancelled"]

_CHANGED: dict[Action, ChangeAction] = {
    Action.START: "started",
    Action.FINISH: "finished",
    Action.NO_SHOW: "no_show",
    Action.PARK: "parked",
    Action.UNPARK: "unparked",
    Action.CANCEL: "cancelled",
}

_AUDITED: dict[Action, AuditAction] = {
    Action.START: AuditAction.START,
    Action.FINISH: AuditAction.FINISH,
    Action.NO_SHOW: AuditAction.NO_SHOW,
    Action.PARK: AuditAction.PARK,
    Action.UNPARK: AuditAction.UNPARK,
    Action.CANCEL: AuditAction.CANCEL,
}

_HELD_ACTIONS: dict[Action, Callable[[Desk, TellerAt, datetime], DomainTicket]] = {
    Action.START: Desk.start,
    Action.FINISH: Desk.finish,
    Action.NO_SHOW: Desk.no_show,
    Action.PARK: Desk.park,
}


@writes
def start(uow: Unit, at: TellerAt) -> CounterActionResult:
    """The customer arrived at the counter: CALLED -> SERVING."""
    return _held_action(uow, at, Action.START)


@writes
def finish(uow: Unit, at: TellerAt) -> CounterActionResult:
    """Service done: SERVING -> DONE; the service time feeds the wait estimates."""
    return _held_action(uow, at, Action.FINISH)


@writes
def mark_no_show(uow: Unit, at: TellerAt) -> CounterActionResult:
    """The called customer did not come: CALLED -> NO_SHOW."""
    return _held_action(uow, at, Action.NO_SHOW)


@writes
def park(uow: Unit, at: TellerAt) -> CounterActionResult:
    """Put the counter's ticket aside (customer fetching a document): -> PARKED."""
    return _held_action(uow, at, Action.PARK)


def _held_action(uow: Unit, at: TellerAt, act: Action) -> CounterActionResult:
    session = uow.session
    now = uow.ctx.now()
    loaded = LoadedDesk(session, counter_number=at.counter_number)
    held = loaded.held()
    ticket = _HELD_ACTIONS[act](loaded.desk, at, now)
    assert held is not None
    row = held[1]
    if act is Action.FINISH:
        _record_service_time(session, ticket, now)
    return _changed(uow, loaded, ticket, row, at, now, act)


def _record_service_time(session: Session, ticket: DomainTicket, now: datetime) -> None:
    sample = service_time_s(ticket)
    if sample is None:
        return
    stats = repo.get_stats(session, service_code=ticket.service_code, for_update=True)
    if stats is None:  # a service added after the last start (rows are seeded at startup)
        stats = ServiceStats(service_code=ticket.service_code, avg_service_s=sample, samples=0)
    previous = stats.avg_service_s if stats.samples > 0 else None
    stats.avg_service_s = ewma(previous, sample)
    stats.samples += 1
    stats.updated_at = now
    session.add(stats)


@writes
def unpark(uow: Unit, at: TellerAt, *, number: str) -> CounterActionResult:
    """Take a parked ticket back to this counter: PARKED -> CALLED."""
    ctx, session = uow.ctx, uow.session
    now = ctx.now()
    loaded = LoadedDesk(session, counter_number=at.counter_number)
    row = find_today(session, ctx, number=number, now=now)
    ticket = loaded.desk.unpark(at, to_domain(row), now)
    return _changed(uow, loaded, ticket, row, at, now, Action.UNPARK)


@writes
def cancel(uow: Unit, at: TellerAt, *, number: str) -> CounterActionResult:
    """Cancel a waiting ticket (the customer left, told a teller): WAITING -> CANCELLED."""
    ctx, session = uow.ctx, uow.session
    now = ctx.now()
    loaded = LoadedDesk(session, counter_number=at.counter_number)
    row = find_today(session, ctx, number=number, now=now)
    ticket = loaded.desk.cancel(at, to_domain(row), now)
    return _changed(uow, loaded, ticket, row, at, now, Action.CANCEL)


def _changed(
    uow: Unit,
    loaded: LoadedDesk,
    ticket: DomainTicket,
    row: TicketLike,
    at: TellerAt,
    now: datetime,
    act: Action,
) -> CounterActionResult:
    session = uow.session
    row = write_back(ticket, row, session)
    repo.append_event(
        session,
        ticket_id=ticket.ticket_id,
        action=act.value,
        at=now,
        counter_number=at.counter_number,
        teller_user_id=at.user_id,
    )
    session.flush()
    names = Names(session)
    ref = ticket_ref(row, names)
    queue = queue_info(session, day=row.business_day, names=names, service_code=row.service_code)
    info = counter_info(loaded.row, loaded.held_row_after(ticket, row), names)
    audit.record(
        session,
        audit.teller(at, now, uow.ctx.business_day(now)),
        _AUDITED[act],
        f"ticket:{row.public_id}",
        {"counter": at.counter_number, "number": row.number, "service": row.service_code},
    )
    uow.publish(
        TicketChanged(
            seq=0,
            at=now,
            action=_CHANGED[act],
            ticket=ref,
            counter_number=at.counter_number,
            queue=queue,
        )
    )
    return CounterActionResult(counter=info, ticket=ref, recall_count=ref.recall_count)


@writes
def transfer(
    uow: Unit,
    at: TellerAt,
    *,
    number: str | None = None,
    to_service: str | None = None,
    to_counter: int | None = None,
) -> CounterActionResult:
    """Send the counter's ticket (or a parked one by number) back to a queue: -> WAITING.

    It keeps its number and original arrival time; ``to_counter`` makes it wait for that
    counter only.
    """
    ctx, session = uow.ctx, uow.session
    now = ctx.now()
    loaded = LoadedDesk(session, counter_number=at.counter_number)
    held = loaded.held()
    row: TicketLike | None
    if number is None:
        row, chosen = (held[1], held[0]) if held is not None else (None, None)
    else:
        row = find_today(session, ctx, number=number, now=now)
        chosen = held[0] if held is not None and held[1].id == row.id else to_domain(row)
    if to_service is not None:
        to_service = repo.get_service(session, code=to_service).code  # 404 when unknown
    if to_counter is not None:
        repo.get_counter(session, number=to_counter)  # 404 for an unknown counter
    from_service = chosen.service_code if chosen is not None else None
    from_counter = chosen.counter_number if chosen is not None else None
    ticket = loaded.desk.transfer(
        at, now, ticket=chosen, to_service=to_service, to_counter=to_counter
    )
    assert row is not None and from_service is not None
    row = write_back(ticket, row, session)
    repo.append_event(
        session,
        ticket_id=ticket.ticket_id,
        action=Action.TRANSFER.value,
        at=now,
        counter_number=at.counter_number,
        teller_user_id=at.user_id,
        details={
            "from_service": from_service,
            "from_counter": from_counter,
            "to_service": ticket.service_code,
            "to_counter": to_counter,
        },
    )
    session.flush()
    names = Names(session)
    ref = ticket_ref(row, names)
    queues = [
        q
        for q in queue_infos(session, day=row.business_day, names=names)
        if q.service_code in {from_service, ticket.service_code}
    ]
    info = counter_info(loaded.row, loaded.held_row_after(ticket, row), names)
    audit.record(
        session,
        audit.teller(at, now, ctx.business_day(now)),
        AuditAction.TRANSFER,
        f"ticket:{row.public_id}",
        {
            "counter": at.counter_number,
            "number": row.number,
            "from_service": from_service,
            "from_counter": from_counter,
            "to_service": ticket.service_code,
            "to_counter": to_counter,
        },
    )
    uow.publish(
        TicketTransferred(
            seq=0,
            at=now,
            ticket=ref,
            from_service_code=from_service,
            from_counter_number=from_counter,
            to_counter_number=to_counter,
            queues=queues,
        )
    )
    return CounterActionResult(counter=info, ticket=ref)
