"""An admin's view and change of each service's appointment schedule (hours, slots, places).

Bookings already made keep their slot when the schedule changes (the customer was told a
time); the new hours apply to what is offered and booked from then on.
"""

from __future__ import annotations

from datetime import date

from server.branchfile_appointments import parse_periods
from server.contract.appointments import ScheduleIn, ScheduleOut
from server.domain.appointments import WEEKDAYS, Schedule
from server.domain.audit import Acting, AuditAction
from server.domain.errors import UnknownEntity
from server.services import audit
from server.services.context import BranchContext
from server.services.errors import BadRequest
from server.store import appointment_repo as arepo
from server.store import repo
from server.store.appointment_tables import AppointmentSchedule


def schedule_out(row: AppointmentSchedule) -> ScheduleOut:
    return ScheduleOut(
        service_code=row.service_code,
        enabled=row.enabled,
        slot_min=row.slot_min,
        capacity=row.capacity,
        days_ahead=row.days_ahead,
        hours={WEEKDAYS[int(day)]: periods for day, periods in sorted(row.hours.items())},
        closed_dates=[date.fromisoformat(d) for d in row.closed_dates],
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def list_schedules(ctx: BranchContext) -> list[ScheduleOut]:
    with ctx.reading() as uow:
        session = uow.session
        return [schedule_out(r) for r in arepo.schedules(session).values()]


def _schedule(body: ScheduleIn) -> Schedule:
    hours = {}
    for name, periods in body.hours.items():
        try:
            parsed = parse_periods(periods, name)
        except ValueError as exc:
            raise BadRequest(
                f"hours.{name}", str(exc), "时段格式应为 HH:MM-HH:MM，且不能重叠"
            ) from None
        if parsed:
            hours[WEEKDAYS.index(name)] = parsed
    return Schedule(
        slot_min=body.slot_min,
        capacity=body.capacity,
        days_ahead=body.days_ahead,
        hours=hours,
        closed_dates=frozenset(body.closed_dates),
        enabled=body.enabled,
    )


def set_schedule(
    ctx: BranchContext,
    *,
    service_code: str,
    body: ScheduleIn,
    by: str,
    acting: Acting | None = None,
) -> ScheduleOut:
    """Replace a service's schedule (a service of the branch; it becomes bookable if enabled)."""
    schedule = _schedule(body)
    with ctx.writing() as uow:
        session = uow.session
        codes = [s.code for s in repo.list_services(session)]
        if service_code not in codes:
            raise UnknownEntity("service", service_code, codes)
        row = arepo.schedule_row(session, service_code=service_code, for_update=True)
        row = arepo.write_schedule(
            row or AppointmentSchedule(service_code=service_code),
            schedule,
            now=ctx.now(),
            by=by[:64],
        )
        session.add(row)
        session.flush()
        if acting is not None:
            details = body.model_dump(mode="json")
            subject = f"service:{service_code}"
            audit.record(session, acting, AuditAction.APPOINTMENT_SCHEDULE, subject, details)
        return schedule_out(row)
