"""Calling tickets to a counter: call next (the policy chooses), call a chosen one, recall.

Call-next is atomic across threads and processes: the counter row is locked (PostgreSQL
``FOR UPDATE``; SQLite ``BEGIN IMMEDIATE``), and the ticket moves WAITING -> CALLED with a
conditional UPDATE (``... WHERE state = 'WAITING'``) whose row count says whether this counter
got it; when another counter was faster, the policy chooses again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from server.contract.common import Bilingual, Category, CounterState, TicketState
from server.contract.events import TicketCalled, TicketRecalled
from server.contract.rest import CounterActionResult
from server.domain.desk import check_can_take, check_holds, check_may_call
from server.domain.errors import CounterUnavailable, InvalidTransition, UnknownEntity
from server.domain.model import Candidate, CounterDef
from server.domain.policy import WeightedPolicy
from server.domain.transitions import Action, next_state
from server.services.context import BranchContext, live_config
from server.services.counters import signed_in_counter
from server.services.views import Names, call_info, counter_info, queue_info
from server.store import issuing, repo
from server.store.db import write_session
from server.store.tables import Counter, Ticket

MAX_CLAIM_ATTEMPTS = 50  # each failed claim means another counter got a ticket
RECENT_CATEGORIES = 10


def ready_counter(
    session: Session, *, counter_number: int, teller_user_id: int, teller_name: str
) -> Counter:
    """The teller's counter, OPEN and holding no CALLED/SERVING ticket."""
    counter = signed_in_counter(
        session,
        counter_number=counter_number,
        teller_user_id=teller_user_id,
        teller_name=teller_name,
    )
    held = repo.held_ticket(session, counter_number=counter_number)
    check_can_take(
        counter_number,
        CounterState(counter.state),
        None if held is None else (held.number, TicketState(held.state)),
    )
    return counter


def counter_def(session: Session, *, counter: Counter) -> CounterDef:
    """The counter as the rules see it: its number, names and the services it serves."""
    skills = repo.counter_skills(session).get(counter.number, {})
    return CounterDef(counter.number, counter.name_zh, counter.name_en, skills)


def check_may_take(session: Session, *, counter: Counter, ticket: Ticket, action: Action) -> None:
    """Refuse a ticket of a service the counter does not serve, or transferred elsewhere."""
    check_may_call(
        counter_def(session, counter=counter),
        number=ticket.number,
        service_code=ticket.service_code,
        target_counter=ticket.target_counter,
        action=action.value,
    )


def call_next(
    ctx: BranchContext, *, counter_number: int, teller_user_id: int, teller_name: str
) -> CounterActionResult:
    """Call the ticket the policy chooses for this counter (ticket None when none waits)."""
    now = ctx.now()
    day = ctx.business_day(now)
    with write_session(ctx.engine) as session:
        counter = ready_counter(
            session,
            counter_number=counter_number,
            teller_user_id=teller_user_id,
            teller_name=teller_name,
        )
        service_rows = repo.list_services(session)
        counter_rows = repo.list_counters(session)
        names = Names(session, services=service_rows, counters=counter_rows)
        config = live_config(session, ctx, service_rows=service_rows, counter_rows=counter_rows)
        policy = WeightedPolicy(config)
        counter_def = config.counter(counter_number)
        recent = [
            Category(c) for c in repo.recent_call_categories(session, limit=RECENT_CATEGORIES)
        ]
        for _ in range(MAX_CLAIM_ATTEMPTS):
            # (re)load: on PostgreSQL each statement sees what other counters committed
            candidates = [
                Candidate(
                    ticket_id=row.id,
                    number=row.number,
                    service_code=row.service_code,
                    category=Category(row.category),
                    arrived_at=row.arrived_at,
                    issue_seq=row.id,
                    appointment_at=row.appointment_at,
                    target_counter=row.target_counter,
                )
                for row in issuing.waiting_rows(session, business_day=day)
            ]
            choice = policy.choose(
                counter=counter_def, candidates=candidates, now=now, recent_categories=recent
            )
            if choice is None:
                info = counter_info(counter, None, names)
                reason = Bilingual(
                    zh=f"没有等候{counter_number}号窗口的客户",
                    en=f"no ticket is waiting for counter {counter_number}",
                )
                return CounterActionResult(counter=info, ticket=None, reason=reason)
            if repo.claim_waiting(
                session, ticket_id=choice.ticket_id, counter_number=counter_number, at=now
            ):
                break
            # another counter took it between our read and our claim: choose again
        else:
            raise CounterUnavailable(
                counter_number,
                "other counters kept taking the tickets; try again",
                "的候选客户一直被其他窗口叫走，请重试",
            )
        ticket = session.get_one(Ticket, choice.ticket_id)
        reason = Bilingual(zh=choice.reason_zh, en=choice.reason_en)
        details: dict[str, Any] = {
            "reason_en": choice.reason_en,
            "reason_zh": choice.reason_zh,
            "score": choice.score,
            "rule": choice.rule,
        }
        return _called(
            ctx, session, ticket, counter, teller_user_id, now, "call", reason, details, names
        )


