"""The branch's report for a day or a range of days: pure figures from plain ticket records.

    from server.domain.report import build_report
    report = build_report(records, by="service", services=config.services,
                          counters=config.counters, timezone=config.timezone)

``records`` are ``server.domain.visits.TicketRecord`` s: the server builds them from the
database (``server.services.reports``), a simulation of the domain's ``BranchQueue`` from its
tickets with ``server.domain.visits.record_from_ticket``. Both get the same figures, so a
simulated day reads like the console's report. Ratings, appointments and complaints are
optional facts: ``None`` means "no data" (the figure is None, never 0).

Definitions (every figure is about VISITS: a ticket's stay in one service's queue, see
``server.domain.visits``):

- issued: visits that began with the ticket's issue (a ticket is issued once);
  transferred_in: visits that began with a transfer into the group;
- served / no_show / cancelled / abandoned / transferred / open: how the visits ended
  (transferred = transferred OUT; abandoned = still open at the daily rollover; open = not
  ended yet). Per group and in total: issued + transferred_in = served + no_show + cancelled +
  abandoned + transferred + open; in total transferred_in == transferred, so the tickets
  balance as issued = served + no_show + cancelled + abandoned + open.
- wait: seconds from entering the queue (issue or transfer) to the visit's first call, over
  the visits that were called; within_target: the share of those called within their
  service's ``target_wait_s`` (None when none was called);
- service: seconds from start to finish of the served visits;
- percentiles are nearest-rank: p90 is the smallest value with at least 90 % of the values
  at or below it (so every figure is one of the measured values);
- satisfaction: mean score and count of the ratings of the group's served visits;
- appointments kept / missed and complaints opened / resolved: counted from their facts.

Groupings (``by``): ``service`` (the visit's service), ``counter`` and ``teller`` (that last
acted on the visit; a visit never at a counter is in the row ``-``), ``hour`` (of entering the
queue, in the branch's time, ``"09"`` for 09:00-10:00), ``category``. Issued and
transferred_in are None in the counter and teller rows (a ticket is issued to a queue, not to
a counter).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from statistics import fmean
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from server.domain.model import CounterDef, ServiceDef
from server.domain.visits import Outcome, TicketRecord, Visit, visits_of

Grouping = Literal["service", "counter", "teller", "hour", "category"]
GROUPINGS: tuple[Grouping, ...] = ("service", "counter", "teller", "hour", "category")
NO_GROUP = "-"
_F = TypeVar("_F", "AppointmentFact", "ComplaintFact")
DEFAULT_TARGET_WAIT_S = ServiceDef("", "", "", "").target_wait_s

_CATEGORY_NAMES = {
    "NORMAL": ("普通", "Normal"),
    "PRIORITY": ("优先", "Priority"),
    "VIP": ("贵宾", "VIP"),
    "APPOINTMENT": ("预约", "Appointment"),
}


@dataclass(frozen=True)
class RatingFact:
    """A customer's rating of a served ticket (score 1-5)."""

    ticket_id: int
    score: float


@dataclass(frozen=True)
class AppointmentFact:
    """A booked appointment: its service, time, and whether the customer came (kept)."""

    service_code: str
    at: datetime
    kept: bool
    counter_number: int | None = None
    teller: str | None = None


@dataclass(frozen=True)
class ComplaintFact:
    """A complaint: when it was opened, whether it is resolved, and what it is about."""

    opened_at: datetime
    resolved: bool
    service_code: str | None = None
    counter_number: int | None = None
    teller: str | None = None


@dataclass(frozen=True)
class Stats:
    """Mean, median, 90th percentile and maximum of some seconds (None when count is 0)."""

    count: int
    mean: float | None = None
    p50: float | None = None
    p90: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Figures:
    """One row of the report (see the module's definitions)."""

    issued: int | None
    transferred_in: int | None
    called: int
    served: int
    no_show: int
    cancelled: int
    abandoned: int
    transferred: int
    open: int
    wait: Stats
    within_target: float | None
    service: Stats
    counters_serving: int
    satisfaction_avg: float | None = None
    satisfaction_count: int | None = None
    appointments_kept: int | None = None
    appointments_missed: int | None = None
    complaints_opened: int | None = None
    complaints_resolved: int | None = None


@dataclass(frozen=True)
class ReportRow:
    """A group's key (service code, counter number, teller, hour ``"09"``, category), its
    names in Chinese and English, and its figures."""

    key: str
    name_zh: str
    name_en: str
    figures: Figures


