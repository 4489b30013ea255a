"""Satisfaction ratings (评价) and complaints (投诉) on the wire.

A customer rates a served ticket once, on the counter's rating pad
(``POST /counters/{n}/rating``, device role ``rating_pad``) or on the ticket's phone page
(``POST /tickets/{public_id}/rating``, no token: the unguessable id is the key). A low score
offers a complaint (``POST /counters/{n}/complaint``, ``POST /tickets/{public_id}/complaint``).
Admins and managers work the complaints (``/complaints``). The rules are in
``server.domain.feedback``; the labels every screen shows are here, in both languages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field, field_validator

from server.contract.common import Bilingual, WireInput, WireModel
from server.domain.feedback import (
    COMPLAINT_TEXT_MAX,
    CRITICISM,
    LOW_SCORE_MAX,
    PHONE_PATTERN,
    PRAISE,
    REASONS_MAX,
    RESOLUTION_NOTE_MAX,
    SCORE_MAX,
    SCORE_MIN,
    ComplaintCategory,
    ComplaintState,
    RatingChannel,
    RatingReason,
    reasons_for,
)

__all__ = [
    "CATEGORY_LABELS",
    "CRITICISM",
    "LOW_SCORE_MAX",
    "PRAISE",
    "REASON_LABELS",
    "SCORE_LABELS",
    "ComplaintCategory",
    "ComplaintState",
    "RatingChannel",
    "RatingReason",
    "reasons_for",
]

B = Bilingual

SCORE_LABELS: dict[int, Bilingual] = {
    1: B(zh="非常不满意", en="Very poor"),
    2: B(zh="不满意", en="Poor"),
    3: B(zh="一般", en="Fair"),
    4: B(zh="满意", en="Good"),
    5: B(zh="非常满意", en="Excellent"),
}

REASON_LABELS: dict[RatingReason, Bilingual] = {
    RatingReason.FRIENDLY: B(zh="态度好", en="Friendly"),
    RatingReason.QUICK: B(zh="办理快", en="Quick"),
    RatingReason.PROFESSIONAL: B(zh="业务熟练", en="Knowledgeable"),
    RatingReason.CLEAR: B(zh="解释清楚", en="Clear explanation"),
    RatingReason.LONG_WAIT: B(zh="等候时间长", en="Long wait"),
    RatingReason.SLOW: B(zh="办理慢", en="Slow service"),
    RatingReason.UNCLEAR: B(zh="解释不清", en="Unclear explanation"),
    RatingReason.UNFRIENDLY: B(zh="态度欠佳", en="Unfriendly"),
}

CATEGORY_LABELS: dict[ComplaintCategory, Bilingual] = {
    ComplaintCategory.WAIT_TIME: B(zh="等候时间", en="Waiting time"),
    ComplaintCategory.ATTITUDE: B(zh="服务态度", en="Staff attitude"),
    ComplaintCategory.ERROR: B(zh="业务差错", en="A mistake"),
    ComplaintCategory.FEES: B(zh="收费问题", en="Fees"),
    ComplaintCategory.ENVIRONMENT: B(zh="网点环境", en="Branch environment"),
    ComplaintCategory.OTHER: B(zh="其他", en="Other"),
}

STATE_LABELS: dict[ComplaintState, Bilingual] = {
    ComplaintState.OPEN: B(zh="待处理", en="Open"),
    ComplaintState.IN_PROGRESS: B(zh="处理中", en="In progress"),
    ComplaintState.RESOLVED: B(zh="已办结", en="Resolved"),
}


# ---- ratings -----------------------------------------------------------------------------------


class RatingCreate(WireInput):
    """A customer's rating of the service of one ticket (the phone page sends this)."""

    score: int = Field(ge=SCORE_MIN, le=SCORE_MAX, description="1 very poor .. 5 excellent")
    reasons: list[RatingReason] = Field(default_factory=list, max_length=REASONS_MAX)

    @field_validator("reasons")
    @classmethod
    def _once_each(cls, reasons: list[RatingReason]) -> list[RatingReason]:
        return list(dict.fromkeys(reasons))


