"""Modbus RTU alphanumeric LED panels ("LED-485" register map), pure encode/decode.

Register map (holding registers, function 06 writes one, 16 writes several, 03 reads):

    0x0000  value (int16)           0x0003  baud code
    0x0002  unit id                 0x0004  decimal point
    0x0080  raw characters, two per register (high byte first): "A023" = 0x4130 0x3233

The documented map has no blink register. Models that blink keep it at a vendor-specific
address (often 0x0005: seconds, 0 off, 0xFFFF until stopped), given per panel in the site file
(``blink_register``); a panel without it answers exception 02 (illegal data address).

Framing and CRC-16/Modbus come from minimalmodbus (already a project dependency, pure
functions over bytes, no I/O): ``_embed_payload`` builds address + function + data + CRC,
``_calculate_crc`` checks replies and ``_predict_response_size`` gives reply lengths. We chose
it over pymodbus because pymodbus' framers are tied to its async client/server stack and its
framer API changed between 3.x releases, while these helpers are plain functions of bytes. They
are underscore names, so the golden-byte tests pin their output.
"""

from __future__ import annotations

import string
from typing import Any

import minimalmodbus

from drivers.panel.errors import (
    PanelConfigError,
    PanelCrcError,
    PanelGarbledError,
    PanelReadbackError,
    PanelRejectedError,
)
from drivers.panel.protocol import PanelProtocol
from drivers.panel.values import Exchange, PanelCapabilities

REG_VALUE = 0x0000
REG_UNIT_ID = 0x0002
REG_BAUD_CODE = 0x0003
REG_DECIMAL_POINT = 0x0004
REG_BLINK = 0x0005  # a common vendor extension, not part of the documented map
REG_TEXT = 0x0080

FC_READ_HOLDING = 3
FC_WRITE_SINGLE = 6
FC_WRITE_MULTIPLE = 16

MODBUS_CHARSET = frozenset(string.digits + string.ascii_uppercase + " -")

_EXCEPTIONS = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "slave device failure",
    6: "slave device busy",
}


def _mm(name: str) -> Any:
    return getattr(minimalmodbus, name)


def crc16(data: bytes) -> bytes:
    """CRC-16/Modbus of ``data``, low byte first (as sent on the wire)."""
    return bytes(_mm("_calculate_crc")(data))


def build_frame(address: int, function_code: int, payload: bytes) -> bytes:
    """Address + function code + payload + CRC."""
    return bytes(_mm("_embed_payload")(address, minimalmodbus.MODE_RTU, function_code, payload))


def _u16(value: int) -> bytes:
    return value.to_bytes(2, "big")


