"""Appointments (预约): slots of a service's day, booking codes, masked contacts, check-in rules.

Pure: times come in as aware datetimes, the branch's zone as an IANA name. The services
(``server.services.appointments``) load, decide here, and store.

- ``Schedule``: a service's booking hours per weekday, slot length, places per slot, how many
  days ahead, closed dates. ``day_slots`` lists a day's slots; ``check_bookable`` refuses a
  start that is not a slot, in the past, too far ahead or on a closed day.
- ``CheckinPolicy`` and ``decide_checkin``: what a customer who shows the booking code at the
  kiosk gets (an appointment ticket now, "come back later", a normal ticket, or a refusal).
- ``new_code``: 8 characters from an alphabet without 0/O/1/I, drawn by ``secrets``.
- ``mask_contact``: a phone number or a name reduced to what staff need to recognise it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

from server.domain.errors import DomainError
from server.domain.states import Category

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols: no 0, O, 1 or I
CODE_LENGTH = 8  # 40 random bits
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BookingState(StrEnum):
    BOOKED = "BOOKED"
    CHECKED_IN = "CHECKED_IN"  # came in time: an APPOINTMENT ticket
    LATE = "LATE"  # came after the grace time: a normal ticket
    CANCELLED = "CANCELLED"
    NO_SHOW = "NO_SHOW"  # never came: marked at the end of the slot


HOLDING_STATES = frozenset({BookingState.BOOKED, BookingState.CHECKED_IN, BookingState.LATE})
"""A booking in one of these takes a place of its slot (cancelled and no-shows free it)."""


class AppointmentRefused(DomainError):
    """A booking, move, cancel or check-in the rules refuse; ``reason`` is a stable word."""

    def __init__(self, reason: str, message: str, zh: str) -> None:
        self.reason = reason
        super().__init__(message, zh)


class SlotFull(AppointmentRefused):
    """Every place of the slot is taken (the last one went to someone else)."""

    def __init__(self, service_code: str, start_local: str) -> None:
        super().__init__(
            "slot_full",
            f"the {start_local} slot of service {service_code} is fully booked; choose another",
            f"{start_local} 时段已约满，请选择其他时段",
        )


@dataclass(frozen=True)
class Schedule:
    """When a service takes appointments.

    hours: weekday (0 = Monday) -> opening periods ``(start, end)`` in the branch's local
    time; a weekday without periods takes no appointments. slot_min: slot length in minutes;
    capacity: bookings per slot; days_ahead: the last bookable day is today + days_ahead;
    closed_dates: days without appointments (holidays).
    """

    slot_min: int = 30
    capacity: int = 2
    days_ahead: int = 7
    hours: Mapping[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    closed_dates: frozenset[date] = frozenset()
    enabled: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "hours", MappingProxyType(dict(self.hours)))
        object.__setattr__(self, "closed_dates", frozenset(self.closed_dates))
        if not 5 <= self.slot_min <= 240:
            raise ValueError(f"slot_min is {self.slot_min}; expected 5 to 240 minutes")
        if not 1 <= self.capacity <= 100:
            raise ValueError(f"capacity is {self.capacity}; expected 1 to 100 bookings")
        if not 0 <= self.days_ahead <= 90:
            raise ValueError(f"days_ahead is {self.days_ahead}; expected 0 to 90 days")
        for weekday, periods in self.hours.items():
            if not 0 <= weekday <= 6:
                raise ValueError(f"weekday {weekday}; expected 0 (Monday) to 6 (Sunday)")
            for start, end in periods:
                if start >= end:
                    raise ValueError(
                        f"{WEEKDAYS[weekday]}: period {start:%H:%M}-{end:%H:%M} ends before "
                        "it starts"
                    )

    def open_on(self, day: date) -> bool:
        return self.enabled and day not in self.closed_dates and bool(self.hours.get(day.weekday()))


@dataclass(frozen=True)
class CheckinPolicy:
    """What the kiosk does with a booking code, by how early or late the customer is.

    early_min: from this many minutes before the slot the customer checks in and gets an
    APPOINTMENT ticket at once (it carries the slot's time; the call policy's appointment
    bonus starts near it); earlier they are told when to come back. late_min: up to this many
    minutes after the slot's start the appointment still counts. Later on the same day:
    a NORMAL ticket with the reason on screen when ``late_normal_ticket``, else refused.
    """

    early_min: int = 30
    late_min: int = 15
    late_normal_ticket: bool = True


@dataclass(frozen=True)
class AppointmentConfig:
    """The branch's appointments: check-in policy and one schedule per bookable service."""

    policy: CheckinPolicy = field(default_factory=CheckinPolicy)
    schedules: Mapping[str, Schedule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "schedules", MappingProxyType(dict(self.schedules)))

    def __hash__(self) -> int:
        return hash((self.policy, tuple(sorted(self.schedules.items(), key=lambda i: i[0]))))


