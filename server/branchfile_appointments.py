"""The ``[appointments]`` table of the branch file: hours, slots, places, check-in policy.

::

    [appointments]
    services = ["A", "V"]             # services customers may book (omit the table: none)
    slot_min = 30                     # minutes per slot
    capacity = 2                      # bookings per slot
    days_ahead = 7                    # the last bookable day is today + 7
    closed_dates = [2027-01-01]       # no appointments (holidays)
    checkin_early_min = 30            # check-in opens this many minutes before the slot
    checkin_late_min = 15             # the appointment still counts this long after its start
    late_normal_ticket = true         # later the same day: a normal ticket (false: refused)

    [appointments.hours]              # local time; a weekday left out takes no appointments
    mon = ["09:00-12:00", "13:30-17:00"]

    [appointments.per_service.V]      # a service's own values (any key above but services)
    slot_min = 60
    capacity = 1
"""

from __future__ import annotations

import itertools
import re
from datetime import date, time

from pydantic import BaseModel, ConfigDict, Field, field_validator

from server.domain.appointments import WEEKDAYS, AppointmentConfig, CheckinPolicy, Schedule

Periods = list[str]


def parse_period(text: str) -> tuple[time, time]:
    """``"09:00-12:00"`` -> (09:00, 12:00); ``ValueError`` naming what was expected."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
    if not match:
        raise ValueError(f"period {text!r}; expected 'HH:MM-HH:MM', e.g. '09:00-12:00'")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError(f"period {text!r}: not a time of day")
    start, end = time(h1, m1), time(h2, m2)
    if start >= end:
        raise ValueError(f"period {text!r} ends before it starts")
    return start, end


def parse_periods(texts: list[str], weekday: str) -> tuple[tuple[time, time], ...]:
    """A weekday's periods, sorted; ``ValueError`` for a bad or an overlapping one."""
    periods = tuple(sorted(parse_period(p) for p in texts))
    for (_, end), (start, _) in itertools.pairwise(periods):
        if start < end:
            raise ValueError(f"{weekday}: periods overlap")
    return periods


def format_period(period: tuple[time, time]) -> str:
    return f"{period[0]:%H:%M}-{period[1]:%H:%M}"


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HoursSection(_Table):
    mon: Periods = []
    tue: Periods = []
    wed: Periods = []
    thu: Periods = []
    fri: Periods = []
    sat: Periods = []
    sun: Periods = []

    @field_validator(*WEEKDAYS)
    @classmethod
    def _periods(cls, value: Periods) -> Periods:
        for text in value:
            parse_period(text)
        return value

    def by_weekday(self) -> dict[int, tuple[tuple[time, time], ...]]:
        out: dict[int, tuple[tuple[time, time], ...]] = {}
        for index, name in enumerate(WEEKDAYS):
            periods = parse_periods(getattr(self, name), name)
            if periods:
                out[index] = periods
        return out


class ScheduleSection(_Table):
    slot_min: int | None = Field(default=None, ge=5, le=240)
    capacity: int | None = Field(default=None, ge=1, le=100)
    days_ahead: int | None = Field(default=None, ge=0, le=90)
    closed_dates: list[date] | None = None
    hours: HoursSection | None = None


DEFAULT_HOURS = HoursSection(
    mon=["09:00-12:00", "13:30-17:00"],
    tue=["09:00-12:00", "13:30-17:00"],
    wed=["09:00-12:00", "13:30-17:00"],
    thu=["09:00-12:00", "13:30-17:00"],
    fri=["09:00-12:00", "13:30-17:00"],
)


class AppointmentsSection(_Table):
    services: list[str] = Field(min_length=1)
    slot_min: int = Field(default=30, ge=5, le=240)
    capacity: int = Field(default=2, ge=1, le=100)
    days_ahead: int = Field(default=7, ge=0, le=90)
    closed_dates: list[date] = []
    checkin_early_min: int = Field(default=30, ge=0, le=240)
    checkin_late_min: int = Field(default=15, ge=0, le=240)
    late_normal_ticket: bool = True
    hours: HoursSection = DEFAULT_HOURS
    per_service: dict[str, ScheduleSection] = {}


def check_appointments(section: AppointmentsSection, codes: list[str]) -> list[tuple[str, str]]:
    """Problems as (key, problem): unknown services, overlapping periods."""
    problems: list[tuple[str, str]] = []
    for i, code in enumerate(section.services):
        if code not in codes:
            problems.append(
                (
                    f"appointments.services[{i}]",
                    f"unknown service {code!r}; expected one of {codes}",
                )
            )
    for code in section.per_service:
        if code not in section.services:
            problems.append(
                (
                    f"appointments.per_service.{code}",
                    f"service {code!r} is not in appointments.services {section.services}",
                )
            )
    hours = [("appointments.hours", section.hours)]
    hours += [
        (f"appointments.per_service.{c}.hours", s.hours)
        for c, s in section.per_service.items()
        if s.hours
    ]
    for key, table in hours:
        try:
            assert table is not None
            table.by_weekday()
        except ValueError as exc:
            problems.append((key, str(exc)))
    return problems


def build_appointments(section: AppointmentsSection | None) -> AppointmentConfig:
    if section is None:
        return AppointmentConfig()
    policy = CheckinPolicy(
        early_min=section.checkin_early_min,
        late_min=section.checkin_late_min,
        late_normal_ticket=section.late_normal_ticket,
    )
    schedules: dict[str, Schedule] = {}
    for code in section.services:
        own = section.per_service.get(code, ScheduleSection())
        schedules[code] = Schedule(
            slot_min=own.slot_min or section.slot_min,
            capacity=own.capacity or section.capacity,
            days_ahead=section.days_ahead if own.days_ahead is None else own.days_ahead,
            hours=(own.hours or section.hours).by_weekday(),
            closed_dates=frozenset(
                section.closed_dates if own.closed_dates is None else own.closed_dates
            ),
        )
    return AppointmentConfig(policy=policy, schedules=schedules)
