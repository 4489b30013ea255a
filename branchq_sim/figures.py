"""The figures of a simulated day: waits per category and service, share within target,
longest wait, counter utilisation, counts, and the error of the waits estimated at issue.

Waits are those of served tickets (DONE), from arrival to the call, as the manager's report
counts them; the estimate error is taken over every ticket that was called (DONE or NO_SHOW),
whose real wait is known.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from branchq_sim.engine import REFUSED, DayResult, Outcome
from server.domain.states import TicketState

DONE = TicketState.DONE.value
NO_SHOW = TicketState.NO_SHOW.value


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear between the closest ranks; 0.0 for no values."""
    if not values:
        return 0.0
    data = sorted(values)
    pos = (len(data) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


@dataclass(frozen=True)
class WaitStats:
    """Waits (seconds) of one group of served tickets and the share within their target."""

    group: str
    served: int
    mean_s: float
    p50_s: float
    p90_s: float
    max_s: float
    within_target: float  # share of served tickets called within their service's target


@dataclass(frozen=True)
class ErrorStats:
    """Absolute error (seconds) of an estimator over the called tickets."""

    estimator: str
    tickets: int
    median_abs_s: float
    p90_abs_s: float
    mean_signed_s: float  # > 0: the estimate was too long on average


@dataclass(frozen=True)
class CounterStats:
    counter: int
    duty_s: float
    busy_s: float
    utilisation: float
    served: int
    no_shows: int


@dataclass(frozen=True)
class DayFigures:
    """The report of one simulated day."""

    seed: int
    arrivals: int
    counts: dict[str, int]
    by_category: list[WaitStats]
    by_service: list[WaitStats]
    overall: WaitStats
    longest_wait_s: float
    longest_wait_ticket: str
    counters: list[CounterStats]
    errors: list[ErrorStats]
    events: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def wait_stats(group: str, outcomes: Iterable[Outcome], targets: dict[str, int]) -> WaitStats:
    served = [o for o in outcomes if o.state == DONE and o.wait_s is not None]
    waits = [o.wait_s for o in served if o.wait_s is not None]
    if not waits:
        return WaitStats(group, 0, 0.0, 0.0, 0.0, 0.0, 0.0)
    within = sum(1 for o in served if (o.wait_s or 0.0) <= targets.get(o.customer.service_code, 0))
    return WaitStats(
        group,
        len(waits),
        sum(waits) / len(waits),
        percentile(waits, 50),
        percentile(waits, 90),
        max(waits),
        within / len(waits),
    )


def error_stats(name: str, pairs: Sequence[tuple[float, float]]) -> ErrorStats:
    """``pairs`` of (estimate, actual) in seconds."""
    errors = [abs(est - real) for est, real in pairs]
    signed = [est - real for est, real in pairs]
    return ErrorStats(
        name,
        len(pairs),
        percentile(errors, 50),
        percentile(errors, 90),
        sum(signed) / len(signed) if signed else 0.0,
    )


def day_figures(result: DayResult) -> DayFigures:
    branch = result.profile.branch
    targets = {s.code: s.target_wait_s for s in branch.services}
    outs = result.outcomes
    counts = {
        "issued": sum(1 for o in outs if o.state != REFUSED),
        "served": sum(1 for o in outs if o.state == DONE),
        "no_show": sum(1 for o in outs if o.state == NO_SHOW),
        "cancelled": sum(1 for o in outs if o.state == TicketState.CANCELLED.value),
        "abandoned": sum(1 for o in outs if o.state == TicketState.ABANDONED.value),
        "refused": sum(1 for o in outs if o.state == REFUSED),
    }
    categories = sorted({o.customer.category.value for o in outs})
    by_category = [
        wait_stats(c, (o for o in outs if o.customer.category.value == c), targets)
        for c in categories
    ]
    by_service = [
        wait_stats(s.code, (o for o in outs if o.customer.service_code == s.code), targets)
        for s in branch.services
        if any(o.customer.service_code == s.code for o in outs)
    ]
    longest = _longest(result)
    called = [o for o in outs if o.called_s is not None]
    errors = [
        error_stats("server", [(o.estimate_s, o.wait_s or 0.0) for o in called]),
        error_stats("naive", [(o.naive_s, o.wait_s or 0.0) for o in called]),
        error_stats("naive_literal", [(o.naive_literal_s, o.wait_s or 0.0) for o in called]),
    ]
    counters = [
        CounterStats(u.number, u.duty_s, u.busy_s, u.utilisation, u.served, u.no_shows)
        for u in result.counters
    ]
    return DayFigures(
        seed=result.seed,
        arrivals=len(outs),
        counts=counts,
        by_category=by_category,
        by_service=by_service,
        overall=wait_stats("all", outs, targets),
        longest_wait_s=longest[0],
        longest_wait_ticket=longest[1],
        counters=counters,
        errors=errors,
        events=result.events,
    )


def _longest(result: DayResult) -> tuple[float, str]:
    """The longest wait of the day: a called ticket's wait, or an abandoned one's time in line."""
    best, number = 0.0, ""
    for o in result.outcomes:
        if o.wait_s is not None:
            waited = o.wait_s
        elif o.end_s is not None and o.state == TicketState.ABANDONED.value:
            waited = o.end_s - o.customer.arrive_s
        else:
            continue
        if waited > best:
            best, number = waited, o.number
    return best, number
