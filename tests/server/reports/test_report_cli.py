"""`branchq report` and `branchq report reconcile` on the database of a played day."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from branchq_cli.main import main
from tests.server.core.conftest import Branch
from tests.server.reports.day import DAY, play_day


def run(branch: Branch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["report", *args, "--data-dir", str(branch.data_dir)])
    out, err = capsys.readouterr()
    return code, out, err


def test_report_prints_writes_csv_and_xlsx(
    branch: Branch, capsys: pytest.CaptureFixture[str]
) -> None:
    play_day(branch)
    code, out, _ = run(branch, capsys, "--day", DAY.isoformat(), "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Branch report 2026-11-29 (service)"
    a_line = next(line for line in lines if line.startswith("A Personal"))
    assert a_line.split()[2:5] == ["5", "3", "1"]  # issued, served, no-show
    assert lines[-1].split()[:3] == ["total", "8", "5"]
    assert a_line.split()[-1] == "5.0"  # satisfaction
    target = branch.data_dir / "day.csv"
    code, out, _ = run(
        branch, capsys, "--day", DAY.isoformat(), "--by", "teller", "--csv", str(target)
    )
    assert code == 0 and out.strip() == f"wrote {target}"
    rows = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert {r[0]: r[rows[0].index("已办结")] for r in rows[1:-1]}["alice"] == "3"
    book_path = branch.data_dir / "day.xlsx"
    assert run(branch, capsys, "--day", DAY.isoformat(), "--xlsx", str(book_path))[0] == 0
    assert openpyxl.load_workbook(book_path).sheetnames[0] == "汇总"


def test_reconcile_and_bad_input(branch: Branch, capsys: pytest.CaptureFixture[str]) -> None:
    play_day(branch)
    code, out, _ = run(branch, capsys, "reconcile", "--day", DAY.isoformat())
    assert code == 0 and out.splitlines()[0] == "日终对账 2026-11-29: 平衡"
    code, out, _ = run(branch, capsys, "reconcile", "--day", DAY.isoformat(), "--lang", "en")
    assert "issued 8 (numbering 8) = served 5 + no-show 1" in out
    code, _, err = run(branch, capsys, "--day", "2026-11-29", "--to", "2026-11-01")
    assert code == 1 and "to：结束日期 2026-11-01 早于开始日期 2026-11-29" in err
    code = main(["report", "--day", "2026-11-29", "--data-dir", str(branch.data_dir / "nope")])
    assert code == 1 and "does not exist" in capsys.readouterr().err
