"""Wire models of appointments (预约): slots, bookings, the kiosk's check-in, schedules.

Public (the phone's booking page): ``AppointmentOptions``, ``DaySlots``, ``BookingCreate`` ->
``BookingCreated``, ``BookingOut`` (by the manage link), ``BookingMove``. Kiosk:
``CheckinRequest`` -> ``CheckinOut``. Staff: ``BookingOut`` lists, ``ScheduleIn/Out``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from server.contract.common import Bilingual, Language, ServiceCode, WireInput, WireModel
from server.contract.rest import TicketIssuedOut
from server.domain.appointments import BookingState

__all__ = [
    "AppointmentDay",
    "AppointmentOptions",
    "BookableService",
    "BookingCreate",
    "BookingCreated",
    "BookingMove",
    "BookingOut",
    "BookingState",
    "CheckinOut",
    "CheckinRequest",
    "DaySlots",
    "ScheduleIn",
    "ScheduleOut",
    "SlotInfo",
]

Contact = str
Period = str  # "09:00-12:00", local time


class SlotInfo(WireModel):
    start: datetime  # aware (UTC on the wire)
    end: datetime
    label: str  # local time, "09:30-10:00"
    capacity: int
    free: int


class BookableService(WireModel):
    service_code: str
    name: Bilingual
    slot_min: int
    days: list[date]  # bookable days with a slot still to start, in order


class AppointmentOptions(WireModel):
    """What the booking page offers: the branch, its time zone and the bookable services."""

    branch_name: Bilingual
    timezone: str
    today: date
    services: list[BookableService]


class DaySlots(WireModel):
    service_code: str
    service_name: Bilingual
    day: date
    slots: list[SlotInfo]  # only slots still to start


class BookingCreate(WireInput):
    """Book a slot. ``contact``: a name or a phone number; only its masked form is kept."""

    service_code: ServiceCode
    start: AwareDatetime = Field(description="the slot's start, as listed in DaySlots")
    contact: Contact = Field(min_length=1, max_length=40, examples=["13812345678", "张三"])
    language: Language = Language.ZH


class BookingMove(WireInput):
    """Move a booking to another slot of the same service."""

    start: AwareDatetime


class BookingOut(WireModel):
    code: str  # 8 characters, no 0/O/1/I; shown as "K7PX-3M9Q"
    code_display: str
    service_code: str
    service_name: Bilingual
    day: date
    start: datetime
    end: datetime
    label: str  # local, "2026-12-01 10:30-11:00"
    state: BookingState
    contact: str  # masked: 138****5678
    language: Language
    booked_by: str
    ticket_number: str | None = None


class BookingCreated(WireModel):
    """A new booking and its manage link (``manage_url``: cancel or move it; keep it)."""

    booking: BookingOut
    manage_url: str
    qr_url: str  # SVG of the QR code the kiosk's scanner reads (the booking code)


class CheckinRequest(WireInput):
    """Kiosk: a booking code as typed or scanned (``K7PX-3M9Q``, lower case, a prefix)."""

    code: str = Field(min_length=1, max_length=64)
    language: Language = Language.ZH
    idempotency_key: str | None = Field(
        default=None,
        min_length=8,
        max_length=128,
        description="unique per check-in attempt; a retry after a lost answer sends the same",
    )


class CheckinOut(WireModel):
    """The ticket issued for the booking and why it is what it is (shown and printed)."""

    ticket: TicketIssuedOut
    booking: BookingOut
    kind: Literal["APPOINTMENT", "NORMAL"]
    note: Bilingual  # "预约时段 10:30-11:00：保留预约优先" / late: a normal ticket
    slot_label: str  # local "10:30-11:00"


class ScheduleIn(WireInput):
    """An admin's schedule for a service: weekday -> periods, slot length, places, horizon."""

    enabled: bool = True
    slot_min: int = Field(ge=5, le=240)
    capacity: int = Field(ge=1, le=100)
    days_ahead: int = Field(ge=0, le=90)
    hours: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], list[Period]] = Field(
        default_factory=dict, examples=[{"mon": ["09:00-12:00", "13:30-17:00"]}]
    )
    closed_dates: list[date] = Field(default_factory=list, max_length=400)


class ScheduleOut(WireModel):
    service_code: str
    enabled: bool
    slot_min: int
    capacity: int
    days_ahead: int
    hours: dict[str, list[Period]]
    closed_dates: list[date]
    updated_at: datetime
    updated_by: str


class AppointmentDay(WireModel):
    """A day's appointments with their states (reports: kept, late, missed, cancelled)."""

    day: date
    counts: dict[BookingState, int]
    appointments: list[BookingOut]
