"""`branchq simulate` as a process: the example profile, a what-if, JSON and CSV, bad input."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from branchq_cli.main import CLOSED_PIPE_STATUS

EXAMPLE = Path(__file__).parents[2] / "deploy" / "sim"


def simulate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "branchq_cli", "simulate", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_example_day_with_a_what_if(tmp_path: Path) -> None:
    out_json, out_csv = tmp_path / "day.json", tmp_path / "day.csv"
    done = simulate(
        "--day",
        str(EXAMPLE / "branch_day.toml"),
        "--seed",
        "3",
        "--what-if",
        str(EXAMPLE / "whatif_counter7.toml"),
        "--json",
        str(out_json),
        "--csv",
        str(out_csv),
    )
    assert done.returncode == 0, done.stderr
    assert "base (seed 3)" in done.stdout and "whatif_counter7 (seed 3)" in done.stdout
    assert "Same customers, side by side" in done.stdout
    report = json.loads(out_json.read_text(encoding="utf-8"))
    base, more = report["scenarios"]
    assert base["arrivals"] == more["arrivals"] > 200  # the same customers
    assert len(more["counters"]) == len(base["counters"]) + 1
    assert more["by_service"]["total"]["wait"]["mean"] < base["by_service"]["total"]["wait"]["mean"]
    counts = base["counts"]
    assert counts["issued"] == counts["served"] + counts["no_show"] + counts["abandoned"]
    assert [e["estimator"] for e in base["errors"]] == [
        "server",
        "one_queue",
        "naive",
        "naive_literal",
    ]
    with out_csv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["scenario", "section", "group", "metric", "value"]
    served = [r for r in rows if r[:4] == ["base", "counts", "", "served"]]
    assert served == [["base", "counts", "", "served", str(counts["served"])]]
    # the same seed again prints the same report
    again = simulate("--day", str(EXAMPLE / "branch_day.toml"), "--seed", "3", "--json", "-")
    assert json.loads(again.stdout[again.stdout.index("{") :])["scenarios"][0] == base


def test_staffing_on_a_small_day(tmp_path: Path) -> None:
    day = tmp_path / "small.toml"
    day.write_text(
        """
[branch]
name_zh = "测试支行"
name_en = "Test Branch"

[[services]]
code = "A"
prefix = "A"
name_zh = "个人业务"
name_en = "Personal"
target_wait_s = 300

[[counters]]
number = 1
name_zh = "1号窗口"
name_en = "Counter 1"
weights = { A = 1.0 }

[[counters]]
number = 2
name_zh = "2号窗口"
name_en = "Counter 2"
weights = { A = 1.0 }

[[counters]]
number = 3
name_zh = "3号窗口"
name_en = "Counter 3"
weights = { A = 1.0 }

[day]
open = 09:00:00
close = 11:00:00

[arrivals.A]
per_hour = [6, 20]

[service_times.A]
mean_s = 300
""",
        encoding="utf-8",
    )
    done = simulate("--day", str(day), "--staffing", "--staffing-seeds", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout[done.stdout.index("Staffing:") :].splitlines()
    assert lines[3].split()[0] == "09:00" and lines[4].split()[0] == "10:00"
    morning, peak = int(lines[3].split()[3]), int(lines[4].split()[3])
    assert 1 <= morning <= peak <= 3


def test_a_bad_profile_exits_2_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = (EXAMPLE / "branch_day.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace("no_show_share = 0.05", "no_show_share = 5"), encoding="utf-8")
    done = simulate("--day", str(bad))
    assert done.returncode == 2
    assert "customers.no_show_share" in done.stderr and "bad.toml" in done.stderr
    assert done.stdout == ""


def test_a_reader_that_stops_early_ends_the_command_quietly() -> None:
    """`branchq simulate --day ... | head -3`: the reader closes the pipe; the command stops
    with the status of a command killed by SIGPIPE and no BrokenPipeError traceback. (The
    reading end is closed before the command starts, so its first write meets a closed pipe.)"""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "branchq_cli",
                "simulate",
                "--day",
                str(EXAMPLE / "branch_day.toml"),
            ],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == CLOSED_PIPE_STATUS, done.stderr
    assert done.stderr == ""  # no traceback, no "Exception ignored ... BrokenPipeError"
