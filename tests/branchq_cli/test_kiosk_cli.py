"""`branchq kiosk issue --config SITE`: the printer's settings come from the site file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from branchq_cli.main import main
from hardware_mocks.printer.emulator import PrinterEmulator
from server.contract.common import Role
from tests.e2e.live import LiveBranch


@pytest.fixture
def branch(tmp_path: Path) -> Iterator[LiveBranch]:
    live = LiveBranch(data_dir=tmp_path / "data").start()
    yield live
    live.stop()


@pytest.fixture
def emulator() -> Iterator[PrinterEmulator]:
    emu = PrinterEmulator().start()
    yield emu
    emu.stop()


def test_kiosk_issue_prints_with_the_site_file_settings(
    branch: LiveBranch,
    emulator: PrinterEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = tmp_path / "site.toml"
    site.write_text(
        f"[[printers]]\nid = 'kiosk-1'\nurl = 'tcp://127.0.0.1:{emulator.port}'\npaper_mm = 58\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("BRANCHQ_DEVICE_TOKEN", branch.device_token("kiosk-1", Role.KIOSK))
    argv = ["kiosk", "issue", "A", "--server", branch.url, "--config", str(site)]
    assert main([*argv, "--language", "en"]) == 0
    assert emulator.wait_for(1)
    receipt = emulator.receipts[0]
    [number] = [span for line in receipt.lines for span in line.spans if span.text == "A001"]
    assert number.width == 4  # the largest that fits 58 mm paper (80 mm: 6): the file's width
    lines = [line.text for line in receipt.lines if line.text.strip()]
    assert lines[:2] == ["Demo Branch", "示范支行"]  # the customer's language first
    assert main(argv) == 0  # zh, the default
    assert emulator.wait_for(2)
    lines = [line.text for line in emulator.receipts[1].lines if line.text.strip()]
    assert lines[:2] == ["示范支行", "Demo Branch"]


def test_kiosk_issue_refuses_a_contradicting_site_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site.toml"
    site.write_text(
        "[[printers]]\nid = 'kiosk-1'\nurl = 'tcp://127.0.0.1:9100?paper=80'\npaper_mm = 58\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("BRANCHQ_DEVICE_TOKEN", "x")
    assert main(["kiosk", "issue", "A", "--config", str(site)]) == 2
    assert "paper_mm = 58 contradicts the printer url's paper=80" in capsys.readouterr().err
