"""Which waiting ticket the call policy gives a counter (call-next's read)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from server.domain.model import Candidate, CounterDef
from server.domain.policy import Choice, WeightedPolicy
from server.store import issuing, repo

RECENT_CATEGORIES = 10


def choose_for(
    session: Session, *, policy: WeightedPolicy, counter: CounterDef, day: date, now: datetime
) -> Choice | None:
    """The policy's choice among the day's WAITING tickets for this counter (None: nobody)."""
    recent = repo.recent_call_categories(session, limit=RECENT_CATEGORIES)
    candidates = [
        Candidate(
            ticket_id=row.id,
            number=row.number,
            service_code=row.service_code,
            category=row.category,
            arrived_at=row.arrived_at,
            issue_seq=row.id,
            appointment_at=row.appointment_at,
            target_counter=row.target_counter,
        )
        for row in issuing.waiting_rows(session, business_day=day)
    ]
    return policy.choose(counter=counter, candidates=candidates, now=now, recent_categories=recent)
