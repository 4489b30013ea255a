"""What a teller does with a called ticket: start, finish, no-show, park, unpark, cancel,
transfer. Each: load and lock -> domain transition -> persist -> event log -> publish."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlmodel import Session

from server.contract.common import TicketState
from server.contract.events import TicketChanged, TicketTransferred
from server.contract.rest import CounterActionResult
from server.domain.estimate import ewma
from server.domain.transitions import Action, next_state
from server.services.calls import check_may_take, find_today, held_or_refuse, ready_counter
from server.services.context import BranchContext
from server.services.counters import signed_in_counter
from server.services.views import Names, counter_info, queue_info, queue_infos, ticket_ref
from server.store import repo
from server.store.db import write_session
from server.store.tables import Counter, ServiceStats, Ticket

ChangeAction = Literal["started", "finished", "no_show", "parked", "unparked", "cancelled"]


def start(
    ctx: BranchContext, *, counter_number: int, teller_user_id: int, teller_name: str
) -> CounterActionResult:
    """The customer arrived at the counter: CALLED -> SERVING."""
    return _held_action(ctx, counter_number, teller_user_id, teller_name, Action.START)


def finish(
    ctx: BranchContext, *, counter_number: int, teller_user_id: int, teller_name: str
) -> CounterActionResult:
    """Service done: SERVING -> DONE; the service time feeds the wait estimates."""
    return _held_action(ctx, counter_number, teller_user_id, teller_name, Action.FINISH)


def mark_no_show(
    ctx: BranchContext, *, counter_number: int, teller_user_id: int, teller_name: str
) -> CounterActionResult:
    """The called customer did not come: CALLED -> NO_SHOW."""
    return _held_action(ctx, counter_number, teller_user_id, teller_name, Action.NO_SHOW)


def park(
    ctx: BranchContext, *, counter_number: int, teller_user_id: int, teller_name: str
) -> CounterActionResult:
    """Put the counter's ticket aside (customer fetching a document): -> PARKED."""
    return _held_action(ctx, counter_number, teller_user_id, teller_name, Action.PARK)


_CHANGED: dict[Action, ChangeAction] = {
    Action.START: "started",
    Action.FINISH: "finished",
    Action.NO_SHOW: "no_show",
    Action.PARK: "parked",
    Action.UNPARK: "unparked",
    Action.CANCEL: "cancelled",
}


def _held_action(
    ctx: BranchContext, counter_number: int, teller_user_id: int, teller_name: str, act: Action
) -> CounterActionResult:
    now = ctx.now()
    with write_session(ctx.engine) as session:
        counter = signed_in_counter(
            session,
            counter_number=counter_number,
            teller_user_id=teller_user_id,
            teller_name=teller_name,
        )
        ticket = held_or_refuse(session, counter_number=counter_number, action=act)
        ticket.state = next_state(ticket.number, TicketState(ticket.state), act).value
        if act is Action.START:
            ticket.started_at = now
        elif act is Action.FINISH:
            ticket.finished_at = now
            _record_service_time(session, ticket, now)
        elif act is Action.NO_SHOW:
            ticket.finished_at = now
        return _changed(ctx, session, ticket, counter, teller_user_id, now, act)


def _record_service_time(session: Session, ticket: Ticket, now: datetime) -> None:
    if ticket.started_at is None:
        return
    sample = max((now - ticket.started_at).total_seconds(), 0.0)
    stats = repo.get_stats(session, service_code=ticket.service_code, for_update=True)
    if stats is None:  # a service added after the last start (rows are seeded at startup)
        stats = ServiceStats(service_code=ticket.service_code, avg_service_s=sample, samples=0)
    previous = stats.avg_service_s if stats.samples > 0 else None
    stats.avg_service_s = ewma(previous, sample)
    stats.samples += 1
    stats.updated_at = now
    session.add(stats)


def unpark(
    ctx: BranchContext,
    *,
    counter_number: int,
    number: str,
    teller_user_id: int,
    teller_name: str,
) -> CounterActionResult:
    """Take a parked ticket back to this counter: PARKED -> CALLED."""
    now = ctx.now()
    with write_session(ctx.engine) as session:
        counter = ready_counter(
            session,
            counter_number=counter_number,
            teller_user_id=teller_user_id,
            teller_name=teller_name,
        )
        ticket = find_today(session, ctx, number=number, now=now)
        new_state = next_state(ticket.number, TicketState(ticket.state), Action.UNPARK)
        check_may_take(session, counter=counter, ticket=ticket, action=Action.UNPARK)
        ticket.state = new_state.value
        ticket.counter_number = counter_number
        ticket.called_at = now
        return _changed(ctx, session, ticket, counter, teller_user_id, now, Action.UNPARK)


