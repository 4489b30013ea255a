"""The driver against the ESC/POS emulator on an ephemeral port: every state and every fault."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from drivers.printer import (
    EscposTicketPrinter,
    PrinterProfile,
    PrinterState,
    PrintReason,
    TicketLayout,
)
from hardware_mocks.printer import PrinterEmulator

MakePrinter = Callable[..., EscposTicketPrinter]


def test_bilingual_ticket_is_decoded_back(
    make_printer: MakePrinter,
    url: str,
    emulator: PrinterEmulator,
    layout: TicketLayout,
    tmp_path: Path,
) -> None:
    printer = make_printer(url)
    result = printer.print_ticket(layout)
    printer.close()
    assert result.ok, result
    assert result.reason_code == PrintReason.PRINTED
    assert result.status_before.state == result.status_after.state == PrinterState.OK  # type: ignore[union-attr]
    assert result.bytes_sent > 250
    assert emulator.wait_for(1)
    receipt = emulator.receipts[0]
    lines = [line.text for line in receipt.lines if line.text]
    assert lines == [
        "城南支行",
        "Chengnan Branch",
        "个人业务",
        "Personal Banking",
        "A023",
        "前面还有 4 人 / 4 people ahead",
        "预计等待约 9 分钟 / about 9 min",
        "2026-11-29 09:30",
        "请留意叫号",
        "Please listen for your number",
    ]
    number = next(line for line in receipt.lines if line.text == "A023")
    assert (number.spans[0].width, number.spans[0].height, number.spans[0].bold) == (6, 6, True)
    assert number.align == "center"
    assert receipt.qr_payloads == [layout.status_url]
    assert receipt.cut == "full"
    assert receipt.chinese_mode_used
    with Image.open(tmp_path / "receipt-0001.png") as png:
        assert png.width == 576 and png.height > 400
    assert "城南支行" in (tmp_path / "receipt-0001.txt").read_text(encoding="utf-8")


def test_without_mode_bytes_a_printer_needing_fs_prints_garbage(
    make_printer: MakePrinter, url: str, emulator: PrinterEmulator, layout: TicketLayout
) -> None:
    result = make_printer(url + "?mode_bytes=0").print_ticket(layout)
    assert result.ok
    assert emulator.wait_for(1)
    text = emulator.receipts[0].text
    assert "城南支行" not in text and "Chengnan Branch" in text


def test_printer_in_chinese_mode_from_power_up_needs_no_mode_bytes(
    make_printer: MakePrinter,
    layout: TicketLayout,
) -> None:
    with PrinterEmulator(chinese_mode_at_start=True, encoding="gbk", control_port=None) as emu:
        printer = make_printer(f"tcp://127.0.0.1:{emu.port}?mode_bytes=0&encoding=gbk")
        assert printer.print_ticket(layout).ok
        assert emu.wait_for(1)
        assert "个人业务" in emu.receipts[0].text


def test_raster_ticket_arrives_as_images(
    make_printer: MakePrinter, url: str, emulator: PrinterEmulator, layout: TicketLayout
) -> None:
    assert make_printer(url + "?raster=1&paper=58").print_ticket(layout).ok
    assert emulator.wait_for(1)
    receipt = emulator.receipts[0]
    assert [im.width for im in receipt.images] == [384] * 5
    assert "A023" in receipt.text and receipt.qr_payloads == [layout.status_url]
    # the drawn line has black dots in its middle third (centred text)
    first = receipt.images[0]
    assert first.crop((128, 0, 256, first.height)).getextrema()[0] == 0


@pytest.mark.parametrize(
    ("fault", "state", "printable"),
    [
        ("paper_near_end", PrinterState.PAPER_NEAR_END, True),
        ("paper_out", PrinterState.PAPER_OUT, False),
        ("cover_open", PrinterState.COVER_OPEN, False),
        ("cutter_error", PrinterState.CUTTER_ERROR, False),
        ("offline", PrinterState.OFFLINE, False),
        ("no_answer", PrinterState.UNKNOWN, False),
    ],
)
def test_each_state_maps_and_gates_printing(
    make_printer: MakePrinter,
    url: str,
    emulator: PrinterEmulator,
    layout: TicketLayout,
    fault: str,
    state: PrinterState,
    printable: bool,
) -> None:
    emulator.set_fault(fault)
    printer = make_printer(url)
    assert printer.status().state == state
    result = printer.print_ticket(layout)
    assert result.ticket == layout  # the caller always gets the ticket back
    assert result.status_before.state == state
    if printable:
        assert result.ok and result.reason_code == PrintReason.PRINTED
        assert emulator.wait_for(1)
    else:
        assert not result.ok
        assert result.reason_code == PrintReason.PRINTER_NOT_READY
        assert result.bytes_sent == 0
        assert result.message_en.startswith(f"not printed: {result.status_before.message_en}")
        assert result.message_zh.startswith("未打印：")
        assert emulator.receipts == [] and emulator.spoiled == []
    printer.close()


def test_no_answer_is_unknown_after_the_timeout_not_ok(
    make_printer: MakePrinter, url: str, emulator: PrinterEmulator
) -> None:
    emulator.set_fault("no_answer")
    started = time.monotonic()
    status = make_printer(url).status()
    assert status.state == PrinterState.UNKNOWN
    assert "no answer to DLE EOT 1 within 0.3 s" in status.detail
    assert time.monotonic() - started < 2.0


def test_drop_mid_ticket_fails_with_reason_then_reconnects(
    make_printer: MakePrinter, url: str, emulator: PrinterEmulator, layout: TicketLayout
) -> None:
    printer = make_printer(url)
    emulator.set_fault("drop")
    result = printer.print_ticket(layout)
    assert not result.ok
    assert result.reason_code == PrintReason.CONNECTION_LOST
    assert result.status_after is not None and result.status_after.state == PrinterState.UNKNOWN
    assert result.message_zh == "打印时连接中断，票据可能不完整"
    assert result.ticket == layout
    assert emulator.wait_for(1, spoiled=True)
    assert "connection dropped" in emulator.spoiled[0].notes[-1]
    # the next ticket goes through on a new connection
    again = printer.print_ticket(replace(layout, number="A024"))
    assert again.ok, again
    assert emulator.wait_for(1) and "A024" in emulator.receipts[0].text


def test_paper_running_out_during_the_ticket_is_reported(
    make_printer: MakePrinter, url: str, emulator: PrinterEmulator, layout: TicketLayout
) -> None:
    emulator.set_fault("run_out")
    result = make_printer(url).print_ticket(layout)
    assert not result.ok
    assert result.reason_code == PrintReason.PAPER_OUT_DURING_PRINT
    assert result.status_before.state == PrinterState.OK
    assert result.status_after is not None and result.status_after.state == PrinterState.PAPER_OUT
    assert result.bytes_sent > 0
    assert emulator.receipts == [] and emulator.wait_for(1, spoiled=True)


def test_slow_printer_still_prints(
    make_printer: MakePrinter, url: str, emulator: PrinterEmulator, layout: TicketLayout
) -> None:
    emulator.set_fault("slow", 0.01)
    printer = make_printer(url, timeout_s=1.0, confirm_timeout_s=5.0)
    result = printer.print_ticket(layout)
    assert result.ok, result
    assert emulator.wait_for(1) and emulator.receipts[0].qr_payloads == [layout.status_url]


def test_printer_that_is_not_there_is_unknown(
    make_printer: MakePrinter, layout: TicketLayout
) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = make_printer(f"tcp://127.0.0.1:{port}")
    status = printer.status()
    assert status.state == PrinterState.UNKNOWN
    assert f"tcp://127.0.0.1:{port}: cannot connect" in status.detail
    result = printer.print_ticket(layout)
    assert (result.ok, result.reason_code) == (False, PrintReason.PRINTER_NOT_READY)


def test_render_error_comes_back_as_a_result(
    make_printer: MakePrinter, url: str, layout: TicketLayout
) -> None:
    result = make_printer(url, encoding="gbk").print_ticket(replace(layout, footer_zh="𠀀"))
    assert (result.ok, result.reason_code, result.bytes_sent) == (
        False,
        PrintReason.RENDER_ERROR,
        0,
    )
    assert "gbk cannot encode" in result.message_en


def test_memory_printer_keeps_bytes_and_follows_its_state(
    make_printer: MakePrinter, layout: TicketLayout
) -> None:
    printer = make_printer("mem://?state=paper_out")
    assert printer.status().state == PrinterState.PAPER_OUT
    refused = printer.print_ticket(layout)
    assert (refused.ok, refused.reason_code) == (False, PrintReason.PRINTER_NOT_READY)
    assert printer.output == b""  # type: ignore[attr-defined]
    printer.set_state("ok")  # type: ignore[attr-defined]
    assert printer.print_ticket(layout).ok
    assert printer.output.endswith(b"\x1dV\x00")  # type: ignore[attr-defined]


def test_file_printer_sends_but_cannot_confirm(
    make_printer: MakePrinter, layout: TicketLayout, tmp_path: Path
) -> None:
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    printer = make_printer(f"file://{device}", profile=PrinterProfile(paper_mm=58))
    status = printer.status()
    assert status.state == PrinterState.UNKNOWN and "write-only" in status.detail
    result = printer.print_ticket(layout)
    printer.close()
    assert (result.ok, result.reason_code) == (True, PrintReason.SENT_UNVERIFIED)
    assert device.read_bytes().startswith(b"\x1b@\x1ba\x01")
    assert len(device.read_bytes()) == result.bytes_sent


def test_serial_transport_over_a_pty(
    make_printer: MakePrinter, layout: TicketLayout, tmp_path: Path
) -> None:
    with PrinterEmulator(control_port=None) as emu:
        device = emu.attach_pty()
        printer = make_printer(f"serial://{device}?baudrate=19200")
        assert printer.status().state == PrinterState.OK
        emu.set_fault("paper_near_end")
        assert printer.status().state == PrinterState.PAPER_NEAR_END
        result = printer.print_ticket(layout)
        assert result.ok, result
        assert emu.wait_for(1)
        assert "前面还有 4 人 / 4 people ahead" in emu.receipts[0].text
        printer.close()


def test_late_answer_is_not_mistaken_for_the_next_one(
    make_printer: MakePrinter, url: str, emulator: PrinterEmulator
) -> None:
    emulator.set_fault("slow", 3 * 0.3)  # answers arrive after the driver gave up
    printer = make_printer(url)
    assert printer.status().state == PrinterState.UNKNOWN
    emulator.set_fault("ok")
    emulator.set_fault("cover_open")
    status = printer.status()
    assert status.state == PrinterState.COVER_OPEN
    assert status.raw == (0x1A, 0x16, 0x12, 0x12)