@dataclass(frozen=True)
class Report:
    first_day: date
    last_day: date
    by: Grouping
    timezone: str
    rows: tuple[ReportRow, ...]
    total: Figures


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (``p`` in 0-100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(p / 100 * len(ordered)), 1)
    return ordered[rank - 1]


def stats(values: Sequence[float]) -> Stats:
    if not values:
        return Stats(0)
    return Stats(
        len(values), fmean(values), percentile(values, 50), percentile(values, 90), max(values)
    )


def build_report(
    records: Iterable[TicketRecord],
    *,
    by: Grouping,
    services: Sequence[ServiceDef] = (),
    counters: Sequence[CounterDef] = (),
    timezone: str = "Asia/Shanghai",
    first_day: date | None = None,
    last_day: date | None = None,
    ratings: Sequence[RatingFact] | None = None,
    appointments: Sequence[AppointmentFact] | None = None,
    complaints: Sequence[ComplaintFact] | None = None,
) -> Report:
    """The report of ``records`` grouped ``by`` one of ``GROUPINGS``.

    first_day / last_day: the range reported (default: the records' first and last business
    day); records outside it are left out. ratings / appointments / complaints: None when the
    source has none of that kind (their figures are then None, "no data").
    """
    if by not in GROUPINGS:
        raise ValueError(f"report grouping {by!r}; expected one of {list(GROUPINGS)}")
    zone = ZoneInfo(timezone)
    kept = [r for r in records if _in_range(r.business_day, first_day, last_day)]
    days = [r.business_day for r in kept]
    first = first_day or (min(days) if days else date.min)
    last = last_day or (max(days) if days else first)
    visits = [v for r in kept for v in visits_of(r)]
    targets = {s.code: s.target_wait_s for s in services}
    scores = None if ratings is None else {r.ticket_id: r.score for r in ratings}

    def key_of_visit(v: Visit) -> str:
        return _visit_key(v, by, zone)

    keys: set[str] = {key_of_visit(v) for v in visits}
    appts = _facts_in_range(appointments, first_day, last_day, zone, lambda a: a.at)
    compl = _facts_in_range(complaints, first_day, last_day, zone, lambda c: c.opened_at)
    keys |= {_fact_key(a, by, zone, a.at) for a in appts or ()}
    keys |= {_fact_key(c, by, zone, c.opened_at) for c in compl or ()}
    rows = []
    for key in sorted(keys, key=_sort_key(by, services)):
        name_zh, name_en = _names(by, key, services, counters)
        figures = _figures(
            [v for v in visits if key_of_visit(v) == key],
            targets,
            scores,
            None if appts is None else [a for a in appts if _fact_key(a, by, zone, a.at) == key],
            None
            if compl is None
            else [c for c in compl if _fact_key(c, by, zone, c.opened_at) == key],
            by_queue=by not in ("counter", "teller"),
        )
        rows.append(ReportRow(key, name_zh, name_en, figures))
    total = _figures(visits, targets, scores, appts, compl, by_queue=True)
    return Report(first, last, by, timezone, tuple(rows), total)


def _in_range(day: date, first: date | None, last: date | None) -> bool:
    return (first is None or day >= first) and (last is None or day <= last)


def _facts_in_range(
    facts: Sequence[_F] | None,
    first: date | None,
    last: date | None,
    zone: ZoneInfo,
    at: Callable[[_F], datetime],
) -> list[_F] | None:
    if facts is None:
        return None
    return [f for f in facts if _in_range(at(f).astimezone(zone).date(), first, last)]


def _visit_key(v: Visit, by: Grouping, zone: ZoneInfo) -> str:
    if by == "service":
        return v.service_code
    if by == "counter":
        return NO_GROUP if v.counter_number is None else str(v.counter_number)
    if by == "teller":
        return v.teller or NO_GROUP
    if by == "hour":
        return f"{v.entered_at.astimezone(zone).hour:02d}"
    return v.category.value


def _fact_key(
    fact: AppointmentFact | ComplaintFact, by: Grouping, zone: ZoneInfo, at: datetime
) -> str:
    if by == "service":
        return fact.service_code or NO_GROUP
    if by == "counter":
        return NO_GROUP if fact.counter_number is None else str(fact.counter_number)
    if by == "teller":
        return fact.teller or NO_GROUP
    if by == "hour":
        return f"{at.astimezone(zone).hour:02d}"
    return "APPOINTMENT" if isinstance(fact, AppointmentFact) else NO_GROUP


