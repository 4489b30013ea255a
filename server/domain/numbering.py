"""Ticket numbers per service per business day.

A service's numbers run number_min..number_max and wrap back to number_min. A number is never
given while a ticket with it is still open that day (waiting, called, serving or parked): the
walk skips live numbers, so a printed number always names one open ticket and a teller's
``call A001`` can never mean two customers. When every number is live, or the daily cap is
reached, the service refuses to issue (``ServiceUnavailable``) instead of doubling a number.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.domain.availability import Unavailability, issue_refusal
from server.domain.errors import ServiceUnavailable
from server.domain.model import ServiceDef

LiveNumbers = Callable[[str, str], Collection[str]]
"""``live(first, last)``: the printed numbers between ``first`` and ``last`` (same prefix and
width, inclusive) that are still open today; the store answers it with one indexed query."""


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


@dataclass(frozen=True)
class Numbering:
    """Where a service's numbering stands on a business day.

    issued: tickets issued so far (the daily cap counts these);
    last_value: the value of the last number given (None: none yet today).
    """

    issued: int = 0
    last_value: int | None = None


@dataclass(frozen=True)
class Numbers:
    """The outcome of asking for ``count`` numbers.

    given: (value, printed number) for the first ``len(given)`` requests, in order;
    after: the numbering once they are issued; refusal: why the rest got none (None if all
    got one).
    """

    given: tuple[tuple[int, str], ...]
    after: Numbering
    refusal: ServiceUnavailable | None


def next_numbers(service: ServiceDef, now: Numbering, count: int, live: LiveNumbers) -> Numbers:
    """The next ``count`` numbers of ``service`` after ``now``, skipping numbers still live.

    Walks at most one lap, from the number after the last one given, asking ``live`` about
    windows that double in size, so a few queries cover even a nearly full lap.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    allowed = 0  # how many the service may issue now (open, under its daily cap)
    while allowed < count and _refused(service, now.issued + allowed) is None:
        allowed += 1
    low, high = service.number_min, service.number_max
    span = service.number_span
    last = now.last_value
    pos = last + 1 if last is not None and low <= last < high else low
    given: list[tuple[int, str]] = []
    scanned = 0
    window = max(allowed, 1)
    while len(given) < allowed and scanned < span:
        end = min(high, pos + window - 1, pos + span - scanned - 1)
        busy = live(format_number(service, pos), format_number(service, end))
        for value in range(pos, end + 1):
            number = format_number(service, value)
            if number not in busy:
                given.append((value, number))
                if len(given) == allowed:
                    break
        scanned += end - pos + 1
        pos = end + 1 if end < high else low
        window *= 2
    after = Numbering(now.issued + len(given), given[-1][0] if given else last)
    return Numbers(tuple(given), after, _refusal(service, now, count, allowed, len(given)))


def _refused(service: ServiceDef, issued_today: int) -> Unavailability | None:
    return issue_refusal(
        is_open=service.is_open, daily_cap=service.daily_cap, issued_today=issued_today
    )


def _refusal(
    service: ServiceDef, now: Numbering, count: int, allowed: int, given: int
) -> ServiceUnavailable | None:
    if given == count:
        return None
    if given < allowed:
        return ServiceUnavailable(
            service.code,
            "numbers_in_use",
            f"all {service.number_span} numbers are held by open tickets",
        )
    issued = now.issued + given
    if _refused(service, issued) is Unavailability.CLOSED:
        return ServiceUnavailable(service.code, "closed")
    return ServiceUnavailable(
        service.code, "cap_reached", f"{issued} issued, cap {service.daily_cap}"
    )
