"""A counter's desk (its ticket, what it may call, what it parked) and a teller's figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session, col, select

from server.contract.common import Bilingual, CounterState, TicketState
from server.contract.desk import CounterDesk, DeskTicket, TellerToday
from server.domain.desk import check_can_close, check_can_take, check_may_call
from server.domain.errors import CounterUnavailable
from server.domain.model import CounterDef
from server.domain.transitions import Action, allowed_from
from server.services.context import BranchContext, live_config
from server.services.views import Names, counter_info, ticket_ref
from server.store import repo
from server.store.db import read_session
from server.store.tables import Ticket, TicketEvent

DESK_LIST_LIMIT = 100  # a teller's list shows the oldest; the count says how many in all


def _seconds(start: datetime | None, end: datetime | None) -> int:
    if start is None or end is None:
        return 0
    return max(int((end - start).total_seconds()), 0)


def counter_desk(ctx: BranchContext, *, counter_number: int) -> CounterDesk:
    now = ctx.now()
    day = ctx.business_day(now)
    with read_session(ctx.engine) as session:
        counter = repo.get_counter(session, number=counter_number)
        names = Names(session)
        held = repo.held_ticket(session, counter_number=counter_number)
        desk_rules = live_config(session, ctx).counter(counter_number)
        rows = session.exec(
            select(Ticket)
            .where(Ticket.business_day == day)
            .where(col(Ticket.state).in_([TicketState.WAITING.value, TicketState.PARKED.value]))
            .order_by(col(Ticket.id))
        ).all()
        callable_rows = [
            t for t in rows if t.state == TicketState.WAITING.value and _may_call(desk_rules, t)
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
            if t.state == TicketState.PARKED.value and t.counter_number == counter_number
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
            services=sorted(code for code in desk_rules.weights if desk_rules.serves(code)),
            allowed=allowed_actions(
                counter_number,
                CounterState(counter.state),
                (held.number, TicketState(held.state)) if held is not None else None,
                waiting=bool(waiting),
                parked=bool(parked),
            ),
        )


def _may_call(counter: CounterDef, ticket: Ticket) -> bool:
    """The domain's rule: a ticket sent to one counter is its alone, else by service."""
    try:
        check_may_call(
            counter,
            number=ticket.number,
            service_code=ticket.service_code,
            target_counter=ticket.target_counter,
        )
    except CounterUnavailable:
        return False
    return True


def _passes(check: Callable[[], None]) -> bool:
    try:
        check()
    except CounterUnavailable:
        return False
    return True


# the actions on a held ticket, by their name in the API
_HELD_ACTIONS = (
    ("recall", Action.RECALL),
    ("start", Action.START),
    ("finish", Action.FINISH),
    ("no-show", Action.NO_SHOW),
    ("park", Action.PARK),
    ("transfer", Action.TRANSFER),
)


def allowed_actions(
    counter_number: int,
    state: CounterState,
    held: tuple[str, TicketState] | None,
    *,
    waiting: bool,
    parked: bool,
) -> list[str]:
    """What the teller can do now (the terminal enables these buttons), asked of the same
    domain rules the use cases check (``server.domain.desk``, the transition table)."""
    if state is CounterState.CLOSED:
        return ["open"]
    allowed = ["pause"] if state is CounterState.OPEN else ["open"]
    if held is not None:
        allowed += [name for name, act in _HELD_ACTIONS if held[1] in allowed_from(act)]
    if _passes(lambda: check_can_close(counter_number, held)):
        allowed.append("close")
    if _passes(lambda: check_can_take(counter_number, state, held)):
        allowed.append("call-next")
        if waiting:
            allowed.append("call")
        if parked:
            allowed.append("unpark")
    if waiting:
        allowed.append("cancel")
    return allowed


def _call_reason(session: Session, ticket: Ticket) -> Bilingual | None:
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


def teller_today(ctx: BranchContext, *, teller_user_id: int, teller_name: str) -> TellerToday:
    """Customers this teller finished or marked no-show today, with their average times."""
    now = ctx.now()
    day = ctx.business_day(now)
    with read_session(ctx.engine) as session:
        rows = session.exec(
            select(TicketEvent.action, Ticket)
            .join(Ticket, col(Ticket.id) == col(TicketEvent.ticket_id))
            .where(TicketEvent.teller_user_id == teller_user_id)
            .where(col(TicketEvent.action).in_([Action.FINISH.value, Action.NO_SHOW.value]))
            .where(Ticket.business_day == day)
        ).all()
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
    )
