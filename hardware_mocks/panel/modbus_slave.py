"""Modbus RTU slave side of LED-485 panels: split frames, check CRC, answer like the device.

Holding registers per panel: 0x0000 value, 0x0002 unit id, 0x0003 baud code, 0x0004 decimal
point, 0x0080.. characters (two per register, high byte first): the documented map. Some models
add a blink register (seconds; 0 off, 0xFFFF until stopped) at a vendor-specific address: the
emulator has it at ``blink_register`` (0x0005 by default; None emulates a panel without it).
Functions 03, 06 and 16; anything else gets exception 01, a register outside the map 02.
Frames with a bad CRC are ignored (as a device does). Broadcast (address 0) is obeyed, never
answered.
"""

from __future__ import annotations

from hardware_mocks.panel.crc import crc16_modbus

TEXT_BASE = 0x0080
BLINK_REG = 0x0005
CONTROL_REGS = (0x0000, 0x0002, 0x0003, 0x0004)


def take_frame(buffer: bytearray) -> bytes | None:
    """Remove and return one complete request from ``buffer``, or None if more is needed.

    Lengths come from the function code (03/06: 8 bytes, 16: 9 + byte count); a frame of
    another function ends where the received bytes end (the line falls silent).
    """
    if len(buffer) < 2:
        return None
    function = buffer[1]
    if function in (3, 6):
        size = 8
    elif function == 16:
        if len(buffer) < 7:
            return None
        size = 9 + buffer[6]
    else:
        size = len(buffer)
    if len(buffer) < size:
        return None
    frame = bytes(buffer[:size])
    del buffer[:size]
    return frame


def _frame(body: bytes) -> bytes:
    return body + crc16_modbus(body)


class ModbusPanels:
    """Register banks of the panels at ``addresses``, each ``characters`` wide."""

    def __init__(
        self, addresses: list[int], characters: int, blink_register: int | None = BLINK_REG
    ) -> None:
        self.characters = characters
        self.blink_register = blink_register
        self.registers: dict[int, dict[int, int]] = {}
        for address in addresses:
            regs = dict.fromkeys(CONTROL_REGS, 0)
            if blink_register is not None:
                regs[blink_register] = 0
            regs[0x0002] = address
            for i in range(characters // 2):
                regs[TEXT_BASE + i] = 0x2020
            self.registers[address] = regs

    def text(self, address: int) -> str:
        regs = self.registers[address]
        raw = b"".join(regs[TEXT_BASE + i].to_bytes(2, "big") for i in range(self.characters // 2))
        return "".join(chr(b) if 0x20 <= b < 0x7F else "?" for b in raw)

    def blink_s(self, address: int) -> int:
        if self.blink_register is None:
            return 0
        return self.registers[address][self.blink_register]

    def handle(self, frame: bytes) -> tuple[list[int], bytes | None]:
        """Apply one request; return (addresses whose display it touched, reply or None)."""
        if len(frame) < 4 or crc16_modbus(frame[:-2]) != frame[-2:]:
            return [], None
        address, function = frame[0], frame[1]
        targets = list(self.registers) if address == 0 else [address]
        if address != 0 and address not in self.registers:
            return [], None
        reply = None
        for target in targets:
            reply = self._apply(target, function, frame[2:-2])
        return targets, (None if address == 0 else reply)

    def _exception(self, address: int, function: int, code: int) -> bytes:
        return _frame(bytes([address, function | 0x80, code]))

    def _apply(self, address: int, function: int, data: bytes) -> bytes:
        regs = self.registers[address]
        if function == 6 and len(data) == 4:
            register = int.from_bytes(data[0:2], "big")
            if register not in regs:
                return self._exception(address, function, 2)
            value = int.from_bytes(data[2:4], "big")
            if register == 0x0000:
                self._write_number(regs, value)
            regs[register] = value
            return _frame(bytes([address, function]) + data)
        if function == 16 and len(data) >= 5:
            start = int.from_bytes(data[0:2], "big")
            count = int.from_bytes(data[2:4], "big")
            values = data[5:]
            if data[4] != 2 * count or len(values) != 2 * count or count == 0:
                return self._exception(address, function, 3)
            if any(start + i not in regs for i in range(count)):
                return self._exception(address, function, 2)
            for i in range(count):
                regs[start + i] = int.from_bytes(values[2 * i : 2 * i + 2], "big")
            return _frame(bytes([address, function]) + data[0:4])
        if function == 3 and len(data) == 4:
            start = int.from_bytes(data[0:2], "big")
            count = int.from_bytes(data[2:4], "big")
            if count == 0 or count > 125:
                return self._exception(address, function, 3)
            if any(start + i not in regs for i in range(count)):
                return self._exception(address, function, 2)
            payload = b"".join(regs[start + i].to_bytes(2, "big") for i in range(count))
            return _frame(bytes([address, function, len(payload)]) + payload)
        return self._exception(address, function, 1)

    def _write_number(self, regs: dict[int, int], value: int) -> None:
        signed = value - 0x10000 if value & 0x8000 else value
        raw = str(signed).rjust(self.characters)[-self.characters :].encode("ascii")
        for i in range(self.characters // 2):
            regs[TEXT_BASE + i] = int.from_bytes(raw[2 * i : 2 * i + 2], "big")
