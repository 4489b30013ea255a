"""The report as a table: its columns (one list, in both languages), CSV and XLSX.

CSV is UTF-8 with a byte-order mark, so Excel opens the Chinese names correctly. The XLSX
workbook (openpyxl) has a summary sheet, one sheet per grouping (service, counter, teller,
hour, category) and a sheet with the charts (``server.services.report_charts``) as pictures.
Seconds are shown to one decimal, shares as percentages; a figure with nothing to measure
(no one was called, nobody rated) is an empty cell, never 0.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from openpyxl import Workbook
from openpyxl.drawing.image import Image as XlImage
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from server.contract.common import Bilingual
from server.contract.reports import (
    Cell,
    ReportColumn,
    ReportFigures,
    ReportGrouping,
    ReportOut,
    ReportTable,
    ReportTableRow,
)

Lang = Literal["zh", "en"]
Text = str | int | float | None  # a cell of the exported table (key and name are text)

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

GROUP_TITLES: dict[ReportGrouping, tuple[str, str]] = {
    "service": ("按业务", "By service"),
    "counter": ("按窗口", "By counter"),
    "teller": ("按柜员", "By teller"),
    "hour": ("按时段", "By hour"),
    "category": ("按客户类别", "By category"),
}


def _s(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


@dataclass(frozen=True)
class Column:
    """One figure's column: its id, its headers in Chinese and English, its value."""

    id: str
    zh: str
    en: str
    value: Callable[[ReportFigures], Cell]


COLUMNS: tuple[Column, ...] = (
    Column("issued", "取号数", "issued", lambda f: f.issued),
    Column("transferred_in", "转入", "transferred in", lambda f: f.transferred_in),
    Column("called", "叫号数", "called", lambda f: f.called),
    Column("served", "已办结", "served", lambda f: f.served),
    Column("no_show", "过号", "no-show", lambda f: f.no_show),
    Column("cancelled", "取消", "cancelled", lambda f: f.cancelled),
    Column("abandoned", "日切作废", "abandoned", lambda f: f.abandoned),
    Column("transferred", "转出", "transferred out", lambda f: f.transferred),
    Column("open", "未结束", "still open", lambda f: f.open),
    Column("wait_mean_s", "平均等候(秒)", "wait mean (s)", lambda f: _s(f.wait.mean_s)),
    Column("wait_p50_s", "等候中位数(秒)", "wait p50 (s)", lambda f: _s(f.wait.p50_s)),
    Column("wait_p90_s", "等候P90(秒)", "wait p90 (s)", lambda f: _s(f.wait.p90_s)),
    Column("wait_max_s", "最长等候(秒)", "wait max (s)", lambda f: _s(f.wait.max_s)),
    Column("within_target_pct", "达标率(%)", "within target (%)", lambda f: _pct(f.within_target)),
    Column("service_mean_s", "平均办理(秒)", "service mean (s)", lambda f: _s(f.service.mean_s)),
    Column("service_p50_s", "办理中位数(秒)", "service p50 (s)", lambda f: _s(f.service.p50_s)),
    Column("service_p90_s", "办理P90(秒)", "service p90 (s)", lambda f: _s(f.service.p90_s)),
    Column(
        "satisfaction_avg",
        "满意度均分",
        "satisfaction avg",
        lambda f: None if f.satisfaction_avg is None else round(f.satisfaction_avg, 2),
    ),
    Column(
        "satisfaction_count",
        "评价数",
        "ratings",
        lambda f: f.satisfaction_count,
    ),
    Column(
        "appointments_kept",
        "预约到达",
        "appointments kept",
        lambda f: f.appointments_kept,
    ),
    Column(
        "appointments_missed",
        "预约未到",
        "appointments missed",
        lambda f: f.appointments_missed,
    ),
    Column(
        "complaints_opened",
        "投诉",
        "complaints opened",
        lambda f: f.complaints_opened,
    ),
    Column(
        "complaints_resolved",
        "投诉已处理",
        "complaints resolved",
        lambda f: f.complaints_resolved,
    ),
    Column("counters_serving", "服务窗口数", "counters serving", lambda f: f.counters_serving),
)

