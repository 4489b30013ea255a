"""Appointments (预约): the slots on offer, booking, moving and cancelling, the day's list.

A booking is one write transaction that locks its service's schedule row (``FOR UPDATE`` on
PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises every writer), counts the slot's taken
places and inserts: two customers never both get the last place. The customer keeps a
manage link (``/api/v1/appointments/manage/<token>``; only the token's SHA-256 is stored) to
see, move or cancel the booking; staff act by the booking code.

No-shows: a BOOKED booking whose slot has ended becomes NO_SHOW (``mark_no_shows``, run by
the server's periodic job and before a day's list is read).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from server.contract.appointments import (
    AppointmentDay,
    AppointmentOptions,
    BookableService,
    BookingCreate,
    BookingCreated,
    BookingOut,
    DaySlots,
    SlotInfo,
)
from server.contract.common import Bilingual, Language
from server.domain.appointments import (
    AppointmentRefused,
    BookingState,
    Schedule,
    Slot,
    SlotFull,
    bookable_days,
    check_bookable,
    day_slots,
    format_code,
    is_code,
    local_day,
    mask_contact,
    new_code,
    normalise_code,
)
from server.domain.audit import Acting, AuditAction
from server.domain.errors import UnknownEntity
from server.domain.report import AppointmentFact
from server.services import audit
from server.services.context import BranchContext
from server.services.errors import BadRequest
from server.services.views import Names
from server.store import appointment_repo as arepo
from server.store.appointment_tables import Appointment

MANAGE_PATH = "/api/v1/appointments/manage/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def manage_url(ctx: BranchContext, token: str) -> str:
    return f"{ctx.status_url_base.rstrip('/')}{MANAGE_PATH}{token}"


def booking_out(ctx: BranchContext, row: Appointment, names: Names) -> BookingOut:
    slot = Slot(row.slot_start, row.slot_end)
    return BookingOut(
        code=row.code,
        code_display=format_code(row.code),
        service_code=row.service_code,
        service_name=names.service(row.service_code),
        day=row.day,
        start=row.slot_start,
        end=row.slot_end,
        label=f"{row.day.isoformat()} {slot.local_label(ctx.config.timezone)}",
        state=BookingState(row.state),
        contact=row.contact,
        language=Language(row.language),
        booked_by=row.booked_by,
        ticket_number=row.ticket_number,
    )


def _schedule(session: Session, service_code: str, *, for_update: bool = False) -> Schedule:
    row = arepo.schedule_row(session, service_code=service_code, for_update=for_update)
    if row is None or not row.enabled:
        bookable = [c for c, r in arepo.schedules(session).items() if r.enabled]
        raise UnknownEntity("bookable service", service_code, bookable)
    return arepo.schedule_of(row)


def _slot_infos(
    session: Session, *, service_code: str, slots: list[Slot], capacity: int, tz: str
) -> list[SlotInfo]:
    if not slots:
        return []
    taken = arepo.taken_by_slot(
        session, service_code=service_code, first=slots[0].start, last=slots[-1].start
    )
    return [
        SlotInfo(
            start=s.start,
            end=s.end,
            label=s.local_label(tz),
            capacity=capacity,
            free=max(capacity - taken.get(s.start, 0), 0),
        )
        for s in slots
    ]


def options(ctx: BranchContext) -> AppointmentOptions:
    """The bookable services and their days (today up to each one's days_ahead)."""
    now = ctx.now()
    tz = ctx.config.timezone
    with ctx.reading() as uow:
        session = uow.session
        names = Names(session)
        services = [
            BookableService(
                service_code=code,
                name=names.service(code),
                slot_min=row.slot_min,
                days=bookable_days(arepo.schedule_of(row), now, tz),
            )
            for code, row in arepo.schedules(session).items()
            if row.enabled and code in names.services
        ]
    return AppointmentOptions(
        branch_name=Bilingual(zh=ctx.config.name_zh, en=ctx.config.name_en),
        timezone=tz,
        today=local_day(now, tz),
        services=services,
    )


def slots_on(ctx: BranchContext, *, service_code: str, day: date) -> DaySlots:
    """A day's slots still to start, with their free places."""
    now = ctx.now()
    tz = ctx.config.timezone
    with ctx.reading() as uow:
        session = uow.session
        schedule = _schedule(session, service_code)
        last = local_day(now, tz) + timedelta(days=schedule.days_ahead)
        wanted = [s for s in day_slots(schedule, day, tz) if s.start > now] if day <= last else []
        infos = _slot_infos(
            session, service_code=service_code, slots=wanted, capacity=schedule.capacity, tz=tz
        )
        return DaySlots(
            service_code=service_code,
            service_name=Names(session).service(service_code),
            day=day,
            slots=infos,
        )


def _masked(contact: str) -> str:
    try:
        return mask_contact(contact)
    except ValueError as exc:
        raise BadRequest("contact", str(exc), "请填写姓名或手机号") from None


def _take_place(
    session: Session, ctx: BranchContext, *, service_code: str, start: datetime, skip_id: int = 0
) -> Slot:
    """Lock the service's schedule, check the slot and that a place is free in it."""
    schedule = _schedule(session, service_code, for_update=True)
    tz = ctx.config.timezone
    slot = check_bookable(schedule, service_code=service_code, start=start, now=ctx.now(), tz=tz)
    taken = arepo.taken_by_slot(
        session, service_code=service_code, first=slot.start, last=slot.start
    ).get(slot.start, 0)
    if skip_id:  # a move within the same slot keeps its own place
        row = session.get(Appointment, skip_id)
        if row is not None and row.slot_start == slot.start:
            taken -= 1
    if taken >= schedule.capacity:
        raise SlotFull(service_code, f"{slot.start.astimezone(ZoneInfo(tz)):%Y-%m-%d %H:%M}")
    return slot


def book(
    ctx: BranchContext, *, body: BookingCreate, booked_by: str, acting: Acting | None = None
) -> BookingCreated:
    """Book a place of a slot; ``SlotFull`` when the last one went to someone else.
    ``acting``: the staff member booking for a customer (audited; a customer's own booking
    is not)."""
    contact = _masked(body.contact)
    service_code = body.service_code.strip().upper()
    now = ctx.now()
    token = secrets.token_urlsafe(24)
    with ctx.writing() as uow:
        session = uow.session
        slot = _take_place(session, ctx, service_code=service_code, start=body.start)
        code = new_code()
        while arepo.code_taken(session, code=code):  # 1 in 2^40 per booking: rare
            code = new_code()
        row = Appointment(
            code=code,
            token_sha256=token_hash(token),
            service_code=service_code,
            day=local_day(slot.start, ctx.config.timezone),
            slot_start=slot.start,
            slot_end=slot.end,
            state=BookingState.BOOKED,
            contact=contact,
            language=body.language.value,
            booked_by=booked_by[:80],
            created_at=now,
            changed_at=now,
        )
        session.add(row)
        session.flush()
        out = booking_out(ctx, row, Names(session))
        if acting is not None:
            details = {"service": service_code, "start": slot.start.isoformat()}
            audit.record(
                session, acting, AuditAction.APPOINTMENT_BOOK, f"appointment:{code}", details
            )
    url = manage_url(ctx, token)
    return BookingCreated(booking=out, manage_url=url, qr_url=f"{url}/qr.svg")


def _by_token(session: Session, token: str, *, for_update: bool = False) -> Appointment:
    row = arepo.by_token(session, token_sha256=token_hash(token), for_update=for_update)
    if row is None:
        raise UnknownEntity("appointment", "(this link)")
    return row


def find_by_code(session: Session, code: str, *, for_update: bool = False) -> Appointment:
    normal = normalise_code(code)
    row = arepo.by_code(session, code=normal, for_update=for_update) if is_code(normal) else None
    if row is None:
        raise UnknownEntity("appointment", code[:16])
    return row


def booking_by_token(ctx: BranchContext, *, token: str) -> BookingOut:
    mark_no_shows(ctx)
    with ctx.reading() as uow:
        session = uow.session
        return booking_out(ctx, _by_token(session, token), Names(session))


def booking_by_code(ctx: BranchContext, *, code: str) -> BookingOut:
    with ctx.reading() as uow:
        session = uow.session
        return booking_out(ctx, find_by_code(session, code), Names(session))


def _must_be_booked(row: Appointment, action_en: str, action_zh: str) -> None:
    if row.state is not BookingState.BOOKED:
        raise AppointmentRefused(
            "not_booked",
            f"appointment {format_code(row.code)} is {row.state.value}; only a BOOKED "
            f"appointment can be {action_en}",
            f"预约 {format_code(row.code)} 当前状态为{_STATE_ZH[row.state]}，无法{action_zh}",
        )


_STATE_ZH = {
    BookingState.BOOKED: "已预约",
    BookingState.CHECKED_IN: "已签到",
    BookingState.LATE: "迟到（已取普通号）",
    BookingState.CANCELLED: "已取消",
    BookingState.NO_SHOW: "未到",
}


def _cancel(ctx: BranchContext, session: Session, row: Appointment) -> BookingOut:
    _must_be_booked(row, "cancelled", "取消")
    row.state = BookingState.CANCELLED
    row.changed_at = ctx.now()
    session.add(row)
    return booking_out(ctx, row, Names(session))


def cancel_by_token(ctx: BranchContext, *, token: str) -> BookingOut:
    with ctx.writing() as uow:
        session = uow.session
        return _cancel(ctx, session, _by_token(session, token, for_update=True))


def cancel_by_code(ctx: BranchContext, *, code: str, acting: Acting | None = None) -> BookingOut:
    """Staff cancel a booking by its code (``acting``: audited)."""
    with ctx.writing() as uow:
        session = uow.session
        row = find_by_code(session, code, for_update=True)
        out = _cancel(ctx, session, row)
        if acting is not None:
            subject = f"appointment:{row.code}"
            audit.record(session, acting, AuditAction.APPOINTMENT_CANCEL, subject)
        return out


def move_by_token(ctx: BranchContext, *, token: str, start: datetime) -> BookingOut:
    """Move to another slot of the same service (the old place frees in the same commit)."""
    with ctx.writing() as uow:
        session = uow.session
        row = _by_token(session, token, for_update=True)
        _must_be_booked(row, "moved", "改期")
        assert row.id is not None
        slot = _take_place(session, ctx, service_code=row.service_code, start=start, skip_id=row.id)
        row.slot_start, row.slot_end = slot.start, slot.end
        row.day = local_day(slot.start, ctx.config.timezone)
        row.changed_at = ctx.now()
        session.add(row)
        return booking_out(ctx, row, Names(session))


def mark_no_shows(ctx: BranchContext) -> int:
    """BOOKED bookings whose slot has ended become NO_SHOW; returns how many."""
    now = ctx.now()
    with ctx.reading() as uow:
        session = uow.session
        if not arepo.any_ended_unchecked(session, now=now):
            return 0
    with ctx.writing() as uow:
        session = uow.session
        rows = arepo.ended_unchecked(session, now=now)
        for row in rows:
            row.state = BookingState.NO_SHOW
            row.changed_at = now
            session.add(row)
        return len(rows)


def appointments_on(ctx: BranchContext, *, day: date) -> AppointmentDay:
    """A day's appointments and how many are in each state (for reports: kept = CHECKED_IN,
    late = LATE, missed = NO_SHOW, cancelled = CANCELLED, still to come = BOOKED)."""
    mark_no_shows(ctx)
    with ctx.reading() as uow:
        session = uow.session
        names = Names(session)
        rows = arepo.on_day(session, day=day)
        counts = dict.fromkeys(BookingState, 0)
        for row in rows:
            counts[BookingState(row.state)] += 1
        return AppointmentDay(
            day=day, counts=counts, appointments=[booking_out(ctx, r, names) for r in rows]
        )


def appointment_facts(
    ctx: BranchContext, *, first_day: date, last_day: date
) -> list[AppointmentFact]:
    """The reports' appointments of local days [first_day, last_day]: kept (the customer
    checked in: on time or late) or missed (NO_SHOW). Cancelled ones and ones still to come
    are neither and are left out."""
    mark_no_shows(ctx)
    decided = (BookingState.CHECKED_IN, BookingState.LATE, BookingState.NO_SHOW)
    with ctx.reading() as uow:
        session = uow.session
        rows = arepo.between(session, first_day=first_day, last_day=last_day, states=decided)
        return [
            AppointmentFact(
                service_code=r.service_code,
                at=r.slot_start,
                kept=r.state is not BookingState.NO_SHOW,
            )
            for r in rows
        ]