class CounterRatingCreate(RatingCreate):
    """The rating pad's rating of the ticket its counter just finished."""

    public_id: str = Field(min_length=8, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")


class RatingInfo(WireModel):
    """One rating as the manager's console and the reports see it (``rating.given``)."""

    id: int
    at: datetime
    ticket_number: str
    service_code: str
    counter_number: int | None = None
    teller: str | None = None
    score: int
    reasons: list[RatingReason] = Field(default_factory=list)
    channel: RatingChannel


class RatingOut(WireModel):
    """The answer to a rating: what was stored and whether a complaint is offered."""

    rating: RatingInfo
    offer_complaint: bool  # score 1-2: the screen offers "我要投诉 / Make a complaint"
    thanks: Bilingual


class RatingPrompt(WireModel):
    """What a phone page shows for a served ticket: may it still be rated, and how."""

    rateable: bool
    rated_score: int | None = None  # the ticket's rating, once given
    complained: bool = False
    open_until: datetime | None = None


# ---- complaints --------------------------------------------------------------------------------


class ComplaintCreate(WireInput):
    """A short complaint: a category, what happened, and a phone number to call back."""

    category: ComplaintCategory
    text: str = Field(default="", max_length=COMPLAINT_TEXT_MAX)
    phone: str | None = Field(default=None, max_length=24, description="to call back (optional)")

    @field_validator("text")
    @classmethod
    def _strip(cls, text: str) -> str:
        return text.strip()

    @field_validator("phone")
    @classmethod
    def _dialable(cls, phone: str | None) -> str | None:
        if phone is None or not phone.strip():
            return None
        phone = phone.strip()
        if not PHONE_PATTERN.match(phone):
            raise ValueError("phone must be 6 to 24 digits (spaces, '-' and a leading '+' allowed)")
        return phone


class CounterComplaintCreate(ComplaintCreate):
    """A complaint made on a counter's rating pad, about the ticket it just finished (or,
    without ``public_id``, about the counter now)."""

    public_id: str | None = Field(
        default=None, min_length=8, max_length=32, pattern=r"^[A-Za-z0-9_-]+$"
    )


class ComplaintReceipt(WireModel):
    """What the customer is told after complaining: a reference and when to expect an answer."""

    id: int
    reference: str  # "TS-0042", said on the phone when the branch calls back
    due_at: datetime
    message: Bilingual


class ComplaintInfo(WireModel):
    """A complaint without its text or phone number (``complaint.changed`` events)."""

    id: int
    reference: str
    opened_at: datetime
    channel: RatingChannel
    category: ComplaintCategory
    category_label: Bilingual
    state: ComplaintState
    owner: str | None = None
    due_at: datetime
    overdue: bool
    ticket_number: str | None = None
    counter_number: int | None = None
    teller: str | None = None
    rating_score: int | None = None


class ComplaintOut(ComplaintInfo):
    """A complaint as an admin or a manager works it. ``phone`` (the whole number) only for
    the complaint's owner; everyone else sees ``phone_masked``."""

    text: str
    phone_masked: str | None = None
    phone: str | None = None
    service_code: str | None = None
    taken_at: datetime | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution_note: str | None = None


class ComplaintTake(WireInput):
    """Take a complaint (``owner`` left out: the caller) or assign it to another user."""

    owner: str | None = Field(default=None, min_length=1, max_length=64)


class ComplaintResolve(WireInput):
    note: str = Field(min_length=1, max_length=RESOLUTION_NOTE_MAX)

    @field_validator("note")
    @classmethod
    def _not_blank(cls, note: str) -> str:
        if not note.strip():
            raise ValueError("the resolution note is empty; say what was done")
        return note.strip()


# ---- summaries (for the reports) ---------------------------------------------------------------

GroupBy = Literal["service", "counter", "teller"]


class RatingGroup(WireModel):
    """The ratings of one service, counter or teller over a range of days."""

    key: str  # service code, counter number or teller name ("" when unknown)
    count: int
    average: float | None = None  # 1..5, two decimals
    distribution: list[int]  # count of 1s, 2s, 3s, 4s, 5s


class RatingSummary(WireModel):
    first_day: date
    last_day: date
    group_by: GroupBy
    groups: list[RatingGroup]
    total: RatingGroup


class ComplaintDay(WireModel):
    day: date
    opened: int
    resolved: int


class ComplaintCounts(WireModel):
    first_day: date
    last_day: date
    days: list[ComplaintDay]
    opened: int
    resolved: int
    open_now: int
    overdue_now: int
