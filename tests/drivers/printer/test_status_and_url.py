"""DLE EOT answers -> PrinterStatus, and printer URLs (good ones parsed, bad ones explained)."""

from __future__ import annotations

import pytest

from drivers.printer import (
    PrinterProfile,
    PrinterState,
    PrinterUrlError,
    decode_status,
    open_printer,
    parse_printer_url,
)


@pytest.mark.parametrize(
    ("answers", "state", "flags"),
    [
        ((0x12, 0x12, 0x12, 0x12), PrinterState.OK, set()),
        ((0x12, 0x12, 0x12, 0x1E), PrinterState.PAPER_NEAR_END, {"paper_near_end"}),
        (
            (0x1A, 0x32, 0x12, 0x72),
            PrinterState.PAPER_OUT,
            {"offline", "stopped_by_paper_end", "paper_end"},
        ),
        ((0x1A, 0x16, 0x12, 0x12), PrinterState.COVER_OPEN, {"offline", "cover_open"}),
        (
            (0x1A, 0x52, 0x1A, 0x12),
            PrinterState.CUTTER_ERROR,
            {"offline", "error", "cutter_error"},
        ),
        ((0x1A, 0x52, 0x12, 0x12), PrinterState.OFFLINE, {"offline", "error"}),
        ((0x12, 0x12, 0x52, 0x12), PrinterState.OFFLINE, {"auto_recoverable_error"}),
        # paper end wins over cover open: the technician must load paper either way
        ((0x1A, 0x36, 0x12, 0x72), PrinterState.PAPER_OUT, None),
    ],
)
def test_status_bytes_map_to_states(
    answers: tuple[int, int, int, int], state: PrinterState, flags: set[str] | None
) -> None:
    status = decode_status(dict(zip((1, 2, 3, 4), answers, strict=True)))
    assert status.state == state
    if flags is not None:
        assert status.flags == flags
    assert status.raw == answers


def test_missing_answer_is_unknown_never_ok_or_paper_out() -> None:
    status = decode_status({1: 0x12, 2: 0x12, 3: None, 4: None})
    assert status.state == PrinterState.UNKNOWN
    assert not status.printable
    assert "no answer to DLE EOT [3, 4]" in status.detail
    assert status.what_to_do.startswith("no status: check power, cable or network")


@pytest.mark.parametrize("bad", [0x00, 0x0C, 0xFF, 0x13])
def test_byte_breaking_the_fixed_pattern_is_unknown(bad: int) -> None:
    status = decode_status({1: 0x12, 2: bad, 3: 0x12, 4: 0x12})
    assert status.state == PrinterState.UNKNOWN
    assert f"DLE EOT 2 was 0x{bad:02X}; expected the fixed bit pattern 0xx1xx10" in status.detail


def test_messages_are_bilingual_with_an_action() -> None:
    status = decode_status({1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72})
    assert (status.message_zh, status.message_en) == ("打印机缺纸", "paper out")
    assert status.what_to_do == "paper out: load a roll"
    assert status.describe() == "paper out / 打印机缺纸 (paper out: load a roll)"


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("tcp://192.168.1.50", {"host": "192.168.1.50", "port": 9100}),
        ("tcp://printer.local:9200?timeout=1.5", {"host": "printer.local", "port": 9200}),
        ("serial:///dev/ttyUSB0?baudrate=19200", {"path": "/dev/ttyUSB0"}),
        ("usb://04b8:0202", {"vendor_id": 0x04B8, "product_id": 0x0202}),
        ("file:///dev/usb/lp0", {"path": "/dev/usb/lp0"}),
        ("mem://?state=paper_out", {"scheme": "mem"}),
    ],
)
def test_good_urls(url: str, fields: dict[str, object]) -> None:
    address = parse_printer_url(url)
    for name, value in fields.items():
        assert getattr(address, name) == value


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "tpc://127.0.0.1:9100",
            r"unknown scheme 'tpc'; expected one of \['file', 'mem', 'serial', 'tcp', 'usb'\]",
        ),
        ("192.168.1.50:9100", r"has no scheme; expected one of \['file://'"),
        ("tcp://:9100", r"has no host; expected tcp://HOST\[:PORT\]"),
        ("tcp://host:port", r"bad port 'host:port'"),
        ("serial://dev/ttyUSB0", r"expected serial:///path/to/device \(three slashes\)"),
        ("usb://4b8:202", r"usb ids '4b8:202'; expected usb://VVVV:PPPP"),
        ("usb://zzzz:0202", r"usb ids 'zzzz:0202'"),
        ("tcp://h?baud=9600", r"unknown option\(s\) \['baud'\]"),
        ("serial:///dev/ttyS0?baudrate=fast", r"baudrate='fast'; expected a positive number"),
        ("mem://?state=on_fire", r"state='on_fire'; expected one of"),
        ("tcp://h?paper=76", r"paper='76'; expected 58 or 80"),
        ("tcp://h?encoding=big5", r"encoding 'big5'; expected one of"),
        ("tcp://h?raster=maybe", r"raster='maybe'; expected 0 or 1"),
    ],
)
def test_bad_urls_say_what_was_received_and_expected(url: str, message: str) -> None:
    with pytest.raises(PrinterUrlError, match=message):
        open_printer(url)


def test_url_options_and_keywords_set_the_profile() -> None:
    printer = open_printer(
        "mem://?paper=58&mode_bytes=0&raster=1", profile=PrinterProfile(), encoding="GBK"
    )
    assert printer.profile == PrinterProfile(
        paper_mm=58, encoding="gbk", chinese_mode_bytes=False, raster_cjk=True
    )
