"""Queries of the appointment tables (keyword-only arguments), and schedule rows <-> Schedule."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time

from sqlalchemy import func
from sqlmodel import Session, col, select

from server.domain.appointments import WEEKDAYS, BookingState, Schedule
from server.domain.model import BranchConfig
from server.store.appointment_tables import Appointment, AppointmentSchedule


def _period(text: str) -> tuple[time, time]:
    start, _, end = text.partition("-")
    return time.fromisoformat(start), time.fromisoformat(end)


def schedule_of(row: AppointmentSchedule) -> Schedule:
    return Schedule(
        slot_min=row.slot_min,
        capacity=row.capacity,
        days_ahead=row.days_ahead,
        hours={
            int(day): tuple(sorted(_period(p) for p in periods))
            for day, periods in row.hours.items()
            if periods
        },
        closed_dates=frozenset(date.fromisoformat(d) for d in row.closed_dates),
        enabled=row.enabled,
    )


def hours_json(schedule: Schedule) -> dict[str, list[str]]:
    return {
        str(day): [f"{a:%H:%M}-{b:%H:%M}" for a, b in periods]
        for day, periods in sorted(schedule.hours.items())
    }


def write_schedule(
    row: AppointmentSchedule, schedule: Schedule, *, now: datetime, by: str
) -> AppointmentSchedule:
    row.enabled = schedule.enabled
    row.slot_min = schedule.slot_min
    row.capacity = schedule.capacity
    row.days_ahead = schedule.days_ahead
    row.hours = hours_json(schedule)
    row.closed_dates = sorted(d.isoformat() for d in schedule.closed_dates)
    row.updated_at = now
    row.updated_by = by
    return row


def sync_schedules(session: Session, *, config: BranchConfig, now: datetime, replace: bool) -> None:
    """Rows for the branch file's bookable services: all rewritten when ``replace`` (the file
    changed), else only the missing ones added; services no longer bookable are disabled."""
    rows = {r.service_code: r for r in session.exec(select(AppointmentSchedule)).all()}
    wanted = config.appointments.schedules
    for code, schedule in wanted.items():
        row = rows.get(code)
        if row is None or replace:
            session.add(
                write_schedule(
                    row or AppointmentSchedule(service_code=code),
                    schedule,
                    now=now,
                    by="branch file",
                )
            )
    for code, row in rows.items():
        if code not in wanted and row.enabled and replace:
            row.enabled = False
            row.updated_at = now
            row.updated_by = "branch file"
            session.add(row)


def schedules(session: Session) -> dict[str, AppointmentSchedule]:
    rows = session.exec(select(AppointmentSchedule).order_by(col(AppointmentSchedule.service_code)))
    return {r.service_code: r for r in rows.all()}


def schedule_row(
    session: Session, *, service_code: str, for_update: bool = False
) -> AppointmentSchedule | None:
    query = select(AppointmentSchedule).where(AppointmentSchedule.service_code == service_code)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def taken_by_slot(
    session: Session, *, service_code: str, first: datetime, last: datetime
) -> dict[datetime, int]:
    """Places taken per slot start in [first, last] (bookings in a holding state)."""
    holding = [s.value for s in (BookingState.BOOKED, BookingState.CHECKED_IN, BookingState.LATE)]
    query = (
        select(Appointment.slot_start, func.count())
        .where(
            Appointment.service_code == service_code,
            col(Appointment.slot_start) >= first,
            col(Appointment.slot_start) <= last,
            col(Appointment.state).in_(holding),
        )
        .group_by(col(Appointment.slot_start))
    )
    return {start: int(n) for start, n in session.exec(query).all()}


def by_code(session: Session, *, code: str, for_update: bool = False) -> Appointment | None:
    query = select(Appointment).where(Appointment.code == code)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def by_token(
    session: Session, *, token_sha256: str, for_update: bool = False
) -> Appointment | None:
    query = select(Appointment).where(Appointment.token_sha256 == token_sha256)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def code_taken(session: Session, *, code: str) -> bool:
    return session.exec(select(Appointment.id).where(Appointment.code == code)).first() is not None


def on_day(
    session: Session, *, day: date, states: Collection[BookingState] | None = None
) -> list[Appointment]:
    query = select(Appointment).where(Appointment.day == day)
    if states is not None:
        query = query.where(col(Appointment.state).in_([s.value for s in states]))
    return list(session.exec(query.order_by(col(Appointment.slot_start), col(Appointment.id))))


def between(
    session: Session, *, first_day: date, last_day: date, states: Collection[BookingState]
) -> list[Appointment]:
    query = select(Appointment).where(
        col(Appointment.day) >= first_day,
        col(Appointment.day) <= last_day,
        col(Appointment.state).in_([s.value for s in states]),
    )
    return list(session.exec(query.order_by(col(Appointment.slot_start), col(Appointment.id))))


def ended_unchecked(session: Session, *, now: datetime) -> list[Appointment]:
    """BOOKED bookings whose slot has ended: the no-shows to mark."""
    query = (
        select(Appointment)
        .where(Appointment.state == BookingState.BOOKED, col(Appointment.slot_end) <= now)
        .with_for_update()
    )
    return list(session.exec(query))


def any_ended_unchecked(session: Session, *, now: datetime) -> bool:
    query = select(Appointment.id).where(
        Appointment.state == BookingState.BOOKED, col(Appointment.slot_end) <= now
    )
    return session.exec(query.limit(1)).first() is not None


def weekday_name(day: int) -> str:
    return WEEKDAYS[day]