def call_ticket(
    ctx: BranchContext,
    *,
    counter_number: int,
    number: str,
    teller_user_id: int,
    teller_name: str,
) -> CounterActionResult:
    """Call a waiting ticket the teller chose by its number (today's)."""
    now = ctx.now()
    with write_session(ctx.engine) as session:
        counter = ready_counter(
            session,
            counter_number=counter_number,
            teller_user_id=teller_user_id,
            teller_name=teller_name,
        )
        ticket = find_today(session, ctx, number=number, now=now)
        next_state(ticket.number, TicketState(ticket.state), Action.CALL)
        check_may_take(session, counter=counter, ticket=ticket, action=Action.CALL)
        assert ticket.id is not None
        if not repo.claim_waiting(
            session, ticket_id=ticket.id, counter_number=counter_number, at=now
        ):
            session.refresh(ticket)
            raise InvalidTransition(
                ticket.number, TicketState(ticket.state), "call", TicketState.WAITING
            )
        session.refresh(ticket)
        reason = Bilingual(zh="柜员指定叫号", en="chosen by the teller")
        details: dict[str, Any] = {"reason_en": reason.en, "reason_zh": reason.zh}
        details["rule"] = "chosen"
        return _called(ctx, session, ticket, counter, teller_user_id, now, "call", reason, details)


def recall(
    ctx: BranchContext, *, counter_number: int, teller_user_id: int, teller_name: str
) -> CounterActionResult:
    """Announce the counter's CALLED ticket again (counts recalls)."""
    now = ctx.now()
    with write_session(ctx.engine) as session:
        counter = signed_in_counter(
            session,
            counter_number=counter_number,
            teller_user_id=teller_user_id,
            teller_name=teller_name,
        )
        ticket = held_or_refuse(session, counter_number=counter_number, action=Action.RECALL)
        next_state(ticket.number, TicketState(ticket.state), Action.RECALL)
        ticket.recall_count += 1
        session.add(ticket)
        assert ticket.id is not None
        repo.append_event(
            session,
            ticket_id=ticket.id,
            action="recall",
            at=now,
            counter_number=counter_number,
            teller_user_id=teller_user_id,
            details={"recall_count": ticket.recall_count},
        )
        names = Names(session)
        call = call_info(ticket, counter_number, names)
        info = counter_info(counter, ticket, names)
        session.commit()
        ctx.publish(TicketRecalled(seq=0, at=now, call=call))
    return CounterActionResult(counter=info, ticket=call.ticket, recall_count=ticket.recall_count)


def _called(
    ctx: BranchContext,
    session: Session,
    ticket: Ticket,
    counter: Counter,
    teller_user_id: int,
    now: datetime,
    action: str,
    reason: Bilingual,
    details: dict[str, Any],
    names: Names | None = None,
) -> CounterActionResult:
    assert ticket.id is not None
    repo.append_event(
        session,
        ticket_id=ticket.id,
        action=action,
        at=now,
        counter_number=counter.number,
        teller_user_id=teller_user_id,
        details=details,
    )
    names = names or Names(session)
    call = call_info(ticket, counter.number, names)
    queue = queue_info(
        session, day=ticket.business_day, names=names, service_code=ticket.service_code
    )
    info = counter_info(counter, ticket, names)
    session.commit()
    event = TicketCalled(seq=0, at=now, call=call, reason=reason, queue=queue)
    ctx.publish(event)
    return CounterActionResult(
        counter=info, ticket=call.ticket, reason=reason, recall_count=ticket.recall_count
    )


def held_or_refuse(session: Session, *, counter_number: int, action: Action) -> Ticket:
    """The counter's CALLED/SERVING ticket; CounterUnavailable naming the action otherwise."""
    ticket = repo.held_ticket(session, counter_number=counter_number)
    check_holds(counter_number, ticket, action.value)
    assert ticket is not None
    return ticket


def find_today(session: Session, ctx: BranchContext, *, number: str, now: datetime) -> Ticket:
    """Today's ticket with that printed number (e.g. ``A042``); UnknownEntity (404) if none."""
    ticket = repo.get_ticket_by_number(
        session, number=number.strip().upper(), business_day=ctx.business_day(now)
    )
    if ticket is None:
        raise UnknownEntity("ticket number", number)
    return ticket
