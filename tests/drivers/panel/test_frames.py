"""Golden bytes of every frame both protocols send, and parsing of every kind of reply."""

from __future__ import annotations

import pytest

from drivers.panel import (
    BLINK_FOREVER,
    AsciiSignProtocol,
    ModbusProtocol,
    PanelConfigError,
    PanelContentError,
    PanelCrcError,
    PanelGarbledError,
    PanelRejectedError,
    format_call,
)
from drivers.panel.modbus import REG_BLINK, crc16
from drivers.panel.protocol import check_blink_seconds

H = bytes.fromhex


@pytest.mark.parametrize(
    ("body", "crc"),
    [
        ("01 06 00 00 00 01", "48 0a"),  # the example in the brief / common Modbus tables
        ("01 03 00 00 00 01", "84 0a"),
        ("01 03 00 00 00 0a", "c5 cd"),
        ("01 06 00 01 00 03", "98 0b"),
    ],
)
def test_crc16_matches_known_values(body: str, crc: str) -> None:
    assert crc16(H(body)) == H(crc)


def test_modbus_golden_frames() -> None:
    p = ModbusProtocol()
    (show,) = p.encode_show(1, "A023  05")
    assert show.request == H("01 10 00 80 00 04 08 41 30 32 33 20 20 30 35 9f f0")
    (blink,) = p.encode_blink(3, 5, REG_BLINK)
    assert blink.request == H("03 06 00 05 00 05 58 2a")
    (clear,) = p.encode_clear(1)  # a panel that blinks adds "blink off" itself
    assert clear.request == H("01 10 00 80 00 04 08 20 20 20 20 20 20 20 20 03 6b")
    (blink_off,) = p.encode_blink(1, 0, REG_BLINK)
    assert blink_off.request == H("01 06 00 05 00 00 99 cb")
    probe = p.encode_feature_probe(1, REG_BLINK)
    assert probe.request == H("01 03 00 05 00 01 94 0b")
    (test,) = p.encode_test_pattern(2)
    assert test.request == H("02 10 00 80 00 04 08 38 38 38 38 38 38 38 38 77 b6")
    read = p.encode_read_back(1)
    assert read.request == H("01 03 00 80 00 04 45 e1")
    assert read.read_registers == 4


def test_modbus_blink_needs_the_models_register() -> None:
    p = ModbusProtocol()
    assert p.capabilities.can_blink is False  # the documented register map has no blink
    with pytest.raises(PanelConfigError, match="no blink register set"):
        p.encode_blink(1, 5)


def test_modbus_lower_case_is_shown_upper_case_and_padded() -> None:
    (show,) = ModbusProtocol().encode_show(1, "a7")
    assert show.request[7:15] == b"A7      "


def test_modbus_broadcast_expects_no_reply() -> None:
    (frame,) = ModbusProtocol().encode_show(0, "1")
    assert frame.request[0] == 0 and frame.expects_reply is False


def test_ascii_golden_frames() -> None:
    p = AsciiSignProtocol()
    (show,) = p.encode_show(1, "A023 -> 5")
    assert show.request == b"\x0201DA023 -> 5       \x033E"
    assert p.encode_blink(12, 5)[0].request == b"\x0212B5\x03DD"
    assert p.encode_blink(1, BLINK_FOREVER)[0].request == b"\x0201B65535\x03AE"
    assert p.encode_clear(1)[0].request == b"\x0201C\x03A7"
    assert p.encode_test_pattern(2)[0].request == b"\x0202T\x03B9"
    read = p.encode_read_back(1)
    assert read is not None and read.request == b"\x0201R\x03B6"


def test_modbus_replies() -> None:
    p = ModbusProtocol()
    (blink,) = p.encode_blink(3, 5, REG_BLINK)
    assert p.reply_length(blink, blink.request[:2]) == 8
    assert p.parse_reply(blink, blink.request) is None  # fn 06 answers with an echo
    (show,) = p.encode_show(1, "A023")
    ok = H("01 10 00 80 00 04") + crc16(H("01 10 00 80 00 04"))
    assert p.reply_length(show, ok[:1]) is None
    assert p.reply_length(show, ok[:2]) == 8
    assert p.parse_reply(show, ok) is None
    read = p.encode_read_back(1)
    body = H("01 03 08") + b"A023  05"
    assert p.reply_length(read, body[:2]) == 13
    assert p.parse_reply(read, body + crc16(body)) == "A023  05"