KEY_HEADERS = {"zh": ("分组", "名称"), "en": ("group", "name")}
TOTAL = {"zh": "合计", "en": "total"}


def header(lang: Lang) -> list[str]:
    return [*KEY_HEADERS[lang], *(getattr(c, lang) for c in COLUMNS)]


def cell(column: Column, figures: ReportFigures) -> Cell:
    """A figure as shown (None: nothing to measure, an empty cell)."""
    return column.value(figures)


def table(report: ReportOut, lang: Lang) -> list[list[Text]]:
    """The report as rows of cells: the header, one row per group, the total."""
    rows: list[list[Text]] = [list(header(lang))]
    for row in report.rows:
        name = row.name.zh if lang == "zh" else row.name.en
        rows.append([row.key, name, *(cell(c, row.figures) for c in COLUMNS)])
    rows.append(["", TOTAL[lang], *(cell(c, report.total) for c in COLUMNS)])
    return rows


def report_table(report: ReportOut) -> ReportTable:
    """The report as columns and rows of shown values, in both languages (the console)."""

    def row(key: str, name: Bilingual, figures: ReportFigures) -> ReportTableRow:
        return ReportTableRow(key=key, name=name, cells=[cell(c, figures) for c in COLUMNS])

    return ReportTable(
        first_day=report.first_day,
        last_day=report.last_day,
        by=report.by,
        columns=[ReportColumn(id=c.id, name=Bilingual(zh=c.zh, en=c.en)) for c in COLUMNS],
        rows=[row(r.key, r.name, r.figures) for r in report.rows],
        total=row("", Bilingual(zh=TOTAL["zh"], en=TOTAL["en"]), report.total),
    )


def to_csv(report: ReportOut, lang: Lang = "zh") -> bytes:
    """The report as CSV, UTF-8 with a BOM (Excel reads it as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in table(report, lang):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(
    reports: Sequence[ReportOut],
    lang: Lang = "zh",
    charts: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    """A workbook: a summary sheet, a sheet per report (one per grouping) and the charts
    (title, PNG bytes) on their own sheet."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总" if lang == "zh" else "Summary"
    first = reports[0]
    span = f"{first.first_day.isoformat()} - {first.last_day.isoformat()}"
    summary.append(["网点报表" if lang == "zh" else "Branch report", span])
    summary.append(["生成时间" if lang == "zh" else "generated", first.generated_at.isoformat()])
    summary.append([])
    bold = Font(bold=True)
    summary.append([getattr(c, lang) for c in COLUMNS])
    for c in summary[summary.max_row]:
        c.font = bold
    summary.append([cell(c, first.total) for c in COLUMNS])
    _widths(summary, len(COLUMNS))
    for report in reports:
        sheet = book.create_sheet(GROUP_TITLES[report.by][0 if lang == "zh" else 1])
        for row in table(report, lang):
            sheet.append(row)
        for c in sheet[1]:
            c.font = bold
        for c in sheet[sheet.max_row]:
            c.font = bold
        sheet.freeze_panes = "C2"
        _widths(sheet, len(COLUMNS) + 2)
    if charts:
        sheet = book.create_sheet("图表" if lang == "zh" else "Charts")
        at_row = 1
        for title, png in charts:
            sheet.cell(row=at_row, column=1, value=title).font = bold
            image = XlImage(io.BytesIO(png))
            sheet.add_image(image, f"A{at_row + 1}")
            at_row += int(image.height / 20) + 3
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _widths(sheet: object, columns: int) -> None:
    dims = sheet.column_dimensions  # type: ignore[attr-defined]
    for i in range(1, columns + 1):
        dims[get_column_letter(i)].width = 14
