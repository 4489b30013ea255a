"""`branchq diag printer`: words, what to do, exit codes; against the emulator."""

from __future__ import annotations

import pytest

from branchq_cli.diag_printer import check_printer, verdict
from branchq_cli.main import main
from drivers.printer import PrinterState, PrintReason
from hardware_mocks.printer import PrinterEmulator


@pytest.mark.parametrize(
    ("fault", "code", "words"),
    [
        ("ok", 0, "printer ready / 打印机正常"),
        ("paper_near_end", 1, "paper near end / 纸卷快用完了"),
        ("paper_out", 2, "paper out: load a roll"),
        ("cover_open", 2, "cover open / 打印机盖未关好"),
        ("no_answer", 2, "no answer to DLE EOT 1 within 0.3 s"),
    ],
)
def test_diag_status_in_words_and_exit_code(
    url: str,
    emulator: PrinterEmulator,
    capsys: pytest.CaptureFixture[str],
    fault: str,
    code: int,
    words: str,
) -> None:
    emulator.set_fault(fault)
    assert main(["diag", "printer", url, "--timeout", "0.3"]) == code
    out = capsys.readouterr().out
    assert words in out
    assert f"verdict: {['OK', 'WARNING', 'ERROR'][code]}" in out


def test_diag_test_ticket_prints_bilingual_ticket(
    url: str, emulator: PrinterEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diag", "printer", url, "--test-ticket", "--paper", "58"]) == 0
    out = capsys.readouterr().out
    assert "test ticket: printed, " in out and " bytes sent" in out
    assert "已打印" not in out  # success is said once
    assert emulator.wait_for(1)
    text = emulator.receipts[0].text
    assert "测试票（不是排队号）" in text and "T000" in text
    assert emulator.receipts[0].cut == "full"


def test_diag_test_ticket_refused_on_paper_out(url: str, emulator: PrinterEmulator) -> None:
    emulator.set_fault("paper_out")
    status, result = check_printer(url, test_ticket=True, timeout_s=0.3)
    assert status.state == PrinterState.PAPER_OUT
    assert result is not None and result.reason_code == PrintReason.PRINTER_NOT_READY
    assert verdict(status, result) == 2
    assert emulator.receipts == []


def test_diag_bad_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diag", "printer", "tpc://127.0.0.1:9100"]) == 2
    assert "unknown scheme 'tpc'" in capsys.readouterr().err


def test_diag_memory_printer_state(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diag", "printer", "mem://?state=cutter_error"]) == 2
    out = capsys.readouterr().out
    assert "cutter error: open the cover" in out
    assert "DLE EOT 1-4: 1A 52 1A 12" in out