def _sort_key(by: Grouping, services: Sequence[ServiceDef]) -> Callable[[str], tuple[int, str]]:
    order = {s.code: i for i, s in enumerate(services)}

    def key(k: str) -> tuple[int, str]:
        if k == NO_GROUP:
            return (1 << 30, k)
        if by == "service":
            return (order.get(k, len(order)), k)
        if by == "counter":
            return (int(k), k)
        return (0, k)

    return key


def _names(
    by: Grouping, key: str, services: Sequence[ServiceDef], counters: Sequence[CounterDef]
) -> tuple[str, str]:
    if key == NO_GROUP:
        return ("无", "none")
    if by == "service":
        svc = next((s for s in services if s.code == key), None)
        return (svc.name_zh, svc.name_en) if svc else (key, key)
    if by == "counter":
        ctr = next((c for c in counters if str(c.number) == key), None)
        return (ctr.name_zh, ctr.name_en) if ctr else (f"{key}号窗口", f"Counter {key}")
    if by == "hour":
        nxt = (int(key) + 1) % 24
        span = f"{key}:00-{nxt:02d}:00"
        return (span, span)
    if by == "category":
        return _CATEGORY_NAMES.get(key, (key, key))
    return (key, key)


def _figures(
    visits: Sequence[Visit],
    targets: dict[str, int],
    scores: dict[int, float] | None,
    appointments: Sequence[AppointmentFact] | None,
    complaints: Sequence[ComplaintFact] | None,
    *,
    by_queue: bool,
) -> Figures:
    def ended(outcome: Outcome) -> int:
        return sum(1 for v in visits if v.outcome is outcome)

    called = [v for v in visits if v.called_at is not None]
    waits = [v.wait_s for v in called if v.wait_s is not None]
    within = sum(
        1
        for v in called
        if v.wait_s is not None and v.wait_s <= targets.get(v.service_code, DEFAULT_TARGET_WAIT_S)
    )
    served_s = [s for v in visits if (s := v.service_s) is not None]
    rated = None
    if scores is not None:
        rated = [
            scores[v.ticket_id]
            for v in visits
            if v.outcome is Outcome.SERVED and v.ticket_id in scores
        ]
    return Figures(
        issued=sum(1 for v in visits if not v.by_transfer) if by_queue else None,
        transferred_in=sum(1 for v in visits if v.by_transfer) if by_queue else None,
        called=len(called),
        served=ended(Outcome.SERVED),
        no_show=ended(Outcome.NO_SHOW),
        cancelled=ended(Outcome.CANCELLED),
        abandoned=ended(Outcome.ABANDONED),
        transferred=ended(Outcome.TRANSFERRED),
        open=ended(Outcome.OPEN),
        wait=stats(waits),
        within_target=within / len(called) if called else None,
        service=stats(served_s),
        counters_serving=len({v.counter_number for v in called if v.counter_number is not None}),
        satisfaction_avg=fmean(rated) if rated else None,
        satisfaction_count=None if rated is None else len(rated),
        appointments_kept=None if appointments is None else sum(1 for a in appointments if a.kept),
        appointments_missed=None
        if appointments is None
        else sum(1 for a in appointments if not a.kept),
        complaints_opened=None if complaints is None else len(complaints),
        complaints_resolved=None
        if complaints is None
        else sum(1 for c in complaints if c.resolved),
    )


def counters_by_hour(
    records: Iterable[TicketRecord], *, timezone: str = "Asia/Shanghai"
) -> dict[str, int]:
    """Hour (``"09"``, branch time) -> how many distinct counters called, started or finished
    a ticket in that hour: the counters actually serving then (load against capacity)."""
    zone = ZoneInfo(timezone)
    seen: dict[str, set[int]] = {}
    for record in records:
        for step in record.steps:
            if step.counter_number is not None and step.action in _AT_COUNTER_ACTIONS:
                hour = f"{step.at.astimezone(zone).hour:02d}"
                seen.setdefault(hour, set()).add(step.counter_number)
    return {hour: len(numbers) for hour, numbers in sorted(seen.items())}


_AT_COUNTER_ACTIONS = frozenset({"call", "recall", "start", "finish", "no_show", "unpark"})
