"""The emulator answers hand-written frames with the bytes a real panel sends."""

from __future__ import annotations

import pytest

from hardware_mocks.panel import PanelEmulator
from hardware_mocks.panel.crc import crc16_modbus, sum_hex
from hardware_mocks.panel.modbus_slave import take_frame
from tests.hardware_mocks.panel.conftest import RawLine

H = bytes.fromhex


@pytest.mark.parametrize(
    ("body", "crc"),
    [
        ("01 06 00 00 00 01", "48 0a"),
        ("01 03 00 00 00 0a", "c5 cd"),
        ("01 03 00 00 00 01", "84 0a"),
    ],
)
def test_own_crc_matches_known_values(body: str, crc: str) -> None:
    assert crc16_modbus(H(body)) == H(crc)


def test_sum_checksum() -> None:
    assert sum_hex(b"01C\x03") == b"A7"


def test_write_text_then_read_it_back(emu: PanelEmulator, line: RawLine) -> None:
    request = H("01 10 00 80 00 04 08 41 30 32 33 20 20 30 35 9f f0")
    assert line.ask(request, 8) == H("01 10 00 80 00 04 c0 22")
    assert emu.displays[1].text == "A023  05"
    assert line.ask(H("01 03 00 80 00 04 45 e1"), 13) == (
        H("01 03 08") + b"A023  05" + crc16_modbus(H("01 03 08") + b"A023  05")
    )


def test_write_single_register_echoes(emu: PanelEmulator, line: RawLine) -> None:
    assert line.ask(H("03 06 00 05 00 05 58 2a"), 8) == H("03 06 00 05 00 05 58 2a")
    assert emu.displays[3].blink_s == 5
    value = H("02 06 00 00 00 2a")  # value register: the number 42, right-aligned
    assert line.ask(value + crc16_modbus(value), 8) == value + crc16_modbus(value)
    assert emu.displays[2].text == "      42"


def test_exceptions_for_unknown_function_and_register(emu: PanelEmulator, line: RawLine) -> None:
    bad_register = H("01 06 01 00 00 01")
    reply = line.ask(bad_register + crc16_modbus(bad_register), 5)
    assert reply == H("01 86 02") + crc16_modbus(H("01 86 02"))
    bad_function = H("01 2b 0e 01 00")
    reply = line.ask(bad_function + crc16_modbus(bad_function), 5)
    assert reply == H("01 ab 01") + crc16_modbus(H("01 ab 01"))


def test_bad_crc_foreign_address_and_broadcast_get_no_reply(
    emu: PanelEmulator, line: RawLine
) -> None:
    assert line.ask(H("01 06 00 05 00 05 00 00"), 8, timeout_s=0.2) == b""
    foreign = H("09 06 00 05 00 05")
    assert line.ask(foreign + crc16_modbus(foreign), 8, timeout_s=0.2) == b""
    broadcast = H("00 10 00 80 00 01 02 39 39")
    assert line.ask(broadcast + crc16_modbus(broadcast), 8, timeout_s=0.2) == b""
    assert {d.text for d in emu.displays.values()} == {"99      "}
    assert emu.displays[1].blink_s == 0  # the bad-CRC frame was not obeyed


def test_frames_split_across_chunks() -> None:
    buffer = bytearray(H("01 10 00 80 00 01 02 41"))
    assert take_frame(buffer) is None
    buffer += H("42") + crc16_modbus(H("01 10 00 80 00 01 02 41 42")) + H("02 06")
    frame = take_frame(buffer)
    assert frame is not None and frame[7:9] == b"AB"
    assert bytes(buffer) == H("02 06")


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("ok", H("03 06 00 05 00 05 58 2a")),
        ("wrong_crc", H("03 06 00 05 00 05 59 2b")),
        ("garbled", bytes(b ^ 0xA5 for b in H("03 06 00 05 00 05 58 2a"))),
        ("no_answer", b""),
    ],
)
def test_reply_faults(emu: PanelEmulator, line: RawLine, fault: str, expected: bytes) -> None:
    emu.set_fault(3, fault)
    assert line.ask(H("03 06 00 05 00 05 58 2a"), 8, timeout_s=0.3) == expected
    assert emu.displays[3].blink_s == (0 if fault == "no_answer" else 5)
    assert emu.displays[3].fault == fault


def test_slow_fault_delays_the_reply(emu: PanelEmulator, line: RawLine) -> None:
    emu.set_fault(None, "slow", 0.3)
    assert line.ask(H("03 06 00 05 00 05 58 2a"), 8, timeout_s=0.1) == b""
    assert line.read(8, timeout_s=1.0) == H("03 06 00 05 00 05 58 2a")


def test_ascii_sign(emu_ascii: PanelEmulator, ascii_line: RawLine) -> None:
    ack = b"\x0201A\x03" + sum_hex(b"01A\x03")
    assert ascii_line.ask(b"\x0201DA023 -> 5       \x033E", len(ack)) == ack
    assert emu_ascii.displays[1].text == "A023 -> 5       "
    read = ascii_line.ask(b"\x0201R\x03B6", 23)
    assert read == b"\x0201AA023 -> 5       \x03" + sum_hex(b"01AA023 -> 5       \x03")
    nak_body = b"01Nunknown command 'Z'; expected D B C T R\x03"
    zframe = b"\x0201Z\x03" + sum_hex(b"01Z\x03")
    assert ascii_line.ask(zframe, len(nak_body) + 3) == b"\x02" + nak_body + sum_hex(nak_body)
    assert ascii_line.ask(b"noise\x0201C\x03A7", len(ack)) == ack  # junk before STX skipped
    assert emu_ascii.displays[1].text == " " * 16
    assert ascii_line.ask(b"\x0200T\x03" + sum_hex(b"00T\x03"), 1, timeout_s=0.2) == b""
    assert {d.text for d in emu_ascii.displays.values()} == {"#" * 16}
