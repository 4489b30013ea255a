"""Which waiting ticket the call policy gives a counter (call-next's read).

The store returns only the heads of the counter's candidate groups (``server.domain.heads``
says which and why that suffices), a few rows whatever the length of the queue; the policy
scores those. ``choose_by_full_scan`` scores every waiting ticket: the reference the heads
must agree with (the equivalence test and the benchmark's baseline), not used to serve.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlmodel import Session, select

from server.domain.heads import head_query
from server.domain.model import CounterDef
from server.domain.policy import Choice, WeightedPolicy
from server.domain.states import TicketState
from server.services.desks import to_domain
from server.store import call_heads, repo
from server.store.tables import Ticket
from server.store.ticket_rows import TicketLike

RECENT_CATEGORIES = 10


class Chosen(NamedTuple):
    """The policy's choice and the ticket's row (read just now, in the caller's session)."""

    choice: Choice
    row: TicketLike


def choose_for(
    session: Session, *, policy: WeightedPolicy, counter: CounterDef, day: date, now: datetime
) -> Chosen | None:
    """The policy's choice among the day's WAITING tickets for this counter (None: nobody)."""
    query = head_query(policy.config, counter, now)
    rows = call_heads.group_heads(session, business_day=day, query=query)
    return _choose(session, policy, counter, rows, now)


def choose_by_full_scan(
    session: Session, *, policy: WeightedPolicy, counter: CounterDef, day: date, now: datetime
) -> Chosen | None:
    """The same choice by reading and scoring every WAITING ticket of the day (the reference)."""
    rows = session.exec(
        select(Ticket).where(Ticket.business_day == day, Ticket.state == TicketState.WAITING)
    ).all()
    return _choose(session, policy, counter, rows, now)


def _choose(
    session: Session,
    policy: WeightedPolicy,
    counter: CounterDef,
    rows: Sequence[TicketLike],
    now: datetime,
) -> Chosen | None:
    recent = repo.recent_call_categories(session, limit=RECENT_CATEGORIES)
    candidates = [to_domain(row).candidate() for row in rows]
    choice = policy.choose(
        counter=counter, candidates=candidates, now=now, recent_categories=recent
    )
    if choice is None:
        return None
    return Chosen(choice, next(row for row in rows if row.id == choice.ticket_id))
