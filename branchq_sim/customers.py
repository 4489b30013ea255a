"""The day's customers, drawn once from the profile and a seed (common random numbers).

Each customer carries everything chance decides about them: when they arrive, for which
service, in which category, whether they answer the call, and how long their business takes.
A what-if replays the very same list against another counter plan or policy, so the
difference in the figures comes from the plan, not from the dice.

Each service draws from its own stream (``random.Random(f"{seed}:{code}")``, seeded by a
string, so it does not depend on PYTHONHASHSEED): adding a service leaves the others' customers
unchanged.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time

from branchq_sim.profile import Profile, ServiceTimeSection
from server.domain.states import Category

APPOINTMENT_EARLY_S = 600.0  # appointment customers arrive up to this long before their slot


@dataclass(frozen=True)
class Customer:
    """One arrival. Times are seconds from the day's ``open``.

    appointment_s: their appointment time (APPOINTMENT only); service_s: their business at the
    counter once started; no_show: they will not answer the call.
    """

    index: int
    arrive_s: float
    service_code: str
    category: Category
    service_s: float
    no_show: bool = False
    appointment_s: float | None = None


def draw_service_s(rng: random.Random, spec: ServiceTimeSection) -> float:
    """One service time (seconds) from the service's distribution."""
    if spec.dist == "fixed":
        return spec.mean_s
    if spec.dist == "exponential":
        return rng.expovariate(1.0 / spec.mean_s)
    sd = spec.sd_s or spec.mean_s
    sigma2 = math.log(1.0 + (sd / spec.mean_s) ** 2)
    mu = math.log(spec.mean_s) - sigma2 / 2.0
    return rng.lognormvariate(mu, math.sqrt(sigma2))


def _pick(u: float, mix: Mapping[Category, float]) -> Category:
    """The category at ``u`` (uniform in [0, 1)) on the mix's cumulative shares."""
    u *= sum(mix.values())
    acc = 0.0
    for cat, share in mix.items():
        acc += share
        if u < acc:
            return cat
    return next(reversed(list(mix)))


def draw_customers(profile: Profile, seed: int | None = None) -> list[Customer]:
    """Every customer of the day, ordered by arrival."""
    seed = profile.seed if seed is None else seed
    sim = profile.sim
    day_len_s = seconds_of(sim.day.close) - seconds_of(sim.day.open)
    cust = sim.customers
    drawn: list[tuple[float, str, Category, float, bool, float | None]] = []
    for code in sorted(sim.arrivals):
        spec = sim.arrivals[code]
        times = sim.service_times[code]
        mix = spec.mix if spec.mix is not None else cust.mix
        rng = random.Random(f"{seed}:{code}")
        for hour, rate in enumerate(spec.per_hour):
            start, end = hour * 3600.0, min((hour + 1) * 3600.0, day_len_s)
            t = start
            while rate > 0 and t < end:
                t += rng.expovariate(rate / 3600.0)
                # every draw is made whether used or not, so the streams stay aligned
                u_cat, u_appt, u_noshow, u_early = (
                    rng.random(),
                    rng.random(),
                    rng.random(),
                    rng.random(),
                )
                service_s = draw_service_s(rng, times)
                if t >= end:
                    break
                category = _pick(u_cat, mix)
                appointment_s: float | None = None
                if u_appt < cust.appointment_share:
                    category = Category.APPOINTMENT
                    appointment_s = t + u_early * APPOINTMENT_EARLY_S
                drawn.append(
                    (t, code, category, service_s, u_noshow < cust.no_show_share, appointment_s)
                )
    rng = random.Random(f"{seed}:given")
    for given in sim.arrival_list:
        t = seconds_of(given.at) - seconds_of(sim.day.open)
        given_s = given.service_s
        if given_s is None:
            given_s = draw_service_s(rng, sim.service_times[given.service])
        appointment_s = t if given.category == Category.APPOINTMENT else None
        drawn.append((t, given.service, given.category, given_s, given.no_show, appointment_s))
    drawn.sort(key=lambda d: (d[0], d[1]))
    return [Customer(i, *d) for i, d in enumerate(drawn)]


def seconds_of(t: time) -> float:
    """Seconds since midnight of a wall-clock time."""
    return t.hour * 3600.0 + t.minute * 60.0 + t.second + t.microsecond / 1e6