def cancel(
    ctx: BranchContext,
    *,
    counter_number: int,
    number: str,
    teller_user_id: int,
    teller_name: str,
) -> CounterActionResult:
    """Cancel a waiting ticket (the customer left, told a teller): WAITING -> CANCELLED."""
    now = ctx.now()
    with write_session(ctx.engine) as session:
        counter = signed_in_counter(
            session,
            counter_number=counter_number,
            teller_user_id=teller_user_id,
            teller_name=teller_name,
        )
        ticket = find_today(session, ctx, number=number, now=now)
        ticket.state = next_state(ticket.number, TicketState(ticket.state), Action.CANCEL).value
        ticket.finished_at = now
        return _changed(ctx, session, ticket, counter, teller_user_id, now, Action.CANCEL)


def _changed(
    ctx: BranchContext,
    session: Session,
    ticket: Ticket,
    counter: Counter,
    teller_user_id: int,
    now: datetime,
    act: Action,
) -> CounterActionResult:
    session.add(ticket)
    assert ticket.id is not None
    repo.append_event(
        session,
        ticket_id=ticket.id,
        action=act.value,
        at=now,
        counter_number=counter.number,
        teller_user_id=teller_user_id,
    )
    session.flush()
    names = Names(session)
    ref = ticket_ref(ticket, names)
    queue = queue_info(
        session, day=ticket.business_day, names=names, service_code=ticket.service_code
    )
    held = repo.held_ticket(session, counter_number=counter.number)
    info = counter_info(counter, held, names)
    session.commit()
    ctx.publish(
        TicketChanged(
            seq=0,
            at=now,
            action=_CHANGED[act],
            ticket=ref,
            counter_number=counter.number,
            queue=queue,
        )
    )
    return CounterActionResult(counter=info, ticket=ref, recall_count=ref.recall_count)


def transfer(
    ctx: BranchContext,
    *,
    counter_number: int,
    teller_user_id: int,
    teller_name: str,
    number: str | None = None,
    to_service: str | None = None,
    to_counter: int | None = None,
) -> CounterActionResult:
    """Send the counter's ticket (or a parked one by number) back to a queue: -> WAITING.

    It keeps its number and original arrival time; ``to_counter`` makes it wait for that
    counter only.
    """
    now = ctx.now()
    with write_session(ctx.engine) as session:
        counter = signed_in_counter(
            session,
            counter_number=counter_number,
            teller_user_id=teller_user_id,
            teller_name=teller_name,
        )
        if number is None:
            ticket = held_or_refuse(session, counter_number=counter_number, action=Action.TRANSFER)
        else:
            ticket = find_today(session, ctx, number=number, now=now)
        from_service = ticket.service_code
        from_counter = ticket.counter_number
        new_state = next_state(ticket.number, TicketState(ticket.state), Action.TRANSFER)
        if to_service is not None:
            ticket.service_code = repo.get_service(session, code=to_service).code
        if to_counter is not None:
            repo.get_counter(session, number=to_counter)  # 404 for an unknown counter
        ticket.state = new_state.value
        ticket.target_counter = to_counter
        ticket.counter_number = None
        ticket.called_at = None
        ticket.started_at = None
        ticket.recall_count = 0
        session.add(ticket)
        assert ticket.id is not None
        repo.append_event(
            session,
            ticket_id=ticket.id,
            action=Action.TRANSFER.value,
            at=now,
            counter_number=counter_number,
            teller_user_id=teller_user_id,
            details={
                "from_service": from_service,
                "from_counter": from_counter,
                "to_service": ticket.service_code,
                "to_counter": to_counter,
            },
        )
        session.flush()
        names = Names(session)
        ref = ticket_ref(ticket, names)
        queues = [
            q
            for q in queue_infos(session, day=ticket.business_day, names=names)
            if q.service_code in {from_service, ticket.service_code}
        ]
        info = counter_info(
            counter, repo.held_ticket(session, counter_number=counter_number), names
        )
        session.commit()
        ctx.publish(
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
    return CounterActionResult(counter=info, ticket=ref, recall_count=ref.recall_count)
