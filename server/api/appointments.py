"""Appointment endpoints: public booking (the phone page), the kiosk's check-in, staff.

Public, no token (bounded: body size in ``server.api.limits``, a rate per client address for
bookings, moves and cancels, every string's length in the contract):

    GET  /appointments/options                the bookable services and their days
    GET  /appointments/slots?service=A&day=   a day's slots with free places
    POST /appointments                        book (201: the booking, its manage link, QR)
    GET  /appointments/manage/{token}         the booking (JSON, or the page for a browser)
    GET  /appointments/manage/{token}/qr.svg  the QR code of the booking code
    POST /appointments/manage/{token}/cancel  cancel
    POST /appointments/manage/{token}/move    move to another slot ({"start": ...})

Kiosk: ``POST /appointments/check-in``. Staff (admin, manager, teller):
``/staff/appointments``. Admin or manager: ``/admin/appointments/schedules``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, status
from starlette.concurrency import run_in_threadpool

from server.api.context import BranchDep
from server.api.deps import require_roles
from server.auth.principal import Principal
from server.contract.appointments import (
    AppointmentDay,
    AppointmentOptions,
    BookingCreate,
    BookingCreated,
    BookingMove,
    BookingOut,
    CheckinOut,
    CheckinRequest,
    DaySlots,
    ScheduleIn,
    ScheduleOut,
)
from server.contract.common import Role, ServiceCode
from server.contract.rest import ErrorBody
from server.services import appointment_schedules, appointments, audit, checkin
from server.services.issue_limit import RateLimit

router = APIRouter(tags=["appointments"])

MANAGE_TOKEN = Path(min_length=20, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
BOOKING_CODE = Path(min_length=1, max_length=16)
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422, 429)
}

KioskDep = Annotated[Principal, Depends(require_roles(Role.KIOSK))]
StaffDep = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.MANAGER, Role.TELLER))]
ScheduleDep = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.MANAGER))]


def _limit(request: Request) -> None:
    """The per-address rate of bookings, moves and cancels (429 with Retry-After)."""
    limit: RateLimit = request.app.state.booking_limit
    limit.take(request.client.host if request.client else "unknown")


LimitDep = Depends(_limit)


@router.get("/appointments/options", response_model=AppointmentOptions)
def booking_options(branch: BranchDep) -> AppointmentOptions:
    """The services customers may book and, for each, the days with a slot still free to
    start (today up to its days_ahead)."""
    return appointments.options(branch)


@router.get("/appointments/slots", response_model=DaySlots, responses=_ERRORS)
def day_slots(
    branch: BranchDep,
    service: Annotated[ServiceCode, Query(description="service code, e.g. A")],
    day: Annotated[date, Query(description="local date, e.g. 2026-12-01")],
) -> DaySlots:
    """A day's slots still to start with their free places."""
    return appointments.slots_on(branch, service_code=service.strip().upper(), day=day)


@router.post(
    "/appointments",
    response_model=BookingCreated,
    status_code=status.HTTP_201_CREATED,
    responses=_ERRORS,
    dependencies=[LimitDep],
)
def book(body: BookingCreate, branch: BranchDep) -> BookingCreated:
    """Book a slot. Keep ``manage_url``: it shows, moves and cancels the booking."""
    return appointments.book(branch, body=body, booked_by="phone")


@router.post(
    "/appointments/manage/{token}/cancel",
    response_model=BookingOut,
    responses=_ERRORS,
    dependencies=[LimitDep],
)
def cancel(branch: BranchDep, token: str = MANAGE_TOKEN) -> BookingOut:
    return appointments.cancel_by_token(branch, token=token)


@router.post(
    "/appointments/manage/{token}/move",
    response_model=BookingOut,
    responses=_ERRORS,
    dependencies=[LimitDep],
)
def move(body: BookingMove, branch: BranchDep, token: str = MANAGE_TOKEN) -> BookingOut:
    """Move the booking to another slot of its service (its code stays the same)."""
    return appointments.move_by_token(branch, token=token, start=body.start)


@router.post("/appointments/check-in", response_model=CheckinOut, responses=_ERRORS)
async def check_in(body: CheckinRequest, branch: BranchDep, kiosk: KioskDep) -> CheckinOut:
    """Kiosk: the booking code typed or scanned; the ticket, and why it is what it is."""
    device_id = kiosk.id if kiosk.kind == "device" else None
    return await run_in_threadpool(checkin.check_in, branch, body=body, device_id=device_id)


# --- staff ----------------------------------------------------------------------------------
@router.get("/staff/appointments", response_model=AppointmentDay, responses=_ERRORS)
def staff_list(branch: BranchDep, staff: StaffDep, day: date | None = None) -> AppointmentDay:
    """A day's appointments (default today) with their states."""
    when = day or branch.business_day(branch.now())
    return appointments.appointments_on(branch, day=when)


@router.post(
    "/staff/appointments",
    response_model=BookingCreated,
    status_code=status.HTTP_201_CREATED,
    responses=_ERRORS,
)
def staff_book(body: BookingCreate, branch: BranchDep, staff: StaffDep) -> BookingCreated:
    """Book for a customer (on the phone, at the desk)."""
    return appointments.book(
        branch, body=body, booked_by=f"staff {staff.name}", acting=audit.staff(branch, staff)
    )


@router.get("/staff/appointments/{code}", response_model=BookingOut, responses=_ERRORS)
def staff_show(branch: BranchDep, staff: StaffDep, code: str = BOOKING_CODE) -> BookingOut:
    return appointments.booking_by_code(branch, code=code)


@router.post("/staff/appointments/{code}/cancel", response_model=BookingOut, responses=_ERRORS)
def staff_cancel(branch: BranchDep, staff: StaffDep, code: str = BOOKING_CODE) -> BookingOut:
    return appointments.cancel_by_code(branch, code=code, acting=audit.staff(branch, staff))


# --- admin ----------------------------------------------------------------------------------
@router.get("/admin/appointments/schedules", response_model=list[ScheduleOut], responses=_ERRORS)
def schedules(branch: BranchDep, admin: ScheduleDep) -> list[ScheduleOut]:
    return appointment_schedules.list_schedules(branch)


@router.put(
    "/admin/appointments/schedules/{service_code}",
    response_model=ScheduleOut,
    responses=_ERRORS,
)
def set_schedule(
    body: ScheduleIn,
    branch: BranchDep,
    admin: ScheduleDep,
    service_code: str = Path(min_length=1, max_length=8),
) -> ScheduleOut:
    """Replace a service's appointment hours, slot length, places, horizon and closed days
    (bookings already made keep their slot)."""
    return appointment_schedules.set_schedule(
        branch,
        service_code=service_code.strip().upper(),
        body=body,
        by=admin.name,
        acting=audit.staff(branch, admin),
    )
