"""The printer emulator on the wire, spoken to with raw sockets: answers, faults, control, PNG."""

from __future__ import annotations

import argparse
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from branchq_cli import emulate_printer
from branchq_cli._control import send_control
from hardware_mocks.printer import EmulatorError, PrinterEmulator

JOB = b"\x1b@\x1ba\x01\x1c&" + "取号".encode("gb18030") + b"\x1c.\nC101\n\x1dV\x00"


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[PrinterEmulator]:
    with PrinterEmulator(port=0, control_port=0, out_dir=tmp_path) as emu:
        yield emu


def connect(emu: PrinterEmulator) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", emu.port), timeout=2)
    sock.settimeout(2)
    return sock


def ask(sock: socket.socket, query: bytes) -> bytes:
    sock.sendall(query)
    return sock.recv(16)


@pytest.mark.parametrize(
    ("fault", "answers", "gs_r"),
    [
        ("ok", b"\x12\x12\x12\x12", b"\x00"),
        ("paper_near_end", b"\x12\x12\x12\x1e", b"\x03"),
        ("paper_out", b"\x1a\x32\x12\x72", None),
        ("cover_open", b"\x1a\x16\x12\x12", None),
        ("cutter_error", b"\x1a\x52\x1a\x12", None),
        ("offline", b"\x1a\x52\x12\x12", None),
    ],
)
def test_status_bytes_for_each_state(
    emulator: PrinterEmulator, fault: str, answers: bytes, gs_r: bytes | None
) -> None:
    emulator.set_fault(fault)
    with connect(emulator) as sock:
        got = b"".join(ask(sock, b"\x10\x04" + bytes((n,))) for n in (1, 2, 3, 4))
        assert got == answers
        for byte in got:  # every answer keeps the fixed pattern 0xx1xx10
            assert byte & 0b1001_0011 == 0b0001_0010
        sock.sendall(b"\x1dr\x01\x10\x04\x01")  # GS r then DLE EOT 1, in one write
        expected = (gs_r or b"") + answers[:1]
        received = b""
        while len(received) < len(expected):
            received += sock.recv(16)
        assert received == expected


def test_status_query_inside_a_job_is_answered_at_once(emulator: PrinterEmulator) -> None:
    with connect(emulator) as sock:
        assert ask(sock, b"\x1b@half a line \x10\x04\x04") == b"\x12"
        sock.sendall(b"of text\n\x1dV\x00")
        assert emulator.wait_for(1)
    assert emulator.receipts[0].lines[0].text == "half a line of text"


def test_no_answer_reads_but_stays_silent(emulator: PrinterEmulator) -> None:
    emulator.set_fault("no_answer")
    with connect(emulator) as sock:
        sock.settimeout(0.2)
        sock.sendall(b"\x10\x04\x01\x1dr\x01")
        with pytest.raises(TimeoutError):
            sock.recv(16)
        sock.sendall(JOB)
        assert emulator.wait_for(1)  # it still prints


def test_receipts_are_kept_as_text_and_png(emulator: PrinterEmulator, tmp_path: Path) -> None:
    with connect(emulator) as sock:
        sock.sendall(JOB + JOB.replace(b"C101", b"C102"))
        assert emulator.wait_for(2)
    assert [r.lines[1].text for r in emulator.receipts] == ["C101", "C102"]
    assert (tmp_path / "receipt-0002.txt").read_text(encoding="utf-8").startswith("取号\nC102\n")
    with Image.open(tmp_path / "receipt-0001.png") as png:
        assert png.size[0] == 576
        assert png.convert("L").getextrema() == (0, 255)  # black ink on white paper


def test_job_while_paper_out_is_not_a_receipt(emulator: PrinterEmulator) -> None:
    emulator.set_fault("paper_out")
    with connect(emulator) as sock:
        sock.sendall(JOB)
        assert emulator.wait_for(1, spoiled=True)
    assert emulator.receipts == []
    assert emulator.spoiled[0].notes == ["not printed whole: printer was paper_out"]


def test_drop_resets_the_connection_mid_ticket(emulator: PrinterEmulator) -> None:
    emulator.set_fault("drop")
    with connect(emulator) as sock:
        sock.sendall(JOB)
        with pytest.raises(ConnectionResetError):
            while sock.recv(16):
                pass
    assert emulator.wait_for(1, spoiled=True)
    assert emulator.receipts == []
    with connect(emulator) as sock:  # one-shot: the next connection prints
        sock.sendall(JOB)
        assert emulator.wait_for(1)


def test_control_channel_and_cli_fault_command(
    emulator: PrinterEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    control = f"127.0.0.1:{emulator.control_port}"
    assert send_control(control, "cover_open") == "OK state=cover_open"
    assert emulator.state == "cover_open"
    assert send_control(control, "slow 0.02") == "OK state=cover_open slow=0.02"
    assert send_control(control, "bogus").startswith("ERR unknown fault 'bogus'")
    args = argparse.Namespace(fault=["ok"], control=control)
    assert emulate_printer.run(args) == 0
    assert capsys.readouterr().out.strip() == "OK state=ok"
    assert emulator.state == "ok"
    assert emulate_printer.run(argparse.Namespace(fault=["melt"], control=control)) == 2


def test_unknown_fault_names_the_known_ones(emulator: PrinterEmulator) -> None:
    with pytest.raises(EmulatorError, match=r"unknown fault 'on_fire'; expected one of \['ok'"):
        emulator.set_fault("on_fire")


def test_out_dir_is_created_and_each_receipt_written(tmp_path: Path) -> None:
    out_dir = tmp_path / "not" / "there" / "yet"
    emulator = PrinterEmulator(out_dir=out_dir).start()
    try:
        with connect(emulator) as sock:
            sock.sendall(JOB)
        assert emulator.wait_for(1)
    finally:
        emulator.stop()
    assert (out_dir / "receipt-0001.txt").read_text(encoding="utf-8").strip()
    assert (out_dir / "receipt-0001.png").stat().st_size > 0


def test_a_restarted_emulator_numbers_on_instead_of_overwriting(tmp_path: Path) -> None:
    for _run in range(2):  # the demo stopped and started again with the same receipts folder
        emulator = PrinterEmulator(out_dir=tmp_path).start()
        try:
            with connect(emulator) as sock:
                sock.sendall(JOB)
            assert emulator.wait_for(1)
        finally:
            emulator.stop()
    first = (tmp_path / "receipt-0001.txt").read_text(encoding="utf-8")
    (tmp_path / "receipt-0001.txt").write_text("kept\n", encoding="utf-8")
    assert (tmp_path / "receipt-0002.txt").read_text(encoding="utf-8") == first
    assert (tmp_path / "receipt-0002.png").exists()
    (tmp_path / "receipt-0007.png").write_bytes(b"")  # a gap, and a picture without text
    emulator = PrinterEmulator(out_dir=tmp_path).start()
    try:
        with connect(emulator) as sock:
            sock.sendall(JOB)
        assert emulator.wait_for(1)
    finally:
        emulator.stop()
    assert (tmp_path / "receipt-0008.txt").read_text(encoding="utf-8") == first
    assert (tmp_path / "receipt-0001.txt").read_text(encoding="utf-8") == "kept\n"