@dataclass(frozen=True)
class Slot:
    start: datetime  # aware, UTC
    end: datetime

    def local_label(self, tz: str) -> str:
        zone = ZoneInfo(tz)
        return f"{self.start.astimezone(zone):%H:%M}-{self.end.astimezone(zone):%H:%M}"


def local_day(at: datetime, tz: str) -> date:
    return at.astimezone(ZoneInfo(tz)).date()


def day_slots(schedule: Schedule, day: date, tz: str) -> list[Slot]:
    """The day's slots in order (none on a closed day or a weekday without hours)."""
    if not schedule.open_on(day):
        return []
    zone = ZoneInfo(tz)
    step = timedelta(minutes=schedule.slot_min)
    slots: list[Slot] = []
    for start, end in sorted(schedule.hours.get(day.weekday(), ())):
        at = datetime.combine(day, start, zone)
        close = datetime.combine(day, end, zone)
        while at + step <= close:
            slots.append(Slot(at.astimezone(UTC), (at + step).astimezone(UTC)))
            at += step
    return slots


def bookable_days(schedule: Schedule, now: datetime, tz: str) -> list[date]:
    """Today up to today + days_ahead, the days with at least one slot still to start."""
    today = local_day(now, tz)
    days = [today + timedelta(days=n) for n in range(schedule.days_ahead + 1)]
    return [d for d in days if any(s.start > now for s in day_slots(schedule, d, tz))]


def check_bookable(
    schedule: Schedule, *, service_code: str, start: datetime, now: datetime, tz: str
) -> Slot:
    """The slot starting at ``start``; ``AppointmentRefused`` when it cannot be booked now."""
    day = local_day(start, tz)
    label = f"{start.astimezone(ZoneInfo(tz)):%Y-%m-%d %H:%M}"
    if not schedule.enabled:
        raise AppointmentRefused(
            "not_bookable",
            f"service {service_code} takes no appointments",
            "该业务暂不接受预约",
        )
    if start <= now:
        raise AppointmentRefused(
            "slot_past", f"the {label} slot has already started", f"{label} 时段已开始，无法预约"
        )
    last = local_day(now, tz) + timedelta(days=schedule.days_ahead)
    if day > last:
        raise AppointmentRefused(
            "too_far_ahead",
            f"{day.isoformat()} is too far ahead; appointments can be booked up to "
            f"{last.isoformat()} ({schedule.days_ahead} days ahead)",
            f"{day.isoformat()} 超出可预约范围，最晚可预约 {last.isoformat()}",
        )
    for slot in day_slots(schedule, day, tz):
        if slot.start == start:
            return slot
    if not schedule.open_on(day):
        raise AppointmentRefused(
            "closed_day",
            f"service {service_code} takes no appointments on {day.isoformat()}",
            f"{day.isoformat()} 不接受预约",
        )
    raise AppointmentRefused(
        "not_a_slot",
        f"{label} is not the start of a slot of service {service_code}; "
        f"slots are {schedule.slot_min} min from the opening time",
        f"{label} 不是可预约时段的开始时间",
    )


