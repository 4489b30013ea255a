"""Calling tickets to a counter: call next (the policy chooses), call a chosen one, recall.

Each use case: load the counter's ``Desk`` (``server.services.desks``) -> ask it -> persist ->
event log -> publish. The Desk decides; nothing here checks a state by hand.

Call-next is atomic across threads and processes: the counter row is locked (PostgreSQL
``FOR UPDATE``; SQLite ``BEGIN IMMEDIATE``), and the ticket moves WAITING -> CALLED with a
conditional UPDATE (``... WHERE state = 'WAITING'``) whose row count says whether this counter
got it; when another counter was faster, the policy chooses again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from server.contract.common import Bilingual
from server.contract.events import TicketCalled, TicketRecalled
from server.contract.rest import CounterActionResult
from server.domain.audit import AuditAction
from server.domain.desk import TellerAt
from server.domain.errors import CounterUnavailable, InvalidTransition, UnknownEntity
from server.domain.policy import WeightedPolicy
from server.domain.ticket import Ticket as DomainTicket
from server.domain.transitions import Action, next_state
from server.services import audit
from server.services.candidates import choose_for
from server.services.context import BranchContext, live_config
from server.services.desks import LoadedDesk, to_domain, told, write_back
from server.services.unit import Unit, writes
from server.services.views import Names, call_info, counter_info, queue_info
from server.store import repo
from server.store.tables import Ticket
from server.store.ticket_rows import TicketLike

MAX_CLAIM_ATTEMPTS = 50  # each failed claim means another counter got a ticket


@writes
def call_next(uow: Unit, at: TellerAt) -> CounterActionResult:
    """Call the ticket the policy chooses for this counter (ticket None when none waits)."""
    ctx, session = uow.ctx, uow.session
    now = ctx.now()
    day = ctx.business_day(now)
    names = Names(session)
    config = live_config(session, ctx, names=names)
    loaded = LoadedDesk(
        session, counter_number=at.counter_number, counter=config.counter(at.counter_number)
    )
    desk = loaded.desk
    desk.check_can_take(at)
    policy = WeightedPolicy(config)
    for _ in range(MAX_CLAIM_ATTEMPTS):
        # (re)read: on PostgreSQL each statement sees what other counters committed
        chosen = choose_for(session, policy=policy, counter=desk.counter, day=day, now=now)
        if chosen is None:
            reason = Bilingual(
                zh=f"没有等候{at.counter_number}号窗口的客户",
                en=f"no ticket is waiting for counter {at.counter_number}",
            )
            info = counter_info(loaded.row, None, names)
            audit.record(
                session,
                audit.teller(at, now, day),
                AuditAction.CALL_NEXT,
                f"counter:{at.counter_number}",
                {"counter": at.counter_number, "ticket": None},
            )
            return CounterActionResult(counter=info, ticket=None, reason=reason)
        choice, row = chosen
        try:
            ticket = desk.call(at, to_domain(row), now, (choice.reason_en, choice.reason_zh))
        except InvalidTransition:
            continue  # another counter called it since our read (PostgreSQL): again
        if repo.claim_waiting(
            session, ticket_id=choice.ticket_id, counter_number=at.counter_number, at=now
        ):
            row = told(ticket, row)
            break
        desk.held = None  # another counter took it between our read and our claim
    else:
        raise CounterUnavailable(
            at.counter_number,
            "other counters kept taking the tickets; try again",
            "的候选客户一直被其他窗口叫走，请重试",
        )
    details: dict[str, Any] = {
        "reason_en": choice.reason_en,
        "reason_zh": choice.reason_zh,
        "score": choice.score,
        "rule": choice.rule,
    }
    return _called(uow, loaded, ticket, row, at, now, details, AuditAction.CALL_NEXT, names)


@writes
def call_ticket(uow: Unit, at: TellerAt, *, number: str) -> CounterActionResult:
    """Call a waiting ticket the teller chose by its number (today's)."""
    ctx, session = uow.ctx, uow.session
    now = ctx.now()
    loaded = LoadedDesk(session, counter_number=at.counter_number)
    row = find_today(session, ctx, number=number, now=now)
    ticket = loaded.desk.call(at, to_domain(row), now)
    if not repo.claim_waiting(
        session, ticket_id=ticket.ticket_id, counter_number=at.counter_number, at=now
    ):  # another counter called it since we read it (PostgreSQL)
        session.refresh(row)
        next_state(row.number, row.state, Action.CALL)
    told(ticket, row)  # the ORM row, in place
    details: dict[str, Any] = {
        "reason_en": ticket.reason_en,
        "reason_zh": ticket.reason_zh,
        "rule": "chosen",
    }
    return _called(uow, loaded, ticket, row, at, now, details, AuditAction.CALL)


@writes
def recall(uow: Unit, at: TellerAt) -> CounterActionResult:
    """Announce the counter's CALLED ticket again (counts recalls)."""
    session = uow.session
    now = uow.ctx.now()
    loaded = LoadedDesk(session, counter_number=at.counter_number)
    ticket = loaded.desk.recall(at, now)
    held = loaded.held()
    assert held is not None
    row = write_back(ticket, held[1], session)
    repo.append_event(
        session,
        ticket_id=ticket.ticket_id,
        action="recall",
        at=now,
        counter_number=at.counter_number,
        teller_user_id=at.user_id,
        details={"recall_count": ticket.recalls},
    )
    names = Names(session)
    call = call_info(row, at.counter_number, names)
    info = counter_info(loaded.row, row, names)
    audit.record(
        session,
        audit.teller(at, now, uow.ctx.business_day(now)),
        AuditAction.RECALL,
        f"ticket:{row.public_id}",
        {"counter": at.counter_number, "number": row.number, "recall_count": ticket.recalls},
    )
    uow.publish(TicketRecalled(seq=0, at=now, call=call))
    return CounterActionResult(counter=info, ticket=call.ticket, recall_count=ticket.recalls)


def _called(
    uow: Unit,
    loaded: LoadedDesk,
    ticket: DomainTicket,
    row: TicketLike,
    at: TellerAt,
    now: datetime,
    details: dict[str, Any],
    action: AuditAction,
    names: Names | None = None,
) -> CounterActionResult:
    session = uow.session  # the claim wrote the call (``told``): nothing to write back
    repo.append_event(
        session,
        ticket_id=ticket.ticket_id,
        action="call",
        at=now,
        counter_number=at.counter_number,
        teller_user_id=at.user_id,
        details=details,
    )
    names = names or Names(session)
    call = call_info(row, at.counter_number, names)
    queue = queue_info(session, day=row.business_day, names=names, service_code=row.service_code)
    info = counter_info(loaded.row, row, names)
    audit.record(
        session,
        audit.teller(at, now, uow.ctx.business_day(now)),
        action,
        f"ticket:{row.public_id}",
        {
            "counter": at.counter_number,
            "number": row.number,
            "service": row.service_code,
            "rule": details["rule"],
        },
    )
    reason = Bilingual(zh=ticket.reason_zh, en=ticket.reason_en)
    uow.publish(TicketCalled(seq=0, at=now, call=call, reason=reason, queue=queue))
    return CounterActionResult(
        counter=info, ticket=call.ticket, reason=reason, recall_count=ticket.recalls
    )


def find_today(session: Session, ctx: BranchContext, *, number: str, now: datetime) -> Ticket:
    """Today's ticket with that printed number (e.g. ``A042``); UnknownEntity (404) if none."""
    row = repo.get_ticket_by_number(
        session, number=number.strip().upper(), business_day=ctx.business_day(now)
    )
    if row is None:
        raise UnknownEntity("ticket number", number)
    return row
