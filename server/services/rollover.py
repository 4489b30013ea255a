"""The daily rollover: at the branch's rollover time, yesterday's open tickets are abandoned.

History is kept (tickets and their events stay); numbering restarts because it is counted
per business day. Issuing calls ``ensure_business_day`` in its transaction when the day the
database recorded is not today's, and the server also runs ``rollover`` periodically so
displays are updated without waiting for a ticket. The database's branch-state row is the
only record of the day: several processes may serve one database.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from server.contract.events import CounterChanged
from server.domain.desk import abandon_ticket
from server.domain.transitions import ACTIVE_STATES, Action
from server.services import audit
from server.services.context import BranchContext
from server.services.desks import to_domain, write_back
from server.services.queues import publish_queues
from server.services.unit import Unit
from server.services.views import Names, counter_infos
from server.store import repo
from server.store.tables import BranchState


def ensure_business_day(session: Session, ctx: BranchContext, now: datetime) -> int:
    """Abandon tickets of earlier business days if the day changed; returns how many."""
    day = ctx.business_day(now)
    state = repo.branch_state(session, for_update=True)
    if state is None:
        state = BranchState(id=1)
    abandoned = 0
    if state.business_day != day:
        for row in repo.active_before(session, business_day=day, states=ACTIVE_STATES):
            ticket = to_domain(row)
            old = ticket.state
            write_back(abandon_ticket(ticket, now), row, session)
            repo.append_event(
                session,
                ticket_id=ticket.ticket_id,
                action=Action.ABANDON.value,
                at=now,
                counter_number=ticket.counter_number,
                details={"from_state": old.value, "business_day": day.isoformat()},
            )
            abandoned += 1
        state.business_day = day
        session.add(state)
    return abandoned


def rollover(ctx: BranchContext) -> int:
    """Run the rollover now if the business day changed; returns how many were abandoned.

    A read first: the common case (same day) never takes the writer lock."""
    now = ctx.now()
    with ctx.reading() as uow:
        state = repo.branch_state(uow.session)
        recorded = None if state is None else state.business_day
    if recorded == ctx.business_day(now):
        return 0
    day_changed = recorded is not None  # a day was recorded before: this is a new one
    with ctx.writing() as uow:
        abandoned = ensure_business_day(uow.session, ctx, now)
        if abandoned or day_changed:
            publish_new_day(uow)
    if day_changed:  # an anchor outside the database: the audit head in the server log
        audit.log_head(ctx.engine, why=f"new business day {ctx.business_day(now)}")
    return abandoned


def publish_new_day(uow: Unit) -> None:
    """After a rollover: one CounterChanged per counter, so displays drop yesterday's calls,
    and every queue (empty again; services at yesterday's daily cap available again)."""
    now = uow.ctx.now()
    for info in counter_infos(uow.session, Names(uow.session)):
        uow.publish(CounterChanged(seq=0, at=now, counter=info))
    publish_queues(uow, reason="new business day")
