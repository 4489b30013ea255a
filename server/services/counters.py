"""Counter use cases: a teller opens (signs in to), pauses and closes a counter."""

from __future__ import annotations

from sqlmodel import Session

from server.contract.common import CounterState, TicketState
from server.contract.events import CounterChanged
from server.contract.rest import CounterActionResult
from server.domain.desk import check_can_close
from server.domain.errors import CounterUnavailable
from server.services.context import BranchContext
from server.services.errors import NotSignedIn
from server.services.queues import publish_queues
from server.services.views import Names, counter_info
from server.store import repo
from server.store.db import write_session
from server.store.tables import Counter


def signed_in_counter(
    session: Session, *, counter_number: int, teller_user_id: int, teller_name: str
) -> Counter:
    """The counter, locked, when this teller is signed in to it; else NotSignedIn (403)."""
    counter = repo.get_counter(session, number=counter_number, for_update=True)
    if counter.teller_user_id not in (None, teller_user_id):
        raise NotSignedIn(
            f"counter {counter_number} is held by teller {counter.teller_name!r}; "
            f"teller {teller_name!r} can act only at the counter they opened",
            f"{counter_number}号窗口由柜员{counter.teller_name}登录；"
            f"柜员{teller_name}只能在自己开启的窗口操作",
        )
    if counter.teller_user_id is None or counter.state == CounterState.CLOSED.value:
        raise NotSignedIn(
            f"teller {teller_name!r} is not signed in to counter {counter_number}; open the "
            f"counter first (POST /api/v1/counters/{counter_number}/open)",
            f"柜员{teller_name}未登录{counter_number}号窗口，请先开启该窗口",
        )
    return counter


def open_counter(
    ctx: BranchContext, *, counter_number: int, teller_user_id: int, teller_name: str
) -> CounterActionResult:
    """Sign the teller in to the counter and open it (also resumes a paused counter)."""
    with write_session(ctx.engine) as session:
        counter = repo.get_counter(session, number=counter_number, for_update=True)
        if counter.teller_user_id not in (None, teller_user_id):
            raise CounterUnavailable(
                counter_number,
                f"teller {counter.teller_name!r} is signed in to it; they must close it first",
                f"已由柜员{counter.teller_name}登录，需其先关闭窗口",
            )
        other = repo.find_teller_counter(session, teller_user_id=teller_user_id)
        if other is not None and other.number != counter_number:
            raise CounterUnavailable(
                counter_number,
                f"teller {teller_name!r} is signed in to counter {other.number}; close it first",
                f"：柜员{teller_name}已登录{other.number}号窗口，请先关闭该窗口",
            )
        counter.teller_user_id = teller_user_id
        counter.teller_name = teller_name
        return _set_state(ctx, session, counter, CounterState.OPEN)


def pause_counter(
    ctx: BranchContext, *, counter_number: int, teller_user_id: int, teller_name: str
) -> CounterActionResult:
    """Stop receiving calls for a while; the teller stays signed in."""
    with write_session(ctx.engine) as session:
        counter = signed_in_counter(
            session,
            counter_number=counter_number,
            teller_user_id=teller_user_id,
            teller_name=teller_name,
        )
        return _set_state(ctx, session, counter, CounterState.PAUSED)


def close_counter(
    ctx: BranchContext, *, counter_number: int, teller_user_id: int, teller_name: str
) -> CounterActionResult:
    """Close the counter and sign the teller out; refused while it holds a ticket."""
    with write_session(ctx.engine) as session:
        counter = signed_in_counter(
            session,
            counter_number=counter_number,
            teller_user_id=teller_user_id,
            teller_name=teller_name,
        )
        held = repo.held_ticket(session, counter_number=counter_number)
        check_can_close(
            counter_number, None if held is None else (held.number, TicketState(held.state))
        )
        counter.teller_user_id = None
        counter.teller_name = None
        return _set_state(ctx, session, counter, CounterState.CLOSED)


def _set_state(
    ctx: BranchContext, session: Session, counter: Counter, state: CounterState
) -> CounterActionResult:
    counter.state = state.value
    session.add(counter)
    session.flush()
    names = Names(session)
    info = counter_info(counter, repo.held_ticket(session, counter_number=counter.number), names)
    session.commit()
    ctx.publish(CounterChanged(seq=0, at=ctx.now(), counter=info))
    # open counters per service changed: every service's estimate may have moved
    publish_queues(ctx, reason=f"counter {counter.number} {state.value.lower()}")
    held = info.current
    return CounterActionResult(
        counter=info, ticket=held, recall_count=held.recall_count if held is not None else 0
    )
