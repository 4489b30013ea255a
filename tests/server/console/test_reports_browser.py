"""The console's reports tab in a real browser (Debian's chromium, Playwright, 1920x1080): a
manager reads the figures of a day played through the real API with a pinned clock (the page's
table is the API's report, cell by cell), sees the three charts, the day's reconciliation, and
downloads the CSV and XLSX exports, read back with csv and openpyxl.

Set BRANCHQ_SCREENSHOTS to a directory (e.g. docs/screenshots) to keep the pictures there.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl

from server.contract.common import Role
from tests.server.browser import CHROMIUM, browser, needs_chromium, shots
from tests.server.console.test_console_browser import _desk_screen, _no_errors, _sign_in
from tests.server.core.conftest import Branch
from tests.server.reports.day import DAY, play_day

pytestmark = needs_chromium
if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page, expect

__all__ = ["browser", "shots"]
CHART_MS = 30_000


def _api_table(branch: Branch, by: str = "service") -> Any:
    r = branch.client.get(
        "/api/v1/reports/table",
        params={"from": DAY.isoformat(), "by": by},
        headers=branch.user("lin", Role.MANAGER),
    )
    assert r.status_code == 200, r.text
    return r.json()


def _shown(value: object) -> str:
    """A figure as the page shows it (grouped digits, no ".0"; "—" for nothing measured)."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    assert isinstance(value, int | float)
    return f"{value:,}"


def _page_rows(page: Page) -> dict[str, list[str]]:
    rows = page.locator("#report-table tbody tr")
    out = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        out[str(row.get_attribute("data-key"))] = row.locator("td").all_inner_texts()
    return out


def _charts_drawn(page: Page, lang: str) -> None:
    for name in ("waits", "load", "mix"):
        image = page.locator(f"#report-chart-{name}")
        # drawn by the server: give a loaded machine time
        expect(image).to_have_attribute("data-range", f"{DAY}/{DAY}/{lang}", timeout=CHART_MS)
        page.wait_for_function(
            "(id) => { const i = document.getElementById(id); "
            "return i.complete && i.naturalWidth > 0; }",
            arg=f"report-chart-{name}",
            timeout=CHART_MS,
        )


def test_the_reports_tab_shows_a_played_day_and_exports_it(
    browser: Browser, branch: Branch, shots: Path
) -> None:
    play_day(branch)  # ends at 03:30 the next morning: "yesterday" is the played day
    expected = _api_table(branch)
    page = _desk_screen(browser, "zh-CN")
    _sign_in(page, branch, "lin")
    page.locator("#tab-reports").click()
    expect(page.locator("#report-from")).to_have_value("2026-11-30")  # today, still empty
    expect(page.locator("#report-table")).to_have_text("该日期没有取号记录")
    page.locator("#report-yesterday").click()
    expect(page.locator("#report-from")).to_have_value(DAY.isoformat())
    expect(page.locator("#report-range")).to_have_text(f"业务数据 · {DAY}")
    expect(page.locator("#report-table tbody tr")).to_have_count(len(expected["rows"]) + 1)

    headers = page.locator("#report-table thead th").all_inner_texts()
    assert headers[1:] == [c["name"]["zh"] for c in expected["columns"]]
    shown = _page_rows(page)
    for row in [*expected["rows"], {**expected["total"], "key": "total"}]:
        assert shown[row["key"]] == [_shown(v) for v in row["cells"]], row["key"]
    a_row = page.locator("#report-table tr[data-key='A']")
    expect(a_row.locator("th")).to_have_text("A 个人业务")
    expect(a_row.locator("td[data-column='wait_p90_s']")).to_have_text("840")
    expect(a_row.locator("td[data-column='satisfaction_avg']")).to_have_text("5")

    _charts_drawn(page, "zh")
    expect(page.locator("#report-balanced")).to_have_text(f"{DAY} · 平衡")
    expect(page.locator("#report-reconcile")).to_contain_text(
        "取号 8（号码计数 8）= 办结 5 + 过号 1 + 取消 1 + 作废 1 + 未结束 0；转移 1 次"
    )
    page.screenshot(path=shots / "reports-zh.png", full_page=True)

    with page.expect_download() as got:
        page.locator("#report-csv").click()
    csv_file = got.value
    assert csv_file.suggested_filename == f"branchq-report-{DAY}-service.csv"
    rows = list(csv.reader(io.StringIO(Path(csv_file.path()).read_bytes().decode("utf-8-sig"))))
    assert rows[0][2:] == [c["name"]["zh"] for c in expected["columns"]]
    assert rows[-1][2] == "8" and rows[1][:3] == ["A", "个人业务", "5"]

    page.locator("#report-by").select_option("teller")
    page.locator("#report-show").click()
    expect(page.locator("#report-table tr[data-key='alice'] th")).to_have_text("alice")
    by_teller = _api_table(branch, "teller")
    alice = next(r for r in by_teller["rows"] if r["key"] == "alice")
    assert _page_rows(page)["alice"] == [_shown(v) for v in alice["cells"]]

    page.locator("#switch").click()  # English, in place
    expect(page.locator("#tab-reports")).to_have_text("Reports")
    expect(page.locator("#report-table thead th").nth(1)).to_have_text("issued")
    _charts_drawn(page, "en")
    expect(page.locator("#report-balanced")).to_have_text(f"{DAY} · Balanced")
    with page.expect_download() as got:
        page.locator("#report-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    assert book.sheetnames[:2] == ["Summary", "By service"]
    sheet = [[c.value for c in row] for row in book["By teller"].iter_rows()]
    assert next(r for r in sheet if r[0] == "alice")[sheet[0].index("served")] == 3
    page.screenshot(path=shots / "reports-en.png", full_page=True)
    _no_errors(page)
    page.context.close()
