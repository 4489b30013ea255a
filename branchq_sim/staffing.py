"""A staffing suggestion per hour: the fewest counters that keep the target, found by
simulation, and the Erlang-C answer beside it.

For each hour of the day, in order, the search finds the fewest counters open during that hour
for which the customers who arrived in it are served within their service's target wait in at
least ``goal_share`` of cases (pooled over the given days, i.e. seeds). Hours already decided keep
their number; while an hour is searched the later hours get the same number, so its customers
still waiting at the end of the hour are served at the same pace. Counters open in
the order of ``[staffing] order`` (default: as the profile lists them), with their skills, and
take no breaks: the answer is the number on the floor that hour.

The Erlang-C column treats the hour as one M/M/c queue: every service pooled, the hour's
arrival rate, the arrival-weighted mean service time and target. For a single service with
exponential times and universal counters it is the textbook answer the search should agree with.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from branchq_sim.customers import Customer, seconds_of
from branchq_sim.engine import DaySimulation
from branchq_sim.erlang import fewest_servers
from branchq_sim.profile import Profile, parse_profile


@dataclass(frozen=True)
class HourStaffing:
    """One hour: arrivals (per day), offered load (Erlangs), counters the simulation needs,
    what Erlang C says, and the share within target with the suggested counters."""

    hour: int  # hours from open
    label: str  # "09:00"
    arrivals: float
    load: float
    simulated: int
    erlang_c: int
    within_target: float


def staffed_profile(profile: Profile, plan: Sequence[int], order: Sequence[int]) -> Profile:
    """The profile with ``plan[h]`` counters (the first of ``order``) open in hour ``h``."""
    data: dict[str, Any] = copy.deepcopy(dict(profile.data))
    open_h = seconds_of(profile.sim.day.open) / 3600.0
    shifts: list[dict[str, Any]] = []
    keep: list[int] = []
    for rank, number in enumerate(order):
        hours = [h for h, n in enumerate(plan) if n > rank]
        if not hours:
            continue
        keep.append(number)
        first, last = hours[0], hours[-1] + 1
        breaks = [(h, h + 1) for h in range(first, last) if h not in hours]
        shifts.append(
            {
                "counter": number,
                "open": _clock(open_h + first),
                "close": _clock(open_h + last),
                "breaks": [[_clock(open_h + a), _clock(open_h + b)] for a, b in _merge(breaks)],
            }
        )
    data["counters"] = [c for c in data["counters"] if c["number"] in keep]
    data["shifts"] = shifts
    if not data["counters"]:  # a branch needs a counter; one that never opens
        data["counters"] = [profile.data["counters"][0]]
        data["shifts"] = []
    return parse_profile(data, source=profile.source)


def _merge(gaps: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in gaps:
        if out and out[-1][1] == a:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _clock(hours: float) -> str:
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _hour_share(profile: Profile, days: Sequence[list[Customer]], hour: int) -> tuple[float, int]:
    """Share of the customers arriving in ``hour`` (pooled) called within their target, and
    their number. Like the report's share within target, but over every arrival: one left
    waiting at the last call counts as missed (the report leaves never-called tickets out)."""
    targets = {s.code: s.target_wait_s for s in profile.branch.services}
    within = total = 0
    for customers in days:
        result = DaySimulation(profile, customers=customers).run()
        for o in result.outcomes:
            if int(o.customer.arrive_s // 3600) != hour:
                continue
            total += 1
            wait_s = o.wait_s
            if wait_s is not None and wait_s <= targets[o.customer.service_code]:
                within += 1
    return (within / total if total else 1.0), total


def suggest_staffing(
    profile: Profile, days: Sequence[list[Customer]], order: Sequence[int] | None = None
) -> list[HourStaffing]:
    """The hour-by-hour suggestion for ``days`` (each a list of customers from one seed)."""
    sim = profile.sim
    goal = sim.staffing.goal_share
    order = list(order) if order is not None else [c.number for c in profile.branch.counters]
    hours = int(-(-(seconds_of(sim.day.close) - seconds_of(sim.day.open)) // 3600))
    most = len(order)
    plan = [most] * hours
    out: list[HourStaffing] = []
    for hour in range(hours):
        lo, hi = 0, most
        shares: dict[int, float] = {}
        while lo < hi:  # fewest n in [lo, hi] meeting the goal (hi meets it or is the most)
            mid = (lo + hi) // 2
            plan[hour:] = [mid] * (hours - hour)
            share, arrived = _hour_share(staffed_profile(profile, plan, order), days, hour)
            shares[mid] = share
            if arrived == 0 or share >= goal:
                hi = mid
            else:
                lo = mid + 1
        plan[hour:] = [lo] * (hours - hour)
        if lo not in shares:
            shares[lo] = _hour_share(staffed_profile(profile, plan, order), days, hour)[0]
        arrivals, mean_s, target_s = _hour_demand(profile, days, hour)
        out.append(
            HourStaffing(
                hour=hour,
                label=_clock(seconds_of(sim.day.open) / 3600.0 + hour)[:5],
                arrivals=arrivals,
                load=arrivals * mean_s / 3600.0,
                simulated=lo,
                erlang_c=fewest_servers(arrivals, mean_s, target_s, goal) if mean_s else 0,
                within_target=shares[lo],
            )
        )
    return out


def _hour_demand(
    profile: Profile, days: Sequence[list[Customer]], hour: int
) -> tuple[float, float, float]:
    """(arrivals per hour, mean service time, mean target) of the hour, from the profile's
    rates and means (the expected demand, not the drawn one)."""
    sim = profile.sim
    targets = {s.code: s.target_wait_s for s in profile.branch.services}
    rate = mean = target = 0.0
    for code, spec in sim.arrivals.items():
        r = spec.per_hour[hour] if hour < len(spec.per_hour) else 0.0
        rate += r
        mean += r * sim.service_times[code].mean_s
        target += r * targets[code]
    given = [c for day in days for c in day if int(c.arrive_s // 3600) == hour]
    if not sim.arrivals and given:  # only a given list: take the drawn demand
        rate = len(given) / len(days)
        mean = sum(c.service_s for c in given) / len(given) * rate
        target = sum(targets[c.service_code] for c in given) / len(given) * rate
    if rate <= 0:
        return 0.0, 0.0, 0.0
    return rate, mean / rate, target / rate
