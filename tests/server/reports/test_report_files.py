"""Exports and charts of a played day, read back with the library that wrote them."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import openpyxl

from server.contract.common import Role
from tests.server.core.conftest import Branch
from tests.server.reports.day import DAY, EXPECTED_BY_SERVICE, play_day

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def fetch(branch: Branch, path: str, **params: Any) -> bytes:
    admin = branch.user("root", Role.ADMIN)
    r = branch.client.get(f"/api/v1{path}", params=params, headers=admin)
    assert r.status_code == 200, r.text
    return r.content


def test_csv_is_utf8_with_bom_and_has_the_figures(branch: Branch) -> None:
    play_day(branch)
    body = fetch(branch, "/reports/export.csv", **{"from": DAY.isoformat(), "lang": "zh"})
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, *groups, total = rows
    assert header[:4] == ["分组", "名称", "取号数", "转入"]
    by_key = {row[0]: dict(zip(header, row, strict=True)) for row in groups}
    assert by_key["A"]["名称"] == "个人业务"
    for code, (issued, _in, _called, served, no_show, *_rest) in EXPECTED_BY_SERVICE.items():
        row = by_key[code]
        assert (int(row["取号数"]), int(row["已办结"]), int(row["过号"])) == (
            issued,
            served,
            no_show,
        )
    assert by_key["A"]["等候P90(秒)"] == "840.0" and by_key["V"]["达标率(%)"] == "0.0"
    assert by_key["F"]["办理中位数(秒)"] == ""  # nothing served: empty, not 0
    assert (by_key["A"]["满意度均分"], by_key["A"]["评价数"]) == ("5.0", "1")
    assert (by_key["V"]["满意度均分"], by_key["V"]["评价数"]) == ("", "0")  # nobody rated V
    assert total[1] == "合计" and total[header.index("取号数")] == "8"
    english = fetch(branch, "/reports/export.csv", **{"from": DAY.isoformat(), "lang": "en"})
    en_rows = list(csv.reader(io.StringIO(english.decode("utf-8-sig"))))
    assert en_rows[0][2] == "issued" and en_rows[1][1] == "Personal"
    assert en_rows[1][en_rows[0].index("complaints opened")] == "2"


def test_xlsx_has_a_sheet_per_grouping_and_the_charts(branch: Branch) -> None:
    play_day(branch)
    body = fetch(branch, "/reports/export.xlsx", **{"from": DAY.isoformat(), "lang": "zh"})
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["汇总", "按业务", "按窗口", "按柜员", "按时段", "按客户类别", "图表"]
    sheet = book["按业务"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values[0]
    a_row = next(v for v in values if v[0] == "A")
    assert a_row[header.index("取号数")] == 5 and a_row[header.index("已办结")] == 3
    assert a_row[header.index("平均等候(秒)")] == 510.0
    assert values[-1][1] == "合计" and values[-1][header.index("取号数")] == 8
    hours = [[c.value for c in row] for row in book["按时段"].iter_rows()]
    assert [(r[0], r[2]) for r in hours[1:-1]] == [("10", 6), ("11", 2)]
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    assert summary[0][:2] == ["网点报表", "2026-11-29 - 2026-11-29"]
    assert len(book["图表"]._images) == 3  # waits, load, mix as pictures


def test_charts_are_self_contained_svg_and_png(branch: Branch) -> None:
    play_day(branch)
    for name in ("waits", "load", "mix"):
        svg = fetch(branch, f"/reports/charts/{name}.svg", **{"from": DAY.isoformat()})
        text = svg.decode()
        assert text.lstrip().startswith("<?xml") and "<svg" in text
        assert 'href="http' not in text and "url(http" not in text  # no outside files
        assert "<script" not in text and "@font-face" not in text
        for lang in ("zh", "en"):
            png = fetch(
                branch, f"/reports/charts/{name}.png", **{"from": DAY.isoformat(), "lang": lang}
            )
            assert png.startswith(b"\x89PNG")
            if os.environ.get("BRANCHQ_SCREENSHOTS"):
                (SHOTS / f"reports-chart-{name}-{lang}.png").write_bytes(png)
    r = branch.client.get("/api/v1/reports/charts/pie.svg", headers=branch.user("root", Role.ADMIN))
    assert r.status_code == 422


def test_the_table_has_the_exports_columns_in_both_languages(branch: Branch) -> None:
    play_day(branch)
    admin = branch.user("root", Role.ADMIN)
    r = branch.client.get("/api/v1/reports/table", params={"from": DAY.isoformat()}, headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    ids = [c["id"] for c in body["columns"]]
    assert body["columns"][ids.index("wait_p90_s")]["name"] == {
        "zh": "等候P90(秒)",
        "en": "wait p90 (s)",
    }
    a = next(row for row in body["rows"] if row["key"] == "A")
    assert a["name"] == {"zh": "个人业务", "en": "Personal"}
    assert a["cells"][ids.index("issued")] == 5 and a["cells"][ids.index("wait_p90_s")] == 840.0
    assert a["cells"][ids.index("within_target_pct")] == 100.0
    assert body["total"]["name"]["en"] == "total" and body["total"]["cells"][0] == 8


def test_the_console_page_may_show_blob_pictures_and_nothing_more(branch: Branch) -> None:
    policy = branch.client.get("/console").headers["content-security-policy"]
    assert "img-src 'self' blob:;" in policy  # the reports tab's charts, read with its token
    assert "script-src 'self';" in policy and "default-src 'none'" in policy
