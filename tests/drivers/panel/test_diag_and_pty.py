"""Technician check (check_panel, `branchq diag panel`) and the driver over a pty."""

from __future__ import annotations

import argparse

import pytest

from branchq_cli import diag_panel
from drivers.panel import HealthStatus, check_panel, open_panel
from hardware_mocks.panel import PanelEmulator


def diag(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    diag_panel.add_arguments(parser)
    return diag_panel.run(parser.parse_args(argv))


def test_check_panel_ok_restores_what_was_shown(emulator: PanelEmulator) -> None:
    url = f"socket://127.0.0.1:{emulator.port}"
    with open_panel(url, address=2) as panel:
        panel.show("C009", 2)
    health = check_panel(url, "modbus", 2)
    assert health.status is HealthStatus.OK
    assert health.last_round_trip_ms is not None
    assert emulator.displays[2].text == "C009  02"


def test_check_panel_no_answer_gives_advice(emulator: PanelEmulator) -> None:
    emulator.set_fault(3, "no_answer")
    health = check_panel(f"socket://127.0.0.1:{emulator.port}", "modbus", 3, timeout_s=0.1)
    assert health.status is HealthStatus.UNHEALTHY
    assert health.advice is not None and "check RS-485 wiring A/B, address and baud" in (
        health.advice
    )


def test_check_panel_bad_url_is_unhealthy_not_raised() -> None:
    health = check_panel("tpc://x", "modbus", 1)
    assert health.status is HealthStatus.UNHEALTHY
    assert health.last_error is not None and "unknown scheme 'tpc'" in health.last_error


def test_diag_cli_exit_codes(emulator: PanelEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"socket://127.0.0.1:{emulator.port}"
    assert diag([url, "--protocol", "modbus", "--address", "1"]) == 0
    out = capsys.readouterr().out
    assert "panel 1: OK, answers in" in out
    emulator.set_fault(1, "wrong_crc")
    assert diag([url, "--address", "1", "--timeout", "0.1"]) == 2
    out = capsys.readouterr().out
    assert "panel 1: BAD" in out and "what to do: bad checksum" in out


def test_diag_cli_ascii(ascii_emulator: PanelEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"socket://127.0.0.1:{ascii_emulator.port}"
    assert diag([url, "--protocol", "ascii", "--address", "2"]) == 0
    assert "panel 2: OK" in capsys.readouterr().out


def test_driver_over_a_pty() -> None:
    emu = PanelEmulator(protocol="modbus", addresses=[1, 2]).start(pty=True)
    try:
        assert emu.pty_path is not None
        with open_panel(emu.pty_path, address=2, baudrate=19200, timeout_s=0.5) as panel:
            panel.show("P042", 2)
            assert panel.read_text() == "P042  02"
            assert panel.health().status is HealthStatus.OK
        assert emu.displays[2].text == "P042  02"
    finally:
        emu.stop()
