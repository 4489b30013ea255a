"""Ticket numbers per service per business day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.domain.availability import Unavailability, issue_refusal
from server.domain.errors import ServiceUnavailable
from server.domain.model import ServiceDef


def business_day(now: datetime, rollover: time, tz: str) -> date:
    """The business day ``now`` belongs to: before the rollover time it is still yesterday's.

    ``now`` must be timezone-aware; it is read in the branch's timezone ``tz``.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got naive {now.isoformat()}")
    local = now.astimezone(ZoneInfo(tz))
    day = local.date()
    if local.time().replace(tzinfo=None) < rollover.replace(tzinfo=None):
        day -= timedelta(days=1)
    return day


def number_width(service: ServiceDef) -> int:
    """Digits printed for the service's numbers: the digits of number_max."""
    return len(str(service.number_max))


def format_number(service: ServiceDef, value: int) -> str:
    """``A`` and 7 -> ``A007`` for a service numbered up to 999."""
    return f"{service.prefix}{value:0{number_width(service)}d}"


def check_can_issue(service: ServiceDef, issued_today: int) -> None:
    """Raise ServiceUnavailable when the service is closed or its daily cap is reached."""
    refusal = issue_refusal(
        is_open=service.is_open, daily_cap=service.daily_cap, issued_today=issued_today
    )
    if refusal is Unavailability.CLOSED:
        raise ServiceUnavailable(service.code, "closed")
    _check_cap(service, issued_today)


def _check_cap(service: ServiceDef, issued_today: int) -> None:
    refusal = issue_refusal(is_open=True, daily_cap=service.daily_cap, issued_today=issued_today)
    if refusal is Unavailability.CAP_REACHED:
        raise ServiceUnavailable(
            service.code,
            "cap_reached",
            f"{issued_today} issued, cap {service.daily_cap}",
        )


def ticket_number(service: ServiceDef, issued_today: int) -> tuple[int, str]:
    """The number of the service's next ticket when ``issued_today`` were issued before it.

    Numbers run number_min..number_max and wrap back to number_min. Raises
    ServiceUnavailable("cap_reached") once the daily cap is reached.
    """
    if issued_today < 0:
        raise ValueError(f"issued_today must be >= 0, got {issued_today}")
    _check_cap(service, issued_today)
    span = service.number_max - service.number_min + 1
    value = service.number_min + issued_today % span
    return value, format_number(service, value)
