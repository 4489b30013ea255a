"""The staffing suggestion found by simulation agrees with Erlang C on an M/M/c day."""

from __future__ import annotations

from branchq_sim.customers import draw_customers
from branchq_sim.erlang import fewest_servers
from branchq_sim.staffing import staffed_profile, suggest_staffing
from tests.branchq_sim.days import profile, single_service_day

# counters: an hour is short (45 customers a day here, 3 days pooled) and starts from the
# previous hour's queue, not from the steady state Erlang C assumes
TOLERANCE = 1


def test_simulated_staffing_agrees_with_erlang_c_on_an_mm_c_day() -> None:
    rates = [30.0, 60.0, 45.0]
    day = profile(
        single_service_day(
            counters=8, per_hour=rates, mean_s=240, target_wait_s=120, close="12:00:00"
        )
    )
    days = [draw_customers(day, seed) for seed in (1, 2, 3)]
    hours = suggest_staffing(day, days)
    assert [h.label for h in hours] == ["09:00", "10:00", "11:00"]
    expected = [fewest_servers(r, 240, 120, 0.8) for r in rates]
    assert [h.erlang_c for h in hours] == expected == [4, 6, 5]
    for h in hours:
        assert abs(h.simulated - h.erlang_c) <= TOLERANCE, hours
        assert h.within_target >= 0.8
    assert hours[1].simulated > hours[0].simulated  # the peak needs more


def test_a_staffing_plan_becomes_shifts_with_breaks() -> None:
    day = profile(single_service_day(counters=3, per_hour=[10, 10, 10, 10], close="13:00:00"))
    staffed = staffed_profile(day, [2, 1, 2, 3], [1, 2, 3])
    shifts = {s.counter: s for s in staffed.sim.shifts}
    assert sorted(shifts) == [1, 2, 3]
    assert (str(shifts[1].open), str(shifts[1].close), shifts[1].breaks) == (
        "09:00:00",
        "13:00:00",
        [],
    )
    assert [(str(a), str(b)) for a, b in shifts[2].breaks] == [("10:00:00", "11:00:00")]
    assert (str(shifts[3].open), str(shifts[3].close)) == ("12:00:00", "13:00:00")
