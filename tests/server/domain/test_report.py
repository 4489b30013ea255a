"""The pure report: exact figures from hand-made records and from the in-memory queue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from server.domain.model import BranchConfig
from server.domain.queue import BranchQueue
from server.domain.report import (
    AppointmentFact,
    ComplaintFact,
    RatingFact,
    build_report,
    percentile,
)
from server.domain.states import Category, TicketState
from server.domain.visits import Outcome, Step, TicketRecord, record_from_ticket, visits_of
from tests.server.domain.conftest import T0

DAY = date(2026, 3, 10)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def record(
    ticket_id: int,
    service: str,
    issued_min: float,
    state: TicketState,
    *steps: Step,
    category: Category = Category.NORMAL,
) -> TicketRecord:
    return TicketRecord(
        ticket_id=ticket_id,
        number=f"{service}{ticket_id:03d}",
        business_day=DAY,
        service_code=service,
        category=category,
        issued_at=at(issued_min),
        state=state,
        steps=steps,
    )


def served(
    tid: int,
    service: str,
    issued: float,
    called: float,
    start: float,
    end: float,
    counter: int,
    teller: str,
) -> TicketRecord:
    return record(
        tid,
        service,
        issued,
        TicketState.DONE,
        Step("call", at(called), counter, teller),
        Step("start", at(start), counter, teller),
        Step("finish", at(end), counter, teller),
    )


def day_records() -> list[TicketRecord]:
    """Four A tickets served (waits 2, 4, 10, 20 min), one no-show, one cancelled, one B ticket
    transferred from A to B and served, one A ticket abandoned while CALLED."""
    return [
        served(1, "A", 0, 2, 3, 8, 1, "amy"),  # wait 120 s, service 300 s
        served(2, "A", 1, 5, 5, 9, 2, "bob"),  # wait 240 s, service 240 s
        served(3, "A", 2, 12, 13, 16, 1, "amy"),  # wait 600 s, service 180 s
        served(4, "A", 40, 60, 61, 71, 2, "bob"),  # wait 1200 s (> 900 target), service 600 s
        record(
            5,
            "A",
            3,
            TicketState.NO_SHOW,
            Step("call", at(9), 1, "amy"),
            Step("no_show", at(12), 1, "amy"),
        ),
        record(6, "A", 4, TicketState.CANCELLED, Step("cancel", at(30), 2, "bob")),
        record(
            7,
            "A",
            5,
            TicketState.DONE,
            Step("call", at(16), 1, "amy"),
            Step("transfer", at(17), 1, "amy", to_service="B"),
            Step("call", at(27), 3, "cy"),
            Step("start", at(28), 3, "cy"),
            Step("finish", at(38), 3, "cy"),
        ),
        record(
            8,
            "A",
            70,
            TicketState.ABANDONED,
            Step("call", at(72), 2, "bob"),
            Step("abandon", at(1000)),
        ),
    ]


def test_percentiles_are_nearest_rank() -> None:
    values = [120.0, 240.0, 600.0, 1200.0]
    assert percentile(values, 50) == 240.0
    assert percentile(values, 90) == 1200.0
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile([], 50) is None


def test_visits_split_at_a_transfer() -> None:
    first, second = visits_of(day_records()[6])
    assert (first.service_code, first.outcome, first.wait_s) == ("A", Outcome.TRANSFERRED, 660.0)
    assert (second.service_code, second.by_transfer, second.wait_s) == ("B", True, 600.0)
    assert (second.outcome, second.service_s, second.counter_number) == (Outcome.SERVED, 600.0, 3)
    abandoned = visits_of(day_records()[7])[0]
    assert abandoned.state_at_end is TicketState.CALLED


def test_report_by_service_exact_figures(branch: BranchConfig) -> None:
    report = build_report(day_records(), by="service", services=branch.services)
    a, b = report.rows
    assert (a.key, a.name_zh, a.name_en) == ("A", "个人业务", "Personal")
    fa = a.figures
    assert (fa.issued, fa.transferred_in, fa.called) == (8, 0, 7)
    assert (fa.served, fa.no_show, fa.cancelled, fa.abandoned, fa.transferred, fa.open) == (
        4,
        1,
        1,
        1,
        1,
        0,
    )
    # waits of the called A visits: 120, 240, 600, 1200, 360 (no-show), 660 (transferred), 120
    assert fa.wait.count == 7
    assert fa.wait.p50 == 360.0 and fa.wait.p90 == 1200.0 and fa.wait.max == 1200.0
    assert fa.wait.mean == pytest.approx((120 + 240 + 600 + 1200 + 360 + 660 + 120) / 7)
    assert fa.within_target == pytest.approx(6 / 7)
    assert (fa.service.count, fa.service.p50, fa.service.p90) == (4, 240.0, 600.0)
    assert fa.satisfaction_avg is None and fa.satisfaction_count is None  # no data, not 0
    fb = b.figures
    assert (fb.issued, fb.transferred_in, fb.served, fb.wait.max) == (0, 1, 1, 600.0)
    total = report.total
    assert total.issued == 8 and total.transferred_in == total.transferred == 1
    ended = total.served + total.no_show + total.cancelled + total.abandoned + total.open
    assert total.issued + total.transferred_in == ended + total.transferred
    assert total.served == 5


def test_report_by_counter_teller_and_hour(branch: BranchConfig) -> None:
    by_counter = build_report(day_records(), by="counter", counters=branch.counters)
    assert [r.key for r in by_counter.rows] == ["1", "2", "3"]
    c1 = by_counter.rows[0].figures
    assert (c1.issued, c1.served, c1.no_show, c1.transferred) == (None, 2, 1, 1)
    assert by_counter.rows[0].name_en == "Counter 1"
    by_teller = build_report(day_records(), by="teller")
    assert {r.key: r.figures.served for r in by_teller.rows} == {"amy": 2, "bob": 2, "cy": 1}
    by_hour = build_report(day_records(), by="hour", timezone="Asia/Shanghai")
    assert [(r.key, r.figures.issued) for r in by_hour.rows] == [("09", 7), ("10", 1)]
    assert by_hour.rows[0].name_en == "09:00-10:00"


def test_ratings_appointments_complaints_when_given(branch: BranchConfig) -> None:
    report = build_report(
        day_records(),
        by="service",
        services=branch.services,
        ratings=[RatingFact(1, 5), RatingFact(2, 3), RatingFact(5, 1)],  # 5 was a no-show
        appointments=[AppointmentFact("A", at(0), True), AppointmentFact("A", at(5), False)],
        complaints=[ComplaintFact(at(10), True, "A"), ComplaintFact(at(20), False, "B")],
    )
    fa, fb = report.rows[0].figures, report.rows[1].figures
    assert (fa.satisfaction_avg, fa.satisfaction_count) == (4.0, 2)
    assert (fb.satisfaction_avg, fb.satisfaction_count) == (None, 0)
    assert (fa.appointments_kept, fa.appointments_missed) == (1, 1)
    assert (fa.complaints_opened, fa.complaints_resolved) == (1, 1)
    assert (fb.complaints_opened, fb.complaints_resolved) == (1, 0)


def test_range_leaves_out_other_days(branch: BranchConfig) -> None:
    records = day_records()
    report = build_report(records, by="service", first_day=date(2026, 3, 11))
    assert report.rows == () and report.total.issued == 0 and report.total.wait.p50 is None


def test_the_in_memory_queue_feeds_the_same_report(branch: BranchConfig) -> None:
    queue = BranchQueue(branch)
    queue.open_counter(1)
    queue.open_counter(3)
    a1 = queue.issue("A", Category.NORMAL, at(0))
    a2 = queue.issue("A", Category.NORMAL, at(1))
    queue.call_next(1, at(4))
    queue.start(a1.ticket_id, at(5))
    queue.finish(a1.ticket_id, at(10))
    queue.call_next(1, at(11))
    queue.transfer(a2.ticket_id, at(12), to_service="B")
    queue.call_next(3, at(15))
    queue.no_show(a2.ticket_id, at(16))
    records = [
        record_from_ticket(a1),
        record_from_ticket(a2, issued_service="A"),
    ]
    report = build_report(records, by="service", services=branch.services)
    fa, fb = report.rows[0].figures, report.rows[1].figures
    assert (fa.issued, fa.served, fa.transferred, fa.wait.max) == (2, 1, 1, 600.0)
    assert (fb.transferred_in, fb.no_show, fb.wait.max) == (1, 1, 180.0)
    with pytest.raises(ValueError, match="issued_service"):
        record_from_ticket(a2)
