"""Ticket numbers: width, wrap, cap, closed services, and the business day around rollover."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from server.domain.errors import ServiceUnavailable
from server.domain.model import ServiceDef
from server.domain.numbering import (
    business_day,
    check_can_issue,
    format_number,
    ticket_number,
)

A = ServiceDef("A", "A", "个人业务", "Personal")
SMALL = ServiceDef("S", "S", "小", "Small", number_min=5, number_max=12)
CAPPED = ServiceDef("V", "V", "贵宾理财", "VIP wealth", number_max=99, daily_cap=3)
SHANGHAI = timezone(timedelta(hours=8))


def test_first_numbers() -> None:
    assert ticket_number(A, 0) == (1, "A001")
    assert ticket_number(A, 1) == (2, "A002")
    assert ticket_number(A, 41) == (42, "A042")
    assert ticket_number(A, 998) == (999, "A999")


def test_wraps_within_the_range() -> None:
    assert ticket_number(A, 999) == (1, "A001")
    assert [ticket_number(SMALL, n)[1] for n in range(10)] == [
        "S05",
        "S06",
        "S07",
        "S08",
        "S09",
        "S10",
        "S11",
        "S12",
        "S05",
        "S06",
    ]


def test_width_is_digits_of_number_max() -> None:
    assert ticket_number(CAPPED, 0) == (1, "V01")
    wide = ServiceDef("F", "F", "外汇", "FX", number_max=9999)
    assert ticket_number(wide, 6) == (7, "F0007")
    assert format_number(wide, 1234) == "F1234"


def test_cap_reached() -> None:
    assert ticket_number(CAPPED, 2) == (3, "V03")
    with pytest.raises(ServiceUnavailable) as info:
        ticket_number(CAPPED, 3)
    assert info.value.reason == "cap_reached"
    assert info.value.message == ("service V reached its daily cap (3 issued, cap 3)")
    assert info.value.zh == "该业务今日号源已满"


def test_check_can_issue() -> None:
    check_can_issue(A, 5000)
    check_can_issue(CAPPED, 2)
    with pytest.raises(ServiceUnavailable) as info:
        check_can_issue(CAPPED, 3)
    assert info.value.reason == "cap_reached"
    closed = ServiceDef("B", "B", "对公业务", "Corporate", is_open=False)
    with pytest.raises(ServiceUnavailable) as info:
        check_can_issue(closed, 0)
    assert info.value.reason == "closed"
    assert (info.value.message, info.value.zh) == ("service B is closed", "该业务暂停取号")


def test_negative_count_refused() -> None:
    with pytest.raises(ValueError, match="issued_today must be >= 0, got -1"):
        ticket_number(A, -1)


def test_unknown_reason_refused() -> None:
    with pytest.raises(ValueError, match="reason 'full'"):
        ServiceUnavailable("A", "full")


R = time(3, 0)
TZ = "Asia/Shanghai"


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 3, 10, 2, 59, 59), date(2026, 3, 9)),  # before rollover: yesterday
        (datetime(2026, 3, 10, 3, 0, 0), date(2026, 3, 10)),  # at rollover: today
        (datetime(2026, 3, 10, 23, 59), date(2026, 3, 10)),
        (datetime(2026, 3, 11, 0, 0), date(2026, 3, 10)),  # midnight: still the old day
        (datetime(2026, 3, 11, 0, 30), date(2026, 3, 10)),
        (datetime(2026, 1, 1, 1, 0), date(2025, 12, 31)),  # across the year
    ],
)
def test_business_day_around_rollover_and_midnight(local: datetime, expected: date) -> None:
    assert business_day(local.replace(tzinfo=SHANGHAI), R, TZ) == expected


def test_business_day_reads_the_branch_zone() -> None:
    # 19:30 UTC is 03:30 the next day in Shanghai
    assert business_day(datetime(2026, 3, 10, 19, 30, tzinfo=UTC), R, TZ) == date(2026, 3, 11)
    assert business_day(datetime(2026, 3, 10, 18, 59, tzinfo=UTC), R, TZ) == date(2026, 3, 10)


def test_business_day_with_midnight_rollover() -> None:
    now = datetime(2026, 3, 11, 0, 0, tzinfo=SHANGHAI)
    assert business_day(now, time(0, 0), TZ) == date(2026, 3, 11)


def test_business_day_across_daylight_saving() -> None:
    # Berlin springs forward on 2026-03-29 at 02:00 local; a 03:00 rollover still applies
    berlin = "Europe/Berlin"
    assert business_day(datetime(2026, 3, 29, 0, 30, tzinfo=UTC), R, berlin) == date(2026, 3, 28)
    assert business_day(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), R, berlin) == date(2026, 3, 29)


def test_naive_time_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware, got naive 2026-03-10T09:00:00"):
        business_day(datetime(2026, 3, 10, 9, 0), R, TZ)
