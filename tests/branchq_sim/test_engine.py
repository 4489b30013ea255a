"""The simulated day: determinism, conservation, a day checked by hand, what-if ordering."""

from __future__ import annotations

from typing import Any

import pytest

from branchq_sim.customers import draw_customers
from branchq_sim.engine import DaySimulation, simulate
from branchq_sim.figures import day_figures
from server.domain.estimate import estimate_wait_s
from tests.branchq_sim.days import counter, mixed_day, profile, service, single_service_day


def test_same_seed_gives_the_identical_report() -> None:
    day = profile(mixed_day())
    first = day_figures(simulate(day, seed=11)).as_dict()
    again = day_figures(simulate(day, seed=11)).as_dict()
    other = day_figures(simulate(day, seed=12)).as_dict()
    assert first == again
    assert first != other


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_arrival_ends_served_no_show_or_abandoned(seed: int) -> None:
    sim = DaySimulation(profile(mixed_day()), seed=seed)
    result = sim.run()
    counts = result.counts()
    assert len(result.outcomes) == len(sim.customers) > 50
    assert set(counts) <= {"DONE", "NO_SHOW", "ABANDONED", "REFUSED"}
    assert sum(counts.values()) == len(sim.customers)
    assert counts.get("NO_SHOW", 0) > 0
    assert sim.unfinished() == [] and sim.queue.tickets == {}
    figs = day_figures(result)
    assert figs.counts["served"] == sum(c.served for c in figs.counters)
    assert figs.counts["no_show"] == sum(c.no_shows for c in figs.counters)
    for use in result.counters:  # a counter is busy only while on duty
        assert 0 <= use.busy_s <= use.duty_s + 1e-6


def _tiny_day() -> dict[str, Any]:
    """One counter, service A of 10 min (fixed), three customers at 09:00, 09:01 and 09:02;
    the second does not answer the call."""
    return {
        "branch": {"name_zh": "测试支行", "name_en": "Test Branch"},
        "services": [service("A", default_service_s=300)],
        "counters": [counter(1)],
        "day": {"open": "09:00:00", "close": "09:05:00", "serve_until": "10:00:00"},
        "customers": {"walk_s": 0.0, "no_show_after_s": 90.0},
        "service_times": {"A": {"dist": "fixed", "mean_s": 600}},
        "arrival_list": [
            {"at": "09:00:00", "service": "A"},
            {"at": "09:01:00", "service": "A", "no_show": True},
            {"at": "09:02:00", "service": "A"},
        ],
    }


def test_a_tiny_day_checked_by_hand() -> None:
    result = simulate(profile(_tiny_day()))
    _first, second, third = result.outcomes
    # called at 0 s, the no-show at 600 s (given up at 690 s), the third at 690 s
    assert [o.state for o in result.outcomes] == ["DONE", "NO_SHOW", "DONE"]
    assert [o.number for o in result.outcomes] == ["A001", "A002", "A003"]
    assert [o.wait_s for o in result.outcomes] == [0.0, 540.0, 570.0]
    assert (second.end_s, third.start_s, third.end_s) == (690.0, 690.0, 1290.0)
    # shown at issue: the one ahead of the third x the service's default time / one counter
    assert [o.people_ahead for o in result.outcomes] == [0, 0, 1]
    assert [o.estimate_s for o in result.outcomes] == [0, 0, estimate_wait_s(1, 300.0, 1)]
    assert [o.naive_s for o in result.outcomes] == [0.0, 0.0, 600.0]
    (use,) = result.counters
    assert (use.duty_s, use.busy_s, use.served, use.no_shows) == (1290.0, 1290.0, 2, 1)
    figs = day_figures(result)
    # the manager's report of the day: waits of the called tickets, nearest-rank percentiles
    total = figs.total
    assert (total.issued, total.called, total.served, total.no_show) == (3, 3, 2, 1)
    assert (total.wait.mean, total.wait.p50, total.wait.p90, total.wait.max) == (
        370.0,
        540.0,
        570.0,
        570.0,
    )
    assert total.within_target == 1.0  # all called within the 15 min target
    assert total.service.mean == 600.0
    assert [r.key for r in figs.by_hour.rows] == ["09"]
    assert figs.longest_wait_ticket == "A003"
    server = figs.errors[0]
    assert server.estimator == "server" and server.tickets == 3
    assert server.median_abs_s == 270.0  # |0-0|, |0-540|, |300-570|


def test_whoever_waits_at_the_last_call_is_abandoned() -> None:
    data = _tiny_day()
    data["day"]["serve_until"] = "09:05:00"  # the 2nd is called at 600 s, after the last call
    result = simulate(profile(data))
    assert [o.state for o in result.outcomes] == ["DONE", "ABANDONED", "ABANDONED"]
    assert result.outcomes[1].end_s == 300.0


def test_a_break_stops_calls_and_the_ticket_at_the_counter_is_finished() -> None:
    data = _tiny_day()
    data["shifts"] = [
        {
            "counter": 1,
            "open": "09:00:00",
            "close": "09:05:00",
            "breaks": [["09:01:00", "09:02:00"]],
        }
    ]
    data["day"]["close"] = "09:30:00"
    result = simulate(profile(data))
    first, second, third = result.outcomes
    assert first.end_s == 600.0  # finished through the break
    # the shift ended before the doors closed: the teller finished and left
    assert second.state == third.state == "ABANDONED"
    (use,) = result.counters
    assert use.duty_s == 600.0 and use.served == 1


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_more_counters_never_make_the_mean_wait_worse_on_the_same_customers(seed: int) -> None:
    base = profile(single_service_day(counters=1, per_hour=[14, 18, 16], close="12:00:00"))
    customers = draw_customers(base, seed)
    means = []
    for n in (1, 2, 3, 4):
        day = profile(single_service_day(counters=n, per_hour=[14, 18, 16], close="12:00:00"))
        fig = day_figures(DaySimulation(day, customers=customers).run())
        assert fig.counts["served"] == len(customers)
        means.append(fig.total.wait.mean)
    assert means == sorted(means, reverse=True)
    assert means[0] > means[-1]


def test_the_estimate_is_the_servers_own_for_the_queue_as_it_stood() -> None:
    """Each ticket's estimate is estimate_wait_s with the queue's waiting count, the EWMA of
    the service times finished so far and the OPEN counters serving its service."""
    sim = DaySimulation(profile(mixed_day()), seed=5)
    result = sim.run()
    told = [o for o in result.outcomes if o.people_ahead > 0]
    assert told and all(o.estimate_s > 0 for o in told)
    assert any(o.estimate_s != o.naive_s for o in told)
