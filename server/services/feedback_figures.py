"""Figures of ratings and complaints over a range of business days (for the reports and the
counter terminal): average, count and distribution per service, counter or teller; complaints
opened and resolved per day. Read-only; every day is a business day of the branch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from server.contract.feedback import (
    ComplaintCounts,
    ComplaintDay,
    GroupBy,
    RatingGroup,
    RatingSummary,
)
from server.domain.feedback import SCORE_MAX, SCORE_MIN, ComplaintState, is_overdue
from server.services.context import BranchContext
from server.services.errors import BadRequest
from server.store.feedback_tables import Complaint, Rating

RANGE_DAYS_MAX = 366


def _check_range(first_day: date, last_day: date) -> None:
    if last_day < first_day:
        raise BadRequest(
            "last_day",
            f"{last_day} is before first_day {first_day}",
            "结束日期早于开始日期",
        )
    if (last_day - first_day).days >= RANGE_DAYS_MAX:
        raise BadRequest(
            "last_day", f"at most {RANGE_DAYS_MAX} days at once", f"最多 {RANGE_DAYS_MAX} 天"
        )


def group_of(key: str, scores: Iterable[int]) -> RatingGroup:
    distribution = [0] * (SCORE_MAX - SCORE_MIN + 1)
    total = count = 0
    for score in scores:
        distribution[score - SCORE_MIN] += 1
        total += score
        count += 1
    return RatingGroup(
        key=key,
        count=count,
        average=round(total / count, 2) if count else None,
        distribution=distribution,
    )


def rating_summary(
    ctx: BranchContext, *, first_day: date, last_day: date, group_by: GroupBy
) -> RatingSummary:
    """Ratings of the business days ``first_day`` .. ``last_day`` grouped by service code,
    counter number or teller name (sorted by key)."""
    _check_range(first_day, last_day)
    column: Any = {
        "service": col(Rating.service_code),
        "counter": col(Rating.counter_number),
        "teller": col(Rating.teller_name),
    }[group_by]
    with ctx.reading() as uow:
        session = uow.session
        rows = session.exec(
            select(column, Rating.score, func.count())
            .where(col(Rating.business_day) >= first_day)
            .where(col(Rating.business_day) <= last_day)
            .group_by(column, col(Rating.score))
        ).all()
    scores: dict[str, list[int]] = defaultdict(list)
    for key, score, n in rows:
        scores["" if key is None else str(key)].extend([score] * n)
    ordered = sorted(scores, key=lambda k: (len(k), k) if group_by == "counter" else (0, k))
    return RatingSummary(
        first_day=first_day,
        last_day=last_day,
        group_by=group_by,
        groups=[group_of(k, scores[k]) for k in ordered],
        total=group_of("", (s for k in ordered for s in scores[k])),
    )


def teller_rating(session: Session, *, teller_user_id: int, day: date) -> RatingGroup:
    """One teller's ratings on one business day."""
    scores = session.exec(
        select(Rating.score)
        .where(Rating.teller_user_id == teller_user_id)
        .where(Rating.business_day == day)
    ).all()
    return group_of(str(teller_user_id), scores)


def complaint_counts(ctx: BranchContext, *, first_day: date, last_day: date) -> ComplaintCounts:
    """Complaints opened and resolved per business day, and how many are open or overdue now."""
    _check_range(first_day, last_day)
    now = ctx.now()
    zone_day = ctx.business_day
    with ctx.reading() as uow:
        session = uow.session
        opened = session.exec(
            select(col(Complaint.business_day), func.count())
            .where(col(Complaint.business_day) >= first_day)
            .where(col(Complaint.business_day) <= last_day)
            .group_by(col(Complaint.business_day))
        ).all()
        # resolved_at is a time: its business day is the branch's, computed here; the window
        # read is widened by a day on each side for the rollover hour
        since = datetime.combine(first_day - timedelta(days=1), time(), UTC)
        until = datetime.combine(last_day + timedelta(days=2), time(), UTC)
        resolved_times = session.exec(
            select(Complaint.resolved_at)
            .where(col(Complaint.resolved_at) >= since)
            .where(col(Complaint.resolved_at) < until)
        ).all()
        unresolved = session.exec(
            select(Complaint).where(Complaint.state != ComplaintState.RESOLVED)
        ).all()
    opened_by_day = {d: n for d, n in opened}
    resolved_by_day: dict[date, int] = defaultdict(int)
    for at in resolved_times:
        if at is not None:
            day = zone_day(at)
            if first_day <= day <= last_day:
                resolved_by_day[day] += 1
    days = [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    return ComplaintCounts(
        first_day=first_day,
        last_day=last_day,
        days=[
            ComplaintDay(day=d, opened=opened_by_day.get(d, 0), resolved=resolved_by_day[d])
            for d in days
        ],
        opened=sum(opened_by_day.values()),
        resolved=sum(resolved_by_day.values()),
        open_now=len(unresolved),
        overdue_now=sum(1 for c in unresolved if is_overdue(c.state, c.due_at, now)),
    )
