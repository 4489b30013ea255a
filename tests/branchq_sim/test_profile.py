"""Day profiles: bad input is refused with the file, the key and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from branchq_sim.customers import draw_customers
from branchq_sim.profile import ProfileError, load_profile, overlay, parse_profile
from tests.branchq_sim.days import mixed_day, profile

EXAMPLE = Path(__file__).parents[2] / "deploy" / "sim" / "branch_day.toml"


def test_the_example_profile_loads() -> None:
    day = load_profile(EXAMPLE)
    assert [s.code for s in day.branch.services] == ["A", "B", "F", "V"]
    assert len(day.branch.counters) == 6 and len(day.sim.shifts) == 6
    assert len(day.sim.arrivals["A"].per_hour) == 8


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["arrivals"].update(X={"per_hour": [1]}),
            "test: arrivals.X: unknown service 'X'",
        ),
        (lambda d: d["service_times"].pop("V"), "test: service_times.V: missing"),
        (lambda d: d["customers"].update(no_show_share=1.5), "customers.no_show_share"),
        (lambda d: d["customers"].update(colour="red"), "customers.colour: unknown key"),
        (lambda d: d["shifts"][0].update(counter=9), "shifts[0].counter: unknown counter 9"),
        (
            lambda d: d["shifts"][0].update(breaks=[["08:00:00", "08:30:00"]]),
            "break 08:00:00-08:30:00 must lie within 09:00:00-12:00:00",
        ),
        (lambda d: d["day"].update(close="08:00:00"), "close 08:00:00 must be after open"),
        (lambda d: d["service_times"]["A"].pop("sd_s"), "a lognormal service time needs sd_s"),
        (lambda d: d["counters"][0].update(weights={"Q": 1.0}), "counter 1, weights.Q"),
    ],
)
def test_bad_profiles_are_refused_by_key(change: object, message: str) -> None:
    data = mixed_day()
    change(data)  # type: ignore[operator]
    with pytest.raises(ProfileError) as err:
        parse_profile(data, source="test")
    assert message in str(err.value)


def test_an_unreadable_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read the profile"):
        load_profile(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[day\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"broken\.toml: not valid TOML"):
        load_profile(broken)


def test_a_what_if_replaces_tables_but_not_the_day(tmp_path: Path) -> None:
    base = profile(mixed_day())
    plan = tmp_path / "one_counter.toml"
    plan.write_text(
        '[[counters]]\nnumber = 9\nname_zh = "9号窗口"\nname_en = "Counter 9"\n'
        "weights = { A = 1.0, V = 1.0 }\n\n[policy]\nmax_priority_streak = 0\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=r"shifts\[0\].counter: unknown counter 1"):
        overlay(base, plan)  # the base's shifts name counters the what-if removed
    plan.write_text("shifts = []\n" + plan.read_text(encoding="utf-8"), encoding="utf-8")
    other = overlay(base, plan)
    assert [c.number for c in other.branch.counters] == [9]
    assert other.branch.policy.max_priority_streak == 0
    assert draw_customers(other) == draw_customers(base)  # the same customers
    arrivals = tmp_path / "busier.toml"
    arrivals.write_text("[arrivals.A]\nper_hour = [60]\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="a what-if keeps the same day"):
        overlay(base, arrivals)
