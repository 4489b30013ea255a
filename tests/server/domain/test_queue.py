"""The in-memory BranchQueue: flows a branch goes through, and the refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from server.contract.common import Category, CounterState, TicketState
from server.domain.errors import (
    CounterUnavailable,
    InvalidTransition,
    NotSignedIn,
    ServiceUnavailable,
    UnknownEntity,
)
from server.domain.model import BranchConfig, ServiceDef
from server.domain.queue import BranchQueue

from .conftest import T0, small_branch

NORMAL, VIP = Category.NORMAL, Category.VIP


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@pytest.fixture
def q(branch: BranchConfig) -> BranchQueue:
    queue = BranchQueue(branch)
    for number in (1, 2, 3, 5):
        queue.open_counter(number)
    return queue


def test_numbers_per_service(q: BranchQueue) -> None:
    numbers = [q.issue(code, NORMAL, T0).number for code in "AABVA"]
    assert numbers == ["A001", "A002", "B001", "V01", "A003"]
    assert [t.issue_seq for t in q.tickets.values()] == [1, 2, 3, 4, 5]
    assert {t.business_day for t in q.tickets.values()} == {date(2026, 3, 10)}


def test_full_flow_and_measured_service_time(q: BranchQueue) -> None:
    a1 = q.issue("A", NORMAL, T0)
    q.issue("A", NORMAL, T0 + minutes(1))
    assert q.estimate("A") == (2, 200)  # 2 ahead x 300 s default / 3 open counters serving A
    called = q.call_next(1, T0 + minutes(2))
    assert called is a1 and a1.state == TicketState.CALLED and a1.counter_number == 1
    assert a1.reason_en == "Normal x1, waited 2 min, counter weight 1.0"
    q.recall(a1.ticket_id, T0 + minutes(3), counter_number=1)
    q.recall(a1.ticket_id, T0 + minutes(4))
    assert a1.recalls == 2 and a1.state == TicketState.CALLED
    q.start(a1.ticket_id, T0 + minutes(5))
    q.finish(a1.ticket_id, T0 + minutes(9))
    assert a1.state == TicketState.DONE and a1.counter_number == 1  # who served it
    assert q.avg_service_s["A"] == 240.0
    assert q.estimate("A") == (1, 80)  # 240 s / 3 counters
    assert [e.action for e in a1.history] == [
        "issue",
        "call",
        "recall",
        "recall",
        "start",
        "finish",
    ]


def test_counter_must_be_open(branch: BranchConfig) -> None:
    q = BranchQueue(branch)
    q.issue("A", NORMAL, T0)
    with pytest.raises(NotSignedIn) as info:
        q.call_next(1, T0)
    assert info.value.message == (
        "teller 'teller1' is not signed in to counter 1; open the counter first "
        "(POST /api/v1/counters/1/open)"
    )
    q.open_counter(1)
    q.pause_counter(1)
    with pytest.raises(CounterUnavailable, match="counter 1: is PAUSED; calling needs OPEN"):
        q.call_next(1, T0)
    assert q.counter_states == {
        1: CounterState.PAUSED,
        2: CounterState.CLOSED,
        3: CounterState.CLOSED,
        5: CounterState.CLOSED,
    }


def test_counter_holds_one_ticket(q: BranchQueue) -> None:
    q.issue("A", NORMAL, T0)
    b = q.issue("A", NORMAL, T0)
    q.call_next(1, T0)
    with pytest.raises(CounterUnavailable) as info:
        q.call_next(1, T0)
    assert info.value.message == (
        "counter 1: still holds ticket A001 (CALLED); finish, park or transfer it first"
    )
    assert info.value.zh == "1号窗口仍有A001号（已叫号），请先办结、暂挂或转移"
    with pytest.raises(CounterUnavailable, match="still holds ticket A001"):
        q.call(b.ticket_id, 1, T0)
    with pytest.raises(CounterUnavailable) as info:
        q.close_counter(1)
    assert info.value.message == (
        "counter 1: still holds ticket A001 (CALLED); finish, park or transfer it before closing"
    )
    q.pause_counter(1)  # pausing is allowed while serving
    assert q.counter_states[1] == CounterState.PAUSED


def test_no_one_for_this_counter(q: BranchQueue) -> None:
    q.issue("B", NORMAL, T0)
    assert q.call_next(1, T0) is None
    assert q.call_next(3, T0) is not None


def test_only_the_holding_counter_acts(q: BranchQueue) -> None:
    t = q.issue("A", NORMAL, T0)
    q.call_next(1, T0)
    with pytest.raises(CounterUnavailable) as info:
        q.start(t.ticket_id, T0, counter_number=2)
    assert info.value.message == "counter 2: ticket A001 is held by counter 1"
    assert t.state == TicketState.CALLED


def test_call_a_chosen_ticket(q: BranchQueue) -> None:
    q.issue("A", NORMAL, T0)
    b = q.issue("B", NORMAL, T0)
    a2 = q.issue("A", NORMAL, T0)
    with pytest.raises(CounterUnavailable) as info:
        q.call(b.ticket_id, 1, T0)
    assert info.value.message == (
        "counter 1: does not serve service B (ticket B001); it serves ['A']"
    )
    assert q.call(a2.ticket_id, 1, T0) is a2
    assert (a2.state, a2.reason_en, a2.reason_zh) == (
        TicketState.CALLED,
        "chosen by the teller",
        "柜员指定叫号",
    )
    with pytest.raises(InvalidTransition, match="ticket A002 is CALLED; call needs WAITING"):
        q.call(a2.ticket_id, 2, T0)


def test_park_frees_the_counter_and_unpark_brings_it_back(q: BranchQueue) -> None:
    a1 = q.issue("A", NORMAL, T0)
    a2 = q.issue("A", NORMAL, T0)
    q.call_next(1, T0)
    q.start(a1.ticket_id, T0)
    q.park(a1.ticket_id, T0 + minutes(1))
    assert (a1.state, a1.counter_number) == (TicketState.PARKED, 1)
    assert q.held_by(1) is None
    assert q.call_next(1, T0 + minutes(2)) is a2
    with pytest.raises(CounterUnavailable, match="counter 1: still holds ticket A002"):
        q.unpark(a1.ticket_id, T0 + minutes(3))
    assert a1.state == TicketState.PARKED
    q.no_show(a2.ticket_id, T0 + minutes(4))
    q.unpark(a1.ticket_id, T0 + minutes(5))
    assert (a1.state, q.held_by(1)) == (TicketState.CALLED, a1)


def test_transfer_keeps_number_and_arrival(q: BranchQueue) -> None:
    a1 = q.issue("A", VIP, T0)
    q.call_next(1, T0 + minutes(3))
    q.start(a1.ticket_id, T0 + minutes(4))
    q.transfer(a1.ticket_id, T0 + minutes(10), to_service="B")
    assert (a1.state, a1.number, a1.arrived_at) == (TicketState.WAITING, "A001", T0)
    assert (a1.service_code, a1.counter_number, a1.transfers) == ("B", None, 1)
    assert q.held_by(1) is None
    # the transferred ticket keeps its wait: it beats a newer corporate ticket
    q.issue("B", VIP, T0 + minutes(9))
    called = q.call_next(3, T0 + minutes(11))
    assert called is a1 and a1.reason_en.startswith("VIP x3, waited 11 min")
    assert a1.history[-2].detail == "to service B"


def test_transfer_to_a_counter(q: BranchQueue) -> None:
    a1 = q.issue("A", NORMAL, T0)
    a2 = q.issue("A", NORMAL, T0 + minutes(1))
    q.call_next(1, T0)
    q.transfer(a1.ticket_id, T0 + minutes(2), to_counter=5)
    assert a1.target_counter == 5
    assert q.call_next(2, T0 + minutes(3)) is a2  # counter 2 may not take it
    q.issue("A", NORMAL, T0 + minutes(3))
    with pytest.raises(
        CounterUnavailable, match="counter 1: ticket A001 was transferred to counter 5"
    ):
        q.call(a1.ticket_id, 1, T0 + minutes(3))
    called = q.call_next(5, T0 + minutes(4))
    assert called is a1 and a1.target_counter is None
    assert a1.reason_en.endswith("transferred to this counter")


def test_transfer_to_unknown_places(q: BranchQueue) -> None:
    a1 = q.issue("A", NORMAL, T0)
    q.call_next(1, T0)
    with pytest.raises(UnknownEntity) as info:
        q.transfer(a1.ticket_id, T0, to_service="Z")
    assert info.value.message == "unknown service 'Z'; expected one of ['A', 'B', 'V']"
    with pytest.raises(UnknownEntity, match="unknown counter 9; expected one of"):
        q.transfer(a1.ticket_id, T0, to_counter=9)
    assert (a1.state, a1.transfers) == (TicketState.CALLED, 0)


def test_cancel_only_while_waiting(q: BranchQueue) -> None:
    a1 = q.issue("A", NORMAL, T0)
    q.cancel(a1.ticket_id, T0)
    assert a1.state == TicketState.CANCELLED
    with pytest.raises(InvalidTransition, match="ticket A001 is CANCELLED; call needs WAITING"):
        q.call(a1.ticket_id, 1, T0)
    assert q.call_next(1, T0) is None


def test_closed_service_and_cap(q: BranchQueue) -> None:
    q.set_service_open("B", False)
    with pytest.raises(ServiceUnavailable) as info:
        q.issue("B", NORMAL, T0)
    assert info.value.reason == "closed"
    for _ in range(5):
        q.issue("V", VIP, T0)
    with pytest.raises(ServiceUnavailable) as info:
        q.issue("V", VIP, T0)
    assert info.value.reason == "cap_reached"
    assert q.issued_today("V") == 5 and q.issued_today("B") == 0


def test_a_wrapped_number_still_in_use_is_refused() -> None:
    branch = small_branch()
    branch = replace(
        branch, services=(*branch.services, ServiceDef("S", "S", "小", "Small", number_max=3))
    )
    q = BranchQueue(branch)
    first = q.issue("S", NORMAL, T0)
    q.issue("S", NORMAL, T0)
    q.issue("S", NORMAL, T0)
    with pytest.raises(ServiceUnavailable) as info:
        q.issue("S", NORMAL, T0)
    assert info.value.reason == "numbers_in_use"
    assert info.value.message.endswith("(all 3 numbers are held by open tickets)")
    q.cancel(first.ticket_id, T0)
    assert q.issue("S", NORMAL, T0).number == "S1"


def test_rollover_abandons_open_tickets_and_restarts_numbers(q: BranchQueue) -> None:
    waiting = q.issue("A", NORMAL, T0)
    served = q.issue("A", NORMAL, T0)
    done = q.issue("B", NORMAL, T0)
    q.call(served.ticket_id, 1, T0)
    q.call(done.ticket_id, 3, T0)
    q.start(done.ticket_id, T0)
    q.finish(done.ticket_id, T0 + minutes(5))
    q.call_next(2, T0)
    assert q.recent_categories == [NORMAL, NORMAL, NORMAL]
    # 02:59 the next morning is still the same business day
    still = T0 + timedelta(hours=17, minutes=59)
    assert q.rollover(still) == []
    assert q.issue("A", NORMAL, still).number == "A003"
    next_day = T0 + timedelta(hours=18)  # 03:00 Shanghai
    abandoned = q.rollover(next_day)
    assert sorted(t.number for t in abandoned) == ["A001", "A002", "A003"]
    assert waiting.state == TicketState.ABANDONED and served.counter_number == 1
    assert done.state == TicketState.DONE
    assert q.held_by(1) is None and q.recent_categories == []
    fresh = q.issue("A", NORMAL, next_day)
    assert (fresh.number, fresh.business_day) == ("A001", date(2026, 3, 11))
    assert len(q.tickets) == 5  # history kept


def test_issue_on_a_new_day_rolls_over(q: BranchQueue) -> None:
    old = q.issue("A", NORMAL, T0)
    new = q.issue("A", NORMAL, T0 + timedelta(days=1))
    assert old.state == TicketState.ABANDONED
    assert (new.number, new.business_day) == ("A001", date(2026, 3, 11))


def test_unknown_ids(q: BranchQueue) -> None:
    with pytest.raises(UnknownEntity, match="unknown ticket 99"):
        q.start(99, T0)
    with pytest.raises(UnknownEntity, match=r"unknown counter 7; expected one of \['1', '2'"):
        q.open_counter(7)
    with pytest.raises(UnknownEntity, match="unknown service 'X'"):
        q.issue("X", NORMAL, T0)
