"""Counter use cases: a teller opens (signs in to), pauses and closes a counter."""

from __future__ import annotations

from sqlmodel import Session

from server.contract.events import CounterChanged
from server.contract.rest import CounterActionResult
from server.domain.audit import AuditAction
from server.domain.desk import TellerAt
from server.services import audit
from server.services.context import BranchContext
from server.services.desks import LoadedDesk
from server.services.queues import publish_queues
from server.services.views import Names, counter_info
from server.store import repo
from server.store.db import write_session


def open_counter(ctx: BranchContext, at: TellerAt) -> CounterActionResult:
    """Sign the teller in to the counter and open it (also resumes a paused counter)."""
    with write_session(ctx.engine) as session:
        loaded = LoadedDesk(session, counter_number=at.counter_number)
        other = repo.find_teller_counter(session, teller_user_id=at.user_id)
        loaded.desk.open(at, signed_in_elsewhere=other.number if other is not None else None)
        return _saved(ctx, session, loaded, at, AuditAction.COUNTER_OPEN)


def pause_counter(ctx: BranchContext, at: TellerAt) -> CounterActionResult:
    """Stop receiving calls for a while; the teller stays signed in."""
    with write_session(ctx.engine) as session:
        loaded = LoadedDesk(session, counter_number=at.counter_number)
        loaded.desk.pause(at)
        return _saved(ctx, session, loaded, at, AuditAction.COUNTER_PAUSE)


def close_counter(ctx: BranchContext, at: TellerAt) -> CounterActionResult:
    """Close the counter and sign the teller out; refused while it holds a ticket."""
    with write_session(ctx.engine) as session:
        loaded = LoadedDesk(session, counter_number=at.counter_number)
        loaded.desk.close(at)
        return _saved(ctx, session, loaded, at, AuditAction.COUNTER_CLOSE)


def _saved(
    ctx: BranchContext, session: Session, loaded: LoadedDesk, at: TellerAt, action: AuditAction
) -> CounterActionResult:
    now = ctx.now()
    loaded.save_counter()
    session.flush()
    info = counter_info(loaded.row, loaded.held_row, Names(session))
    audit.record(
        session,
        audit.teller(at, now, ctx.business_day(now)),
        action,
        f"counter:{at.counter_number}",
        {"counter": at.counter_number, "state": loaded.desk.state.value},
    )
    session.commit()
    ctx.publish(CounterChanged(seq=0, at=now, counter=info))
    # open counters per service changed: every service's estimate may have moved
    state = loaded.desk.state.value.lower()
    publish_queues(ctx, reason=f"counter {loaded.desk.number} {state}")
    held = info.current
    return CounterActionResult(
        counter=info, ticket=held, recall_count=held.recall_count if held is not None else 0
    )
