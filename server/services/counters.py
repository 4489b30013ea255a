"""Counter use cases: a teller opens (signs in to), pauses and closes a counter."""

from __future__ import annotations

from server.contract.events import CounterChanged
from server.contract.rest import CounterActionResult
from server.domain.audit import AuditAction
from server.domain.desk import TellerAt
from server.services import audit
from server.services.desks import LoadedDesk
from server.services.queues import publish_queues
from server.services.unit import Unit, writes
from server.services.views import Names, counter_info
from server.store import repo


@writes
def open_counter(uow: Unit, at: TellerAt) -> CounterActionResult:
    """Sign the teller in to the counter and open it (also resumes a paused counter)."""
    loaded = LoadedDesk(uow.session, counter_number=at.counter_number)
    other = repo.find_teller_counter(uow.session, teller_user_id=at.user_id)
    loaded.desk.open(at, signed_in_elsewhere=other.number if other is not None else None)
    return _saved(uow, loaded, at, AuditAction.COUNTER_OPEN)


@writes
def pause_counter(uow: Unit, at: TellerAt) -> CounterActionResult:
    """Stop receiving calls for a while; the teller stays signed in."""
    loaded = LoadedDesk(uow.session, counter_number=at.counter_number)
    loaded.desk.pause(at)
    return _saved(uow, loaded, at, AuditAction.COUNTER_PAUSE)


@writes
def close_counter(uow: Unit, at: TellerAt) -> CounterActionResult:
    """Close the counter and sign the teller out; refused while it holds a ticket."""
    loaded = LoadedDesk(uow.session, counter_number=at.counter_number)
    loaded.desk.close(at)
    return _saved(uow, loaded, at, AuditAction.COUNTER_CLOSE)


def _saved(uow: Unit, loaded: LoadedDesk, at: TellerAt, action: AuditAction) -> CounterActionResult:
    now = uow.ctx.now()
    loaded.save_counter()
    uow.session.flush()
    info = counter_info(loaded.row, loaded.held_row, Names(uow.session))
    audit.record(
        uow.session,
        audit.teller(at, now, uow.ctx.business_day(now)),
        action,
        f"counter:{at.counter_number}",
        {"counter": at.counter_number, "state": loaded.desk.state.value},
    )
    uow.publish(CounterChanged(seq=0, at=now, counter=info))
    # open counters per service changed: every service's estimate may have moved
    state = loaded.desk.state.value.lower()
    publish_queues(uow, reason=f"counter {loaded.desk.number} {state}")
    held = info.current
    return CounterActionResult(
        counter=info, ticket=held, recall_count=held.recall_count if held is not None else 0
    )
