"""Ticket numbers: width, wrap, cap, closed services, and the business day around rollover."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from server.domain.errors import ServiceUnavailable
from server.domain.model import ServiceDef
from server.domain.numbering import (
    Numbering,
    Numbers,
    business_day,
    format_number,
    next_numbers,
)

A = ServiceDef("A", "A", "个人业务", "Personal")
SMALL = ServiceDef("S", "S", "小", "Small", number_min=5, number_max=12)
CAPPED = ServiceDef("V", "V", "贵宾理财", "VIP wealth", number_max=99, daily_cap=3)
SHANGHAI = timezone(timedelta(hours=8))


class Live:
    """Open tickets' numbers, answering ``live(first, last)`` as the store does (a range of
    printed numbers), and counting the questions."""

    def __init__(self, numbers: set[str] | None = None) -> None:
        self.numbers = numbers or set()
        self.asked: list[tuple[str, str]] = []

    def __call__(self, first: str, last: str) -> set[str]:
        self.asked.append((first, last))
        return {n for n in self.numbers if first <= n <= last}


def _issue(service: ServiceDef, numbering: Numbering, count: int, live: Live) -> Numbers:
    numbers = next_numbers(service, numbering, count, live)
    live.numbers |= {n for _, n in numbers.given}
    return numbers


def test_first_numbers() -> None:
    numbers = next_numbers(A, Numbering(), 3, Live())
    assert numbers.given == ((1, "A001"), (2, "A002"), (3, "A003"))
    assert numbers.after == Numbering(3, 3)
    assert numbers.refusal is None
    assert next_numbers(A, Numbering(41, 41), 1, Live()).given == ((42, "A042"),)


def test_wraps_within_the_range_when_the_old_numbers_are_closed() -> None:
    assert next_numbers(A, Numbering(999, 999), 1, Live()).given == ((1, "A001"),)
    got = next_numbers(SMALL, Numbering(), 10, Live()).given
    assert [n for _, n in got] == ["S05", "S06", "S07", "S08", "S09", "S10", "S11", "S12"]
    after_lap = next_numbers(SMALL, Numbering(8, 12), 2, Live())
    assert [n for _, n in after_lap.given] == ["S05", "S06"]


def test_a_live_number_is_skipped_after_the_wrap() -> None:
    live = Live({"S05", "S07"})  # two customers of the first lap still wait
    numbers = next_numbers(SMALL, Numbering(8, 12), 3, live)
    assert [n for _, n in numbers.given] == ["S06", "S08", "S09"]
    assert numbers.after == Numbering(11, 9)


def test_every_number_in_use_is_refused_clearly() -> None:
    live = Live()
    first = _issue(SMALL, Numbering(), 8, live)
    assert len(first.given) == 8
    full = _issue(SMALL, first.after, 2, live)
    assert full.given == ()
    assert full.after == first.after
    assert full.refusal is not None and full.refusal.reason == "numbers_in_use"
    assert "every number is in use" in full.refusal.message
    assert "号码已全部占用" in full.refusal.zh
    live.numbers.discard("S09")  # one customer is served: exactly that number comes back
    again = _issue(SMALL, first.after, 2, live)
    assert [n for _, n in again.given] == ["S09"]
    assert again.refusal is not None and again.refusal.reason == "numbers_in_use"


def test_a_nearly_full_lap_takes_a_few_questions() -> None:
    live = Live({format_number(A, v) for v in range(1, 999)})  # only A999 is free
    numbers = next_numbers(A, Numbering(2000, 500), 1, live)
    assert numbers.given == ((999, "A999"),)
    assert len(live.asked) <= 11  # windows double: 1, 2, 4, ... up to the end of the lap


def test_a_range_changed_during_the_day_starts_at_its_first_number() -> None:
    assert next_numbers(SMALL, Numbering(3, 700), 1, Live()).given == ((5, "S05"),)


def test_width_is_digits_of_number_max() -> None:
    assert next_numbers(CAPPED, Numbering(), 1, Live()).given == ((1, "V01"),)
    wide = ServiceDef("F", "F", "外汇", "FX", number_max=9999)
    assert next_numbers(wide, Numbering(6, 6), 1, Live()).given == ((7, "F0007"),)
    assert format_number(wide, 1234) == "F1234"


def test_cap_reached() -> None:
    numbers = next_numbers(CAPPED, Numbering(1, 1), 4, Live())
    assert [n for _, n in numbers.given] == ["V02", "V03"]
    assert numbers.refusal is not None and numbers.refusal.reason == "cap_reached"
    assert numbers.refusal.message == "service V reached its daily cap (3 issued, cap 3)"
    assert numbers.refusal.zh == "该业务今日号源已满"


def test_closed_service() -> None:
    closed = ServiceDef("B", "B", "对公业务", "Corporate", is_open=False)
    numbers = next_numbers(closed, Numbering(), 1, Live())
    assert numbers.given == ()
    assert numbers.refusal is not None and numbers.refusal.reason == "closed"
    assert (numbers.refusal.message, numbers.refusal.zh) == (
        "service B is closed",
        "该业务暂停取号",
    )


def test_negative_count_refused() -> None:
    with pytest.raises(ValueError, match="count must be >= 0, got -1"):
        next_numbers(A, Numbering(), -1, Live())


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
