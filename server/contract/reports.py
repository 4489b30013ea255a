"""Reports and the end-of-day reconciliation on the wire (``GET /api/v1/reports...``).

The figures are defined once, in ``server.domain.report`` (read its docstring): a ``None``
figure means there was nothing to measure (nobody was called, nobody rated), never zero.
Seconds are floats; shares are 0..1.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from server.contract.common import Bilingual, WireModel

ReportGrouping = Literal["service", "counter", "teller", "hour", "category"]

MAX_REPORT_DAYS = 366
"""The longest range one report covers (business days, both ends included)."""


class SecondsStats(WireModel):
    count: int
    mean_s: float | None
    p50_s: float | None
    p90_s: float | None
    max_s: float | None


class ReportFigures(WireModel):
    """One row's figures; issued/transferred_in are None in counter and teller rows."""

    issued: int | None
    transferred_in: int | None
    called: int
    served: int
    no_show: int
    cancelled: int
    abandoned: int
    transferred: int
    open: int
    wait: SecondsStats
    within_target: float | None
    service: SecondsStats
    counters_serving: int
    satisfaction_avg: float | None
    satisfaction_count: int | None
    appointments_kept: int | None
    appointments_missed: int | None
    complaints_opened: int | None
    complaints_resolved: int | None


class ReportRowOut(WireModel):
    key: str  # service code, counter number, teller, hour "09", category; "-" for none
    name: Bilingual
    figures: ReportFigures


class ReportOut(WireModel):
    """The report of business days ``first_day``..``last_day`` (branch time) grouped ``by``."""

    first_day: date
    last_day: date
    by: ReportGrouping
    timezone: str
    generated_at: datetime
    rows: list[ReportRowOut]
    total: ReportFigures


Cell = int | float | None


class ReportColumn(WireModel):
    id: str  # e.g. "wait_p90_s"
    name: Bilingual  # the column's header, as in the CSV and XLSX


class ReportTableRow(WireModel):
    key: str
    name: Bilingual
    cells: list[Cell]  # one per column; seconds to 0.1 s, shares in percent


class ReportTable(WireModel):
    """The report as the exports show it (``GET /reports/table``): columns and rows."""

    first_day: date
    last_day: date
    by: ReportGrouping
    columns: list[ReportColumn]
    rows: list[ReportTableRow]
    total: ReportTableRow


class ReconcileCounts(WireModel):
    """The day's tickets counted from their states (SQL) and from their event log."""

    issued: int
    numbering_issued: int  # tickets the services' numbering counted as issued that day
    served: int
    no_show: int
    cancelled: int
    abandoned: int
    open: int
    transferred: int  # transfers made that day (a transferred ticket ends in one of the above)
    printed: int
    print_failed: int
    print_pending: int


class ReconcileDifference(WireModel):
    """One ticket that does not reconcile, and why."""

    number: str
    service_code: str
    state: str
    kind: Literal[
        "still_open",
        "left_at_counter",
        "not_printed",
        "print_failed",
        "state_mismatch",
    ]
    detail: Bilingual


class ReconcileOut(WireModel):
    """End-of-day reconciliation of one business day.

    balanced: issued == served + no_show + cancelled + abandoned == numbering_issued and no
    ticket is listed in ``differences`` (see ``server.domain.reconcile`` for each kind).
    """

    business_day: date
    generated_at: datetime
    balanced: bool
    counts: ReconcileCounts
    differences: list[ReconcileDifference]