def test_modbus_reply_errors_say_what_came_and_what_was_expected() -> None:
    p = ModbusProtocol()
    (show,) = p.encode_show(1, "A023")
    good = H("01 10 00 80 00 04") + crc16(H("01 10 00 80 00 04"))
    with pytest.raises(PanelCrcError, match=r"CRC c1 22, expected c0 22"):
        p.parse_reply(show, good[:-2] + bytes([good[-2] ^ 1, good[-1]]))
    with pytest.raises(PanelGarbledError, match="expected a frame from address 1"):
        p.parse_reply(show, bytes([2]) + good[1:])
    exc = H("01 90 02") + crc16(H("01 90 02"))
    assert p.reply_length(show, exc[:2]) == 5
    with pytest.raises(PanelRejectedError, match=r"exception 2 \(illegal data address\)"):
        p.parse_reply(show, exc)
    (blink,) = p.encode_blink(1, 5, REG_BLINK)
    other = H("01 06 00 05 00 06") + crc16(H("01 06 00 05 00 06"))
    with pytest.raises(PanelGarbledError, match="expected the echo"):
        p.parse_reply(blink, other)


def test_ascii_replies() -> None:
    p = AsciiSignProtocol()
    read = p.encode_read_back(1)
    assert read is not None
    reply = b"\x0201AHELLO\x03" + b"%02X" % (sum(b"01AHELLO\x03") & 0xFF)
    assert p.reply_length(read, reply[:5]) is None
    assert p.reply_length(read, reply) == len(reply)
    assert p.parse_reply(read, reply) == "HELLO"
    (clear,) = p.encode_clear(1)
    assert p.parse_reply(clear, b"\x0201A\x03" + b"%02X" % (sum(b"01A\x03") & 0xFF)) is None
    nak = b"\x0201Nbusy\x03" + b"%02X" % (sum(b"01Nbusy\x03") & 0xFF)
    with pytest.raises(PanelRejectedError, match="busy"):
        p.parse_reply(clear, nak)
    with pytest.raises(PanelCrcError, match="checksum"):
        p.parse_reply(clear, b"\x0201A\x0300")
    with pytest.raises(PanelGarbledError, match="expected STX 01"):
        p.parse_reply(clear, b"\x0202A\x03" + b"%02X" % (sum(b"02A\x03") & 0xFF))


@pytest.mark.parametrize("address", [0, 248, -1])
def test_modbus_bad_address(address: int) -> None:
    with pytest.raises(PanelConfigError, match=r"address .* out of range; expected 1\.\.247"):
        ModbusProtocol().encode_read_back(address)


def test_ascii_address_range_is_its_own() -> None:
    with pytest.raises(PanelConfigError, match=r"expected 1\.\.99"):
        AsciiSignProtocol().encode_show(100, "x")


def test_text_too_long_and_unsupported_characters() -> None:
    with pytest.raises(PanelContentError, match=r"has 9 characters; .* at most 8"):
        ModbusProtocol().encode_show(1, "A0234 005")
    with pytest.raises(PanelContentError, match=r"characters \['#', '号'\] .* cannot show"):
        ModbusProtocol().encode_show(1, "A1#号")
    with pytest.raises(PanelContentError, match="cannot show"):
        AsciiSignProtocol().encode_show(1, "号")
    with pytest.raises(PanelConfigError, match="even number"):
        ModbusProtocol(characters=7)


def test_format_call_and_blink_values() -> None:
    assert format_call("A023", 5, 8) == "A023  05"
    assert format_call("B7", 12, 16) == "B7" + " " * 12 + "12"
    assert format_call("A023", None, 8) == "A023"
    with pytest.raises(PanelContentError, match="need 8 characters; the panel shows 6"):
        format_call("A0231", 5, 6)
    assert [check_blink_seconds(v) for v in (True, False, 5, 2.5)] == [BLINK_FOREVER, 0, 5, 3]
    with pytest.raises(PanelContentError, match="out of range"):
        check_blink_seconds(-1)


def test_inter_frame_gap() -> None:
    assert ModbusProtocol().gap_s(9600) == pytest.approx(3.5 * 11 / 9600)  # ~4.0 ms
    assert ModbusProtocol().gap_s(115200) == pytest.approx(0.00175)
    assert AsciiSignProtocol().gap_s(9600) == pytest.approx(3.5 * 10 / 9600)
