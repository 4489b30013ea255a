"""``/reports`` (manager and admin): the branch's figures for a day or a range, their charts
and exports, and the end-of-day reconciliation.

Days are business days in branch time (``from``/``to``, ISO dates, both included; ``to``
defaults to ``from``, ``from`` to today). Every figure is defined in ``server.domain.report``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from server.api.context import BranchDep
from server.api.deps import ManagerDep
from server.contract.reports import ReconcileOut, ReportGrouping, ReportOut, ReportTable
from server.contract.rest import ErrorBody
from server.services import reports
from server.services.context import BranchContext
from server.services.report_charts import ChartFormat, ChartName
from server.services.report_export import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, Lang, report_table

router = APIRouter(prefix="/reports", tags=["reports"])


_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (401, 403, 422)
}
FromQ = Annotated[date | None, Query(alias="from", description="first business day (today)")]
ToQ = Annotated[date | None, Query(alias="to", description="last business day (= from)")]
ByQ = Annotated[ReportGrouping, Query(description="one row per service, counter, ...")]
LangQ = Annotated[Lang, Query(description="language of the headers and names")]
_MEDIA = {"svg": "image/svg+xml", "png": "image/png"}


def _range(ctx: BranchContext, first: date | None, last: date | None) -> tuple[date, date]:
    first_day = first or ctx.business_day(ctx.now())
    return first_day, last or first_day


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _file_stem(first: date, last: date) -> str:
    span = first.isoformat() if first == last else f"{first.isoformat()}_{last.isoformat()}"
    return f"branchq-report-{span}"


@router.get("", responses=_ERRORS)
def get_report(
    _: ManagerDep, ctx: BranchDep, first: FromQ = None, last: ToQ = None, by: ByQ = "service"
) -> ReportOut:
    """The report of the range grouped ``by`` service, counter, teller, hour or category."""
    first_day, last_day = _range(ctx, first, last)
    return reports.report(ctx, first_day=first_day, last_day=last_day, by=by)


@router.get("/table", responses=_ERRORS)
def get_table(
    _: ManagerDep, ctx: BranchDep, first: FromQ = None, last: ToQ = None, by: ByQ = "service"
) -> ReportTable:
    """The report as the exports show it: its columns (both languages) and rows of values."""
    first_day, last_day = _range(ctx, first, last)
    return report_table(reports.report(ctx, first_day=first_day, last_day=last_day, by=by))


@router.get("/export.csv", responses=_ERRORS, response_class=Response)
def export_csv(
    _: ManagerDep,
    ctx: BranchDep,
    first: FromQ = None,
    last: ToQ = None,
    by: ByQ = "service",
    lang: LangQ = "zh",
) -> Response:
    """The report as CSV (UTF-8 with a BOM, so Excel reads the Chinese names)."""
    first_day, last_day = _range(ctx, first, last)
    body = reports.csv_export(ctx, first_day=first_day, last_day=last_day, by=by, lang=lang)
    name = f"{_file_stem(first_day, last_day)}-{by}.csv"
    return Response(body, media_type=CSV_MEDIA_TYPE, headers=_attachment(name))


@router.get("/export.xlsx", responses=_ERRORS, response_class=Response)
def export_xlsx(
    _: ManagerDep, ctx: BranchDep, first: FromQ = None, last: ToQ = None, lang: LangQ = "zh"
) -> Response:
    """The workbook: summary, one sheet per grouping, the charts."""
    first_day, last_day = _range(ctx, first, last)
    body = reports.xlsx_export(ctx, first_day=first_day, last_day=last_day, lang=lang)
    name = f"{_file_stem(first_day, last_day)}.xlsx"
    return Response(body, media_type=XLSX_MEDIA_TYPE, headers=_attachment(name))


@router.get("/charts/{name}.{fmt}", responses=_ERRORS, response_class=Response)
def get_chart(
    _: ManagerDep,
    ctx: BranchDep,
    name: Annotated[ChartName, Path(description="waits, load or mix")],
    fmt: Annotated[ChartFormat, Path(description="svg or png")],
    first: FromQ = None,
    last: ToQ = None,
    lang: LangQ = "zh",
) -> Response:
    """A chart of the range: ``waits`` by hour against target, ``load`` by hour against the
    counters serving, service ``mix``."""
    first_day, last_day = _range(ctx, first, last)
    body = reports.chart(ctx, first_day=first_day, last_day=last_day, name=name, lang=lang, fmt=fmt)
    return Response(body, media_type=_MEDIA[fmt], headers={"Cache-Control": "no-store"})


@router.get("/reconcile", responses=_ERRORS)
def get_reconcile(
    _: ManagerDep,
    ctx: BranchDep,
    day: Annotated[date | None, Query(description="business day (yesterday)")] = None,
) -> ReconcileOut:
    """End-of-day reconciliation: counts, balanced or not, the tickets that differ."""
    return reports.reconcile(ctx, day=day or reports.yesterday(ctx))
