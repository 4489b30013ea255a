"""The control channel (tests and technicians) and the `branchq emulate panel` process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from hardware_mocks.panel import PanelEmulator
from hardware_mocks.panel.crc import crc16_modbus
from tests.hardware_mocks.panel.conftest import RawLine

REPO = Path(__file__).resolve().parents[3]


def control(port: int, *lines: str) -> list[dict[str, object]]:
    answers = []
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        stream = sock.makefile("rwb")
        for text in lines:
            stream.write(text.encode() + b"\n")
            stream.flush()
            answers.append(json.loads(stream.readline()))
    return answers


def test_control_state_and_faults(emu: PanelEmulator, line: RawLine) -> None:
    frame = bytes.fromhex("02 10 00 80 00 02 04 41 30 30 37")
    assert len(line.ask(frame + crc16_modbus(frame), 8)) == 8
    state, set_one, set_all, bad_kind, bad_address, unknown = control(
        emu.control_port,
        "state",
        "fault 2 slow 0.5",
        "fault all no_answer",
        "fault 1 melted",
        "fault 9 ok",
        "reboot",
    )
    assert state["2"] == {"address": 2, "text": "A007    ", "blink_s": 0, "fault": "ok"}
    assert set_one == {"ok": True} and set_all == {"ok": True}
    assert emu.displays[3].fault == "no_answer"
    assert bad_kind["ok"] is False and "unknown fault 'melted'; expected one of" in str(bad_kind)
    assert "'no_answer'" in str(bad_kind)
    assert bad_address["ok"] is False and "no emulated panel at address 9" in str(bad_address)
    assert unknown["ok"] is False and "expected 'state' or 'fault" in str(unknown["error"])


def test_emulate_panel_process() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "branchq_cli.emulate_panel", "--port", "0"]
    with subprocess.Popen(
        [*command, "--addresses", "1-3"], cwd=REPO, stdout=subprocess.PIPE, text=True, env=env
    ) as proc:
        _drive_emulator_process(proc)


def _drive_emulator_process(proc: subprocess.Popen[str]) -> None:
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        second = proc.stdout.readline()
        assert first.startswith("panel emulator (modbus) on socket://127.0.0.1:")
        assert "addresses 1-3" in first
        port = int(first.split("socket://127.0.0.1:")[1].split()[0])
        control_port = int(second.split("control on 127.0.0.1:")[1].split(":")[0])
        client = RawLine(port)
        frame = bytes.fromhex("01 10 00 80 00 02 04 42 30 30 31")
        assert len(client.ask(frame + crc16_modbus(frame), 8)) == 8
        client.close()
        (state,) = control(control_port, "state")
        assert state["1"]["text"] == "B001    "  # type: ignore[index]
        log_line = proc.stdout.readline()
        assert "panel 1 shows 'B001    ' blink=0" in log_line
    finally:
        proc.terminate()
        assert proc.wait(timeout=5) == 0


@pytest.mark.parametrize("text", ["1-3", "1,4,10-11"])
def test_address_ranges(text: str) -> None:
    from branchq_cli.emulate_panel import parse_addresses

    expected = {"1-3": [1, 2, 3], "1,4,10-11": [1, 4, 10, 11]}[text]
    assert parse_addresses(text) == expected


def test_bad_address_range() -> None:
    import argparse

    from branchq_cli.emulate_panel import parse_addresses

    with pytest.raises(argparse.ArgumentTypeError, match=r"expected values in 1\.\.247"):
        parse_addresses("0-300")
    with pytest.raises(argparse.ArgumentTypeError, match="like '1-6'"):
        parse_addresses("a-b")
