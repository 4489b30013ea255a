"""Appointments (预约): each bookable service's schedule, and the bookings.

A booking keeps the least about its customer: the masked contact (``138****5678``, ``张*``)
that staff recognise, never the full number or name; the manage link's token only as its
SHA-256.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from server.domain.appointments import BookingState
from server.store.types import UTCDateTime, enum_column


def _dt(*, nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class AppointmentSchedule(SQLModel, table=True):
    """A service's appointment schedule; seeded from the branch file, an admin may change it.

    hours: ``{"0": ["09:00-12:00", ...], ...}`` (weekday 0 = Monday, local time);
    closed_dates: ISO dates. Bookings of a service lock this row (``FOR UPDATE``), so two
    bookings of one service never count a slot's places at the same time.
    """

    service_code: str = Field(primary_key=True, max_length=8)
    enabled: bool = True
    slot_min: int = 30
    capacity: int = 2
    days_ahead: int = 7
    hours: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    closed_dates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _dt(nullable=False)
    updated_by: str = Field(default="branch file", max_length=64)


class Appointment(SQLModel, table=True):
    """One booking of one slot."""

    __table_args__ = (
        Index("ix_appointment_slot", "service_code", "slot_start", "state"),
        Index("ix_appointment_day_state", "day", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=8)  # shown, printed, in the QR code
    token_sha256: str = Field(unique=True, max_length=64)  # of the manage link's token
    service_code: str = Field(max_length=8)
    day: date  # local date of the slot
    slot_start: datetime = _dt(nullable=False)
    slot_end: datetime = _dt(nullable=False)
    state: BookingState = enum_column(BookingState)
    contact: str = Field(max_length=24)  # masked: 138****5678, 张*
    language: str = Field(max_length=4)
    booked_by: str = Field(max_length=80)  # "phone" or "staff <username>"
    created_at: datetime = _dt(nullable=False)
    changed_at: datetime = _dt(nullable=False)  # last state change or move
    ticket_number: str | None = Field(default=None, max_length=12)
    ticket_public_id: str | None = Field(default=None, max_length=32)
    checkin_key: str | None = Field(default=None, max_length=128)  # the kiosk's retry key
