"""Satisfaction ratings and complaints (评价, 投诉).

The customer, on the ticket's phone page (no token: the unguessable id is the key, each ticket
rates once and complains once, the body is bounded like every ``/tickets`` body)::

    GET  /tickets/{public_id}/rating       may it be rated now? (RatingPrompt)
    POST /tickets/{public_id}/rating       RatingCreate -> RatingOut
    POST /tickets/{public_id}/complaint    ComplaintCreate -> ComplaintReceipt

The counter's rating pad (device role ``rating_pad``), for tickets finished at its counter::

    POST /counters/{n}/rating              CounterRatingCreate -> RatingOut
    POST /counters/{n}/complaint           CounterComplaintCreate -> ComplaintReceipt

Admins and managers::

    GET  /complaints                       overdue first, then open by due time, then resolved
    GET  /complaints/{id}
    POST /complaints/{id}/take             ComplaintTake (owner: null = the caller)
    POST /complaints/{id}/resolve          ComplaintResolve
    GET  /feedback/ratings                 RatingSummary by service, counter or teller
    GET  /feedback/complaints              ComplaintCounts per day
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

from server.api.context import BranchDep
from server.api.deps import require_roles
from server.api.ticket_page import PUBLIC_ID
from server.auth.principal import Principal
from server.contract.common import Role
from server.contract.feedback import (
    ComplaintCounts,
    ComplaintCreate,
    ComplaintOut,
    ComplaintReceipt,
    ComplaintResolve,
    ComplaintTake,
    CounterComplaintCreate,
    CounterRatingCreate,
    GroupBy,
    RatingCreate,
    RatingOut,
    RatingPrompt,
    RatingSummary,
)
from server.contract.rest import ErrorBody
from server.domain.feedback import RatingChannel
from server.services import audit, complaints, feedback_figures, ratings

router = APIRouter(tags=["feedback"])

PadDep = Annotated[Principal, Depends(require_roles(Role.RATING_PAD))]
OwnerDep = Annotated[Principal, Depends(require_roles(*complaints.OWNER_ROLES))]
CounterNumber = Annotated[int, Path(ge=1, le=999, description="the counter's number")]
ComplaintId = Annotated[int, Path(ge=1, le=2**31 - 1)]
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422)
}


# ---- the customer's phone ----------------------------------------------------------------------


@router.get("/tickets/{public_id}/rating", responses=_ERRORS)
def rating_prompt(branch: BranchDep, public_id: str = PUBLIC_ID) -> RatingPrompt:
    """May this ticket be rated now (served, within the rating window, not rated yet)?"""
    return ratings.prompt(branch, public_id=public_id)


@router.post("/tickets/{public_id}/rating", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
def rate_on_phone(body: RatingCreate, branch: BranchDep, public_id: str = PUBLIC_ID) -> RatingOut:
    """Rate the service of this (served) ticket, once."""
    return ratings.rate(
        branch,
        public_id=public_id,
        score=body.score,
        reasons=body.reasons,
        channel=RatingChannel.PHONE,
    )


@router.post(
    "/tickets/{public_id}/complaint", status_code=status.HTTP_201_CREATED, responses=_ERRORS
)
def complain_on_phone(
    body: ComplaintCreate, branch: BranchDep, public_id: str = PUBLIC_ID
) -> ComplaintReceipt:
    """Complain about this ticket's visit (once per ticket, on its day or while it may be
    rated)."""
    return complaints.open_complaint(branch, body, channel=RatingChannel.PHONE, public_id=public_id)


# ---- the counter's rating pad ------------------------------------------------------------------


@router.post("/counters/{n}/rating", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
def rate_at_counter(
    n: CounterNumber, body: CounterRatingCreate, branch: BranchDep, _: PadDep
) -> RatingOut:
    """The rating pad of counter n sends the customer's rating of the ticket just finished."""
    return ratings.rate(
        branch,
        public_id=body.public_id,
        score=body.score,
        reasons=body.reasons,
        channel=RatingChannel.COUNTER,
        counter_number=n,
    )


@router.post("/counters/{n}/complaint", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
def complain_at_counter(
    n: CounterNumber, body: CounterComplaintCreate, branch: BranchDep, _: PadDep
) -> ComplaintReceipt:
    """A complaint made on counter n's rating pad (about its last ticket, or the counter)."""
    plain = ComplaintCreate(category=body.category, text=body.text, phone=body.phone)
    return complaints.open_complaint(
        branch, plain, channel=RatingChannel.COUNTER, public_id=body.public_id, counter_number=n
    )


# ---- admins and managers -----------------------------------------------------------------------


@router.get("/complaints", responses=_ERRORS)
def list_complaints(
    branch: BranchDep,
    who: OwnerDep,
    include_resolved: bool = Query(default=True),
    limit: int = Query(default=200, ge=1, le=complaints.LIST_LIMIT_MAX),
) -> list[ComplaintOut]:
    """Overdue complaints first, then the other unresolved ones by due time, then resolved."""
    return complaints.list_complaints(
        branch, viewer=who.name, include_resolved=include_resolved, limit=limit
    )


@router.get("/complaints/{complaint_id}", responses=_ERRORS)
def get_complaint(complaint_id: ComplaintId, branch: BranchDep, who: OwnerDep) -> ComplaintOut:
    """One complaint; its phone number whole only for its owner."""
    return complaints.get_complaint(branch, complaint_id, viewer=who.name)


@router.post("/complaints/{complaint_id}/take", responses=_ERRORS)
def take_complaint(
    complaint_id: ComplaintId, branch: BranchDep, who: OwnerDep, body: ComplaintTake | None = None
) -> ComplaintOut:
    """Take the complaint yourself, or assign it (``owner``) to an admin or a manager."""
    owner = body.owner if body is not None else None
    by = audit.staff(branch, who)
    return complaints.take(branch, complaint_id, by=who.name, owner=owner, acting=by)


@router.post("/complaints/{complaint_id}/resolve", responses=_ERRORS)
def resolve_complaint(
    complaint_id: ComplaintId, body: ComplaintResolve, branch: BranchDep, who: OwnerDep
) -> ComplaintOut:
    """Close the complaint with a note of what was done."""
    by = audit.staff(branch, who)
    return complaints.resolve(branch, complaint_id, by=who.name, note=body.note, acting=by)


@router.get("/feedback/ratings", responses=_ERRORS)
def rating_summary(
    branch: BranchDep,
    _: OwnerDep,
    first_day: date,
    last_day: date,
    group_by: GroupBy = "service",
) -> RatingSummary:
    """Average, count and distribution of the ratings of these business days."""
    return feedback_figures.rating_summary(
        branch, first_day=first_day, last_day=last_day, group_by=group_by
    )


@router.get("/feedback/complaints", responses=_ERRORS)
def complaint_counts(
    branch: BranchDep, _: OwnerDep, first_day: date, last_day: date
) -> ComplaintCounts:
    """Complaints opened and resolved per business day; open and overdue now."""
    return feedback_figures.complaint_counts(branch, first_day=first_day, last_day=last_day)
