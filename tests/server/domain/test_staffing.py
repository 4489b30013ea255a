"""The staffing rules: when a wait alert is raised and cleared (with hysteresis), and which
counter is suggested."""

from __future__ import annotations

import pytest

from server.domain.staffing import (
    AlertKind,
    CounterLoad,
    QueueLoad,
    Suggestion,
    SuggestionKind,
    breaches,
    suggest,
)
from server.domain.states import CounterState

OPEN, PAUSED, CLOSED = CounterState.OPEN, CounterState.PAUSED, CounterState.CLOSED
TARGET = 900
MAX_WAIT = 3600


def q(code: str, waiting: int, estimate_s: int, longest_s: int = 0) -> QueueLoad:
    return QueueLoad(code, waiting, estimate_s, TARGET, longest_s)


def c(number: int, state: CounterState, *serves: str) -> CounterLoad:
    return CounterLoad(number, state, frozenset(serves))


COUNTERS = [c(1, OPEN, "A"), c(2, OPEN, "A", "F"), c(6, CLOSED, "F"), c(7, CLOSED, "B")]


def kinds(found: list[object]) -> list[tuple[str, AlertKind]]:
    return [(b.service_code, b.kind) for b in found]  # type: ignore[attr-defined]


def test_an_estimate_over_target_raises_and_says_who_could_help() -> None:
    found = breaches([q("A", 3, 600), q("F", 5, 1200)], COUNTERS, max_wait_s=MAX_WAIT)
    assert kinds(found) == [("F", AlertKind.WAIT_OVER_TARGET)]
    (breach,) = found
    assert (breach.value_s, breach.limit_s) == (1200, TARGET)
    assert breach.suggestion == Suggestion(SuggestionKind.OPEN_COUNTER, "F", 6)
    assert breach.helpers == (2, 6)


def test_exactly_at_the_target_raises_nothing() -> None:
    assert breaches([q("F", 5, TARGET)], COUNTERS, max_wait_s=MAX_WAIT) == []


def test_an_active_alert_stays_until_the_wait_is_back_under_80_percent() -> None:
    active = [("F", AlertKind.WAIT_OVER_TARGET)]
    for estimate_s, kept in ((900, True), (721, True), (720, False), (300, False)):
        found = breaches([q("F", 2, estimate_s)], COUNTERS, max_wait_s=MAX_WAIT, active=active)
        assert bool(found) is kept, estimate_s
        # without the active alert, nothing under the target raises one
        assert breaches([q("F", 2, estimate_s)], COUNTERS, max_wait_s=MAX_WAIT) == []


def test_an_empty_queue_clears_every_alert() -> None:
    active = [("F", AlertKind.WAIT_OVER_TARGET), ("F", AlertKind.TICKET_OVER_MAX_WAIT)]
    assert breaches([q("F", 0, 5000, 5000)], COUNTERS, max_wait_s=MAX_WAIT, active=active) == []


def test_a_ticket_over_the_max_wait_raises_its_own_alert() -> None:
    found = breaches([q("A", 1, 300, MAX_WAIT + 1)], COUNTERS, max_wait_s=MAX_WAIT)
    assert kinds(found) == [("A", AlertKind.TICKET_OVER_MAX_WAIT)]
    assert (found[0].value_s, found[0].limit_s) == (MAX_WAIT + 1, MAX_WAIT)
    kept = breaches(
        [q("A", 1, 300, int(0.9 * MAX_WAIT))],
        COUNTERS,
        max_wait_s=MAX_WAIT,
        active=[("A", AlertKind.TICKET_OVER_MAX_WAIT)],
    )
    assert kinds(kept) == [("A", AlertKind.TICKET_OVER_MAX_WAIT)]


def test_a_paused_counter_serving_the_service_is_asked_first_lowest_number() -> None:
    counters = [c(5, CLOSED, "F"), c(3, PAUSED, "F"), c(1, OPEN, "A")]
    assert suggest("F", [q("F", 9, 2000)], counters) == Suggestion(
        SuggestionKind.OPEN_COUNTER, "F", 3
    )


def test_an_open_counter_with_short_queues_is_asked_to_also_serve() -> None:
    queues = [q("A", 1, 300), q("B", 0, 0), q("F", 9, 2000)]
    counters = [c(1, OPEN, "A"), c(2, OPEN, "B"), c(3, OPEN, "F")]
    # counter 2's queue is empty: it is the least loaded of the two with spare capacity
    assert suggest("F", queues, counters) == Suggestion(SuggestionKind.ADD_SERVICE, "F", 2)


def test_a_busy_counter_is_not_asked_to_take_more() -> None:
    queues = [q("A", 3, 500), q("F", 9, 2000)]  # A's estimate is over half its target
    counters = [c(1, OPEN, "A"), c(3, OPEN, "F"), c(8, CLOSED)]
    assert suggest("F", queues, counters) == Suggestion(SuggestionKind.OPEN_AND_ADD, "F", 8)
    assert suggest("F", queues, counters[:2]) == Suggestion(SuggestionKind.NONE, "F", None)


def test_a_long_single_wait_makes_a_queue_busy_too() -> None:
    queues = [q("A", 1, 100, longest_s=600), q("F", 9, 2000)]
    counters = [c(1, OPEN, "A"), c(3, OPEN, "F")]
    assert suggest("F", queues, counters).kind is SuggestionKind.NONE


def test_a_bad_max_wait_is_refused() -> None:
    with pytest.raises(ValueError, match="max_wait_s must be > 0"):
        breaches([], [], max_wait_s=0)
