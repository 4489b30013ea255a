"""The figures of a simulated day.

Counts, waits (mean, p50, p90, max), the share within target, per service, per category and
per hour, are the manager's report itself: ``server.domain.report.build_report`` over the
day's tickets as plain records (``record_from_ticket``), the one computation the console uses,
so a simulated day reads exactly like a real one (waits of the called tickets, from issue to
the first call; nearest-rank percentiles).

The simulator adds what only it knows: each counter's time on duty and busy (utilisation),
tickets refused at the kiosk, and the error of the wait estimated at issue against the wait
that happened, over every called ticket, for the server's estimator and two naive ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from branchq_sim.engine import REFUSED, DayResult
from server.domain.report import Figures, Report, build_report, percentile
from server.domain.visits import record_from_ticket


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
    refused: int
    by_service: Report
    by_category: Report
    by_hour: Report
    longest_wait_ticket: str
    counters: list[CounterStats]
    errors: list[ErrorStats]
    events: int

    @property
    def total(self) -> Figures:
        return self.by_service.total

    @property
    def counts(self) -> dict[str, int]:
        t = self.total
        return {
            "issued": t.issued or 0,
            "served": t.served,
            "no_show": t.no_show,
            "cancelled": t.cancelled,
            "abandoned": t.abandoned,
            "open": t.open,
            "refused": self.refused,
        }

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["counts"] = self.counts
        return out


def error_stats(name: str, pairs: Sequence[tuple[float, float]]) -> ErrorStats:
    """``pairs`` of (estimate, actual) in seconds; percentiles nearest-rank like the report."""
    errors = [abs(est - real) for est, real in pairs]
    signed = [est - real for est, real in pairs]
    return ErrorStats(
        name,
        len(pairs),
        percentile(errors, 50) or 0.0,
        percentile(errors, 90) or 0.0,
        sum(signed) / len(signed) if signed else 0.0,
    )


def day_figures(result: DayResult) -> DayFigures:
    branch = result.profile.branch
    records = [record_from_ticket(o.ticket) for o in result.outcomes if o.ticket is not None]

    def report(by: Any) -> Report:
        return build_report(
            records,
            by=by,
            services=branch.services,
            counters=branch.counters,
            timezone=branch.timezone,
        )

    by_service = report("service")
    called = [o for o in result.outcomes if o.wait_s is not None]
    longest = max(called, key=lambda o: (o.wait_s or 0.0, -o.customer.index), default=None)
    errors = [
        error_stats("server", [(o.estimate_s, o.wait_s or 0.0) for o in called]),
        error_stats("one_queue", [(o.one_queue_s, o.wait_s or 0.0) for o in called]),
        error_stats("naive", [(o.naive_s, o.wait_s or 0.0) for o in called]),
        error_stats("naive_literal", [(o.naive_literal_s, o.wait_s or 0.0) for o in called]),
    ]
    counters = [
        CounterStats(u.number, u.duty_s, u.busy_s, u.utilisation, u.served, u.no_shows)
        for u in result.counters
    ]
    return DayFigures(
        seed=result.seed,
        arrivals=len(result.outcomes),
        refused=sum(1 for o in result.outcomes if o.state == REFUSED),
        by_service=by_service,
        by_category=report("category"),
        by_hour=report("hour"),
        longest_wait_ticket=longest.number if longest is not None else "",
        counters=counters,
        errors=errors,
        events=result.events,
    )
