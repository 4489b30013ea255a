"""`branchq diag printer`: what the status check cannot see, and the test ticket on the
branch's clock in the customer's language first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from branchq_cli.diag_ticket import branch_clock
from branchq_cli.main import main
from hardware_mocks.printer import PrinterEmulator
from tests.e2e.live import LiveBranch


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[PrinterEmulator]:
    with PrinterEmulator(control_port=None) as emu:
        yield emu


@pytest.mark.parametrize("fault", ["drop", "run_out"])
def test_status_only_says_what_it_cannot_see_and_the_test_ticket_finds_it(
    emulator: PrinterEmulator, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    url = f"tcp://127.0.0.1:{emulator.port}"
    emulator.set_fault(fault)
    assert main(["diag", "printer", url]) == 0  # the status is fine...
    out = capsys.readouterr().out
    assert "not checked: printing itself" in out
    assert "a connection that drops while a ticket is sent" in out
    assert "paper that runs out in the middle of a ticket" in out
    assert "verdict: OK (status only; --test-ticket checks that a ticket prints)" in out
    # ...and the test ticket it suggests shows the fault
    assert main(["diag", "printer", url, "--test-ticket"]) == 2
    out = capsys.readouterr().out
    assert "test ticket: NOT printed" in out
    expected = "connection lost while printing" if fault == "drop" else "paper ran out"
    assert expected in out
    assert "not checked" not in out and out.rstrip().endswith("verdict: ERROR")


def test_a_printer_that_is_not_ready_needs_no_caveat(
    emulator: PrinterEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.set_fault("paper_out")
    assert main(["diag", "printer", f"tcp://127.0.0.1:{emulator.port}"]) == 2
    assert "not checked" not in capsys.readouterr().out


def _printed_minute(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("20")).strip()


def test_test_ticket_prints_the_branch_time_from_the_server_english_first(
    emulator: PrinterEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    branch = LiveBranch(data_dir=tmp_path / "var").start()
    try:
        url = f"tcp://127.0.0.1:{emulator.port}"
        before = datetime.now(ZoneInfo("Asia/Shanghai"))
        args = ["diag", "printer", url, "--test-ticket", "--server", branch.url]
        assert main([*args, "--language", "en"]) == 0
        after = datetime.now(ZoneInfo("Asia/Shanghai"))
    finally:
        branch.stop()
    out = capsys.readouterr().out
    assert "Asia/Shanghai, the branch's, from http://127.0.0.1:" in out and "en first" in out
    assert emulator.wait_for(1)
    text = emulator.receipts[0].text
    printed = _printed_minute(text)
    assert printed in {t.strftime("%Y-%m-%d %H:%M") for t in (before, after)}  # not UTC
    lines = [line.text for line in emulator.receipts[0].lines if line.text.strip()]
    assert lines[:2] == ["Printer test", "打印机测试"]
    assert lines[-3:] == [  # wrapped at 48 columns
        "Chinese, digits 0123 and the QR code should be",
        "readable.",
        "中文、数字 0123 与二维码应清晰可读。",
    ]


def test_branch_clock_sources() -> None:
    noon_utc = datetime(2026, 11, 29, 4, 0, 30, tzinfo=UTC)
    clock = branch_clock(timezone="Asia/Shanghai")
    assert clock.now(lambda: noon_utc) == datetime(
        2026, 11, 29, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    assert "--timezone" in clock.source
    machine = branch_clock(server_url="http://127.0.0.1:9")  # nothing listens on port 9
    assert "could not ask http://127.0.0.1:9/api/v1/branch" in machine.source
    assert machine.now(lambda: noon_utc).utcoffset() == noon_utc.astimezone().utcoffset()
    assert machine.now(lambda: noon_utc) - noon_utc < timedelta(minutes=1)


def test_unknown_time_zone_is_refused(
    emulator: PrinterEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"tcp://127.0.0.1:{emulator.port}"
    assert main(["diag", "printer", url, "--test-ticket", "--timezone", "Mars/Olympus"]) == 2
    assert "time zone 'Mars/Olympus' unknown" in capsys.readouterr().err
    assert emulator.receipts == []
