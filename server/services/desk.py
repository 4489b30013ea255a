"""A counter's desk (its ticket, what it may call, what it parked) and a teller's figures."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from server.contract.common import Bilingual, TicketState
from server.contract.desk import CounterDesk, DeskTicket, TellerToday
from server.domain.desk import Desk
from server.domain.transitions import Action
from server.services.desks import counter_def, desk_of
from server.services.feedback_figures import teller_rating
from server.services.unit import Unit, reads
from server.services.views import Names, counter_info, ticket_ref
from server.store import repo
from server.store.tables import Ticket, TicketEvent
from server.store.ticket_rows import TicketLike

DESK_LIST_LIMIT = 100  # a teller's list shows the oldest; the count says how many in all


def _seconds(start: datetime | None, end: datetime | None) -> int:
    if start is None or end is None:
        return 0
    return max(int((end - start).total_seconds()), 0)


@reads
def counter_desk(uow: Unit, *, counter_number: int) -> CounterDesk:
    ctx, session = uow.ctx, uow.session
    now = ctx.now()
    day = ctx.business_day(now)
    counter, held = repo.counter_and_held(session, number=counter_number)
    names = Names(session)
    desk_rules = counter_def(session, counter)
    desk = desk_of(desk_rules, counter, held)
    rows = session.exec(
        select(Ticket)
        .where(Ticket.business_day == day)
        .where(col(Ticket.state).in_([TicketState.WAITING, TicketState.PARKED]))
        .order_by(col(Ticket.id))
    ).all()
    callable_rows = [
        t
        for t in rows
        if t.state == TicketState.WAITING
        and desk_rules.may_take(service_code=t.service_code, target_counter=t.target_counter)
    ]
    waiting = [
        DeskTicket(ticket=ticket_ref(t, names), waited_s=_seconds(t.arrived_at, now))
        for t in callable_rows[:DESK_LIST_LIMIT]
    ]
    parked = [
        DeskTicket(
            ticket=ticket_ref(t, names),
            waited_s=_seconds(t.arrived_at, now),
            recall_count=t.recall_count,
        )
        for t in rows
        if t.state == TicketState.PARKED and t.counter_number == counter_number
    ]
    current = None
    if held is not None:
        current = DeskTicket(
            ticket=ticket_ref(held, names),
            waited_s=_seconds(held.arrived_at, held.called_at),
            recall_count=held.recall_count,
            reason=_call_reason(session, held),
        )
    return CounterDesk(
        at=now,
        counter=counter_info(counter, held, names),
        current=current,
        waiting=waiting,
        waiting_total=len(callable_rows),
        parked=parked,
        services=desk_rules.served(),
        allowed=allowed_actions(desk, waiting=bool(waiting), parked=bool(parked)),
    )


# the API's name of each action the Desk allows
_API_NAMES: dict[Action | str, str] = {
    "open": "open",
    "pause": "pause",
    "close": "close",
    "call_next": "call-next",
    Action.CALL: "call",
    Action.RECALL: "recall",
    Action.START: "start",
    Action.FINISH: "finish",
    Action.NO_SHOW: "no-show",
    Action.PARK: "park",
    Action.UNPARK: "unpark",
    Action.CANCEL: "cancel",
    Action.TRANSFER: "transfer",
}


def allowed_actions(desk: Desk, *, waiting: bool, parked: bool) -> list[str]:
    """What the teller can do now (the terminal enables these buttons), as the Desk says."""
    return [_API_NAMES[a] for a in desk.allowed(waiting=waiting, parked=parked)]


def _call_reason(session: Session, ticket: TicketLike) -> Bilingual | None:
    """Why the ticket was last called (stored with the call event)."""
    event = session.exec(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id)
        .where(TicketEvent.action == Action.CALL.value)
        .order_by(col(TicketEvent.id).desc())
        .limit(1)
    ).first()
    if event is None:
        return None
    zh, en = event.details.get("reason_zh"), event.details.get("reason_en")
    if isinstance(zh, str) and isinstance(en, str):
        return Bilingual(zh=zh, en=en)
    return None


@reads
def teller_today(uow: Unit, *, teller_user_id: int, teller_name: str) -> TellerToday:
    """Customers this teller finished or marked no-show today, with their average times."""
    ctx, session = uow.ctx, uow.session
    now = ctx.now()
    day = ctx.business_day(now)
    rows = session.exec(
        select(TicketEvent.action, Ticket)
        .join(Ticket, col(Ticket.id) == col(TicketEvent.ticket_id))
        .where(TicketEvent.teller_user_id == teller_user_id)
        .where(col(TicketEvent.action).in_([Action.FINISH.value, Action.NO_SHOW.value]))
        .where(Ticket.business_day == day)
    ).all()
    rated = teller_rating(session, teller_user_id=teller_user_id, day=day)
    served = [t for action, t in rows if action == Action.FINISH.value]
    service = [_seconds(t.started_at, t.finished_at) for t in served if t.started_at]
    waits = [_seconds(t.arrived_at, t.called_at) for t in served if t.called_at]
    return TellerToday(
        business_day=day,
        teller=teller_name,
        served=len(served),
        no_shows=sum(1 for action, _t in rows if action == Action.NO_SHOW.value),
        avg_service_s=round(sum(service) / len(service)) if service else None,
        avg_wait_s=round(sum(waits) / len(waits)) if waits else None,
        ratings=rated.count,
        avg_rating=rated.average,
    )