def new_code() -> str:
    """A booking code: 8 random characters without 0/O/1/I (not guessable in sequence)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed or a scanner sent: upper case, spaces and dashes dropped; a URL or
    a prefix before the code (``BQ:K7PX3M9Q``) is cut to its last 8 characters of code."""
    cleaned = re.sub(r"[\s\-]", "", text.strip()).upper()
    tail = re.search(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$", cleaned)
    return tail.group(0) if tail else cleaned


def is_code(text: str) -> bool:
    return len(text) == CODE_LENGTH and all(c in CODE_ALPHABET for c in text)


def format_code(code: str) -> str:
    """``K7PX3M9Q`` -> ``K7PX-3M9Q`` (how the code is shown and printed)."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


_PHONE = re.compile(r"\+?[0-9][0-9 \-]{5,19}")


def mask_contact(text: str) -> str:
    """Keep only what staff need to recognise the customer.

    A phone number keeps its first 3 and last 4 digits (``13812345678`` -> ``138****5678``),
    a shorter one its last 4; a name its first character (``张三丰`` -> ``张**``,
    ``Li Wei`` -> ``L*****``). ``ValueError`` for empty text or control characters.
    """
    value = " ".join(text.split())
    if not value or not value.isprintable():
        raise ValueError("give a name or a phone number (printable text)")
    if _PHONE.fullmatch(value):
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 10:
            return f"{digits[:3]}****{digits[-4:]}"
        return f"****{digits[-4:]}"
    return value[0] + "*" * min(len(value) - 1, 7)


class CheckinKind(StrEnum):
    APPOINTMENT = "APPOINTMENT"  # an APPOINTMENT ticket carrying the slot's time
    NORMAL = "NORMAL"  # too late for the appointment: a normal ticket


@dataclass(frozen=True)
class CheckinDecision:
    kind: CheckinKind
    category: Category
    appointment_at: datetime | None
    state: BookingState  # the booking's state after the check-in
    note_en: str
    note_zh: str


def decide_checkin(
    policy: CheckinPolicy,
    *,
    state: BookingState,
    slot: Slot,
    now: datetime,
    tz: str,
    ticket_number: str | None = None,
) -> CheckinDecision:
    """What a check-in at ``now`` gets; ``AppointmentRefused`` when no ticket is issued."""
    zone = ZoneInfo(tz)
    start_local = slot.start.astimezone(zone)
    when = f"{start_local:%Y-%m-%d} {slot.local_label(tz)}"
    if state is BookingState.CANCELLED:
        raise AppointmentRefused(
            "cancelled",
            f"this appointment ({when}) was cancelled",
            f"该预约（{when}）已取消",
        )
    if state in (BookingState.CHECKED_IN, BookingState.LATE):
        number = f": ticket {ticket_number}" if ticket_number else ""
        number_zh = f"，号码 {ticket_number}" if ticket_number else ""
        raise AppointmentRefused(
            "used",
            f"this appointment was already checked in{number}",
            f"该预约已签到{number_zh}",
        )
    today = now.astimezone(zone).date()
    if start_local.date() > today:
        raise AppointmentRefused(
            "other_day",
            f"this appointment is on {when}; please come back that day",
            f"您的预约时间是 {when}，请当天再来签到",
        )
    if start_local.date() < today:
        raise AppointmentRefused(
            "expired",
            f"this appointment was on {when}; it has expired",
            f"该预约（{when}）已过期",
        )
    opens = slot.start - timedelta(minutes=policy.early_min)
    if now < opens:
        raise AppointmentRefused(
            "too_early",
            f"your appointment is at {slot.local_label(tz)}; check-in opens at "
            f"{opens.astimezone(zone):%H:%M}. Please come back then (or take a normal ticket)",
            f"您的预约时段是 {slot.local_label(tz)}，{opens.astimezone(zone):%H:%M} 起可签到，"
            "请届时再来（或先取普通号）",
        )
    label = slot.local_label(tz)
    if now <= slot.start + timedelta(minutes=policy.late_min):
        if now < slot.start:
            en = f"Appointment {label}: you will be called with priority around {label[:5]}"
            zh = f"预约时段 {label}：临近 {label[:5]} 时将优先叫号"
        else:
            en = f"Appointment {label}: you keep your appointment priority"
            zh = f"预约时段 {label}：保留预约优先"
        return CheckinDecision(
            CheckinKind.APPOINTMENT,
            Category.APPOINTMENT,
            slot.start,
            BookingState.CHECKED_IN,
            en,
            zh,
        )
    if not policy.late_normal_ticket:
        raise AppointmentRefused(
            "too_late",
            f"you are more than {policy.late_min} min late for your {label} appointment; "
            "please take a normal ticket",
            f"您已超过预约时间 {policy.late_min} 分钟（{label}），预约失效，请取普通号",
        )
    return CheckinDecision(
        CheckinKind.NORMAL,
        Category.NORMAL,
        None,
        BookingState.LATE,
        f"More than {policy.late_min} min late for the {label} appointment: a normal ticket",
        f"超过预约时间 {policy.late_min} 分钟（{label}），已改为普通号",
    )
