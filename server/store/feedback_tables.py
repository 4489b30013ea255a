"""Tables of satisfaction ratings and complaints (rules: ``server.domain.feedback``).

A rating belongs to one ticket (``ticket_id`` unique: the database itself refuses a second
rating, whichever channel and process sends it). The service, counter and teller are copied
from the ticket's finish, so reports never depend on who sits at the counter later.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from server.domain.feedback import ComplaintCategory, ComplaintState, RatingChannel
from server.store.types import UTCDateTime, enum_column


def _dt(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Rating(SQLModel, table=True):
    """A customer's rating (1..5) of the service of one served ticket."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", unique=True)
    ticket_number: str = Field(max_length=12)
    business_day: date = Field(index=True)
    service_code: str = Field(max_length=8)
    counter_number: int | None = None
    teller_user_id: int | None = Field(default=None, index=True)
    teller_name: str | None = Field(default=None, max_length=128)
    score: int
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    channel: RatingChannel = enum_column(RatingChannel, length=8)
    at: datetime = _dt(nullable=False, index=True)


class Complaint(SQLModel, table=True):
    """A complaint: open -> in_progress (owner) -> resolved (note); due at ``due_at``.

    ``ticket_id`` is unique (one complaint per ticket); a complaint made at a counter's pad
    without a ticket has none. ``phone`` is stored whole (to call back) and shown masked.
    """

    __table_args__ = (Index("ix_complaint_state_due", "state", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    opened_at: datetime = _dt(nullable=False, index=True)
    business_day: date = Field(index=True)
    channel: RatingChannel = enum_column(RatingChannel, length=8)
    category: ComplaintCategory = enum_column(ComplaintCategory)
    text: str = Field(default="", max_length=500)
    phone: str | None = Field(default=None, max_length=24)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", unique=True)
    ticket_number: str | None = Field(default=None, max_length=12)
    service_code: str | None = Field(default=None, max_length=8)
    counter_number: int | None = None
    teller_user_id: int | None = None
    teller_name: str | None = Field(default=None, max_length=128)
    rating_score: int | None = None
    state: ComplaintState = enum_column(ComplaintState, default=ComplaintState.OPEN)
    owner: str | None = Field(default=None, max_length=64)
    taken_at: datetime | None = _dt()
    due_at: datetime = _dt(nullable=False)
    resolved_at: datetime | None = _dt(index=True)
    resolved_by: str | None = Field(default=None, max_length=64)
    resolution_note: str | None = Field(default=None, max_length=1000)
