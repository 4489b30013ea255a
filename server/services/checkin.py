"""Check-in at the kiosk: a booking code becomes a ticket.

``domain.appointments.decide_checkin`` says what the customer gets by the branch's policy
(early: an APPOINTMENT ticket carrying the slot's time, which the call policy's appointment
window favours near that time; up to ``late_min`` late: the same; later the same day: a normal
ticket with the reason; too early, another day, cancelled or used: refused, nothing issued).

The ticket is issued through the ordinary issuing path with the idempotency key
``appointment:<booking id>``: two kiosks scanning one code, or a kiosk retrying after a lost
answer, get the same ticket, never two. The booking is marked after the ticket is committed;
a retry whose ``idempotency_key`` matches the stored check-in answers the same ticket again.
"""

from __future__ import annotations

from server.contract.appointments import CheckinOut, CheckinRequest
from server.contract.common import Bilingual, Category, Language
from server.domain.appointments import (
    BookingState,
    CheckinDecision,
    CheckinKind,
    Slot,
    decide_checkin,
)
from server.services.appointments import booking_out, find_by_code
from server.services.context import BranchContext
from server.services.tickets import issue_ticket
from server.services.views import Names


def _replay(row_state: BookingState, slot: Slot, tz: str) -> CheckinDecision:
    """The decision a completed check-in was made with (its retry answers the same ticket)."""
    label = slot.local_label(tz)
    if row_state is BookingState.CHECKED_IN:
        return CheckinDecision(
            CheckinKind.APPOINTMENT,
            Category.APPOINTMENT,
            slot.start,
            row_state,
            f"Appointment {label}",
            f"预约时段 {label}",
        )
    return CheckinDecision(
        CheckinKind.NORMAL,
        Category.NORMAL,
        None,
        row_state,
        f"Late for the {label} appointment: a normal ticket",
        f"预约时段 {label} 已过，已改为普通号",
    )


def check_in(
    ctx: BranchContext, *, body: CheckinRequest, device_id: int | None = None
) -> CheckinOut:
    tz = ctx.config.timezone
    with ctx.reading() as uow:
        session = uow.session
        row = find_by_code(session, body.code)
    slot = Slot(row.slot_start, row.slot_end)
    state = BookingState(row.state)
    retried = (
        body.idempotency_key is not None
        and row.checkin_key == body.idempotency_key
        and state in (BookingState.CHECKED_IN, BookingState.LATE)
    )
    if retried:
        decision = _replay(state, slot, tz)
    else:
        decision = decide_checkin(
            ctx.config.appointments.policy,
            state=state,
            slot=slot,
            now=ctx.now(),
            tz=tz,
            ticket_number=row.ticket_number,
        )
    ticket = issue_ticket(
        ctx,
        service_code=row.service_code,
        category=decision.category,
        language=Language(row.language) if retried else body.language,
        idempotency_key=f"appointment:{row.id}",
        appointment_at=decision.appointment_at,
        device_id=device_id,
    )
    with ctx.writing() as uow:
        session = uow.session
        fresh = find_by_code(session, row.code, for_update=True)
        if fresh.state in (BookingState.BOOKED, BookingState.NO_SHOW):
            fresh.state = decision.state
            fresh.ticket_number = ticket.number
            fresh.ticket_public_id = ticket.public_id
            fresh.checkin_key = body.idempotency_key
            fresh.language = body.language.value
            fresh.changed_at = ctx.now()
            session.add(fresh)
        booking = booking_out(ctx, fresh, Names(session))
    return CheckinOut(
        ticket=ticket,
        booking=booking,
        kind=decision.kind.value,
        note=Bilingual(zh=decision.note_zh, en=decision.note_en),
        slot_label=slot.local_label(tz),
    )