class ModbusProtocol(PanelProtocol):
    name = "modbus"
    bits_per_char = 11  # the Modbus spec counts 11 bits per character for the 3.5-char gap

    blink_needs_register = True

    def __init__(self, *, characters: int = 8) -> None:
        if characters < 2 or characters > 64 or characters % 2:
            raise PanelConfigError(
                f"modbus panel width {characters} characters; expected an even number 2..64 "
                "(two characters per register)"
            )
        self.capabilities = PanelCapabilities(
            characters=characters,
            charset=MODBUS_CHARSET,
            acknowledges=True,
            can_read_back=True,
            can_blink=False,  # per panel: only with its model's blink register
            upper_only=True,
            min_address=1,
            max_address=247,
            broadcast_address=0,
        )

    @property
    def registers(self) -> int:
        return self.capabilities.characters // 2

    def gap_s(self, baudrate: int) -> float:
        # the spec fixes 1.75 ms above 19200 baud
        return 0.00175 if baudrate > 19200 else super().gap_s(baudrate)

    # --- requests -------------------------------------------------------------------------
    def write_register(self, address: int, register: int, value: int, what: str) -> Exchange:
        self.check_address(address, allow_broadcast=True)
        frame = build_frame(address, FC_WRITE_SINGLE, _u16(register) + _u16(value))
        return Exchange(address, frame, expects_reply=address != 0, what=what)

    def write_text(self, address: int, padded: str, what: str) -> Exchange:
        self.check_address(address, allow_broadcast=True)
        data = padded.encode("ascii")
        payload = _u16(REG_TEXT) + _u16(len(data) // 2) + bytes([len(data)]) + data
        frame = build_frame(address, FC_WRITE_MULTIPLE, payload)
        return Exchange(address, frame, expects_reply=address != 0, what=what)

    def encode_show(self, address: int, text: str) -> list[Exchange]:
        return [self.write_text(address, self.fit_text(text), f"show {text!r}")]

    def encode_blink(
        self, address: int, seconds: int, register: int | None = None
    ) -> list[Exchange]:
        if register is None:
            raise PanelConfigError(
                "this modbus panel has no blink register set; the documented register map has "
                "none: give the model's register as blink_register, or do not blink"
            )
        what = f"blink {seconds} (register 0x{register:04X})"
        return [self.write_register(address, register, seconds, what)]

    def encode_feature_probe(self, address: int, register: int) -> Exchange:
        self.check_address(address)
        frame = build_frame(address, FC_READ_HOLDING, _u16(register) + _u16(1))
        what = f"read register 0x{register:04X}"
        return Exchange(address, frame, True, what, read_registers=1, raw_reply=True)

    def encode_clear(self, address: int) -> list[Exchange]:
        return [self.write_text(address, self.fit_text(""), "clear")]

    def test_pattern_text(self) -> str:
        return "8" * self.capabilities.characters

    def encode_test_pattern(self, address: int) -> list[Exchange]:
        return [self.write_text(address, self.test_pattern_text(), "test pattern")]

    def encode_read_back(self, address: int) -> Exchange:
        self.check_address(address)
        frame = build_frame(address, FC_READ_HOLDING, _u16(REG_TEXT) + _u16(self.registers))
        return Exchange(address, frame, True, "read text", read_registers=self.registers)

    # --- replies --------------------------------------------------------------------------
    def reply_length(self, exchange: Exchange, received: bytes) -> int | None:
        if len(received) < 2:
            return None
        if received[1] & 0x80:
            return 5  # address, function | 0x80, exception code, CRC
        function_code = exchange.request[1]
        payload = exchange.request[2:-2]
        return int(_mm("_predict_response_size")(minimalmodbus.MODE_RTU, function_code, payload))

    def parse_reply(self, exchange: Exchange, reply: bytes) -> str | None:
        request = exchange.request
        function_code = request[1]
        got = reply.hex(" ")
        if len(reply) < 5 or reply[0] != exchange.address:
            raise PanelGarbledError(
                f"reply {got!r} to {exchange.what}: expected a frame from address "
                f"{exchange.address} with function {function_code}"
            )
        if reply[1] not in (function_code, function_code | 0x80):
            raise PanelGarbledError(
                f"reply {got!r} to {exchange.what}: function {reply[1]}, expected {function_code}"
            )
        expected_crc = crc16(reply[:-2])
        if reply[-2:] != expected_crc:
            raise PanelCrcError(
                f"reply {got!r} to {exchange.what} from address {exchange.address}: CRC "
                f"{reply[-2:].hex(' ')}, expected {expected_crc.hex(' ')}"
            )
        if reply[1] & 0x80:
            code = reply[2]
            raise PanelRejectedError(
                f"panel {exchange.address} answered {exchange.what} with modbus exception "
                f"{code} ({_EXCEPTIONS.get(code, 'unknown')}); expected a normal reply"
            )
        if function_code == FC_WRITE_SINGLE and reply != request:
            raise PanelGarbledError(
                f"reply {got!r} to {exchange.what}: expected the echo {request.hex(' ')!r}"
            )
        if function_code == FC_WRITE_MULTIPLE and reply[2:6] != request[2:6]:
            raise PanelGarbledError(
                f"reply {got!r} to {exchange.what}: expected register/count "
                f"{request[2:6].hex(' ')!r}"
            )
        if function_code == FC_READ_HOLDING:
            count = 2 * exchange.read_registers
            if reply[2] != count or len(reply) != count + 5:
                raise PanelGarbledError(
                    f"reply {got!r} to {exchange.what}: expected {count} data bytes"
                )
            data = reply[3 : 3 + count]
            if exchange.raw_reply:
                return data.hex()
            try:
                return data.decode("ascii")
            except UnicodeDecodeError as exc:
                raise PanelReadbackError(
                    f"panel {exchange.address} holds non-ASCII bytes {data.hex(' ')!r}; "
                    "expected characters"
                ) from exc
        return None
